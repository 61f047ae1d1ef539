"""Median time of ``write_docx`` for one full report, beside a bare ``Document().save()``.

Run: ``.venv/bin/python bench/bench_compile.py [--runs N] [--report FILE.json]``.
Target (issue 4): ≤ 60 ms median per compile. The ratio to python-docx's own
minimum (open the default template, save it) makes the figure comparable
across machines.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import sample_report
from docx import Document

from compiler.model import Report
from compiler.render import load_style, write_docx


def median_ms(fn: Callable[[int], object], runs: int) -> float:
    fn(-1)  # warm-up (imports, caches)
    times = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--report", type=Path, help="report JSON (default: a generated full report)")
    args = parser.parse_args()
    report = Report.load(args.report) if args.report else sample_report()
    style = load_style()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        baseline = median_ms(lambda i: Document().save(str(out / f"bare{i}.docx")), args.runs)
        compile_ms = median_ms(lambda i: write_docx(report, out / f"report{i}.docx", style), args.runs)
        size = (out / "report0.docx").stat().st_size
    print(f"bare Document().save():   {baseline:7.1f} ms median ({args.runs} runs)")
    print(f"write_docx (one report):  {compile_ms:7.1f} ms median ({args.runs} runs), {size / 1024:.0f} KiB")
    print(f"ratio write_docx / bare:  {compile_ms / baseline:7.2f}×   (target: ≤ 60 ms)")


if __name__ == "__main__":
    main()
