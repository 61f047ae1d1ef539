"""What one input of a batch came to (``FileOutcome``), as passed from the worker to the runner and the manifest.

Findings are ``Finding`` objects built from the catalogue (``batch_finding``);
``to_json``/``from_json`` are the manifest's (and the pipe's) plain form, with
every agency-supplied string cut to ``MAX_TEXT`` characters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..catalog import CATALOG
from . import FAILED

if TYPE_CHECKING:
    from ..findings import Finding

#: Longest agency-supplied string kept in a result (a 100,000-character name is cut, not carried around).
MAX_TEXT = 2000


def batch_finding(code: str, message: str) -> Finding:
    """A file-level finding of the batch (no cell), built from its catalogue entry."""
    return CATALOG[code].at(cut(message))


@dataclass
class FileOutcome:
    """One input's result: status, what was read, its findings, and its outputs (format → file name)."""

    rel: str
    status: str = FAILED
    agency: str | None = None
    year: Any = None
    template_version: str | None = None
    findings: list[Finding] = field(default_factory=list)
    #: The tables as read (JSON-safe), for the summary and the roll-up; ``None`` when not read.
    tables: dict[str, list[list[Any]]] | None = None
    #: Format → file: staged paths from the worker, final names in OUT_DIR once placed.
    outputs: dict[str, str] = field(default_factory=dict)
    #: The output name before numbering (``<单位><年度>年政府信息公开工作年度报告``).
    stem: str = ""
    #: Content hash of last year's report used for the cross-year checks.
    prev: str | None = None
    #: The one-line reason shown for a file that failed or could not be read.
    message: str | None = None
    elapsed: float | None = None
    #: The 成文日期 as ISO text (decides between two sheets of one agency), ``None`` when absent or invalid.
    date: str | None = None
    #: Phone and e-mail from the sheet (the round status falls back to them when the roster has none).
    contact: dict[str, str] = field(default_factory=dict)

    def fail(self, code: str, message: str) -> None:
        """The file failed (a crash, a timeout, our bug…): no outputs, and a finding saying so."""
        self.status = FAILED
        self.message = cut(message)
        self.findings = [*self.findings, batch_finding(code, message)]
        self.outputs = {}

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rel": self.rel,
            "status": self.status,
            "agency": self.agency,
            "year": self.year,
            "template_version": self.template_version,
            "findings": [finding_to_dict(f) for f in self.findings],
            "tables": self.tables,
            "outputs": dict(self.outputs),
            "stem": self.stem,
            "prev": self.prev,
        }
        if self.message is not None:
            data["message"] = self.message
        if self.elapsed is not None:
            data["elapsed"] = self.elapsed
        if self.date is not None:
            data["date"] = self.date
        if self.contact:
            data["contact"] = dict(self.contact)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileOutcome:
        """From a manifest line (older or damaged lines give what they hold)."""
        outputs = data.get("outputs")
        contact = data.get("contact")
        return cls(
            rel=str(data.get("rel", "")),
            status=data.get("status") or FAILED,
            agency=data.get("agency"),
            year=data.get("year"),
            template_version=data.get("template_version"),
            findings=[finding_from_dict(f) for f in data.get("findings") or [] if isinstance(f, dict)],
            tables=data.get("tables"),
            outputs={k: v for k, v in outputs.items() if isinstance(v, str)} if isinstance(outputs, dict) else {},
            stem=data.get("stem") or "",
            prev=data.get("prev"),
            message=data.get("message"),
            elapsed=data.get("elapsed"),
            date=data.get("date") if isinstance(data.get("date"), str) else None,
            contact={k: v for k, v in contact.items() if isinstance(v, str)} if isinstance(contact, dict) else {},
        )


def finding_to_dict(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity,
        "sheet": f.sheet,
        "cell": f.cell,
        "key": f.key,
        "message": cut(f.message),
        "expected": plain(f.expected),
        "actual": plain(f.actual),
    }


def finding_from_dict(d: dict[str, Any]) -> Finding:
    """A recorded finding rebuilt from its catalogue entry (a damaged line's unknown code: ``INTERNAL_ERROR``)."""
    entry = CATALOG.get(str(d.get("code", ""))) or CATALOG["INTERNAL_ERROR"]
    return entry.at(
        str(d.get("message", "")),
        sheet=d.get("sheet"),
        cell=d.get("cell"),
        key=d.get("key"),
        expected=d.get("expected"),
        actual=d.get("actual"),
    )


def plain(v: Any) -> Any:
    """A JSON-safe table value: numbers, text (cut), blank; NaN and infinities as text."""
    if v is None or isinstance(v, bool):
        return None if v is None else str(v)
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else str(v)
    return cut(str(v))


def cut(text: Any, limit: int = MAX_TEXT) -> Any:
    if not isinstance(text, str) or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"
