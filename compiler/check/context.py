"""What every rule needs: the report's values, the schema's layout and a way to add findings.

Schema-derived facts (cells, landmark keys, formula order) are computed once
per format id and reused: ``cell_map(schema)`` hashes the whole schema on
every call, which alone would cost more than the checks.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TypeGuard

from ..catalog import CATALOG
from ..compute import formula_order
from ..findings import Finding, tidy
from ..model import Report, Value
from ..placeholders import format_number
from ..schema import ROLE_DOCUMENTS, ROLE_RESULTS, ROLE_UNPAID_FEE, Figure, Rule, Schema, Table, YearLink
from ..schema.workbook import SHEET_INFO, SHEET_NARRATIVE, CellRef, cell_map

#: Two sums closer than this are equal (float noise in 万元 amounts).
EPSILON = 1e-6


@dataclass(frozen=True)
class Layout:
    """Schema facts the rules need, derived once per format."""

    figures: tuple[Figure, ...]
    by_key: dict[str, Figure]
    cells: dict[str, CellRef]
    formula_rules: tuple[Rule, ...]
    #: Sheet name → position, for sorting findings in the order a clerk reads the workbook.
    sheet_order: dict[str, int]
    #: Table 2 rows of three figures: (made, repealed, valid).
    t2_triples: tuple[tuple[Figure, Figure, Figure], ...]
    #: The amount figures (行政事业性收费, 万元).
    amounts: tuple[Figure, ...]
    #: The 总计 key of each one-row role (``ROLE_NEW`` …) this format has.
    totals: dict[str, str]
    #: Figures that follow from last year's report.
    year_links: tuple[YearLink, ...]
    #: Result groups as printed (“不予公开” → the 总计 keys of its rows), from the grid's row labels.
    result_groups: dict[str, tuple[str, ...]]

    @property
    def unpaid_fee_total(self) -> str | None:
        """The 总计 key of the row of applicants who did not pay after a 收费通知."""
        return self.totals.get(ROLE_UNPAID_FEE)


_LAYOUTS: dict[str, Layout] = {}


def layout(schema: Schema) -> Layout:
    cached = _LAYOUTS.get(schema.format_id)
    if cached is not None:
        return cached
    figures = schema.figures()
    by_key = {f.key: f for f in figures}
    sheets = [SHEET_INFO, SHEET_NARRATIVE, *(t.sheet for t in schema.tables)]
    totals = {role: total for role in schema.roles if (total := schema.role_total(role)) is not None}
    result = _LAYOUTS[schema.format_id] = Layout(
        figures=figures,
        by_key=by_key,
        cells=dict(cell_map(schema)),
        formula_rules=tuple(formula_order(schema.formula_rules())),
        sheet_order={s: i for i, s in enumerate(sheets)},
        t2_triples=tuple((by_key[a], by_key[b], by_key[c]) for a, b, c in schema.role(ROLE_DOCUMENTS)),
        amounts=tuple(f for f in figures if f.kind == "amount"),
        totals=totals,
        year_links=schema.year_links,
        result_groups=_result_groups(schema, by_key),
    )
    return result


_GROUP_LABEL = re.compile(r"（[一二三四五六七八九十]+）([^（]+)")


def _result_groups(schema: Schema, by_key: dict[str, Figure]) -> dict[str, tuple[str, ...]]:
    """“（三）不予公开” spanning grid rows → {"不予公开": the 总计 keys of its result rows}."""
    results = schema.role(ROLE_RESULTS)
    if not results:
        return {}
    table: Table = schema.table(by_key[results[0][-1]].table)
    total_by_row = {by_key[row[-1]].row: row[-1] for row in results}
    groups: dict[str, tuple[str, ...]] = {}
    for cell in table.grid:
        m = _GROUP_LABEL.match(cell.text) if cell.role == "label" else None
        if m:
            first = cell.row - table.header_rows + 1
            keys = tuple(total_by_row[r] for r in range(first, first + cell.rowspan) if r in total_by_row)
            if keys:
                groups[m.group(1)] = keys
    return groups


def single_figures(schema: Schema, lay: Layout) -> tuple[Figure, ...]:
    """The one-figure rows of the documents' table (行政许可、处罚、强制 decisions and the fee amount)."""
    documents = {k for row in schema.role(ROLE_DOCUMENTS) for k in row}
    tables = {lay.by_key[k].table for k in documents}
    return tuple(f for f in lay.figures if f.table in tables and f.key not in documents)


def role_total(lay: Layout, role: str) -> str | None:
    """The 总计 key of a one-row role (``ROLE_NEW`` …), ``None`` when this format has none."""
    return lay.totals.get(role)


# ---------------------------------------------------------------------- values
def is_number(v: object) -> TypeGuard[int | float]:
    """A finite number (``bool`` is not one)."""
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def close(a: float, b: float) -> bool:
    return abs(a - b) <= EPSILON * max(1.0, abs(a), abs(b))


def show(v: Value | object) -> str:
    """A cell value as a clerk reads it in a message."""
    if v is None:
        return "空白"
    if isinstance(v, str):
        return f"“{v[:30]}{'…' if len(v) > 30 else ''}”"
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    if is_number(v):
        return format_number(tidy(v))  # type: ignore[arg-type]
    return repr(v)


def typed_value(v: object) -> str:
    """A number as the clerk typed it (``-1e-300``, ``18.0000001``): never rounded into another value."""
    if isinstance(v, float) and math.isfinite(v) and not v.is_integer():
        return repr(v)
    return show(v)


_PAREN_TAIL = re.compile(r"（[^（）]*）$")


def short_label(label: str) -> str:
    """A row/column label short enough for a message: drop a trailing remark in （）."""
    text = _PAREN_TAIL.sub("", label) if not label.startswith("（") or label.count("（") > 1 else label
    head, sep, _ = text.partition("、")
    if sep and len(head) >= 6:
        text = head
    return text or label


def where(fig: Figure) -> str:
    """“规章·本年制发件数”: the row and column of a figure, as printed."""
    return f"“{short_label(fig.row_label)}·{short_label(fig.col_label)}”"


def term(fig: Figure) -> str:
    """The short printed name of a table-3 row used in a sum: 一, 二, （七）总计, 四."""
    label = fig.row_label
    head, sep, _ = label.partition("、")
    if sep and len(head) <= 2:
        return head
    return short_label(label)


# ---------------------------------------------------------------------- context
@dataclass
class Context:
    """One check run: the report, flattened values, and the findings so far."""

    report: Report
    schema: Schema
    lay: Layout
    published: bool
    values: dict[str, Value]
    #: Keys whose value is not a usable number (text, non-finite, or unreadable per the reader).
    unknown: set[str] = field(default_factory=set)
    #: Unknown totals → the input cells that make them unknown.
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Who reports (``government`` / ``department``), as the officer said; ``None``: read from the agency name.
    reporter: str | None = None
    #: Keys whose text plainly holds a number (``"8件"``): the text as typed; ``values`` holds the number.
    text_numbers: dict[str, str] = field(default_factory=dict)
    #: Keys the reader could not read (``origin.unread`` and keys of its error/warning findings).
    unread: set[str] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)

    def num(self, key: str) -> float:
        """A known figure as a number, blank as 0 (callers skip unknown keys first)."""
        v = self.values.get(key)
        return v if is_number(v) else 0  # type: ignore[return-value]

    def add(
        self,
        code: str,
        key: str | None,
        message: str,
        expected: object = None,
        actual: object = None,
        *,
        sheet: str | None = None,
    ) -> Finding:
        where = self.report.origin.cells.get(key) if key else None
        if where is None and key and key in self.lay.cells:
            where = (self.lay.cells[key].sheet, self.lay.cells[key].a1)
        finding = CATALOG[code].at(
            message,
            sheet=where[0] if where else sheet,
            cell=where[1] if where else None,
            key=key,
            expected=_plain(expected),
            actual=_plain(actual),
        )
        self.findings.append(finding)
        return finding


def part_title(ctx: Context, key: str) -> str:
    """The title of a narrative part as the report writes it (for messages)."""
    try:
        return ctx.report.title_of(key)
    except KeyError:
        return key


def _plain(v: object) -> object:
    """Numbers tidied, non-finite numbers as text: a finding must be valid JSON."""
    if isinstance(v, float):
        return tidy(v) if math.isfinite(v) else str(v)
    return v


def flatten(report: Report, lay: Layout) -> dict[str, Value]:
    """Every figure key → its value; a malformed table shape reads as blank, never raises."""
    values: dict[str, Value] = {}
    tables = report.tables if isinstance(report.tables, dict) else {}
    for f in lay.figures:
        try:
            values[f.key] = tables[f.table][f.row - 1][f.col - 1]
        except (KeyError, IndexError, TypeError):
            values[f.key] = None
    return values
