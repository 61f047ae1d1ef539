"""One row per input for the summary workbook, the final table and the JSON summary; duplicates flagged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import FAILED, OK, UNREADABLE, WARNINGS
from .results import FileOutcome, batch_finding, finding_to_dict
from .summary import STATUS_LABEL, key_figure_values

if TYPE_CHECKING:
    from ..findings import Finding
    from .manifest import Manifest
    from .rollup import Selection


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
    #: The 成文日期 (ISO) and the input file's modification time (seconds): which of two sheets is kept.
    date: str | None = None
    mtime: float | None = None
    #: Phone and e-mail as the sheet gives them.
    contact: dict[str, str] = field(default_factory=dict)
    template_version: str | None = None

    @classmethod
    def of(cls, outcome: FileOutcome, mtime: float | None = None) -> FileRow:
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
            date=outcome.date,
            mtime=mtime,
            contact=dict(outcome.contact),
            template_version=outcome.template_version,
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


def file_rows(inputs: list[str], manifest: Manifest, path_of: Callable[[str], Path] | None = None) -> list[FileRow]:
    """A row per input, from its manifest entry (an input never finished is ``failed``); file times via ``path_of``."""
    rows = []
    for rel in inputs:
        entry = manifest.get(rel)
        outcome = entry.result if entry else FileOutcome(rel, message="未处理（批处理被中断？）")
        rows.append(FileRow.of(outcome, _mtime(path_of(rel)) if path_of is not None else None))
    return rows


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def flag_duplicates(chosen: Selection) -> None:
    """Two files for one agency and year: a warning on each naming the one kept and why (both are compiled)."""
    for same in chosen.duplicate_groups:
        kept = next(f for f in same if f.rel in chosen.kept)
        why = chosen.kept[kept.rel]
        year = same[0].year
        year = f"{year}年" if isinstance(year, int) and not isinstance(year, bool) else "（年度不明）"
        for f in same:
            others = "、".join(g.rel for g in same if g is not f)
            message = (
                f"“{f.agency}”{year}的报告有 {len(same)} 份（另见：{others}）；"
                f"保留 {kept.rel}（{why}），只有它计入汇总。如保留的不对，请删除或移走其余的后重新运行。"
            )
            f.findings = [batch_finding("DUPLICATE_AGENCY", message), *f.findings]
            f.warnings += 1
            if f.status == OK:
                f.status = WARNINGS
            f.message = f.message or message


def skipped_row(rel: str, reason: str) -> FileRow:
    """A spreadsheet the run could not take at all (an .xls saved from our template), as an unreadable row.

    Only the round status and the feedback packets see it: the agency is 无法读取 and gets a letter saying why.
    """
    from .discover import RERUN, RESEND

    finding = batch_finding("UNREADABLE", reason.replace(RERUN, RESEND))  # the letter speaks to the clerk
    return FileRow(rel, status=UNREADABLE, errors=1, message=reason, findings=[finding])
