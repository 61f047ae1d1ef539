"""Median time of importing one published report (``compiler.imports``).

Run: ``.venv/bin/python bench/bench_import.py [--runs N]``.
Target (issue 6): ≤ 50 ms per report; for a 10-page PDF (issue 11) ≤ 300 ms.
Measured on the seed (plain text, one cell per line), on a page written by
our HTML writer and the same page saved as GBK, on a Word file written by
our Word writer — each with every figure filled and a realistic amount of
text — and on a 10-page PDF made from that Word file by LibreOffice (its
narrative lengthened to fill ten pages; skipped without LibreOffice). Wall-clock and CPU medians are
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
from compiler.model import Report
from compiler.render.docx import write_docx
from compiler.render.html import render_html

SEED = Path(__file__).resolve().parent.parent / "samples" / "published" / "quzhou-jgsw-2022.txt"


def _clear_caches() -> None:
    """Label normalisation is cached; each run starts cold, as one import in a new process does."""
    norm.cache_clear()
    read_cell.cache_clear()


#: A paragraph of narrative; three and a half of them per part make our Word file print on ten pages.
_PARAGRAPH = (
    "本机关坚持以公开为常态、不公开为例外，持续完善政府信息公开制度，规范依申请公开办理流程，加强政策解读和回应关切。"
    * 2
)


def ten_page_pdf(report: Report, tmp: Path) -> Path | None:
    """Our Word file with a long narrative, as LibreOffice prints it to PDF (10 pages); ``None`` without soffice."""
    from compiler.util.office import find_soffice

    if not find_soffice():
        return None
    from compiler.render.pdf import write_pdf

    long = Report.from_json(report.to_json())
    for key in long.narrative:
        long.narrative[key] = "\n".join([_PARAGRAPH] * 3 + [_PARAGRAPH[: len(_PARAGRAPH) // 2]])
    source = write_docx(long, tmp / "long.docx")
    path = write_pdf(source, tmp / "long.pdf")
    import pypdfium2

    with pypdfium2.PdfDocument(path) as pdf:
        print(f"  (PDF made by LibreOffice: {len(pdf)} pages)")
    return path


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
        pdf_path = ten_page_pdf(report, Path(tmp))
        cases: list[tuple[str, Callable[[], object]]] = [
            (f"seed txt ({SEED.stat().st_size // 1024} KB)", lambda: parse_file(SEED)),
            (f"our HTML page ({len(page.encode()) // 1024} KB)", lambda: parse_file(html_path)),
            ("our HTML page as GBK bytes", lambda: parse_html(gbk)),
            (f"our Word file ({docx_path.stat().st_size // 1024} KB)", lambda: parse_file(docx_path)),
        ]
        if pdf_path is not None:
            cases.append((f"10-page PDF ({pdf_path.stat().st_size // 1024} KB)", lambda: parse_file(pdf_path)))
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
