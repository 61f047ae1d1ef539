"""Median time of ``write_docx`` and of the whole compile use case, beside a bare ``Document().save()``.

Run: ``.venv/bin/python bench/bench_compile.py [--runs N] [--report FILE.json]``.
Targets: ≤ 60 ms median per ``write_docx`` (issue 4); the compile use case in-process
(``compiler.commands.compile.compile_report``: read the report JSON, check it,
write the Word file) ≤ 1.3× the bare save (issue 10). The ratio to python-docx's
own minimum (open the default template, save it) makes the figure comparable
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

from compiler.commands.compile import compile_report
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
        source = out / "report.json"
        source.write_text(report.dumps(), encoding="utf-8")
        use_case_ms = median_ms(lambda i: compile_report(source, output=out / f"case{i}.docx", force=True), args.runs)
    print(f"bare Document().save():   {baseline:7.1f} ms median ({args.runs} runs)")
    print(f"write_docx (one report):  {compile_ms:7.1f} ms median ({args.runs} runs), {size / 1024:.0f} KiB")
    print(f"ratio write_docx / bare:  {compile_ms / baseline:7.2f}×   (target: ≤ 60 ms)")
    print(f"compile_report (in-process: read, check, write): {use_case_ms:7.1f} ms median")
    print(f"ratio compile_report / bare: {use_case_ms / baseline:7.2f}×   (target: ≤ 1.3×)")


if __name__ == "__main__":
    main()
