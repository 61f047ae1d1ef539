"""Where each schema key lives in our fill-in workbook (template version 1).

The template writer places cells here, the reader looks for them here (by
defined name first), and findings for a report JSON name these cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .types import Schema

TEMPLATE_VERSION = "1"

SHEET_INSTRUCTIONS = "填报说明"
SHEET_INFO = "基本信息"
SHEET_NARRATIVE = "文字内容"
SHEET_STAMP = "_nianbao"
#: The narrative placeholders and defined names: a reference sheet that is not printed.
SHEET_PLACEHOLDERS = "占位符"

#: 0-based sheet row where a table's printed grid starts (row 0: title, row 1: note).
GRID_TOP = 2
#: 0-based row of the first field on the info and narrative sheets (row 0: header).
FIELDS_TOP = 1
#: 0-based column holding the value on the info and narrative sheets.
VALUE_COL = 1


def col_letter(col: int) -> str:
    """0-based column index to Excel letters (0 → A, 26 → AA)."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class CellRef:
    """A cell of the template: sheet name and 0-based row/column."""

    sheet: str
    row: int
    col: int

    @property
    def a1(self) -> str:
        return f"{col_letter(self.col)}{self.row + 1}"

    @property
    def ref(self) -> str:
        return f"{self.sheet}!{self.a1}"

    @property
    def absolute(self) -> str:
        """Reference for a defined name: ``'表三'!$D$6``."""
        return f"'{self.sheet}'!${col_letter(self.col)}${self.row + 1}"


@cache
def cell_map(schema: Schema) -> dict[str, CellRef]:
    """Every key of the schema (figures, info, narrative) → its template cell."""
    cells: dict[str, CellRef] = {}
    for i, field in enumerate(schema.info):
        cells[field.key] = CellRef(SHEET_INFO, FIELDS_TOP + i, VALUE_COL)
    for i, part in enumerate(schema.narrative):
        cells[part.key] = CellRef(SHEET_NARRATIVE, FIELDS_TOP + i, VALUE_COL)
    for table in schema.tables:
        for cell in table.grid:
            if cell.key:
                cells[cell.key] = CellRef(table.sheet, GRID_TOP + cell.row, cell.col)
    return cells


def cell_ref(schema: Schema, key: str) -> CellRef:
    return cell_map(schema)[key]


#: Fields of the template stamp, in the order of the hidden sheet's rows (column A: field, B: value).
STAMP_FIELDS = ("format", "template_version", "agency", "year")
#: Custom document property holding a stamp field: ``nianbao_format``, ``nianbao_template_version``, …
STAMP_PROPERTY_PREFIX = "nianbao_"


def stamp_property(field: str) -> str:
    """Name of the custom document property that holds stamp ``field``."""
    return STAMP_PROPERTY_PREFIX + field
