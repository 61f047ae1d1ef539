"""The jurisdiction's roll-up: tables 2, 3 and 4 summed cell by cell over readable reports.

Every cell, totals included, is the plain sum of the same cell in every
report, so the roll-up can be checked against the inputs one cell at a time.
Blank cells add nothing; text found where a number belongs is skipped and
counted (the checker already reported it in that agency's file).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..findings import tidy
from ..model import Report, Value
from ..schema import DEFAULT_FORMAT, Schema, get_schema

#: Title of the roll-up report compiled with ``--rollup-name``.
ROLLUP_TITLE = "{name}政府信息公开申请情况汇总"

Tables = Mapping[str, Sequence[Sequence[Value]]]


@dataclass
class Rollup:
    """A running sum; ``add`` one report's tables at a time, then ``report()``."""

    schema: Schema = field(default_factory=get_schema)
    sums: dict[str, list[list[int | float]]] = field(default_factory=dict)
    #: Reports summed.
    files: int = 0
    #: Text values skipped, by figure key.
    text_skipped: Counter[str] = field(default_factory=Counter)
    #: Years of the reports summed (a roll-up normally covers one year).
    years: Counter[Any] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        if not self.sums:
            self.sums = {t.id: [[0] * len(row) for row in t.rows] for t in self.schema.tables}

    def add(self, tables: Tables | None, year: Any = None) -> None:
        """Add one report's tables (missing tables, rows or cells count as blank)."""
        self.files += 1
        self.years[year if isinstance(year, int) and not isinstance(year, bool) else None] += 1
        if not tables:
            return
        for table in self.schema.tables:
            rows = tables.get(table.id) or []
            target = self.sums[table.id]
            for r, spec_row in enumerate(table.rows):
                row = rows[r] if r < len(rows) and isinstance(rows[r], list | tuple) else ()
                for c, fig in enumerate(spec_row):
                    v = row[c] if c < len(row) else None
                    if v is None:
                        continue
                    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                        self.text_skipped[fig.key] += 1
                        continue
                    target[r][c] += v

    def add_report(self, report: Report) -> None:
        self.add(report.tables, report.year)

    @property
    def text_count(self) -> int:
        return sum(self.text_skipped.values())

    @property
    def main_year(self) -> int | None:
        """The most common valid year (ties: the latest)."""
        valid = [(n, y) for y, n in self.years.items() if isinstance(y, int)]
        return max(valid)[1] if valid else None

    def value(self, key: str) -> int | float:
        fig = self.schema.figure(key)
        return tidy(self.sums[fig.table][fig.row - 1][fig.col - 1])

    def tables(self) -> dict[str, list[list[int | float]]]:
        return {tid: [[tidy(v) for v in row] for row in rows] for tid, rows in self.sums.items()}

    def report(self, name: str, year: int | None = None) -> Report:
        """The roll-up as a ``Report``: agency = ``name``, figures = the sums, no narrative."""
        report = Report.empty(self.schema.format_id)
        report.agency = name
        report.year = year if year is not None else self.main_year
        report.tables = self.tables()
        return report


def rollup(reports: Iterable[Report], format_id: str = DEFAULT_FORMAT) -> Rollup:
    """Sum the tables of ``reports``."""
    acc = Rollup(get_schema(format_id))
    for report in reports:
        acc.add_report(report)
    return acc
