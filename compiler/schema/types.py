"""Building blocks of a declarative report format.

A format (e.g. ``gov-2021``) is plain data made of these types. Everything
else -- template writer, reader, checker, Word/HTML writers, the parser of
published reports -- walks this data instead of typing labels again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FigureKind = Literal["count", "amount"]
CellRole = Literal["caption", "header", "label", "note", "figure"]

#: Years a report may be for: the template's validation, the checker and ``template --year`` use this one range.
VALID_YEARS = (2000, 2100)

# Figure roles: what other layers look up by meaning, never by label or position.
# Each role is one or more rows of keys in JSON column order (a 总计 column last).
#: 本年新收申请 (table 3 一).
ROLE_NEW = "applications.new"
#: 上年结转 (table 3 二).
ROLE_CARRIED_IN = "applications.carried_in"
#: Every result row (table 3 三（一）…（六）), in printed order; the first is 予以公开.
ROLE_RESULTS = "applications.results"
#: 予以公开 (table 3 三（一）), the first result row.
ROLE_DISCLOSED = "applications.disclosed"
#: 办理结果总计 (table 3 三（七）).
ROLE_RESULT_TOTAL = "applications.result_total"
#: 结转下年度继续办理 (table 3 四).
ROLE_CARRIED_OUT = "applications.carried_out"
#: The result row of applicants who did not pay a fee after a 收费通知.
ROLE_UNPAID_FEE = "applications.unpaid_fee"
#: 行政复议 (table 4), one row whose last key is its total.
ROLE_REVIEWS = "reviews"
#: 行政诉讼 (table 4): one row per group (direct, after review), each with its total last.
ROLE_LAWSUITS = "lawsuits"
#: The narrative part where the format requires the 信息处理费 statement (one key).
ROLE_FEE_STATEMENT = "narrative.fee_statement"
#: Normative documents (table 2): rows of (本年制发, 本年废止, 现行有效).
ROLE_DOCUMENTS = "documents"


def figure_key(table: str, row: int, col: int) -> str:
    """Stable key of a figure cell, also its workbook defined name: ``t3_r01_c1``."""
    return f"{table}_r{row:02d}_c{col}"


@dataclass(frozen=True)
class Figure:
    """One number cell of a table, addressed by its JSON position (1-based)."""

    key: str
    table: str
    row: int
    col: int
    kind: FigureKind
    row_label: str
    col_label: str
    #: Short Chinese name used in messages and narrative placeholders.
    name: str


@dataclass(frozen=True)
class GridCell:
    """A cell of a table as printed: position in the grid and its spans."""

    row: int
    col: int
    role: CellRole
    text: str = ""
    key: str | None = None
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Rule:
    """``sum(left) == sum(right)``, checked cell by cell.

    A *total* rule has ``left == (total_key,)``; when ``formula`` is true the
    template writes that total as a live formula over ``right``.
    ``anchor`` is the cell a finding points at.
    """

    code: str
    table: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    anchor: str
    formula: bool = False
    #: Chinese name of the relation, used in messages ("第X列勾稽关系").
    title: str = ""

    @property
    def is_total(self) -> bool:
        return len(self.left) == 1 and self.left[0] == self.anchor


@dataclass(frozen=True)
class Table:
    """A statistical table: its figures in JSON order and its printed grid."""

    id: str
    section: int
    sheet: str
    title: str
    rows: tuple[tuple[Figure, ...], ...]
    grid: tuple[GridCell, ...]
    grid_rows: int
    grid_cols: int
    #: Leading grid rows repeated on each new page (0: none).
    header_rows: int
    #: Column widths in the printed grid, in relative units (sum is scaled).
    col_widths: tuple[float, ...]
    #: Label variants accepted when reading published reports (canonical -> aliases).
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)

    def figures(self) -> tuple[Figure, ...]:
        return tuple(f for row in self.rows for f in row)


@dataclass(frozen=True)
class YearLink:
    """A figure that follows from last year's report: ``key`` = last year's ``previous`` + ``plus`` − ``minus``.

    With neither ``plus`` nor ``minus`` it is a copy (this year's 上年结转 = last
    year's 结转下年度), which ``template --from`` prefills; ``code`` is the
    finding when the two years disagree.
    """

    code: str
    key: str
    previous: str
    plus: tuple[str, ...] = ()
    minus: tuple[str, ...] = ()

    @property
    def is_copy(self) -> bool:
        return not self.plus and not self.minus


@dataclass(frozen=True)
class Section:
    """One of the six numbered sections of the report."""

    number: int
    heading: str
    #: Heading variants seen in published reports.
    aliases: tuple[str, ...] = ()
    table: str | None = None


@dataclass(frozen=True)
class NarrativePart:
    """A block of agency prose: one template cell, one JSON text."""

    key: str
    section: int
    title: str
    required: bool
    hint: str


@dataclass(frozen=True)
class InfoField:
    """A basic-information field (agency, year, date, contact)."""

    key: str
    json_path: tuple[str, ...]
    label: str
    kind: Literal["text", "year", "date", "phone", "email"]
    required: bool
    hint: str = ""


@dataclass(frozen=True)
class Placeholder:
    """A ``{名称}`` token agencies may write in narrative text."""

    name: str
    key: str


@dataclass(frozen=True, eq=False)
class Schema:
    """A whole report format: sections, narrative, tables, rules.

    Compared and hashed by identity (``get_schema`` makes one per format), so
    caches keyed by a schema cost nothing.
    """

    format_id: str
    name: str
    #: Title pattern; ``{agency}`` and ``{year}`` are filled in.
    title: str
    sections: tuple[Section, ...]
    info: tuple[InfoField, ...]
    narrative: tuple[NarrativePart, ...]
    tables: tuple[Table, ...]
    rules: tuple[Rule, ...]
    #: Role name (``ROLE_*``) → its rows of keys; a format without a role leaves it out.
    roles: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    #: Figures that follow from last year's report.
    year_links: tuple[YearLink, ...] = ()
    #: Table 2 as printed by the format this one replaced, recognised when importing published reports:
    #: (caption, column headers, row labels) per block.
    trial_table2: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()

    def table(self, table_id: str) -> Table:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    def figures(self) -> tuple[Figure, ...]:
        return tuple(f for t in self.tables for f in t.figures())

    def figure(self, key: str) -> Figure:
        return _figure_index(self)[key]

    def formula_rules(self) -> tuple[Rule, ...]:
        """Total rules the template writes as live formulas, one per total cell."""
        return tuple(r for r in self.rules if r.formula)

    def role(self, name: str) -> tuple[tuple[str, ...], ...]:
        """The rows of keys playing ``name`` (empty when this format has no such figure)."""
        return self.roles.get(name, ())

    def role_totals(self, name: str) -> tuple[str, ...]:
        """The last key (the 总计 column) of each row playing ``name``."""
        return tuple(row[-1] for row in self.role(name))

    def role_total(self, name: str) -> str | None:
        """The total key of a one-row role, else ``None``."""
        totals = self.role_totals(name)
        return totals[0] if len(totals) == 1 else None

    def placeholders(self) -> tuple[Placeholder, ...]:
        """The fixed ``{名称}`` vocabulary: one per figure, named by its short name."""
        return tuple(Placeholder(f.name, f.key) for f in self.figures())


_FIGURE_INDEX: dict[str, dict[str, Figure]] = {}


def _figure_index(schema: Schema) -> dict[str, Figure]:
    index = _FIGURE_INDEX.get(schema.format_id)
    if index is None:
        index = _FIGURE_INDEX[schema.format_id] = {f.key: f for f in schema.figures()}
    return index
