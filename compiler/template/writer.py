"""Write the standard fill-in template (xlsxwriter), blank or filled from a Report.

Every cell position comes from ``compiler.schema.workbook`` and every label,
rule and placeholder from the schema, so the reader, the checker and this
writer cannot drift apart. The output is deterministic byte for byte: fixed
document properties, fixed zip timestamps (xlsxwriter in-memory mode).
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..compute import formula_order, sum_values
from ..model import Report, Value
from ..placeholders import vocabulary
from ..schema import VALID_YEARS, Rule, Schema, Table, get_schema
from ..schema.workbook import (
    FIELDS_TOP,
    GRID_TOP,
    SHEET_INFO,
    SHEET_INSTRUCTIONS,
    SHEET_NARRATIVE,
    SHEET_PLACEHOLDERS,
    SHEET_STAMP,
    TEMPLATE_VERSION,
    VALUE_COL,
    CellRef,
    cell_map,
    col_letter,
)
from ..util.files import write_atomic
from . import STAMP_FIELDS, stamp_property

#: Fixed creation time: no timestamp may make two runs differ.
FIXED_CREATED = dt.datetime(2021, 1, 1, 0, 0, 0)
#: Input cells (light yellow), locked computed/prefilled cells (light grey), broken balance (red).
INPUT_FILL = "#FFF2CC"
LOCKED_FILL = "#E7E6E6"
ERROR_FILL = "#FFC7CE"
ERROR_FONT = "#9C0006"
FONT_NAME = "宋体"
#: Basic-information keys that ``lock_info`` prefills and locks (agency and year: the roster decides them).
LOCKABLE_INFO = ("info_agency", "info_year")
#: Smallest and largest accepted report year and 成文日期.
YEAR_MIN, YEAR_MAX = VALID_YEARS
#: Excel's limit of characters in a cell.
CELL_MAX_CHARS = 32767
#: Excel's limit of characters in a custom document property.
CUSTOM_PROPERTY_MAX = 255

_LINE_HEIGHT = 15.0
_MAX_ROW_HEIGHT = 409.0


# --------------------------------------------------------------------------- schema-derived helpers
_CELLS: dict[str, dict[str, CellRef]] = {}


def _cells(schema: Schema) -> dict[str, CellRef]:
    """``cell_map`` memoised by format id (hashing a whole Schema costs ~0.5 ms a call)."""
    cells = _CELLS.get(schema.format_id)
    if cells is None:
        cells = _CELLS[schema.format_id] = cell_map(schema)
    return cells


def _ref(schema: Schema, key: str) -> CellRef:
    return _cells(schema)[key]


def formula_rules_by_anchor(schema: Schema) -> dict[str, Rule]:
    """Total cell key → the rule whose live SUM formula fills it."""
    return {r.anchor: r for r in schema.formula_rules()}


def input_figure_keys(schema: Schema) -> list[str]:
    """Figure keys the clerk types (every figure that is not a formula total)."""
    totals = formula_rules_by_anchor(schema)
    return [f.key for f in schema.figures() if f.key not in totals]


def _runs(refs: Sequence[CellRef]) -> list[tuple[CellRef, CellRef]]:
    """Split cells (in order) into runs of consecutive cells along a row or a column."""
    runs: list[tuple[CellRef, CellRef]] = []
    for ref in refs:
        if runs:
            start, end = runs[-1]
            down = ref.col == end.col == start.col and ref.row == end.row + 1
            across = ref.row == end.row == start.row and ref.col == end.col + 1
            if ref.sheet == end.sheet and (down or across):
                runs[-1] = (start, ref)
                continue
        runs.append((ref, ref))
    return runs


def sum_formula(schema: Schema, rule: Rule) -> str:
    """The live formula of a total: ``=SUM(D8:D28)`` over the rule's right cells (same sheet)."""
    anchor = _ref(schema, rule.anchor)
    parts = []
    for start, end in _runs([_ref(schema, k) for k in rule.right]):
        if start.sheet != anchor.sheet:
            raise ValueError(f"formula {rule.anchor} refers to another sheet")
        parts.append(start.a1 if start == end else f"{start.a1}:{end.a1}")
    return f"=SUM({','.join(parts)})"


def sqref(refs: Iterable[CellRef]) -> str:
    """A compact space-separated range list (rows of runs merged into blocks) for validation."""
    by_row: dict[int, list[int]] = {}
    for ref in refs:
        by_row.setdefault(ref.row, []).append(ref.col)
    row_runs: list[tuple[int, int, int]] = []  # (row, first col, last col)
    for row in sorted(by_row):
        cols = sorted(set(by_row[row]))
        first = prev = cols[0]
        for c in cols[1:]:
            if c != prev + 1:
                row_runs.append((row, first, prev))
                first = c
            prev = c
        row_runs.append((row, first, prev))
    blocks: list[list[int]] = []  # [first row, last row, first col, last col]
    for row, c1, c2 in row_runs:
        for b in blocks:
            if b[1] == row - 1 and b[2] == c1 and b[3] == c2:
                b[1] = row
                break
        else:
            blocks.append([row, row, c1, c2])
    out = []
    for r1, r2, c1, c2 in blocks:
        top_left, bottom_right = f"{col_letter(c1)}{r1 + 1}", f"{col_letter(c2)}{r2 + 1}"
        out.append(top_left if top_left == bottom_right else f"{top_left}:{bottom_right}")
    return " ".join(out)


def _text_width(text: str) -> float:
    """Approximate display width in Excel column units (CJK characters count double)."""
    return sum(2.0 if ord(ch) >= 0x2E80 else 1.1 for ch in text)


def _row_height(text: str, width: float, *, minimum: float = _LINE_HEIGHT + 3) -> float:
    """Row height that shows ``text`` wrapped in a column ``width`` units wide."""
    usable = max(width - 1.5, 2.0)
    lines = sum(max(1, math.ceil(_text_width(p) / usable)) for p in (text or "").split("\n"))
    return min(_MAX_ROW_HEIGHT, max(minimum, lines * _LINE_HEIGHT + 5))


def _cached_totals(schema: Schema, report: Report | None) -> dict[str, int | float]:
    """What a spreadsheet shows in each total cell (text inputs ignored, as SUM does)."""
    values: dict[str, Value] = {}

    def get(key: str) -> Value:
        if key in values:
            return values[key]
        return report.value(key) if report is not None else None

    for rule in formula_order(schema.formula_rules()):
        values[rule.anchor] = sum_values(v for v in map(get, rule.right) if not isinstance(v, str))
    return {k: v if isinstance(v, int | float) and v and _finite_number(v) else 0 for k, v in values.items()}


# --------------------------------------------------------------------------- formats
class _Styles:
    """All cell formats of one workbook, created once."""

    def __init__(self, wb: Workbook) -> None:
        def fmt(**props: Any) -> Format:
            return wb.add_format({"font_name": FONT_NAME, "valign": "vcenter", **props})

        grid = {"border": 1, "text_wrap": True}
        inp = {**grid, "locked": False, "bg_color": INPUT_FILL}
        self.title = fmt(bold=True, font_size=14, align="center")
        self.subtitle = fmt(font_size=10, align="left", text_wrap=True)
        self.heading = fmt(bold=True, font_size=12, align="left")
        self.notice = fmt(bold=True, font_size=12, align="left", text_wrap=True, font_color="#C00000")
        self.sheet_title = fmt(**grid, bold=True, font_size=12, align="left")
        self.text = fmt(align="left", text_wrap=True, valign="top")
        self.header = fmt(**grid, bold=True, align="center")
        self.caption = fmt(**grid, bold=True, align="left")
        self.label = fmt(**grid, align="left")
        self.corner_note = fmt(**grid, align="center", font_size=10)
        self.count_in = fmt(**inp, align="center")
        self.amount_in = fmt(**inp, align="center", num_format="0.0000")
        self.total = fmt(**grid, align="center", bold=True, bg_color=LOCKED_FILL)
        self.text_in = fmt(**inp, align="left")
        self.phone_in = fmt(**inp, align="left", num_format="@")
        self.year_in = fmt(**inp, align="left", num_format="0")
        self.date_in = fmt(**inp, align="left", num_format="yyyy-mm-dd")
        self.prefilled = fmt(**grid, align="left", bg_color=LOCKED_FILL, num_format="@")
        self.prefilled_year = fmt(**grid, align="left", bg_color=LOCKED_FILL, num_format="0")
        self.hint = fmt(**grid, align="left", font_color="#595959", font_size=10)
        self.narr_title = fmt(**grid, bold=True, align="left", valign="top")
        self.narr_in = fmt(**inp, align="left", valign="top")
        self.broken = wb.add_format({"bg_color": ERROR_FILL, "font_color": ERROR_FONT})


_PROTECT_OPTIONS = {"format_columns": True, "format_rows": True}
#: Protection guides the clerk; it is not security, so there is no password (documented in 填报说明).
_PASSWORD = ""


def _protect(ws: Worksheet) -> None:
    ws.protect(_PASSWORD, _PROTECT_OPTIONS)


def _print_setup(ws: Worksheet, *, landscape: bool = False, repeat_to: int | None = None) -> None:
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if repeat_to is not None:
        ws.repeat_rows(0, repeat_to)


def _write_value(ws: Worksheet, row: int, col: int, value: Any, fmt: Format) -> None:
    """Write a report value as what it is: number, date, text, or a formatted blank (never a formula)."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, str(value), fmt)
    elif isinstance(value, int | float) and not _finite_number(value):
        ws.write_string(row, col, _number_text(value), fmt)  # NaN/∞ have no cell value: shown as the text it is
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime(value.year, value.month, value.day), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _finite_number(value: int | float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond any float
        return False


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, float):
        return "Infinity" if value > 0 else "-Infinity"
    return str(value)


# --------------------------------------------------------------------------- sheets
def _sum_rule_lines(schema: Schema) -> list[str]:
    """The sum rules in plain words, one line per distinct rule title."""
    lines: list[str] = []
    seen: set[str] = set()
    for rule in schema.rules:
        if rule.title in seen:
            continue
        seen.add(rule.title)
        how = "模板已用公式自动计算（灰色单元格）" if rule.formula else "请核对；不相等时相关单元格变红"
        lines.append(f"{rule.title}——{how}。")
    return lines


def _instructions(wb: Workbook, schema: Schema, st: _Styles, *, deadline: str | None, return_to: str | None) -> None:
    ws = wb.add_worksheet(SHEET_INSTRUCTIONS)
    widths = (26.0, 62.0, 8.0, 14.0)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    full = sum(widths)
    row = 0

    def merged(text: str, fmt: Format, height: float | None = None) -> None:
        nonlocal row
        ws.merge_range(row, 0, row, len(widths) - 1, "", fmt)
        ws.write_string(row, 0, text, fmt)
        ws.set_row(row, height or _row_height(text, full))
        row += 1

    def para(text: str) -> None:
        merged(text, st.text)

    info_req = "、".join(f.label for f in schema.info if f.required)
    info_opt = "、".join(f.label for f in schema.info if not f.required)
    narr = "、".join(p.title for p in schema.narrative)
    sheets = "、".join(t.sheet for t in schema.tables)
    amounts = [f for f in schema.figures() if f.kind == "amount"]
    vocab = vocabulary(schema)
    example = next(iter(vocab))
    new_total = next((r.anchor for r in schema.formula_rules() if r.code == "T3_ROW_TOTAL"), None)
    example = next((n for n, k in vocab.items() if k == new_total), example)

    website = next((f for f in schema.info if f.json_path == ("website",)), None)
    site = (
        f"“{website.label}”写报告发布的网站，报告开头将写“本报告电子版可在……查阅或下载”；不填则不写这一句。"
        if website is not None
        else ""
    )
    merged(f"{schema.name}填报说明", st.title, 28)
    # What the clerk must know first: by when, and where the filled sheet goes back.
    if deadline:
        merged(f"报送截止日期：{deadline}", st.notice)
    if return_to:
        merged(f"报送方式：{return_to}", st.notice)
    para(f"报告格式：{schema.format_id}；模板版本：{TEMPLATE_VERSION}。请勿增删、移动或重命名工作表、行和列。")
    merged("一、谁填写什么", st.heading, 22)
    para(
        f"1.“{SHEET_INFO}”：填写{info_req}（必填），{info_opt}（选填）。"
        "分发时已预填并锁定的单位名称、报告年度无需改动；如有错误请联系分发部门。" + site
    )
    para(
        f"2.“{SHEET_NARRATIVE}”：按部分填写报告正文（{narr}）。一个单元格填写一个部分，"
        "单元格内换行（Alt+Enter）即分段。请删除【请填写：…】提示文字后再填写；没有内容的可选部分留空。"
    )
    para(
        f"3.“{sheets}”：只填写浅黄色单元格；灰色单元格是合计，由公式自动计算，请勿改动。"
        "没有发生的事项请填 0，不要留空。"
    )
    merged("二、计量单位", st.heading, 22)
    unit = "表中数量的单位为“件”"
    if amounts:
        rows = "、".join(dict.fromkeys(f.row_label for f in amounts))
        unit += f"；{rows}的金额单位为“万元”，可保留最多 4 位小数"
    para(unit + "。")
    merged("三、勾稽关系", st.heading, 22)
    for line in _sum_rule_lines(schema):
        para(line)
    merged("四、工作表保护", st.heading, 22)
    para(
        "各工作表已设置保护，未设密码，只为防止误改表头和公式，并非保密措施。"
        "确需修改时，可在“审阅”菜单选择“撤销工作表保护”，无需输入密码。"
    )
    merged("五、文字内容中的占位符", st.heading, 22)
    para(
        f"文字内容中可写入占位符（连同花括号），生成报告时替换为表中对应的数字，"
        f"例如“本年共收到政府信息公开申请{{{example}}}件”。全部占位符见“{SHEET_PLACEHOLDERS}”工作表"
        "（该表不打印）；写错的会在核查时提示。"
    )
    _print_setup(ws)
    _page_title(ws, schema, SHEET_INSTRUCTIONS)
    _protect(ws)
    ws.activate()


def _placeholders(wb: Workbook, schema: Schema, st: _Styles) -> None:
    """Every placeholder with its meaning and defined name, on a sheet of its own that does not print."""
    ws = wb.add_worksheet(SHEET_PLACEHOLDERS)
    widths = (26.0, 62.0, 8.0, 14.0)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.merge_range(0, 0, 0, len(widths) - 1, "", st.title)
    ws.write_string(
        0, 0, f"{SHEET_PLACEHOLDERS}（写在文字内容中，生成报告时换成数字；其他程序可按“定义名称”读写单元格）", st.title
    )
    ws.set_row(0, 28)
    for c, text in enumerate(("占位符", "含义", "单位", "定义名称")):
        ws.write_string(1, c, text, st.header)
    row = 2
    for name, key in vocabulary(schema).items():
        fig = schema.figure(key)
        table = schema.table(fig.table)
        meaning = f"{table.sheet}：{fig.row_label}／{fig.col_label}"
        ws.write_string(row, 0, "{" + name + "}", st.label)
        ws.write_string(row, 1, meaning, st.label)
        ws.write_string(row, 2, "万元" if fig.kind == "amount" else "件", st.label)
        ws.write_string(row, 3, key, st.label)
        ws.set_row(row, max(_row_height(meaning, widths[1]), _row_height(name, widths[0])))
        row += 1
    ws.freeze_panes(2, 0)
    # Not for paper: printing the whole workbook gives this sheet's title line only.
    ws.print_area(0, 0, 0, len(widths) - 1)
    ws.set_paper(9)
    _protect(ws)


def _page_title(ws: Worksheet, schema: Schema, sheet: str) -> None:
    """The sheet's name in the printed page header and the page number in the footer, on every page."""
    ws.set_header(f"&C&10{schema.name}填报表 · {sheet}")
    ws.set_footer("&C&10第 &P 页，共 &N 页")


def _info(wb: Workbook, schema: Schema, st: _Styles, report: Report | None, lock_info: bool) -> None:
    ws = wb.add_worksheet(SHEET_INFO)
    widths = (16.0, 44.0, 44.0)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    head = FIELDS_TOP - 1
    # The sheet's title heads its first column; the other columns say what goes in them.
    for c, text in enumerate((SHEET_INFO, "填写内容", "填写说明")):
        ws.write_string(head, c, text, st.sheet_title if c == 0 else st.header)
    ws.set_row(head, 24)
    for field in schema.info:
        ref = _ref(schema, field.key)
        value = report.info(field.key) if report is not None else None
        locked = lock_info and field.key in LOCKABLE_INFO and value not in (None, "")
        ws.write_string(ref.row, 0, field.label, st.label)
        fmt = {
            "year": st.prefilled_year if locked else st.year_in,
            "date": st.date_in,
            "phone": st.phone_in,
        }.get(field.kind, st.prefilled if locked else st.text_in)
        _write_value(ws, ref.row, ref.col, value, fmt)
        hint = ("必填。" if field.required else "选填。") + field.hint
        if locked:
            hint = "已预填并锁定。"
        ws.write_string(ref.row, VALUE_COL + 1, hint, st.hint)
        ws.set_row(ref.row, 24)
        ws.data_validation(ref.row, ref.col, ref.row, ref.col, _info_validation(field.kind, field.label))
    _print_setup(ws)
    _page_title(ws, schema, SHEET_INFO)
    _protect(ws)


def _info_validation(kind: str, label: str) -> dict[str, Any]:
    """Validation with a Chinese prompt for one basic-information field."""
    common = {"ignore_blank": True, "input_title": label[:32], "error_title": "输入无效", "error_type": "stop"}
    if kind == "year":
        return {
            **common,
            "validate": "integer",
            "criteria": "between",
            "minimum": YEAR_MIN,
            "maximum": YEAR_MAX,
            "input_message": f"请填写统计年度，四位数字（{YEAR_MIN}–{YEAR_MAX}），如 2025。",
            "error_message": f"报告年度应为 {YEAR_MIN} 至 {YEAR_MAX} 之间的四位整数。",
        }
    if kind == "date":
        return {
            **common,
            "validate": "date",
            "criteria": "between",
            "minimum": dt.date(YEAR_MIN, 1, 1),
            "maximum": dt.date(YEAR_MAX, 12, 31),
            "input_message": "请填写真实日期，格式：年-月-日，如 2026-01-20。",
            "error_message": "成文日期应为真实的日期，格式：年-月-日，如 2026-01-20。",
        }
    limit = {"phone": 50, "email": 100}.get(kind, 200)
    return {
        **common,
        "validate": "length",
        "criteria": "<=",
        "value": limit,
        "input_message": f"请填写{label}，不超过 {limit} 个字符。",
        "error_message": f"{label}不能超过 {limit} 个字符。",
    }


def _narrative(wb: Workbook, schema: Schema, st: _Styles, report: Report | None) -> None:
    ws = wb.add_worksheet(SHEET_NARRATIVE)
    widths = (26.0, 100.0)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    head = FIELDS_TOP - 1
    ws.write_string(head, 0, SHEET_NARRATIVE, st.sheet_title)
    ws.write_string(head, 1, f"各部分内容（单元格内换行即分段；可写占位符，见“{SHEET_PLACEHOLDERS}”工作表）", st.header)
    ws.set_row(head, 24)
    # The hints are the template's placeholder text: written when the report holds no prose yet.
    use_hints = report is None or not any((report.narrative.get(p.key) or "").strip() for p in schema.narrative)
    for part in schema.narrative:
        ref = _ref(schema, part.key)
        title = report.title_of(part.key) if report is not None else part.title
        text = part.hint if use_hints or report is None else report.narrative.get(part.key) or ""
        ws.write_string(ref.row, 0, title, st.narr_title)
        _write_value(ws, ref.row, ref.col, text, st.narr_in)
        ws.set_row(ref.row, _row_height(text, widths[1], minimum=150.0))
    rows = [_ref(schema, p.key) for p in schema.narrative]
    ws.data_validation(
        rows[0].row,
        VALUE_COL,
        rows[-1].row,
        VALUE_COL,
        {
            "validate": "length",
            "criteria": "<=",
            "value": CELL_MAX_CHARS,
            "ignore_blank": True,
            "input_title": "报告正文",
            "input_message": "填写本部分正文。单元格内换行（Alt+Enter）即分段。可写入“填报说明”所列的{占位符}。",
            "error_title": "内容过长",
            "error_message": f"一个单元格最多 {CELL_MAX_CHARS} 个字符，请精简。",
        },
    )
    _print_setup(ws)
    _page_title(ws, schema, SHEET_NARRATIVE)
    _protect(ws)


def _unit_note(table: Table) -> str:
    amounts = dict.fromkeys(f.row_label for f in table.figures() if f.kind == "amount")
    note = "单位：件"
    if amounts:
        note += "（" + "、".join(amounts) + "：万元）"
    return note + "。浅黄色单元格填写，灰色单元格自动计算；没有的请填 0。"


def _table(
    wb: Workbook, schema: Schema, table: Table, st: _Styles, report: Report | None, cached: dict[str, int | float]
) -> None:
    ws = wb.add_worksheet(table.sheet)
    scale = max(80.0 / sum(table.col_widths), 9.0 / min(table.col_widths))
    widths = [w * scale for w in table.col_widths]
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    last_col = table.grid_cols - 1
    ws.merge_range(0, 0, 0, last_col, "", st.title)
    ws.write_string(0, 0, table.title, st.title)
    ws.set_row(0, 26)
    note = _unit_note(table)
    ws.merge_range(1, 0, 1, last_col, "", st.subtitle)
    ws.write_string(1, 0, note, st.subtitle)
    ws.set_row(1, _row_height(note, sum(widths)))

    totals = formula_rules_by_anchor(schema)
    heights: dict[int, float] = {}
    inputs: dict[str, list[CellRef]] = {"count": [], "amount": []}
    for cell in table.grid:
        row, col = GRID_TOP + cell.row, cell.col
        span_width = sum(widths[col : col + cell.colspan])
        if cell.role == "figure":
            assert cell.key is not None
            fig = schema.figure(cell.key)
            if cell.key in totals:
                fmt, value = st.total, None
            else:
                fmt = st.amount_in if fig.kind == "amount" else st.count_in
                value = report.value(cell.key) if report is not None else None
                inputs[fig.kind].append(_ref(schema, cell.key))
        else:
            fmt = {"caption": st.caption, "header": st.header, "note": st.corner_note}.get(cell.role, st.label)
            value = cell.text
            if cell.rowspan == 1:
                heights[row] = max(heights.get(row, 0.0), _row_height(cell.text, span_width))
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_range(row, col, row + cell.rowspan - 1, col + cell.colspan - 1, "", fmt)
        if cell.key in totals:
            ws.write_formula(row, col, sum_formula(schema, totals[cell.key]), fmt, cached.get(cell.key, 0))
        else:
            _write_value(ws, row, col, value, fmt)
    for row, h in heights.items():
        ws.set_row(row, h)
    for row in range(GRID_TOP, GRID_TOP + table.grid_rows):
        if row not in heights:
            ws.set_row(row, _LINE_HEIGHT + 5)

    for kind, refs in inputs.items():
        if refs:
            first = refs[0]
            ws.data_validation(
                first.row, first.col, first.row, first.col, _figure_validation(kind, sqref(refs), first.a1)
            )
    _balance_formats(ws, schema, table, st)

    header_end = GRID_TOP + table.header_rows - 1
    if table.header_rows:
        first_fig_col = min(c.col for c in table.grid if c.role == "figure")
        ws.freeze_panes(header_end + 1, first_fig_col)
    landscape = sum(widths) / table.grid_rows > 8
    _print_setup(ws, landscape=landscape, repeat_to=header_end if table.header_rows else GRID_TOP - 1)
    _page_title(ws, schema, table.sheet)
    _protect(ws)


def _figure_validation(kind: str, cells: str, first: str) -> dict[str, Any]:
    """Whole numbers ≥ 0 for counts; numbers ≥ 0 in 万元 with at most 4 decimals (1 元) for amounts.

    The amount rule is a custom formula relative to the range's first cell
    ``first``, since no built-in validation limits decimals.
    """
    common = {"criteria": ">=", "value": 0, "ignore_blank": True, "error_type": "stop", "multi_range": cells}
    if kind == "amount":
        return {
            **common,
            "validate": "custom",
            "value": f"AND(ISNUMBER({first}),{first}>=0,ROUND({first},4)={first})",
            "input_title": "金额（万元）",
            "input_message": "请填写不小于 0 的数字，单位：万元，最多保留 4 位小数。没有的填 0。",
            "error_title": "金额无效",
            "error_message": "此处只能填写不小于 0 的数字（单位：万元，最多 4 位小数）。",
        }
    return {
        **common,
        "validate": "integer",
        "input_title": "件数",
        "input_message": "请填写不小于 0 的整数，单位：件。没有的填 0。",
        "error_title": "件数无效",
        "error_message": "此处只能填写不小于 0 的整数（单位：件）。",
    }


def _balance_formats(ws: Worksheet, schema: Schema, table: Table, st: _Styles) -> None:
    """Turn the cells of a broken cross-check (e.g. 一+二 ≠ (七)+四) red, live while typing.

    One formula-type conditional format per rule, with absolute references,
    so Excel, WPS and LibreOffice evaluate it the same way. A total rule over
    a formula total (e.g. the grand total of (七)) holds by construction and
    gets none.
    """
    totals = formula_rules_by_anchor(schema)
    for rule in schema.rules:
        if rule.table != table.id or rule.formula or (rule.is_total and rule.anchor in totals):
            continue
        keys = (*rule.left, *rule.right)
        left = ",".join(_ref(schema, k).absolute.split("!")[1] for k in rule.left)
        right = ",".join(_ref(schema, k).absolute.split("!")[1] for k in rule.right)
        refs = [_ref(schema, k) for k in keys]
        ws.conditional_format(
            refs[0].row,
            refs[0].col,
            refs[0].row,
            refs[0].col,
            {
                "type": "formula",
                "criteria": f"=SUM({left})<>SUM({right})",
                "format": st.broken,
                "multi_range": " ".join(r.a1 for r in refs),
            },
        )


def _stamp(wb: Workbook, schema: Schema, report: Report | None) -> dict[str, str]:
    """The hidden stamp sheet: field names in column A, values in column B."""
    values = _stamp_values(schema, report)
    ws = wb.add_worksheet(SHEET_STAMP)
    for i, name in enumerate(STAMP_FIELDS):
        ws.write_string(i, 0, name)
        ws.write_string(i, 1, values[name])
    ws.very_hidden()
    _protect(ws)
    return values


def _stamp_values(schema: Schema, report: Report | None) -> dict[str, str]:
    agency = report.agency if report is not None and report.agency else ""
    year = report.year if report is not None and report.year not in (None, "") else ""
    return {"format": schema.format_id, "template_version": TEMPLATE_VERSION, "agency": agency, "year": str(year)}


# --------------------------------------------------------------------------- entry points
def template_bytes(
    report: Report | None = None,
    *,
    lock_info: bool = False,
    deadline: str | None = None,
    return_to: str | None = None,
) -> bytes:
    """The template as xlsx bytes (same bytes for the same input).

    ``deadline`` (``YYYY-MM-DD``) and ``return_to`` (where to send it back) are
    printed at the top of 填报说明.
    """
    schema = report.schema if report is not None else get_schema()
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "default_format_properties": {"font_name": FONT_NAME, "font_size": 11},
        },
    )
    st = _Styles(wb)
    cached = _cached_totals(schema, report)
    _instructions(wb, schema, st, deadline=deadline, return_to=return_to)
    _info(wb, schema, st, report, lock_info)
    _narrative(wb, schema, st, report)
    for table in schema.tables:
        _table(wb, schema, table, st, report, cached)
    _placeholders(wb, schema, st)
    stamp = _stamp(wb, schema, report)
    for key, ref in _cells(schema).items():
        wb.define_name(key, "=" + ref.absolute)
    for name in STAMP_FIELDS:  # Excel caps a property at 255 characters; the hidden sheet keeps it whole
        wb.set_custom_property(stamp_property(name), stamp[name][:CUSTOM_PROPERTY_MAX], "text")
    title = "政府信息公开工作年度报告填报表"
    if stamp["agency"]:
        title = f"{stamp['agency']}{stamp['year'] + '年' if stamp['year'] else ''}{title}"
    wb.set_properties(
        {
            "title": title,
            "subject": schema.name,
            "author": "nianbao",
            "company": "",
            "keywords": f"{schema.format_id}, template v{TEMPLATE_VERSION}",
            "comments": "由 nianbao 生成的填报模板",
            "created": FIXED_CREATED,
        }
    )
    wb.close()
    return buf.getvalue()


def write_template(
    path: str | Path,
    report: Report | None = None,
    *,
    lock_info: bool = False,
    deadline: str | None = None,
    return_to: str | None = None,
) -> Path:
    """Write the standard template to ``path`` atomically.

    Without ``report``: the blank template, narrative cells prefilled with the
    schema's hint text. With ``report``: its basic information, narrative and
    figures are written in (blank stays blank; totals stay live formulas); the
    hints are used only when the report has no prose at all. ``lock_info``
    locks the prefilled agency and year cells; ``deadline`` and ``return_to``
    head the instructions.
    """
    return write_atomic(path, template_bytes(report, lock_info=lock_info, deadline=deadline, return_to=return_to))
