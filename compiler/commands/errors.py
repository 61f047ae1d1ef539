"""The one small exception hierarchy of the use cases: a Chinese message and the exit code it means.

A front-end catches ``CommandError``: the CLI prints ``message`` and exits with
``exit_code``; the web front-end shows the message. Problems inside a user's
file are never exceptions: they are findings in the result.
"""

from __future__ import annotations

from ..exitcodes import EXIT_UNUSABLE


class CommandError(Exception):
    """A use case could not run; ``message`` is Chinese, for the clerk."""

    exit_code = EXIT_UNUSABLE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(CommandError):
    """Options that cannot be used (unknown format, a file where a folder belongs, output = input…)."""


class InputError(CommandError):
    """An input (or last year's report) cannot be read at all."""


class OutputError(CommandError):
    """An output cannot be written (read-only folder, full disk…)."""


__all__ = ["CommandError", "InputError", "OutputError", "UsageError"]
