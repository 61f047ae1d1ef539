"""One row per input for the summary workbook, the final table and the JSON summary; duplicates flagged."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..findings import Finding
from . import FAILED, OK, WARNINGS
from .manifest import Manifest
from .results import FileOutcome, batch_finding, finding_to_dict
from .summary import STATUS_LABEL, key_figure_values


@dataclass
class FileRow:
    """An input as the run ends: its status, counts, key figures, outputs, message and findings."""

    rel: str
    agency: Any = None
    year: Any = None
    status: str = FAILED
    errors: int = 0
    warnings: int = 0
    notices: int = 0
    #: Key-figure label → value (``summary.key_figures``).
    figures: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    message: str = ""
    findings: list[Finding] = field(default_factory=list)
    tables: dict[str, list[list[Any]]] | None = None
    elapsed: float | None = None

    @classmethod
    def of(cls, outcome: FileOutcome) -> FileRow:
        findings = list(outcome.findings)
        counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "notice")}
        message = outcome.message
        if not message and counts["error"]:
            message = next(f.message for f in findings if f.severity == "error")
        return cls(
            rel=outcome.rel,
            agency=outcome.agency,
            year=outcome.year,
            status=outcome.status,
            errors=counts["error"],
            warnings=counts["warning"],
            notices=counts["notice"],
            figures=key_figure_values(outcome.tables),
            outputs=dict(outcome.outputs),
            message=message or "",
            findings=findings,
            tables=outcome.tables,
            elapsed=outcome.elapsed,
        )

    def to_json(self, *, in_rollup: bool) -> dict[str, Any]:
        return {
            "rel": self.rel,
            "agency": self.agency,
            "year": self.year,
            "status": self.status,
            "errors": self.errors,
            "warnings": self.warnings,
            "notices": self.notices,
            "figures": self.figures,
            "outputs": dict(self.outputs),
            "message": self.message,
            "findings": [finding_to_dict(f) for f in self.findings],
            "status_label": STATUS_LABEL.get(self.status, self.status),
            "in_rollup": in_rollup,
        }


def file_rows(inputs: list[str], manifest: Manifest) -> list[FileRow]:
    """A row per input, from its manifest entry (an input never finished is ``failed``)."""
    rows = []
    for rel in inputs:
        entry = manifest.get(rel)
        if entry:
            outcome = FileOutcome.from_json(dict(entry["result"], rel=rel))
        else:
            outcome = FileOutcome(rel, message="未处理（批处理被中断？）")
        rows.append(FileRow.of(outcome))
    return rows


def flag_duplicates(groups: list[list[FileRow]]) -> None:
    """Two files for one agency and year: a warning on each (both are compiled; the roll-up takes the first)."""
    for same in groups:
        first = same[0].rel
        year = same[0].year
        year = f"{year}年" if isinstance(year, int) and not isinstance(year, bool) else "（年度不明）"
        for f in same:
            others = "、".join(g.rel for g in same if g is not f)
            message = (
                f"“{f.agency}”{year}的报告有 {len(same)} 份（另见：{others}）；"
                f"汇总只计入 {first}。请确认保留哪一份，删除或移走其余的后重新运行。"
            )
            f.findings = [batch_finding("DUPLICATE_AGENCY", message), *f.findings]
            f.warnings += 1
            if f.status == OK:
                f.status = WARNINGS
            f.message = f.message or message
