"""Benchmark ``nianbao batch``: N filled sheets → .docx, wall time, sheets/s and peak memory.

    python bench/bench_batch.py [N ...] [--jobs J] [--work DIR] [--format docx]

Default sizes 100, 1000 and 5000. Sheets are generated once per size with
``bench/make_sheets.py`` (kept under ``--work`` and reused); each run starts
from an empty output folder. The batch runs as a subprocess, exactly as a
clerk would run it. Memory:

- ``peak total RSS``: the largest sum of resident memory over the batch's
  whole process tree (parent, forkserver, workers), sampled every 50 ms from
  ``/proc`` (Linux; psutil is not needed);
- ``max process RSS``: ``getrusage(RUSAGE_CHILDREN).ru_maxrss``, the largest
  single process;
- ``Σ worker peaks``: each worker's own peak RSS as it reported it, summed.

``CPU ms/sheet`` is the workers' CPU time per sheet (independent of other
load on the machine); ``load`` is the 1-minute load average when the run
started — on a shared machine, wall time is only meaningful next to it.

Target (issue 5): 1,000 sheets in ≤ 40 s on 2 cores, ≤ 500 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_sheets import make_sheets

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4


def _tree_rss_kb(root: int) -> int:
    """Resident memory of ``root`` and all its descendants (Linux /proc), in KB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{entry}/statm", "rb") as fh:
                pages = int(fh.read().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        pid, ppid = int(entry), int(stat[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = pages * PAGE_KB
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total


class _Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, threading.Event()

    def run(self) -> None:
        if not os.path.isdir("/proc"):
            return
        while not self.stop.is_set():
            self.peak = max(self.peak, _tree_rss_kb(self.pid))
            self.stop.wait(0.05)


def bench(n: int, work: Path, jobs: int | None, formats: str) -> dict:
    sheets = work / f"sheets-{n}"
    if not sheets.is_dir() or len(list(sheets.glob("*.xlsx"))) != n:
        shutil.rmtree(sheets, ignore_errors=True)
        start = time.perf_counter()
        make_sheets(n, sheets)
        print(f"  generated {n} sheets in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    out = work / f"out-{n}"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "compiler.cli", "batch", str(sheets), "-o", str(out), "--quiet", "--json"]
    cmd += ["--format", formats]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    sampler = _Sampler(proc.pid)
    sampler.start()
    stdout, _ = proc.communicate()
    wall = time.perf_counter() - start
    sampler.stop.set()
    sampler.join()
    doc = json.loads(stdout)
    compiled = sum(1 for f in doc["files"] if f["outputs"])
    return {
        "n": n,
        "load": round(load, 1),
        "exit": proc.returncode,
        "compiled": compiled,
        "wall_s": round(wall, 2),
        "sheets_per_s": round(n / wall, 1),
        "peak_total_rss_mb": round(sampler.peak / 1024, 1),
        "max_process_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "sum_worker_peaks_mb": round(doc["workers"]["peak_rss_sum_kb"] / 1024, 1),
        "workers": doc["workers"]["spawned"],
        "worker_cpu_ms_per_sheet": round(doc["workers"]["cpu_s"] * 1000 / max(1, n), 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[100, 1000, 5000])
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--work", type=Path, default=Path("/tmp/nianbao-bench"))
    ap.add_argument("--format", default="docx")
    a = ap.parse_args(argv)
    a.work.mkdir(parents=True, exist_ok=True)
    print(f"cores: {os.cpu_count()}, jobs: {a.jobs or os.cpu_count()}, format: {a.format}")
    header = (
        f"{'N':>6} {'wall s':>8} {'sheets/s':>9} {'peak total MB':>14} {'max proc MB':>12} {'Σ workers MB':>13}"
        f" {'CPU ms/sheet':>13} {'load':>5}"
    )
    print(header)
    for n in a.sizes:
        r = bench(n, a.work, a.jobs, a.format)
        ok = "" if r["exit"] == 0 and r["compiled"] == n else f"  (exit {r['exit']}, compiled {r['compiled']})"
        print(
            f"{r['n']:>6} {r['wall_s']:>8} {r['sheets_per_s']:>9} {r['peak_total_rss_mb']:>14}"
            f" {r['max_process_rss_mb']:>12} {r['sum_worker_peaks_mb']:>13} {r['worker_cpu_ms_per_sheet']:>13}"
            f" {r['load']:>5}{ok}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
