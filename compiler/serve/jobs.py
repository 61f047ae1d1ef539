"""Run one task in ``compiler.batch.pool`` — the same supervised workers as ``batch``.

Each task gets its own one-worker ``Pool``: a fresh process forked from a warm
forkserver (≈ 10 ms), with the pool's time limit and address-space limit, and
killed when the task ends — so a hostile upload can stall or crash only its
own worker, never the server, and no state leaks from one agency's file to the
next. A ``CapacityLimiter`` holds the number of workers at once to ``jobs``;
requests beyond it wait their turn.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

import anyio
import anyio.to_thread

from ..batch import pool as pool_mod
from ..batch.pool_errors import pool_error_code, pool_error_message

WORKER_MODULE = "compiler.serve.worker"
if WORKER_MODULE not in pool_mod.PRELOAD:  # before any pool exists: the forkserver imports it once, warm
    pool_mod.PRELOAD.append(WORKER_MODULE)

#: Seconds a check may take; compiling may take longer (a PDF goes through LibreOffice).
CHECK_TIMEOUT = 60.0
COMPILE_TIMEOUT = 180.0


class JobFailed(Exception):
    """The pool gave up on a task (time limit, memory limit, crash); the message is Chinese."""

    def __init__(self, message: str, code: str = "INTERNAL_ERROR") -> None:
        super().__init__(message)
        self.code = code


def _test_hooks() -> dict[str, str]:
    """Fault hooks for the tests (as ``batch`` has): an upload whose name holds the value crashes or hangs."""
    hooks = {k: os.environ.get(f"NIANBAO_TEST_{k.upper()}") for k in ("crash", "hang")}
    return {k: v for k, v in hooks.items() if v}


def _run_one(task: dict[str, Any], timeout: float) -> dict[str, Any]:
    from .worker import process

    task = {"id": 0, **task}
    with pool_mod.Pool(process, {"hooks": _test_hooks()}, jobs=1, timeout=timeout) as pool:
        for result in pool.run([task]):
            return result
    return {"pool_error": "start", "detail": "无法启动处理进程"}


class Jobs:
    """The server's gate to the worker pool: at most ``jobs`` tasks at once."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self._limiter: anyio.CapacityLimiter | None = None

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        if self._limiter is None:  # created inside the running event loop
            self._limiter = anyio.CapacityLimiter(self.jobs)
        return self._limiter

    async def warm(self) -> None:
        """Start the forkserver now (it imports and warms the worker module), not on the first upload."""
        with contextlib.suppress(JobFailed):
            await self.run({"kind": "ping"})

    async def run(self, task: dict[str, Any], timeout: float = CHECK_TIMEOUT) -> dict[str, Any]:
        """The worker's result dict; raises ``JobFailed`` when the pool had to give up on it."""
        result = await anyio.to_thread.run_sync(_run_one, task, timeout, limiter=self.limiter)
        if "pool_error" in result:
            raise JobFailed(pool_error_message(result, timeout, audience="web"), pool_error_code(result["pool_error"]))
        return result
