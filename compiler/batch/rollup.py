"""The jurisdiction's roll-up: tables 2, 3 and 4 summed cell by cell over readable reports.

Every cell, totals included, is the plain sum of the same cell in every
report, so the roll-up can be checked against the inputs one cell at a time.
Blank cells add nothing; text found where a number belongs is skipped and
counted (the checker already reported it in that agency's file).

Which reports are summed (``select``): one per agency and year (a duplicate
would count the agency twice: the one with the later 成文日期 is kept, then
the later file time; only a full tie falls back to path order, and the reason
is always said), only those of the roll-up year (the most common year; ties:
the latest), since adding two years together gives a figure that means
nothing, and by default only reports without errors (a wrong figure must not
reach the jurisdiction's total unannounced; ``include_errors`` takes them in,
and the roll-up is then a draft). Every file left out is listed with the
reason.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from ..findings import tidy
from ..model import Report, Value
from ..schema import DEFAULT_FORMAT, Schema, get_schema
from . import ERRORS, FAILED, UNREADABLE
from .names import duplicate_key


class FileLike(Protocol):
    """What selecting needs of a file: a ``FileRow`` or a worker's ``FileOutcome``."""

    @property
    def rel(self) -> str: ...
    @property
    def agency(self) -> Any: ...
    @property
    def year(self) -> Any: ...
    @property
    def status(self) -> str: ...
    @property
    def tables(self) -> Any: ...


F = TypeVar("F", bound=FileLike)

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
        report.tables = {tid: [list[Value](row) for row in rows] for tid, rows in self.tables().items()}
        return report


# ---------------------------------------------------------------------- which files are summed
#: Why a file was left out of the roll-up (``Excluded.kind``).
DUPLICATE, OTHER_YEAR, HAS_ERRORS = "duplicate", "other_year", "errors"


@dataclass(frozen=True)
class Excluded:
    """A readable file left out of the roll-up, with the reason (Chinese)."""

    rel: str
    agency: Any
    year: Any
    kind: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"path": self.rel, "agency": self.agency, "year": self.year, "kind": self.kind, "reason": self.reason}


@dataclass
class Selection:
    """The files the roll-up sums and those it leaves out."""

    year: int | None
    included: list[Any]
    excluded: list[Excluded]
    #: Groups (two or more files, path order) of one agency and year.
    duplicate_groups: list[list[Any]]
    #: Kept file of each duplicate group → why it was kept (Chinese).
    kept: dict[str, str] = field(default_factory=dict)
    #: Whether files with errors were summed (``--include-errors``).
    include_errors: bool = False

    def count(self, kind: str) -> int:
        return sum(e.kind == kind for e in self.excluded)

    @property
    def included_rels(self) -> set[str]:
        return {f.rel for f in self.included}

    @property
    def unverified(self) -> list[Any]:
        """Files summed although they have errors (only with ``include_errors``)."""
        return [f for f in self.included if f.status == ERRORS]


def _valid_year(year: Any) -> int | None:
    return year if isinstance(year, int) and not isinstance(year, bool) else None


def readable(file: FileLike) -> bool:
    """A file whose tables were read (files with errors included)."""
    return file.status not in (UNREADABLE, FAILED) and file.tables is not None


def duplicate_key_of(file: FileLike) -> tuple[str, str] | None:
    """The agency-and-year key of a file that was read (``None`` otherwise)."""
    return duplicate_key(file.agency, file.year) if readable(file) else None


def duplicate_groups(files: Iterable[F]) -> list[list[F]]:
    """Readable files of one agency (``agency_key``) and one year, two or more per group, in path order."""
    groups: dict[tuple[str, str], list[F]] = {}
    for f in files:
        key = duplicate_key_of(f)
        if key is not None:
            groups.setdefault(key, []).append(f)
    return [sorted(same, key=lambda f: f.rel) for same in groups.values() if len(same) > 1]


def rollup_year(years: Iterable[Any]) -> int | None:
    """The most common valid year (ties: the latest); ``None`` when no year is valid."""
    counts = Counter(y for y in map(_valid_year, years) if y is not None)
    return max((n, y) for y, n in counts.items())[1] if counts else None


def _date_of(f: Any) -> str:
    """The 成文日期 as ISO text ('' when absent or invalid), so that later dates sort later."""
    date = getattr(f, "date", None)
    return date if isinstance(date, str) and len(date) == 10 and date[4] == "-" else ""


def _mtime_of(f: Any) -> float:
    mtime = getattr(f, "mtime", None)
    return float(mtime) if isinstance(mtime, int | float) and not isinstance(mtime, bool) else 0.0


def time_text(mtime: Any) -> str | None:
    """A file time (seconds) as local ``YYYY-MM-DD HH:MM:SS``; ``None`` when unknown."""
    import datetime as dt

    if not isinstance(mtime, int | float) or isinstance(mtime, bool) or mtime <= 0:
        return None
    return dt.datetime.fromtimestamp(mtime).strftime("%Y-%m-%d %H:%M:%S")


def keep_duplicate(same: Sequence[F]) -> tuple[F, str]:
    """Which of two or more files of one agency and year to keep, and why (Chinese).

    The later 成文日期 wins (the agency's latest version of its report), then
    the later file time (the sheet sent last); only when both tie is the first
    in path order kept, and the reason says so.
    """
    ordered = sorted(same, key=lambda f: f.rel)
    best = max(ordered, key=lambda f: (_date_of(f), _mtime_of(f)))  # max keeps the first of equals
    date, mtime = _date_of(best), _mtime_of(best)
    others = [f for f in ordered if f is not best]
    if date and all(_date_of(f) < date for f in others):
        return best, f"成文日期（{date}）较晚"
    if all(_mtime_of(f) < mtime for f in others if _date_of(f) == date):
        tie = f"成文日期相同（{date}）" if date else "成文日期都未填写"
        return best, f"{tie}，文件时间（{time_text(mtime) or '未知'}）较晚"
    return best, "成文日期和文件时间都相同，按路径顺序保留第一份"


def select(files: Sequence[FileLike], *, include_errors: bool = False) -> Selection:
    """The readable files the roll-up sums: one per agency and year, only the roll-up year's, by default no errors."""
    groups = duplicate_groups(files)
    excluded: list[Excluded] = []
    dropped: set[str] = set()
    kept: dict[str, str] = {}
    for same in groups:
        best, why = keep_duplicate(same)
        kept[best.rel] = why
        for f in same:
            if f is best:
                continue
            dropped.add(f.rel)
            reason = f"与 {best.rel} 是同一单位同一年度的报告，保留 {best.rel}（{why}）"
            excluded.append(Excluded(f.rel, f.agency, f.year, DUPLICATE, reason))
    candidates = [f for f in files if readable(f) and f.rel not in dropped]
    year = rollup_year(f.year for f in candidates)
    included = []
    for f in candidates:
        own = _valid_year(f.year)
        if year is None or own == year:
            included.append(f)
            continue
        said = f"为 {own} 年" if own is not None else "不明（未填写或无效）"
        reason = f"报告年度{said}，不是汇总年度 {year} 年"
        excluded.append(Excluded(f.rel, f.agency, f.year, OTHER_YEAR, reason))
    if not include_errors:
        clean = []
        for f in included:
            if f.status != ERRORS:
                clean.append(f)
                continue
            n = getattr(f, "errors", 0) or 0
            reason = (
                f"有 {n} 个错误，数字未经核实，未计入合计（修正后重新运行；或用 --include-errors 计入，汇总将标为草稿）"
            )
            excluded.append(Excluded(f.rel, f.agency, f.year, HAS_ERRORS, reason))
        included = clean
    order = {DUPLICATE: 0, HAS_ERRORS: 1, OTHER_YEAR: 2}
    excluded.sort(key=lambda e: (order.get(e.kind, 9), e.rel))
    return Selection(
        year=year,
        included=included,
        excluded=excluded,
        duplicate_groups=groups,
        kept=kept,
        include_errors=include_errors,
    )


def rollup(reports: Iterable[Report], format_id: str = DEFAULT_FORMAT) -> Rollup:
    """Sum the tables of ``reports``."""
    acc = Rollup(get_schema(format_id))
    for report in reports:
        acc.add_report(report)
    return acc
