"""Load test of ``nianbao serve`` on loopback: N agencies upload their filled sheet within a window.

    python bench/bench_serve.py [--agencies 200] [--window 60] [--sequential 30] [--work DIR]

A real server (``nianbao serve run``, one process, default ``--jobs`` = cores)
on 127.0.0.1 and a fresh round of N agencies. Phase 1 (latency): one agency
uploads ``--sequential`` sheets one after another on the idle server — the
time from sending the file to having its findings. Phase 2 (load): every
agency uploads its own sheet once, at a random moment within ``--window``
seconds (at most 64 in flight), and the script checks that every upload was
acknowledged (HTTP 200 with an id) and stored (a record per upload, a file per
distinct sheet). Bounded: N requests plus the sequential ones, and a hard
stop after ``window + 120`` seconds. Nothing leaves the machine.

Targets (issue 15): 200 agencies within a minute on 2 cores, every upload
acknowledged and stored, p95 ≤ 2 s; upload → findings ≤ 300 ms median.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import csv
import io
import json
import os
import random
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from make_sheets import make_report, make_sheets

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2025


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, data: bytes, name: str) -> tuple[float, int, dict]:
    boundary = "nianbao-bench"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n\r\n'.encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    req = urllib.request.Request(
        url,
        data=body,
        headers={"content-type": f"multipart/form-data; boundary={boundary}", "accept": "application/json"},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            doc = json.loads(resp.read())
            return time.perf_counter() - started, resp.status, doc
    except urllib.error.HTTPError as exc:
        return time.perf_counter() - started, exc.code, {}
    except OSError:
        return time.perf_counter() - started, 0, {}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agencies", type=int, default=200)
    ap.add_argument("--window", type=float, default=60.0)
    ap.add_argument("--sequential", type=int, default=30)
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    if not 1 <= a.agencies <= 1000 or not 1 <= a.window <= 600:
        ap.error("--agencies 1..1000, --window 1..600")
    work = a.work or Path(tempfile.mkdtemp(prefix="bench-serve-"))
    sheets_dir = work / "sheets"
    sheets = make_sheets(a.agencies, sheets_dir, seed=a.seed, year=YEAR)
    names = [make_report(i, a.seed, YEAR).agency for i in range(a.agencies)]
    roster = work / "名单.csv"
    roster.write_text("单位名称\n" + "\n".join(names) + "\n", encoding="utf-8")
    root = work / "round"
    if root.exists():
        import shutil

        shutil.rmtree(root)
    started = time.perf_counter()
    cli = [sys.executable, "-m", "compiler.cli", "serve"]
    subprocess.run(
        [*cli, "init", str(root), "--roster", str(roster), "--year", str(YEAR)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    print(f"round of {a.agencies} agencies created in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    with (root / "links.csv").open(encoding="utf-8-sig") as fh:
        links = {r["单位名称"]: r["链接"] for r in csv.DictReader(fh)}

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (work / "server.log").open("wb")
    server = subprocess.Popen(
        [*cli, "run", str(root), "--port", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    hard_stop = time.monotonic() + a.window + 120
    try:
        for _ in range(150):
            with contextlib.suppress(OSError), urllib.request.urlopen(base + "/healthz", timeout=2):
                break
            time.sleep(0.2)
        load = os.getloadavg()[0]

        # Phase 1: upload → findings on the idle server.
        first = names[0]
        data = sheets[0].read_bytes()
        seq = []
        for _ in range(a.sequential):
            elapsed, status, doc = post(base + links[first] + "/upload", data, sheets[0].name)
            assert status == 200 and doc.get("id"), (status, doc)
            seq.append(elapsed)

        # Phase 2: every agency uploads once at a random moment in the window.
        rng = random.Random(a.seed)
        plan = sorted((rng.uniform(0, a.window), i) for i in range(a.agencies))
        results: list[tuple[float, int, dict]] = []
        t0 = time.perf_counter()
        cpu0 = _server_cpu(server.pid)
        with concurrent.futures.ThreadPoolExecutor(64) as ex:
            futures = []
            for at, i in plan:
                delay = at - (time.perf_counter() - t0)
                if delay > 0:
                    time.sleep(delay)
                if time.monotonic() > hard_stop:
                    break
                url = base + links[names[i]] + "/upload"
                futures.append(ex.submit(post, url, sheets[i].read_bytes(), sheets[i].name))
            for f in futures:
                results.append(f.result())
        wall = time.perf_counter() - t0
        cpu = _server_cpu(server.pid) - cpu0
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()

    lat = [r[0] for r in results]
    acked = [r for r in results if r[1] == 200 and r[2].get("id")]
    statuses = {}
    for r in acked:
        statuses[r[2]["status"]] = statuses.get(r[2]["status"], 0) + 1
    with sqlite3.connect(root / "round.sqlite") as db:
        records = db.execute("SELECT COUNT(*), COUNT(DISTINCT agency_id) FROM uploads").fetchone()
        ids = {row[0] for row in db.execute("SELECT id FROM uploads")}
    stored = len([p for p in (root / "files").rglob("*.xlsx")])
    all_stored = all(r[2]["id"] in ids for r in acked)
    summary = {
        "agencies": a.agencies,
        "window_s": a.window,
        "load_at_start": round(load, 2),
        "sequential_uploads": a.sequential,
        "upload_to_findings_median_ms": round(statistics.median(seq) * 1000, 1),
        "upload_to_findings_p95_ms": round(pct(seq, 95) * 1000, 1),
        "load_uploads_sent": len(results),
        "load_acknowledged": len(acked),
        "load_statuses": statuses,
        "load_p50_ms": round(statistics.median(lat) * 1000, 1),
        "load_p95_ms": round(pct(lat, 95) * 1000, 1),
        "load_max_ms": round(max(lat) * 1000, 1),
        "load_wall_s": round(wall, 1),
        "server_cpu_s_during_load": round(cpu, 1),
        "records_in_database": records[0],
        "agencies_with_an_upload": records[1],
        "distinct_files_stored": stored,
        "every_acknowledged_upload_recorded": all_stored,
    }
    out = io.StringIO()
    json.dump(summary, out, ensure_ascii=False, indent=2)
    print(out.getvalue())
    ok = (
        len(acked) == a.agencies
        and all_stored
        and records[0] == a.agencies + a.sequential
        and summary["load_p95_ms"] <= 2000
        and summary["upload_to_findings_median_ms"] <= 300
    )
    print("targets met" if ok else "TARGETS MISSED", file=sys.stderr)
    return 0 if ok else 1


def _server_cpu(pid: int) -> float:
    """CPU seconds of the server and all its descendants (workers, forkserver), from /proc."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ppid = int(fields[1])
        if int(entry.name) == pid or _descends(int(entry.name), ppid, pid):
            total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / tick
    return total


def _descends(child: int, parent: int, ancestor: int) -> bool:
    seen = 0
    while parent > 1 and seen < 10:
        if parent == ancestor:
            return True
        try:
            parent = int((Path("/proc") / str(parent) / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            return False
        seen += 1
    return False


if __name__ == "__main__":
    sys.exit(main())
