"""Run one function over many tasks in supervised worker processes.

Why not ``ProcessPoolExecutor``: when a worker dies it breaks the whole pool
and cannot tell which task killed it, and it cannot stop one task that hangs.
Here every worker has its own pipe, so the supervisor always knows which task
each worker is running:

- a worker that dies (segfault, ``os._exit``, the kernel's OOM killer) turns
  its current task into a failed result; its queued tasks go back to the
  queue and a fresh worker takes over;
- a task running longer than ``timeout`` seconds gets its worker killed
  (SIGKILL) and is reported the same way;
- each worker runs with an address-space limit (``RLIMIT_AS``, default
  1.5 GB, ``NIANBAO_BATCH_MEMORY_MB``): a file that needs more gets a
  ``MemoryError`` (or dies) instead of taking the machine down.

Workers are forked from a *forkserver* that has imported the heavy libraries
once (openpyxl, python-docx…), so starting or replacing a worker costs
milliseconds; tasks are small dicts holding paths, never file contents, and
each worker keeps ``depth`` tasks queued so it never waits for the supervisor.
Workers die with their parent (``PR_SET_PDEATHSIG``), so a killed batch leaves
no process behind.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

try:  # POSIX only
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

#: Default address-space limit per worker, in MB (``NIANBAO_BATCH_MEMORY_MB`` overrides, 0 disables).
DEFAULT_MEMORY_MB = 1536
#: Seconds a new worker may take to start (import and say it is ready) before it is replaced.
START_TIMEOUT = 60.0
#: Modules the forkserver imports once so that every worker starts warm.
PRELOAD = ["compiler.batch.worker"]

#: A task: a mapping with a unique ``id`` (the batch's are ``tasks.ReportTask``/``PreviousTask``).
Task = Mapping[str, Any]
Result = dict[str, Any]
#: The work function, called as ``func(task, config)`` in a worker; ``config`` is any picklable object.
WorkFn = Callable[..., Result]

_ctx: Any = None


def _context() -> Any:
    """The forkserver context where available (Linux, macOS), else spawn."""
    global _ctx
    if _ctx is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            _ctx = multiprocessing.get_context("forkserver")
            _ctx.set_forkserver_preload(PRELOAD)
        else:  # pragma: no cover - Windows
            _ctx = multiprocessing.get_context("spawn")
    return _ctx


def memory_limit_mb() -> int:
    """The per-worker address-space limit in MB (0 = none)."""
    raw = os.environ.get("NIANBAO_BATCH_MEMORY_MB", "")
    try:
        return max(0, int(raw)) if raw.strip() else DEFAULT_MEMORY_MB
    except ValueError:
        return DEFAULT_MEMORY_MB


# ---------------------------------------------------------------------- worker side
def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when its parent (the forkserver) goes away."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover
        return


def _watch_parent(parent: int) -> None:
    """Fallback for platforms without PDEATHSIG: exit when reparented."""

    def loop() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=loop, daemon=True).start()


def set_memory_limit(mb: int) -> None:
    """Lower the soft address-space limit; the hard limit stays so LibreOffice may raise it."""
    if resource is None or mb <= 0:
        return
    limit = mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


@contextlib.contextmanager
def memory_limit_lifted() -> Iterator[None]:
    """Raise the soft limit to the hard one for a child program (soffice maps a lot of address space)."""
    if resource is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    try:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
        yield
    finally:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _peak_rss_kb() -> int:
    if resource is None:  # pragma: no cover
        return 0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss


def _cpu_seconds() -> float:
    if resource is None:  # pragma: no cover
        return time.process_time()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _worker_main(conn: Any, func: WorkFn, config: Any, memory_mb: int) -> None:
    """Loop: receive a task, run ``func(task, config)``, send the result dict back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the supervisor's business
    with contextlib.suppress(OSError, AttributeError):
        os.setpgrp()  # own process group: a timeout kills the worker and any program it started
    parent = os.getppid()
    _die_with_parent()
    if os.getppid() != parent:  # pragma: no cover - parent died before prctl
        os._exit(0)
    if not sys.platform.startswith("linux"):  # pragma: no cover
        _watch_parent(parent)
    set_memory_limit(memory_mb)
    try:
        conn.send({"ready": os.getpid()})
    except OSError:
        return
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        restart = False
        try:
            result = func(task, config)
        except MemoryError:
            result = {"pool_error": "memory"}
            restart = True  # a heap that hit the limit is not worth keeping
        except Exception as exc:
            result = {"pool_error": "exception", "detail": f"{type(exc).__name__}: {exc}"[:500]}
        result["id"] = task["id"]
        result["worker_exit"] = restart
        result["worker_rss_kb"] = _peak_rss_kb()
        result["worker_cpu_s"] = _cpu_seconds()
        result["worker_pid"] = os.getpid()
        try:
            conn.send(result)
        except (OSError, EOFError):
            return
        except Exception as exc:  # an unpicklable result: still say which task it was
            conn.send({"id": task["id"], "pool_error": "exception", "detail": f"结果无法传回：{exc}"[:500]})
        if restart:
            return


# ---------------------------------------------------------------------- supervisor side
@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start a worker without re-running the parent's ``__main__`` in it.

    multiprocessing re-imports ``__main__`` in every child (by file or module
    name); workers never need it, it costs time, and it fails outright when
    the parent runs from ``python -`` or an embedding program.
    """
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = {name: getattr(main, name) for name in ("__file__", "__spec__") if hasattr(main, name)}
    try:
        if "__file__" in saved:
            del main.__file__
        main.__spec__ = None
        yield
    finally:
        for name, value in saved.items():
            setattr(main, name, value)
        if "__spec__" not in saved:
            with contextlib.suppress(AttributeError):
                del main.__spec__


@dataclass(eq=False)
class _Worker:
    proc: Any
    conn: Any
    ready: bool = False
    #: The worker said it exits after its last result: tasks it still holds are not its fault.
    retiring: bool = False
    queue: deque[Task] = field(default_factory=deque)
    #: When the task at the head of ``queue`` must be finished.
    deadline: float | None = None
    started: float = field(default_factory=time.monotonic)


@dataclass
class PoolStats:
    spawned: int = 0
    crashed: int = 0
    timed_out: int = 0
    #: Peak RSS (KB) seen for each worker process, by pid.
    worker_rss_kb: dict[int, int] = field(default_factory=dict)
    #: CPU seconds used by each worker process (as of its last result), by pid.
    worker_cpu_s: dict[int, float] = field(default_factory=dict)

    @property
    def cpu_s(self) -> float:
        return sum(self.worker_cpu_s.values())

    @property
    def peak_rss_sum_kb(self) -> int:
        return sum(self.worker_rss_kb.values())


class Pool:
    """A supervised pool; ``run(tasks)`` yields one result dict per task, in completion order.

    A task is a dict with a unique ``id``. A result from the function carries
    the same ``id``; a task the pool had to give up on yields
    ``{"id", "pool_error": "crash"|"timeout"|"memory"|"exception"|"start", "detail"}``.
    """

    def __init__(
        self,
        func: WorkFn,
        config: Any = None,
        *,
        jobs: int | None = None,
        timeout: float | None = None,
        memory_mb: int | None = None,
        depth: int = 2,
    ) -> None:
        self.func = func
        self.config = {} if config is None else config
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.timeout = timeout if timeout and timeout > 0 else None
        self.memory_mb = memory_limit_mb() if memory_mb is None else memory_mb
        self.depth = max(1, depth)
        self.stats = PoolStats()
        self._workers: list[_Worker] = []
        self._start_failures = 0

    # -------------------------------------------------------------- workers
    def _spawn(self) -> _Worker:
        ctx = _context()
        parent_conn, child_conn = ctx.Pipe(duplex=True)
        proc = ctx.Process(
            target=_worker_main,
            args=(child_conn, self.func, self.config, self.memory_mb),
            name="nianbao-batch-worker",
            daemon=True,
        )
        with _main_module_hidden():
            proc.start()
        child_conn.close()
        self.stats.spawned += 1
        worker = _Worker(proc, parent_conn)
        self._workers.append(worker)
        return worker

    def _discard(self, worker: _Worker, *, kill: bool) -> None:
        if kill:
            pid = worker.proc.pid
            with contextlib.suppress(OSError, AttributeError):
                # Only while not yet reaped: the pid cannot have been reused.
                if pid and worker.proc.exitcode is None and os.getpgid(pid) == pid:
                    os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(OSError, AttributeError, ValueError):
                worker.proc.kill()
        with contextlib.suppress(OSError):
            worker.conn.close()
        worker.proc.join(timeout=5)
        with contextlib.suppress(ValueError, AttributeError):
            worker.proc.close()
        self._workers.remove(worker)

    def close(self) -> None:
        """Stop every worker now (used on Ctrl-C and at the end)."""
        for worker in list(self._workers):
            with contextlib.suppress(OSError, ValueError):
                if not worker.queue and worker.ready:
                    worker.conn.send(None)
            self._discard(worker, kill=bool(worker.queue) or not worker.ready)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -------------------------------------------------------------- run
    def run(self, tasks: Iterable[Task]) -> Iterator[Result]:
        pending: deque[Task] = deque(tasks)
        total_left = len(pending)
        try:
            while total_left:
                self._top_up(pending)
                if not self._workers:  # could not start any worker: give up on the rest
                    while pending:
                        task = pending.popleft()
                        total_left -= 1
                        yield {"id": task["id"], "pool_error": "start", "detail": "无法启动处理进程"}
                    break
                for result in self._wait(pending):
                    total_left -= 1
                    yield result
        finally:
            self.close()

    def _top_up(self, pending: deque[Task]) -> None:
        """Start workers as needed and keep each ready one ``depth`` tasks ahead."""
        outstanding = len(pending) + sum(len(w.queue) for w in self._workers)
        while len(self._workers) < min(self.jobs, outstanding) and self._start_failures <= 3 * self.jobs:
            self._spawn()
        now = time.monotonic()
        for worker in self._workers:
            while worker.ready and not worker.retiring and pending and len(worker.queue) < self.depth:
                task = pending.popleft()
                try:
                    worker.conn.send(task)
                except OSError:
                    pending.appendleft(task)
                    break
                if not worker.queue:
                    worker.deadline = now + self.timeout if self.timeout else None
                worker.queue.append(task)

    def _wait(self, pending: deque[Task]) -> Iterator[Result]:
        waitables: dict[Any, _Worker] = {}
        for worker in self._workers:
            waitables[worker.conn] = worker
            waitables[worker.proc.sentinel] = worker
        deadlines = [w.deadline for w in self._workers if w.deadline is not None]
        deadlines += [w.started + START_TIMEOUT for w in self._workers if not w.ready]
        wait_for = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        ready: list[Any] = multiprocessing.connection.wait(list(waitables), timeout=wait_for)
        dead: list[_Worker] = []
        for obj in ready:
            worker = waitables[obj]
            if worker in dead or worker not in self._workers:
                continue
            if obj is worker.conn:
                try:
                    while worker.conn.poll():
                        yield from self._receive(worker, worker.conn.recv())
                except (EOFError, OSError):
                    dead.append(worker)
            elif not worker.proc.is_alive():
                # Results sent just before exiting are still in the pipe.
                with contextlib.suppress(EOFError, OSError):
                    while worker.conn.poll():
                        yield from self._receive(worker, worker.conn.recv())
                dead.append(worker)
        for worker in dead:
            yield from self._buried(worker, pending)
        now = time.monotonic()
        for worker in list(self._workers):
            if not worker.ready and now >= worker.started + START_TIMEOUT:  # stuck while starting
                self._start_failures += 1
                self._discard(worker, kill=True)
                continue
            if worker.deadline is not None and now >= worker.deadline and worker.queue:
                task = worker.queue.popleft()
                self.stats.timed_out += 1
                self._requeue(worker, pending)
                self._discard(worker, kill=True)
                yield {"id": task["id"], "pool_error": "timeout", "detail": f"超过 {self.timeout:g} 秒"}

    def _receive(self, worker: _Worker, message: Result) -> Iterator[Result]:
        if "ready" in message:
            worker.ready = True
            self._start_failures = 0
            return
        if not worker.queue or worker.queue[0]["id"] != message.get("id"):  # pragma: no cover - protocol bug
            return
        worker.queue.popleft()
        worker.retiring = bool(message.pop("worker_exit", False))
        pid = message.get("worker_pid")
        if isinstance(pid, int):
            rss = int(message.get("worker_rss_kb") or 0)
            self.stats.worker_rss_kb[pid] = max(rss, self.stats.worker_rss_kb.get(pid, 0))
            self.stats.worker_cpu_s[pid] = float(message.get("worker_cpu_s") or 0.0)
        worker.deadline = time.monotonic() + self.timeout if self.timeout and worker.queue else None
        yield message

    def _buried(self, worker: _Worker, pending: deque[Task]) -> Iterator[Result]:
        """A worker died: its current task failed, the rest go back to the queue."""
        worker.proc.join(timeout=2)  # its pipe may close a moment before it is reaped
        code = worker.proc.exitcode
        if not worker.ready:
            self._start_failures += 1
        task = worker.queue.popleft() if worker.queue and not worker.retiring else None
        self._requeue(worker, pending)
        self._discard(worker, kill=True)
        if task is not None:
            self.stats.crashed += 1
            yield {"id": task["id"], "pool_error": "crash", "detail": describe_exit(code)}

    @staticmethod
    def _requeue(worker: _Worker, pending: deque[Task]) -> None:
        while worker.queue:
            pending.appendleft(worker.queue.pop())


def describe_exit(code: int | None) -> str:
    """A process exit code in words: ``-11`` → ``SIGSEGV``."""
    if code is None:
        return "处理进程异常退出"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"信号 {-code}"
        extra = "（可能是内存耗尽被系统终止）" if -code == signal.SIGKILL else ""
        return f"处理进程被 {name} 终止{extra}"
    return f"处理进程异常退出（退出码 {code}）"
