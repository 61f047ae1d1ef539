"""SIGTERM handling for a batch: stop like Ctrl-C, so a ``kill`` keeps every finished file.

The runner installs the handler once the folders have been checked and
restores the previous one before writing the summary; an ``Interrupted``
raised from the handler unwinds through the pool (workers killed, staging
folder removed) to the runner's "已中断" message and exit code 130.
"""

from __future__ import annotations

import contextlib
import signal
from typing import Any


class Interrupted(Exception):
    """Raised by the SIGTERM handler; the runner treats it as Ctrl-C."""


def install_sigterm() -> Any:
    """SIGTERM stops the batch like Ctrl-C: workers killed, finished files kept, no partial output."""

    def handler(signum: int, frame: Any) -> None:
        raise Interrupted

    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        return None


def restore_signals(previous: Any) -> None:
    """Put back the handler ``install_sigterm`` replaced (``None``: it installed nothing)."""
    if previous is not None:
        with contextlib.suppress(ValueError):
            signal.signal(signal.SIGTERM, previous)
