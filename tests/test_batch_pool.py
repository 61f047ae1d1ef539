"""The supervised pool: every task gets a result, whatever its worker does."""

from __future__ import annotations

import os
import time

import pytest

from compiler.batch.pool import Pool, describe_exit


def echo(task, config):
    """Fake worker: doubles ``n``; misbehaves on demand."""
    what = task.get("do")
    if what == "crash":
        os._exit(3)
    if what == "segv":
        import ctypes

        ctypes.string_at(0)
    if what == "hang":
        time.sleep(3600)
    if what == "hog":
        keep = [bytearray(16 * 1024 * 1024) for _ in range(200)]  # 3.2 GB
        del keep
    if what == "raise":
        raise ValueError("boom")
    return {"n": task["n"] * 2 + config.get("add", 0), "pid": os.getpid()}


def _run(tasks, **kw):
    with Pool(echo, kw.pop("config", {}), **kw) as pool:
        results = {r["id"]: r for r in pool.run(tasks)}
        return results, pool.stats


def test_all_tasks_done_across_workers():
    tasks = [{"id": i, "n": i} for i in range(40)]
    results, stats = _run(tasks, jobs=2, config={"add": 1})
    assert sorted(results) == list(range(40))
    assert all(results[i]["n"] == 2 * i + 1 for i in range(40))
    assert stats.spawned == 2
    assert stats.peak_rss_sum_kb > 0


@pytest.mark.parametrize("fault", ["crash", "segv"])
def test_crash_fails_one_task_only(fault):
    tasks = [{"id": i, "n": i} for i in range(12)]
    tasks[5]["do"] = fault
    results, stats = _run(tasks, jobs=2)
    assert sorted(results) == list(range(12))
    assert results[5]["pool_error"] == "crash"
    assert ("SIGSEGV" in results[5]["detail"]) == (fault == "segv")
    assert all(results[i]["n"] == 2 * i for i in range(12) if i != 5)
    assert stats.crashed == 1


@pytest.mark.slow
def test_every_task_crashing_still_ends():
    tasks = [{"id": i, "n": i, "do": "crash"} for i in range(6)]
    results, _ = _run(tasks, jobs=2)
    assert all(r["pool_error"] == "crash" for r in results.values()) and len(results) == 6


@pytest.mark.slow
def test_hanging_task_is_stopped():
    tasks = [{"id": i, "n": i} for i in range(6)]
    tasks[2]["do"] = "hang"
    start = time.monotonic()
    results, stats = _run(tasks, jobs=2, timeout=1.5)
    assert results[2]["pool_error"] == "timeout"
    assert all(results[i]["n"] == 2 * i for i in range(6) if i != 2)
    assert stats.timed_out == 1
    assert time.monotonic() - start < 60  # sanity only: it did not wait for the sleep


def test_memory_limit_and_exceptions():
    tasks = [{"id": 0, "n": 0, "do": "hog"}, {"id": 1, "n": 1, "do": "raise"}, {"id": 2, "n": 2}]
    results, _ = _run(tasks, jobs=1, memory_mb=512)
    assert results[0]["pool_error"] in ("memory", "crash")
    assert results[1]["pool_error"] == "exception" and "boom" in results[1]["detail"]
    assert results[2]["n"] == 4


def test_describe_exit():
    assert "SIGSEGV" in describe_exit(-11)
    assert "3" in describe_exit(3)


def test_workers_that_cannot_start_fail_tasks_not_the_run(tmp_path, monkeypatch):
    """A worker function the child cannot import: every task gets a 'start' failure, nothing hangs."""
    import importlib
    import shutil

    (tmp_path / "vanishing_worker.py").write_text("def work(task, config):\n    return {}\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("vanishing_worker")
    (tmp_path / "vanishing_worker.py").unlink()
    shutil.rmtree(tmp_path / "__pycache__", ignore_errors=True)
    with Pool(module.work, jobs=2) as pool:
        results = list(pool.run([{"id": i} for i in range(5)]))
    assert sorted(r["id"] for r in results) == list(range(5))
    assert all(r["pool_error"] == "start" for r in results)
