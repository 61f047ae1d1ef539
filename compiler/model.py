"""The report model and its JSON interchange form.

A ``Report`` is what every reader produces and every writer consumes. Table
cells hold ``int``/``float`` numbers, ``None`` for a blank cell (never a
silent 0), or the ``str`` found where a number belongs, so the checker can
name it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .schema import DEFAULT_FORMAT, Schema, get_schema

Value = int | float | str | None


@dataclass
class Contact:
    phone: str | None = None
    email: str | None = None
    address: str | None = None


@dataclass
class Origin:
    """Where a report came from and what the reader saw but the model cannot carry."""

    path: str | None = None
    #: ``xlsx``, ``json``, ``txt``, ``html``, ``docx``.
    kind: str = "json"
    template_version: str | None = None
    #: The template stamp found in the workbook (format, version, agency, year).
    stamp: dict[str, str] = field(default_factory=dict)
    #: Total cells typed by hand over the template formula: key → recomputed sum.
    overridden: dict[str, Value] = field(default_factory=dict)
    #: Findings raised while reading (``compiler.findings.Finding``).
    findings: list[Any] = field(default_factory=list)
    #: Figure keys the reader could not read or did not find (null in the report, not a blank):
    #: a finding may name a whole row or table, so the keys are listed here one by one.
    unread: set[str] = field(default_factory=set)
    #: Key → ``(sheet, A1)`` where the reader actually found it, when that is not the
    #: template position (rows inserted, sheets renamed): findings point there.
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Tables absent from a report JSON (their keys are in ``unread``): the checker reports each as an error.
    missing_tables: set[str] = field(default_factory=set)


@dataclass
class Report:
    """One agency's annual report: basic information, narrative and figures."""

    agency: str | None = None
    #: ``int`` when valid; the raw text when not, so the checker can report it.
    year: int | str | None = None
    #: ``datetime.date`` when valid; the raw text when not.
    date: dt.date | str | None = None
    contact: Contact = field(default_factory=Contact)
    #: Where the report is published (named in the opening paragraph; left out when empty).
    website: str | None = None
    #: Narrative texts by schema key (``narr_s1_0`` … ``narr_s6``); newline = paragraph break.
    narrative: dict[str, str] = field(default_factory=dict)
    #: Narrative titles by key, when the agency's differ from the schema's.
    titles: dict[str, str] = field(default_factory=dict)
    #: ``t2``/``t3``/``t4`` → rows → cells, in JSON order.
    tables: dict[str, list[list[Value]]] = field(default_factory=dict)
    format_id: str = DEFAULT_FORMAT
    origin: Origin = field(default_factory=Origin, compare=False, repr=False)

    # ------------------------------------------------------------------ access
    @property
    def schema(self) -> Schema:
        return get_schema(self.format_id)

    @classmethod
    def empty(cls, format_id: str = DEFAULT_FORMAT) -> Report:
        """A report with every figure blank and every narrative text empty."""
        schema = get_schema(format_id)
        return cls(
            format_id=format_id,
            narrative={p.key: "" for p in schema.narrative},
            tables={t.id: [[None] * len(row) for row in t.rows] for t in schema.tables},
        )

    def value(self, key: str) -> Value:
        fig = self.schema.figure(key)
        return self.tables[fig.table][fig.row - 1][fig.col - 1]

    def set_value(self, key: str, value: Value) -> None:
        fig = self.schema.figure(key)
        self.tables[fig.table][fig.row - 1][fig.col - 1] = value

    def number(self, key: str) -> int | float:
        """The figure as a number, blank as 0; text raises (check first)."""
        v = self.value(key)
        if v is None:
            return 0
        if isinstance(v, str):
            raise ValueError(f"{key} holds text: {v!r}")
        return v

    def title_of(self, key: str) -> str:
        for part in self.schema.narrative:
            if part.key == key:
                return self.titles.get(key) or part.title
        raise KeyError(key)

    def info(self, key: str) -> Any:
        """Basic information by its ``info_*`` key."""
        for f in self.schema.info:
            if f.key == key:
                obj: Any = self
                for name in f.json_path:
                    obj = getattr(obj, name)
                return obj
        raise KeyError(key)

    def set_info(self, key: str, value: Any) -> None:
        for f in self.schema.info:
            if f.key == key:
                obj: Any = self
                for name in f.json_path[:-1]:
                    obj = getattr(obj, name)
                setattr(obj, f.json_path[-1], value)
                return
        raise KeyError(key)

    # ------------------------------------------------------------------ JSON
    def to_json(self) -> dict[str, Any]:
        schema = self.schema
        s1 = [p for p in schema.narrative if p.section == 1]
        date = self.date.isoformat() if isinstance(self.date, dt.date) else self.date
        return {
            "format": self.format_id,
            "agency": self.agency,
            "year": self.year,
            "date": date,
            "contact": {"phone": self.contact.phone, "email": self.contact.email, "address": self.contact.address},
            "website": self.website,
            "narrative": {
                "s1": {
                    "lead": self.narrative.get(s1[0].key, ""),
                    "sections": [
                        {"title": self.title_of(p.key), "text": self.narrative.get(p.key, "")} for p in s1[1:]
                    ],
                },
                "s5": self.narrative.get("narr_s5", ""),
                "s6": self.narrative.get("narr_s6", ""),
            },
            "tables": {tid: [list(row) for row in rows] for tid, rows in self.tables.items()},
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        """Build a report from its JSON form; shape errors raise ``ReportFormatError``."""
        if not isinstance(data, dict):
            raise ReportFormatError("JSON 顶层应为对象")
        format_id = data.get("format") or DEFAULT_FORMAT
        if not isinstance(format_id, str):
            kind = {dict: "对象", list: "数组", bool: "布尔值"}.get(type(format_id), "数字")
            raise ReportFormatError(f"format 应为表示格式的文字（如 {DEFAULT_FORMAT}），现为{kind}")
        try:
            schema = get_schema(format_id)
        except KeyError as exc:
            shown = format_id if len(format_id) <= 40 else format_id[:39] + "…"
            raise ReportFormatError(f"未知的报告格式：{shown!r}") from exc
        report = cls.empty(format_id)
        report.agency = _opt_str(data.get("agency"))
        year = data.get("year")
        report.year = year if isinstance(year, int) and not isinstance(year, bool) else _opt_str(year)
        report.date = parse_date(data.get("date"))
        contact = _member(data, "contact", dict, "contact 应为对象")
        report.contact = Contact(*(_opt_str(contact.get(k)) for k in ("phone", "email", "address")))
        report.website = _opt_str(data.get("website"))
        narr = _member(data, "narrative", dict, "narrative 应为对象")
        s1 = _member(narr, "s1", dict, "narrative.s1 应为对象")
        s1_parts = [p for p in schema.narrative if p.section == 1]
        report.narrative[s1_parts[0].key] = _opt_str(s1.get("lead")) or ""
        sections = _member(s1, "sections", list, "narrative.s1.sections 应为数组")
        for part, item in zip(s1_parts[1:], sections, strict=False):
            if isinstance(item, dict):
                report.narrative[part.key] = _opt_str(item.get("text")) or ""
                title = _opt_str(item.get("title"))
                if title and title != part.title:
                    report.titles[part.key] = title
            else:
                report.narrative[part.key] = _opt_str(item) or ""
        report.narrative["narr_s5"] = _opt_str(narr.get("s5")) or ""
        report.narrative["narr_s6"] = _opt_str(narr.get("s6")) or ""
        tables = _member(data, "tables", dict, "tables 应为对象")
        for table in schema.tables:
            rows = tables.get(table.id)
            if rows is None:
                report.origin.missing_tables.add(table.id)
                report.origin.unread |= {f.key for f in table.figures()}
                continue
            if not isinstance(rows, list):
                raise ReportFormatError(f"tables.{table.id} 应为数组")
            for r, (spec_row, row) in enumerate(zip(table.rows, rows, strict=False)):
                if not isinstance(row, list):
                    raise ReportFormatError(f"tables.{table.id}[{r}] 应为数组")
                for c, (_, v) in enumerate(zip(spec_row, row, strict=False)):
                    report.tables[table.id][r][c] = _json_value(v)
        return report

    @classmethod
    def load(cls, path: str | Path) -> Report:
        return cls.loads(Path(path).read_text(encoding="utf-8-sig"), path)

    @classmethod
    def loads(cls, text: str, path: str | Path = "") -> Report:
        """A report from JSON text (``path`` only names where it came from)."""
        try:
            data = json.loads(text, parse_int=_parse_int)
        except json.JSONDecodeError as exc:
            raise ReportFormatError(f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列") from exc
        report = cls.from_json(data)
        report.origin = Origin(
            path=str(path), kind="json", unread=report.origin.unread, missing_tables=report.origin.missing_tables
        )
        return report


#: Longer integers are kept as the digits typed (text, which the checker reports), never converted:
#: Python refuses to convert more than 4300 digits, and no figure of a report has 20.
MAX_INT_DIGITS = 1000


def _parse_int(digits: str) -> int | str:
    return int(digits) if len(digits) <= MAX_INT_DIGITS else digits


class ReportFormatError(ValueError):
    """A report JSON whose shape does not match the interchange format."""


def _member(data: dict[str, Any], name: str, kind: type, message: str) -> Any:
    """``data[name]`` when it has the expected JSON type; absent or null gives an empty one."""
    value = data.get(name)
    if value is None:
        return kind()
    if not isinstance(value, kind):
        raise ReportFormatError(message)
    return value


def _opt_str(v: Any) -> str | None:
    if v is None:
        return None
    return v if isinstance(v, str) else str(v)


def _json_value(v: Any) -> Value:
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int | float):
        return v
    return json.dumps(v, ensure_ascii=False)


def parse_date(v: Any) -> dt.date | str | None:
    """An ISO date (or a datetime) as a ``date``; anything else is kept as text."""
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    text = str(v).strip()
    for parse in (dt.date.fromisoformat, lambda t: dt.datetime.fromisoformat(t).date()):
        try:
            return parse(text)
        except ValueError:
            pass
    return text
