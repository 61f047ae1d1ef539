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

    def placeholders(self) -> tuple[Placeholder, ...]:
        """The fixed ``{名称}`` vocabulary: one per figure, named by its short name."""
        return tuple(Placeholder(f.name, f.key) for f in self.figures())


_FIGURE_INDEX: dict[str, dict[str, Figure]] = {}


def _figure_index(schema: Schema) -> dict[str, Figure]:
    index = _FIGURE_INDEX.get(schema.format_id)
    if index is None:
        index = _FIGURE_INDEX[schema.format_id] = {f.key: f for f in schema.figures()}
    return index
