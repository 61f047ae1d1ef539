"""Faults injected into batch worker processes by the tests (never shipped in the package).

``FaultyWork(crash=…, hang=…, hog=…)`` wraps the worker's ``process``: a task
whose input path contains ``crash`` kills its worker, ``hang`` never returns,
``hog`` allocates until the memory limit stops it. It is a picklable object
(workers start from a forkserver that does not see the test's environment), passed
to the batch with ``monkeypatch.setattr(compiler.batch.runner, "default_work", …)``
or ``run_batch(..., work=FaultyWork(...))``.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

from compiler.batch.worker import process


@dataclass(frozen=True)
class FaultyWork:
    crash: str | None = None
    hang: str | None = None
    hog: str | None = None

    def __call__(self, task: Any, config: Any) -> dict[str, Any]:
        rel = str(task.get("rel", ""))
        if self.crash and self.crash in rel:
            os._exit(70)
        if self.hang and self.hang in rel:
            while True:
                time.sleep(60)
        if self.hog and self.hog in rel:
            hog = [bytearray(64 * 1024 * 1024) for _ in range(1024)]  # 64 GB: hits RLIMIT_AS long before
            del hog
        return process(task, config)


def inject(monkeypatch: Any, **faults: str) -> None:
    """Make every batch the test runs use ``FaultyWork(**faults)`` in its workers."""
    import compiler.batch.runner

    monkeypatch.setattr(compiler.batch.runner, "default_work", lambda: FaultyWork(**faults))
