"""Median time of importing one published report (``compiler.imports``).

Run: ``.venv/bin/python bench/bench_import.py [--runs N]``.
Target (issue 6): ≤ 50 ms per report. Measured on the seed (plain text, one
cell per line), on a page written by our HTML writer and the same page saved
as GBK, and on a Word file written by our Word writer — each with every
figure filled and a realistic amount of text. Wall-clock and CPU medians are
both printed: the machine is shared, CPU time is less disturbed by others.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import medians, sample_report

from compiler.imports import parse_file, parse_html
from compiler.imports.normalize import norm, read_cell
from compiler.render.docx import write_docx
from compiler.render.html import render_html

SEED = Path(__file__).resolve().parent.parent / "samples" / "published" / "quzhou-jgsw-2022.txt"


def _clear_caches() -> None:
    """Label normalisation is cached; each run starts cold, as one import in a new process does."""
    norm.cache_clear()
    read_cell.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    report = sample_report()
    page = render_html(report)
    gbk = page.replace('charset="utf-8"', 'charset="gbk"').encode("gbk", errors="replace")
    with tempfile.TemporaryDirectory() as tmp:
        html_path = Path(tmp) / "report.html"
        html_path.write_text(page, encoding="utf-8")
        docx_path = write_docx(report, Path(tmp) / "report.docx")
        cases: list[tuple[str, Callable[[], object]]] = [
            (f"seed txt ({SEED.stat().st_size // 1024} KB)", lambda: parse_file(SEED)),
            (f"our HTML page ({len(page.encode()) // 1024} KB)", lambda: parse_file(html_path)),
            ("our HTML page as GBK bytes", lambda: parse_html(gbk)),
            (f"our Word file ({docx_path.stat().st_size // 1024} KB)", lambda: parse_file(docx_path)),
        ]
        start = time.perf_counter()
        parse_file(SEED)
        first = (time.perf_counter() - start) * 1000
        print(f"import of one report, median of {args.runs} runs (target ≤ 50 ms)")
        print(f"  first import in this process (label index built): {first:.1f} ms")
        for name, fn in cases:
            wall, cpu = medians(fn, args.runs, before=_clear_caches)
            print(f"  {name:<34} wall {wall:6.1f} ms   cpu {cpu:6.1f} ms")


if __name__ == "__main__":
    main()
