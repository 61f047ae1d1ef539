"""``--annotate DIR``: a copy of each checked workbook with its findings marked.

Each finding's cell is filled (red for errors, amber for warnings, light
blue for notices) and carries a comment with the message; a first sheet
``核查结果`` lists every finding with a link to its cell. The input is only
read (openpyxl loads it into memory); the copy is saved under a new name
``DIR/<stem>.核查.xlsx`` through ``write_atomic``, never over the input.
A report JSON has no workbook: the standard template filled with the
report is written first and annotated instead (findings of a JSON name
the template's cells).
"""

from __future__ import annotations

import io
import math
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..findings import SEVERITY_LABEL, SEVERITY_ORDER, Finding
from ..util.files import safe_filename, write_atomic
from . import FileResult

SHEET_RESULTS = "核查结果"
SUFFIX = ".核查.xlsx"
#: ARGB fills by severity.
FILL = {"error": "FFFF7C80", "warning": "FFFFC000", "notice": "FFBDD7EE"}
_HEADERS = ("序号", "级别", "位置", "代码", "说明", "应为", "实为", "差额")
_WIDTHS = (6, 8, 14, 24, 90, 12, 12, 10)
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def output_path(src: Path, out_dir: Path, taken: set[Path] | None = None) -> Path:
    """``DIR/<stem>.核查.xlsx``; numbered when the name is taken in this run or is the input itself."""
    stem = safe_filename(src.stem)
    candidate = out_dir / f"{stem}{SUFFIX}"
    n = 2
    while (taken is not None and candidate in taken) or _same_file(candidate, src):
        candidate = out_dir / f"{stem}-{n}{SUFFIX}"
        n += 1
    if taken is not None:
        taken.add(candidate)
    return candidate


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def annotate(result: FileResult, out_dir: Path, taken: set[Path] | None = None) -> Path | None:
    """Write the annotated copy of one checked file; ``None`` when the file was unreadable."""
    if result.report is None:
        return None
    src = Path(result.path)
    target = output_path(src, out_dir, taken)
    if src.suffix.lower() in WORKBOOK_SUFFIXES:
        wb = _load(src)
    else:
        from ..template.writer import write_template

        with tempfile.TemporaryDirectory(prefix="nianbao-annotate-") as tmp:
            filled = write_template(Path(tmp) / "filled.xlsx", result.report)
            wb = _load(filled)
    mark(wb, result.findings, title=f"{src.name}：{_verdict(result)}")
    # Saved in memory first: a disk that fills inside openpyxl's zip stream leaves a half-closed zip whose
    # clean-up prints a traceback; our own write fails cleanly instead.
    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomic(target, buffer.getvalue())
    return target


def _load(path: Path) -> Any:
    from openpyxl import load_workbook

    return load_workbook(path)  # formulas kept (no data_only), macros dropped


def _verdict(result: FileResult) -> str:
    from .output import verdict

    return verdict(result)


def mark(wb: Any, findings: Iterable[Finding], *, title: str = "") -> None:
    """Fill and comment every finding's cell, and add the linked findings sheet."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    findings = list(findings)
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.sheet and f.cell and f.sheet in wb.sheetnames:
            by_cell.setdefault((f.sheet, f.cell), []).append(f)
    for (sheet, cell), group in by_cell.items():
        group.sort(key=lambda f: SEVERITY_ORDER.get(f.severity, 3))
        target = wb[sheet][cell]
        colour = FILL.get(group[0].severity)
        if colour:
            target.fill = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
        text = "\n".join(f"【{SEVERITY_LABEL.get(f.severity, f.severity)}】{f.code}：{f.message}" for f in group)
        comment = Comment(_clean(text), "nianbao 核查")
        comment.width = 420
        comment.height = min(600, 60 + 18 * (len(text) // 28 + len(group)))
        target.comment = comment
    _results_sheet(wb, findings, by_cell.keys(), title)


def _results_sheet(wb: Any, findings: list[Finding], linked: Iterable[tuple[str, str]], title: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    if SHEET_RESULTS in wb.sheetnames:
        del wb[SHEET_RESULTS]
    ws = wb.create_sheet(SHEET_RESULTS, 0)
    linked = set(linked)
    _put(ws, 1, 1, title or "核查结果").font = Font(bold=True, size=12)
    for col, (head, width) in enumerate(zip(_HEADERS, _WIDTHS, strict=True), start=1):
        cell = _put(ws, 3, col, head)
        cell.font = Font(bold=True)
        cell.fill = PatternFill(fill_type="solid", start_color="FFD9D9D9", end_color="FFD9D9D9")
        ws.column_dimensions[get_column_letter(col)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, f in enumerate(findings, start=1):
        row = 3 + i
        values = (i, SEVERITY_LABEL.get(f.severity, f.severity), f.ref or "", f.code, f.message)
        for col, value in enumerate(values, start=1):
            _put(ws, row, col, value).alignment = wrap
        for col, value in enumerate((f.expected, f.actual, f.difference), start=6):
            _put(ws, row, col, value).alignment = wrap
        colour = FILL.get(f.severity)
        if colour:
            ws.cell(row, 2).fill = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
        if f.sheet and f.cell and (f.sheet, f.cell) in linked:
            link = ws.cell(row, 3)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{f.sheet}'!{f.cell}", display=f.ref)
            link.font = Font(color="FF0563C1", underline="single")
    if not findings:
        _put(ws, 4, 1, "未发现问题。")
    ws.freeze_panes = "A4"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for other in wb.worksheets:
        other.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    wb.active = 0


def _put(ws: Any, row: int, col: int, value: Any) -> Any:
    """Write a value as data: text is never turned into a formula, illegal characters are dropped."""
    cell = ws.cell(row, col)
    if isinstance(value, str):
        cell.value = _clean(value)
        cell.data_type = "s"
    elif value is None or (isinstance(value, int | float) and math.isfinite(value)):
        cell.value = value
    else:
        cell.value = _clean(str(value))
        cell.data_type = "s"
    return cell


def _clean(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", text)[:32000]
