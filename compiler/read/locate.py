"""Cell location: where each key of the schema is in a returned workbook.

By the workbook's defined names first (they follow rows inserted and sheets
renamed in Excel, WPS or LibreOffice), else at the template position from
``compiler.schema.workbook``. Cells are read from the ``Book`` only, sheet by
sheet, up to the last row and column any key can be at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..schema import Schema
from ..schema.workbook import cell_map
from .adapter import Book, Keep, Package

#: A defined name's target: ``'表三'!$D$6`` or ``Sheet1!$B$2:$C$3`` (top-left cell taken).
_NAME_TARGET = re.compile(
    r"=?(?:'((?:[^']|'')+)'|([^'!\[\]:\s]+))!\$?([A-Za-z]{1,3})\$?(\d{1,7})(?::\$?[A-Za-z]{1,3}\$?\d{1,7})?"
)
_A1 = re.compile(r"([A-Z]{1,3})(\d{1,7})")
MAX_ROW, MAX_COL = 1_048_576, 16_384


@dataclass(frozen=True)
class Located:
    """A cell's content as found in the workbook."""

    sheet: str
    a1: str
    value: Any
    formula: str | None


def name_target(text: str) -> tuple[str, str] | None:
    """A defined name's (sheet title, top-left A1), or ``None`` for ``#REF!``, external workbooks or formulas.

    One regex instead of openpyxl's formula tokenizer (10× faster).
    """
    m = _NAME_TARGET.fullmatch(text.strip())
    if not m:
        return None
    sheet = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
    return sheet, f"{m.group(3).upper()}{int(m.group(4))}"


def row_col(a1: str) -> tuple[int, int]:
    m = _A1.fullmatch(a1)
    assert m  # built by name_target or the schema
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def sheets_to_read(schemas: Iterable[Schema], extra: tuple[str, ...] = ()) -> Keep:
    """A ``keep`` for ``open_book``: the formats' sheets, ``extra`` and those our names point into."""
    schemas = tuple(schemas)
    keys = {k for s in schemas for k in cell_map(s)}
    homes = {ref.sheet for s in schemas for ref in cell_map(s).values()} | set(extra)

    def keep(package: Package) -> set[str]:
        named = {t[0] for k, text in package.names if k in keys and (t := name_target(text))}
        return homes | named

    return keep


@cache
def _homes(schema: Schema) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[int, int]]]:
    """Each key's template cell (sheet, A1), and each sheet's last row and column holding a key."""
    homes = {key: (ref.sheet, ref.a1) for key, ref in cell_map(schema).items()}
    bounds: dict[str, tuple[int, int]] = {}
    for sheet, a1 in homes.values():
        row, col = row_col(a1)
        old = bounds.get(sheet, (0, 0))
        bounds[sheet] = (max(old[0], row), max(old[1], col))
    return homes, bounds


class Locator:
    """Finds each key's cell: defined name first, else the template position."""

    def __init__(self, book: Book, schema: Schema) -> None:
        self.book = book
        self.sheets = set(book.titles)
        self.positions, bounds = _homes(schema)
        self.names = {k: t for k, text in book.names.items() if k in self.positions and (t := name_target(text))}
        self.by_name = 0
        self.by_position = 0
        #: Every key looked up → where it was found (for findings that name a cell).
        self.found: dict[str, Located] = {}
        #: Keys found away from their template position → (sheet, A1), for findings.
        self.moved: dict[str, tuple[str, str]] = {}
        self.missing_sheets: set[str] = set()
        # Each sheet is read once, up to the last row and column any key can be at there.
        self._bounds = dict(bounds)
        for sheet, a1 in self.names.values():
            row, col = row_col(a1)
            if row <= MAX_ROW and col <= MAX_COL:
                old = self._bounds.get(sheet, (0, 0))
                self._bounds[sheet] = (max(old[0], row), max(old[1], col))

    def find(self, key: str) -> Located | None:
        if key in self.found:
            return self.found[key]
        located = self._find(key)
        if located is not None:
            self.found[key] = located
            home = self.positions.get(key)
            if home is not None and (located.sheet, located.a1) != home:
                self.moved[key] = (located.sheet, located.a1)
        return located

    def _find(self, key: str) -> Located | None:
        target = self.names.get(key)
        if target and target[0] in self.sheets:
            self.by_name += 1
            return self._content(*target)
        home = self.positions.get(key)
        if home is None:
            return None
        if home[0] not in self.sheets:
            self.missing_sheets.add(home[0])
            return None
        located = self._content(*home)
        # Only a cell that holds something was "read by position": an empty one (e.g. a field added to the
        # template after this workbook was made, such as 发布网站) cannot be misread.
        if located.value is not None or located.formula:
            self.by_position += 1
        return located

    def _content(self, sheet: str, a1: str) -> Located:
        row, col = row_col(a1)
        if not (1 <= row <= MAX_ROW and 1 <= col <= MAX_COL):
            return Located(sheet, a1, None, None)
        cell = self.book.cells(sheet, *self._bounds[sheet]).get((row, col))
        if cell is None:
            return Located(sheet, a1, None, None)
        return Located(sheet, a1, cell.value, cell.formula)
