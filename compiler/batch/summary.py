"""The summary workbook ``汇总.xlsx`` (xlsxwriter).

Sheets: one row per file; every finding (with an autofilter); the roll-up laid
out like the national tables (labels and merges from the schema grids) with
native charts; the files the roll-up left out (duplicates, other years) and
why; the chart data; the files skipped.

Every agency-supplied string goes through ``write_string`` (never ``write``)
and the workbook is opened with ``strings_to_formulas``/``strings_to_urls``
off, so a name such as ``=cmd|' /C calc'!A0`` stays text.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import xlsxwriter

from ..findings import SEVERITY_LABEL, tidy
from ..schema import (
    ROLE_CARRIED_IN,
    ROLE_CARRIED_OUT,
    ROLE_LAWSUITS,
    ROLE_NEW,
    ROLE_RESULTS,
    ROLE_REVIEWS,
    Schema,
    Table,
    get_schema,
)
from ..util.files import write_atomic
from .rollup import DUPLICATE, HAS_ERRORS, OTHER_YEAR, ROLLUP_TITLE, Rollup, Selection
from .status import MISSING, STATUS_LABELS, STATUS_MEANING, RoundStatus

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

    from .rows import FileRow


class SkippedLike(Protocol):
    """A file left out of the run (``discover.Skipped``, ``previous.PreviousProblem``)."""

    @property
    def rel(self) -> str: ...
    @property
    def reason(self) -> str: ...


SUMMARY_NAME = "汇总.xlsx"
SHEET_STATUS = "报送情况"
SHEET_FILES = "文件汇总"
SHEET_FINDINGS = "问题清单"
SHEET_ROLLUP = "全辖区合计"
SHEET_EXCLUDED = "未计入合计"
SHEET_CHART_DATA = "图表数据"
SHEET_SKIPPED = "跳过的文件"

STATUS_LABEL = {
    "ok": "通过",
    "warnings": "有警告",
    "errors": "有错误",
    "unreadable": "无法读取",
    "failed": "处理失败",
}
FORMAT_LABEL = {"docx": "Word", "html": "HTML", "pdf": "PDF"}
#: Bars in the applications-by-agency chart.
TOP_AGENCIES = 20

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# ---------------------------------------------------------------------- key figures
@dataclass(frozen=True)
class KeyFigure:
    """A column of the per-file sheet: a label and the figure keys it adds up."""

    label: str
    keys: tuple[str, ...]


def key_figures(schema: Schema | None = None) -> tuple[KeyFigure, ...]:
    """Applications received, carried in and out (table 3 总计 column), reviews and lawsuits (table 4 总计)."""
    schema = schema or get_schema()
    figures = [
        KeyFigure(schema.figure(key).name, (key,))
        for role in (ROLE_NEW, ROLE_CARRIED_IN, ROLE_CARRIED_OUT, ROLE_REVIEWS)
        if (key := schema.role_total(role)) is not None
    ]
    lawsuits = schema.role_totals(ROLE_LAWSUITS)
    if lawsuits:
        # the header spanning the lawsuit groups ("行政诉讼") names the sum of their totals
        first = schema.figure(lawsuits[0])
        figures.append(
            KeyFigure(f"{_spanning_header(schema.table(first.table), first.key)}{first.col_label}", lawsuits)
        )
    return tuple(figures)


def _spanning_header(table: Table, key: str) -> str:
    """The top header over a figure's grid column (``行政诉讼`` over the lawsuit groups)."""
    col = next(c.col for c in table.grid if c.key == key)
    top = min(c.row for c in table.grid if c.role == "header")
    return next(
        (c.text for c in table.grid if c.role == "header" and c.row == top and c.col <= col < c.col + c.colspan), ""
    )


def figure_value(tables: Mapping[str, Any] | None, key: str, schema: Schema | None = None) -> Any:
    """One cell of a result's tables (``None`` when absent)."""
    if not tables:
        return None
    fig = (schema or get_schema()).figure(key)
    try:
        return tables[fig.table][fig.row - 1][fig.col - 1]
    except (KeyError, IndexError, TypeError):
        return None


def key_figure_values(tables: Mapping[str, Any] | None, schema: Schema | None = None) -> dict[str, Any]:
    """Label → number (blank as 0), the text when a single cell holds text, ``None`` without tables."""
    schema = schema or get_schema()
    out: dict[str, Any] = {}
    for kf in key_figures(schema):
        if not tables:
            out[kf.label] = None
            continue
        values = [figure_value(tables, k, schema) for k in kf.keys]
        texts = [v for v in values if isinstance(v, str)]
        if texts:
            out[kf.label] = texts[0] if len(values) == 1 else "（含非数字）"
        else:
            out[kf.label] = tidy(sum(v for v in values if isinstance(v, int | float)))
    return out


def outcome_groups(schema: Schema | None = None) -> list[tuple[str, list[str]]]:
    """Table 3's result rows grouped by their second-level label (予以公开 … 其他处理), total-column keys."""
    schema = schema or get_schema()
    results = schema.role_totals(ROLE_RESULTS)
    if not results:
        return []
    t3 = schema.table(schema.figure(results[0]).table)
    groups = []
    for cell in t3.grid:
        if cell.role != "label" or cell.col != 1:
            continue
        first = cell.row - t3.header_rows + 1  # JSON row
        if first < 1 or first > len(t3.rows) or t3.rows[first - 1][-1].key not in results:
            continue
        rows = range(first, first + cell.rowspan)
        groups.append((_group_name(cell.text), [t3.rows[r - 1][-1].key for r in rows]))
    return groups


def _group_name(label: str) -> str:
    """``（二）部分公开（区分处理的…）`` → ``部分公开``."""
    name = re.sub(r"^（[一二三四五六七八九十]+）", "", label)
    return name.split("（", 1)[0]


# ---------------------------------------------------------------------- workbook
class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        self.title = wb.add_format({**base, "bold": True, "font_size": 14})
        self.note = wb.add_format({**base, "text_wrap": True, "font_color": "#444444"})
        self.header = wb.add_format(
            {**base, "bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "align": "center"}
        )
        self.text = wb.add_format({**base, "text_wrap": False})
        self.wrap = wb.add_format({**base, "text_wrap": True})
        self.int = wb.add_format({**base, "num_format": "#,##0"})
        self.link = wb.add_format({**base, "font_color": "blue", "underline": 1})
        status_colors = {"warnings": "#FFF2CC", "errors": "#F8CBAD", "unreadable": "#F8CBAD", "failed": "#F8CBAD"}
        self.status = {k: wb.add_format({**base, "bg_color": c}) for k, c in status_colors.items()}
        self.status["ok"] = wb.add_format({**base, "bg_color": "#E2EFDA"})
        grid = {**base, "border": 1, "text_wrap": True}
        self.g_caption = wb.add_format({**grid, "bold": True, "align": "left"})
        self.g_header = wb.add_format({**grid, "bold": True, "align": "center", "bg_color": "#F2F2F2"})
        self.g_label = wb.add_format({**grid, "align": "left"})
        self.g_note = wb.add_format({**grid, "align": "left", "font_size": 9})
        self.g_count = wb.add_format({**grid, "num_format": "#,##0", "align": "right"})
        self.g_amount = wb.add_format({**grid, "num_format": "#,##0.00", "align": "right"})
        self.section = wb.add_format({**base, "bold": True, "font_size": 12})


def _text(ws: Worksheet, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """Agency text, always as a string cell (never a formula, URL or number)."""
    text = "" if value is None else str(value)
    # Lone surrogates (undecodable bytes in a file name) cannot be written as XML: replace them.
    text = text.encode("utf-8", "replace").decode("utf-8")
    ws.write_string(row, col, _CONTROL.sub("", text), fmt)


def _number_or_text(ws: Worksheet, row: int, col: int, value: Any, fmt: Any, text_fmt: Any = None) -> None:
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        ws.write_number(row, col, value, fmt)
    else:
        _text(ws, row, col, value, text_fmt)


def write_summary(
    path: str | Path,
    files: Sequence[FileRow],
    *,
    rollup: Rollup,
    rollup_errors: int,
    selection: Selection | None = None,
    skipped: Sequence[SkippedLike] = (),
    formats: Sequence[str] = ("docx",),
    name: str | None = None,
    status: RoundStatus | None = None,
) -> Path:
    """Write the summary workbook atomically.

    ``files``: one ``FileRow`` per input (outputs are names relative to the
    workbook's folder). ``selection``: which files ``rollup`` summed and which
    it left out (``rollup.select``). ``skipped``: files left out of the run.
    ``status``: the round's status by roster agency (``status.round_status``),
    written as the first sheet. Every sheet prints on A4 landscape, one page
    wide, with its header rows repeated.
    """
    schema = rollup.schema
    path = Path(path)
    # Built in memory, then written atomically: a full disk fails in our own write (an OSError the
    # command reports), not inside xlsxwriter's zip stream.
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    fmt = _Formats(wb)
    if status is not None:
        _status_sheet(wb.add_worksheet(SHEET_STATUS), fmt, status)
    _files_sheet(wb.add_worksheet(SHEET_FILES), fmt, files, formats, schema)
    _findings_sheet(wb.add_worksheet(SHEET_FINDINGS), fmt, files)
    ws_rollup = wb.add_worksheet(SHEET_ROLLUP)
    ws_data = wb.add_worksheet(SHEET_CHART_DATA)
    bottom = _rollup_sheet(ws_rollup, fmt, rollup, rollup_errors, name, selection)
    # The charts show exactly what the roll-up sums.
    summed = selection.included if selection is not None else files
    _charts(wb, ws_rollup, ws_data, fmt, summed, rollup, bottom + 2)
    _excluded_sheet(wb.add_worksheet(SHEET_EXCLUDED), fmt, selection)
    _skipped_sheet(wb.add_worksheet(SHEET_SKIPPED), fmt, skipped)
    for ws in wb.worksheets():
        if ws.name != SHEET_ROLLUP:  # the roll-up sets its own (no single header row)
            _print_setup(ws, header_rows=_HEADER_ROWS.get(ws.name, 1))
    wb.close()
    write_atomic(path, buffer.getvalue())
    return path


#: Header rows repeated on every printed page, by sheet (default 1).
_HEADER_ROWS = {SHEET_STATUS: 3}


def _print_setup(ws: Worksheet, *, header_rows: int = 1) -> None:
    """A4 landscape, one page wide, header rows repeated on every page."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, header_rows - 1)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)


def _status_sheet(ws: Worksheet, fmt: _Formats, status: RoundStatus) -> None:
    """The round at a glance: every roster agency with its status, problems, file, time and contacts."""
    headers = [
        "序号",
        "单位名称",
        "状态",
        "问题数",
        "错误",
        "警告",
        "文件",
        "文件时间",
        "联系人",
        "联系电话",
        "电子邮箱",
        "说明",
    ]
    widths = [5, 24, 9, 7, 6, 6, 28, 18, 9, 14, 22, 48]
    counts = status.counts()
    summary = "；".join(f"{label} {n}" for label, n in counts.items() if n or label in ("未报送", "通过"))
    _text(ws, 0, 0, f"报送情况（名单共 {len(status.agencies)} 个单位：{summary}）", fmt.title)
    meaning = " ".join(f"{label}：{STATUS_MEANING[k]}" for k, label in STATUS_LABELS.items())
    ws.merge_range(1, 0, 1, len(headers) - 1, "", fmt.note)
    _text(ws, 1, 0, meaning, fmt.note)
    ws.set_row(1, 15 * max(1, math.ceil(_text_width(meaning) / sum(widths))) + 4)
    for c, (h, w) in enumerate(zip(headers, widths, strict=True)):
        ws.write_string(2, c, h, fmt.header)
        ws.set_column(c, c, w)
    r = 2
    for n, a in enumerate(status.agencies, start=1):
        r += 1
        _status_row(ws, fmt, r, n, a, widths)
    if status.not_on_roster:
        r += 2
        _text(ws, r, 0, f"不在名单中的单位（{len(status.not_on_roster)} 个，请核对单位名称或名单）", fmt.section)
        for n, a in enumerate(status.not_on_roster, start=1):
            r += 1
            _status_row(ws, fmt, r, n, a, widths)
    ws.freeze_panes(3, 2)
    ws.autofilter(2, 0, max(3, 2 + len(status.agencies)), len(headers) - 1)


def _status_row(ws: Worksheet, fmt: _Formats, r: int, n: int, a: Any, widths: Sequence[float]) -> None:
    ws.write_number(r, 0, n, fmt.text)
    _text(ws, r, 1, a.agency, fmt.wrap)
    look = fmt.status.get("errors" if a.status == MISSING else a.status)
    ws.write_string(r, 2, a.label, look)
    if a.status != MISSING:
        ws.write_number(r, 3, a.problems, fmt.text)
        ws.write_number(r, 4, a.errors, fmt.text)
        ws.write_number(r, 5, a.warnings, fmt.text)
    _text(ws, r, 6, a.file or "", fmt.wrap)
    _text(ws, r, 7, a.file_time or "", fmt.text)
    _text(ws, r, 8, a.person or "", fmt.text)
    _text(ws, r, 9, a.phone or "", fmt.text)
    _text(ws, r, 10, a.email or "", fmt.text)
    note = a.message
    if a.other_files:
        note = f"另有 {len(a.other_files)} 份：{'、'.join(a.other_files[:3])}。{note}"
    _text(ws, r, 11, note, fmt.wrap)
    # Excel grows a wrapped row when it opens the file, LibreOffice does not: give it the height.
    wrapped = ((1, a.agency), (6, a.file or ""), (11, note))
    lines = max(math.ceil(_text_width(text) / max(widths[c] - 1, 2.0)) for c, text in wrapped)
    if lines > 1:
        ws.set_row(r, 14 * lines + 2)


def _files_sheet(
    ws: Worksheet, fmt: _Formats, files: Sequence[FileRow], formats: Sequence[str], schema: Schema
) -> None:
    figures = [kf.label for kf in key_figures(schema)]
    headers = ["序号", "文件", "单位名称", "年度", "状态", "错误", "警告", "提示", *figures]
    headers += [FORMAT_LABEL.get(f, f) for f in formats] + ["说明"]
    widths = [6, 36, 30, 8, 10, 7, 7, 7] + [12] * len(figures) + [40] * len(formats) + [60]
    for c, (h, w) in enumerate(zip(headers, widths, strict=True)):
        ws.write_string(0, c, h, fmt.header)
        ws.set_column(c, c, w)
    for i, f in enumerate(files, start=1):
        c = 0
        ws.write_number(i, c, i, fmt.text)
        _text(ws, i, c + 1, f.rel)
        _text(ws, i, c + 2, f.agency)
        _number_or_text(ws, i, c + 3, f.year, fmt.text, fmt.text)
        status = f.status
        ws.write_string(i, c + 4, STATUS_LABEL.get(status, status), fmt.status.get(status))
        for j, n in enumerate((f.errors, f.warnings, f.notices)):
            ws.write_number(i, c + 5 + j, int(n or 0), fmt.text)
        c = 8
        values = f.figures
        for label in figures:
            _number_or_text(ws, i, c, values.get(label), fmt.int, fmt.text)
            c += 1
        outputs = f.outputs
        for form in formats:
            target = outputs.get(form)
            if target:
                # A relative link: the outputs sit beside the summary, so the folder can be moved.
                ws.write_url(i, c, "external:" + target, fmt.link, string=target, tip="打开生成的报告")
            c += 1
        _text(ws, i, c, f.message or "", fmt.text)
    ws.freeze_panes(1, 3)
    ws.autofilter(0, 0, max(1, len(files)), len(headers) - 1)


def _findings_sheet(ws: Worksheet, fmt: _Formats, files: Sequence[FileRow]) -> None:
    headers = ["文件", "单位名称", "工作表", "单元格", "代码", "级别", "说明"]
    for c, (h, w) in enumerate(zip(headers, [36, 30, 12, 10, 24, 8, 90], strict=True)):
        ws.write_string(0, c, h, fmt.header)
        ws.set_column(c, c, w)
    r = 0
    for f in files:
        for item in f.findings:
            r += 1
            _text(ws, r, 0, f.rel)
            _text(ws, r, 1, f.agency)
            _text(ws, r, 2, item.sheet)
            _text(ws, r, 3, item.cell)
            _text(ws, r, 4, item.code)
            _text(ws, r, 5, SEVERITY_LABEL.get(item.severity, item.severity))
            _text(ws, r, 6, item.message)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(1, r), len(headers) - 1)


# ---------------------------------------------------------------------- roll-up
def _grid_widths(schema: Schema) -> list[float]:
    """Excel column widths that fit every table's grid (each table's relative widths, scaled)."""
    cols = max(t.grid_cols for t in schema.tables)
    widths = [8.0] * cols
    for t in schema.tables:
        for c, w in enumerate(t.col_widths):
            widths[c] = max(widths[c], min(44.0, w * 9.0))
    return widths


def _text_width(text: str) -> float:
    return sum(2.0 if ord(ch) >= 0x2E80 else 1.1 for ch in text)


def rollup_note(rollup: Rollup, with_errors: int, selection: Selection | None = None) -> str:
    """The sentence under the roll-up's title: what it sums, and what it left out and why."""
    schema = rollup.schema
    year = selection.year if selection is not None else rollup.main_year
    which = f"{year}年度" if year is not None else ""
    if with_errors:
        note = (
            f"【草稿】合计 {rollup.files} 份可读取的{which}报告，其中 {with_errors} 份存在错误、数字未经核实，"
            "已按 --include-errors 一并计入。"
        )
    else:
        note = f"合计 {rollup.files} 份核查无错误的{which}报告。"
    years = [y for y in rollup.years if y != year]
    if selection is None and years:  # without a selection every year was summed: say so
        note += "年度：" + ", ".join(
            f"{y}年 {n} 份" if y is not None else f"年度不明 {n} 份"
            for y, n in sorted(rollup.years.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
        )
        note += "。"
    if selection is not None:
        dups = [e.rel for e in selection.excluded if e.kind == DUPLICATE]
        if dups:
            note += (
                f"重复报告 {len(dups)} 份未计入（同一单位同一年度有多份时保留成文日期较晚、"
                f"其次文件时间较晚的一份）：{_names(dups)}。"
            )
        bad = [e.rel for e in selection.excluded if e.kind == HAS_ERRORS]
        if bad:
            note += f"有错误的报告 {len(bad)} 份未计入：{_names(bad)}。"
        others = [e for e in selection.excluded if e.kind == OTHER_YEAR]
        if others:
            by_year: dict[Any, int] = {}
            for e in others:
                y = e.year if isinstance(e.year, int) and not isinstance(e.year, bool) else None
                by_year[y] = by_year.get(y, 0) + 1
            counts = "，".join(
                f"{y}年 {n} 份" if y is not None else f"年度不明 {n} 份"
                for y, n in sorted(by_year.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
            )
            note += f"其他年度的报告 {len(others)} 份未计入（{counts}）：{_names([e.rel for e in others])}。"
        if selection.excluded:
            note += f"详见“{SHEET_EXCLUDED}”工作表。"
    if rollup.text_count:
        cells = "、".join(f"{schema.figure(k).name}（{n} 份）" for k, n in sorted(rollup.text_skipped.items())[:10])
        more = " 等" if len(rollup.text_skipped) > 10 else ""
        note += f"有 {rollup.text_count} 个单元格填的不是数字，未计入：{cells}{more}。"
    return note


def _names(rels: Sequence[str], limit: int = 5) -> str:
    shown = "、".join(str(r) for r in rels[:limit])
    return shown + (f" 等 {len(rels)} 个" if len(rels) > limit else "")


def _rollup_sheet(
    ws: Worksheet, fmt: _Formats, rollup: Rollup, with_errors: int, name: str | None, selection: Selection | None
) -> int:
    """The national tables filled with the sums; returns the last row used."""
    schema = rollup.schema
    widths = _grid_widths(schema)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.set_paper(9)  # A4, one page wide
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    title = ROLLUP_TITLE.format(name=name) if name else "全辖区政府信息公开申请情况汇总（合计）"
    if with_errors:
        title += "（草稿）"
    _text(ws, 0, 0, title, fmt.title)
    note = rollup_note(rollup, with_errors, selection)
    ws.merge_range(1, 0, 1, len(widths) - 1, "", fmt.note)
    _text(ws, 1, 0, note, fmt.note)
    ws.set_row(1, 15 * max(1, math.ceil(_text_width(note) / sum(widths))) + 4)
    sums = rollup.tables()
    tops = table_tops(schema)
    for table in schema.tables:
        _text(ws, tops[table.id] - 1, 0, table.title, fmt.section)
        _grid(ws, fmt, schema, table, sums, tops[table.id], widths)
    last = schema.tables[-1]
    return tops[last.id] + last.grid_rows


#: 0-based row of the first table's heading on the roll-up sheet.
ROLLUP_FIRST_ROW = 3


def table_tops(schema: Schema) -> dict[str, int]:
    """0-based sheet row where each table's grid starts on the roll-up sheet (its heading is just above)."""
    tops, row = {}, ROLLUP_FIRST_ROW
    for table in schema.tables:
        tops[table.id] = row + 1
        row += table.grid_rows + 2
    return tops


def rollup_cell(schema: Schema, key: str) -> tuple[int, int]:
    """0-based (row, column) of a figure's sum on the roll-up sheet."""
    fig = schema.figure(key)
    cell = next(c for c in schema.table(fig.table).grid if c.key == key)
    return table_tops(schema)[fig.table] + cell.row, cell.col


def _grid(
    ws: Worksheet,
    fmt: _Formats,
    schema: Schema,
    table: Table,
    sums: Mapping[str, list[list[int | float]]],
    top: int,
    widths: Sequence[float],
) -> None:
    styles = {"caption": fmt.g_caption, "header": fmt.g_header, "label": fmt.g_label, "note": fmt.g_note}
    heights: dict[int, float] = {}
    for cell in table.grid:
        r, c = top + cell.row, cell.col
        r2, c2 = r + cell.rowspan - 1, c + cell.colspan - 1
        if cell.role == "figure" and cell.key:
            fig = schema.figure(cell.key)
            style = fmt.g_amount if fig.kind == "amount" else fmt.g_count
            if (r, c) != (r2, c2):
                ws.merge_range(r, c, r2, c2, "", style)
            ws.write_number(r, c, sums[table.id][fig.row - 1][fig.col - 1], style)
            continue
        style = styles.get(cell.role, fmt.g_label)
        if (r, c) != (r2, c2):
            ws.merge_range(r, c, r2, c2, "", style)
        ws.write_string(r, c, cell.text, style)
        if cell.rowspan == 1:
            width = sum(widths[c : c2 + 1])
            lines = max(1, math.ceil(_text_width(cell.text) / max(width - 1.5, 2.0)))
            heights[r] = max(heights.get(r, 15.0), 14.0 * lines + 4)
    for r, h in heights.items():
        ws.set_row(r, h)


def _charts(
    wb: xlsxwriter.Workbook,
    ws: Worksheet,
    data: Worksheet,
    fmt: _Formats,
    files: Sequence[FileRow],
    rollup: Rollup,
    anchor_row: int,
) -> None:
    """Bar: applications by agency (top 20); pie: the outcome mix of the roll-up's results."""
    schema = rollup.schema
    new_label = key_figures(schema)[0].label
    ranked = sorted(
        (
            (f.figures[new_label], f.agency or f.rel or "")
            for f in files
            if isinstance(f.figures.get(new_label), int | float)
        ),
        key=lambda t: (-t[0], t[1]),
    )[:TOP_AGENCIES]
    data.set_column(0, 0, 40)
    data.set_column(1, 1, 12)
    data.set_column(3, 3, 16)
    data.set_column(4, 4, 12)
    data.write_string(0, 0, "单位", fmt.header)
    data.write_string(0, 1, new_label, fmt.header)
    for i, (value, agency) in enumerate(ranked, start=1):
        _text(data, i, 0, agency)
        data.write_number(i, 1, value, fmt.int)
    groups = outcome_groups(schema)
    data.write_string(0, 3, "办理结果", fmt.header)
    data.write_string(0, 4, "件数", fmt.header)
    for i, (label, keys) in enumerate(groups, start=1):
        data.write_string(i, 3, label)
        data.write_number(i, 4, tidy(sum(rollup.value(k) for k in keys)), fmt.int)

    if ranked:
        bar = wb.add_chart({"type": "bar"})
        bar.add_series(
            {
                "name": new_label,
                "categories": [data.name, 1, 0, len(ranked), 0],
                "values": [data.name, 1, 1, len(ranked), 1],
                "data_labels": {"value": True},
            }
        )
        bar.set_title({"name": f"各单位{new_label}（前 {TOP_AGENCIES} 名）"})
        bar.set_y_axis({"reverse": True})
        bar.set_legend({"none": True})
        bar.set_size({"width": 720, "height": 120 + 22 * len(ranked)})
        ws.insert_chart(anchor_row, 0, bar)
    pie = wb.add_chart({"type": "pie"})
    pie.add_series(
        {
            "name": "办理结果构成",
            "categories": [data.name, 1, 3, len(groups), 3],
            "values": [data.name, 1, 4, len(groups), 4],
            "data_labels": {"percentage": True, "category": True},
        }
    )
    pie.set_title({"name": "申请办理结果构成（全辖区合计）"})
    pie.set_size({"width": 560, "height": 360})
    ws.insert_chart(anchor_row, 6, pie)


def _excluded_sheet(ws: Worksheet, fmt: _Formats, selection: Selection | None) -> None:
    """Every readable file the roll-up left out, with the reason."""
    headers = ["文件", "单位名称", "年度", "原因"]
    for c, (h, w) in enumerate(zip(headers, [36, 30, 8, 90], strict=True)):
        ws.write_string(0, c, h, fmt.header)
        ws.set_column(c, c, w)
    for i, e in enumerate(selection.excluded if selection is not None else (), start=1):
        _text(ws, i, 0, e.rel)
        _text(ws, i, 1, e.agency)
        _number_or_text(ws, i, 2, e.year, fmt.text, fmt.text)
        _text(ws, i, 3, e.reason)


def _skipped_sheet(ws: Worksheet, fmt: _Formats, skipped: Sequence[SkippedLike]) -> None:
    ws.write_string(0, 0, "文件", fmt.header)
    ws.write_string(0, 1, "说明", fmt.header)
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 100)
    for i, s in enumerate(skipped, start=1):
        _text(ws, i, 0, s.rel)
        _text(ws, i, 1, s.reason)
