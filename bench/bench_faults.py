"""Bounded time and memory on the adversarial inputs of issue 14 (each command in a fresh process).

Run: ``.venv/bin/python bench/bench_faults.py``. For each input the wall time
and the peak resident memory of the ``nianbao`` process (``/usr/bin/time``)
are printed with the exit code: every one must end quickly, in bounded memory,
with its documented exit code — never hang (a FIFO, a link to ``/dev/zero``),
never read a 101 MB JSON whole, never convert 5,000 digits.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from synth import consistent_report

from compiler.template.writer import write_template

MB = 1024 * 1024
LIMIT_S = 120


def _inputs(d: Path) -> list[tuple[str, list[str]]]:
    import random

    report = consistent_report(random.Random(1))
    report.agency, report.year = "某" * 60 + "局", 2024
    write_template(d / "ok.xlsx", report)
    os.mkfifo(d / "fifo.xlsx")
    os.mkfifo(d / "fifo.json")
    (d / "zero.xlsx").symlink_to("/dev/zero")
    (d / "zero.json").symlink_to("/dev/zero")
    (d / "loop.xlsx").symlink_to("loop.xlsx")
    with (d / "huge.json").open("wb") as fh:
        fh.truncate(101 * MB)
    doc = json.loads(report.dumps())
    doc["tables"]["t2"][0][0] = "__D__"
    (d / "digits.json").write_text(json.dumps(doc).replace('"__D__"', "9" * 5000), encoding="utf-8")
    doc["tables"]["t2"][0][0] = 1
    doc["narrative"]["s5"] = "长" * 10_000_000
    (d / "long.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    batch_in = d / "in"
    batch_in.mkdir()
    write_template(batch_in / "a.xlsx", report)
    os.mkfifo(batch_in / "fifo.xlsx")
    (batch_in / "zero.xlsx").symlink_to("/dev/zero")
    return [
        ("check FIFO .xlsx", ["check", "fifo.xlsx"]),
        ("check FIFO .json", ["check", "fifo.json"]),
        ("audit FIFO .json", ["audit", "fifo.json"]),
        ("check /dev/zero link .xlsx", ["check", "zero.xlsx"]),
        ("import /dev/zero link .json", ["import", "zero.json"]),
        ("check symlink loop", ["check", "loop.xlsx"]),
        ("check 101 MB sparse .json", ["check", "huge.json"]),
        ("check JSON with a 5000-digit figure", ["check", "digits.json"]),
        ("import 10 M-char section -o x.xlsx (refused)", ["import", "long.json", "-o", "long.xlsx"]),
        ("check --annotate 10 M-char section", ["check", "long.json", "--annotate", "ann"]),
        ("compile 61-char agency", ["compile", "ok.xlsx", "-o", "out/"]),
        ("batch with FIFO + /dev/zero link", ["batch", "in", "-o", "bout", "--timeout", "30", "--jobs", "1"]),
    ]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-faults-") as tmp:
        d = Path(tmp)
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        print(f"{'input':48} {'exit':>4} {'wall s':>7} {'peak MB':>8}")
        for label, args in _inputs(d):
            stats = d / "time.txt"
            started = time.perf_counter()
            proc = subprocess.run(
                ["/usr/bin/time", "-f", "%M", "-o", str(stats), sys.executable, "-m", "compiler.cli", *args],
                cwd=d,
                env=env,
                capture_output=True,
                timeout=LIMIT_S,
            )
            wall = time.perf_counter() - started
            peak_kb = int(stats.read_text().strip().splitlines()[-1])
            print(f"{label:48} {proc.returncode:>4} {wall:>7.2f} {peak_kb / 1024:>8.0f}")


if __name__ == "__main__":
    main()
