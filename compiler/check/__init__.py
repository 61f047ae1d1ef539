"""The checker: every figure and text rule of the format, as findings a clerk can act on.

``check_report(report)`` runs the rules on a ``Report`` (from a returned sheet,
a report JSON or a published report) and returns findings sorted the way a
clerk reads the workbook: errors first, then by sheet, row and column.
``check_path(path)`` reads a file through ``compiler.inputs.load_report`` and
never raises: an unreadable file is a result with status ``unreadable``.

Finding catalogue (codes, severities, descriptions): ``compiler.catalog``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalog import CATALOG, template_only_codes
from ..findings import Finding, sort_key
from ..model import Report
from .context import Context, flatten, layout

__all__ = ["CATALOG", "FileResult", "check_path", "check_report", "counts_of", "status_of"]


def check_report(
    report: Report, previous: Report | None = None, *, published: bool = False, reporter: str | None = None
) -> list[Finding]:
    """All findings for ``report`` (reader findings included), sorted errors first.

    ``previous`` (last year's report) enables the cross-year rules.
    ``published=True`` (for ``audit``) skips the checks that only make sense for
    our fill-in template: the template stamp, template hint text, ``{占位符}``.
    ``reporter`` (``government`` / ``department``) overrides who reports, read
    otherwise from the agency name: it decides the deadline (条例第四十九条).
    """
    from . import history, narrative, quality, rules

    schema = report.schema
    lay = layout(schema)
    ctx = Context(
        report=report, schema=schema, lay=lay, published=published, values=flatten(report, lay), reporter=reporter
    )
    rules.read_text_numbers(ctx)
    rules.find_unknown(ctx)
    rules.check_types(ctx)
    rules.check_sums(ctx)
    rules.check_missing_tables(ctx)
    rules.check_blanks(ctx)
    rules.check_table2(ctx)
    texts = narrative.prepared_texts(ctx)
    rules.check_fee_units(ctx, texts)
    rules.check_carry_over_share(ctx)
    narrative.check_info(ctx)
    narrative.check_parts(ctx)
    narrative.check_quotes(ctx, texts)
    year = rules.int_year(report.year)
    quality.check_wrong_year(ctx, texts, year)
    quality.check_improvements(ctx, texts, previous is not None)
    if not published:
        narrative.check_stamp(ctx)
    if previous is not None and rules.check_previous(ctx, previous):
        history.check_copied(ctx, texts, previous)
        history.check_jumps(ctx, previous)
    findings = [*getattr(report.origin, "findings", []), *ctx.findings]
    if published:
        skip = template_only_codes()
        findings = [f for f in findings if f.code not in skip]
    findings.sort(key=lambda f: sort_key(f, lay.sheet_order))
    return findings


# ---------------------------------------------------------------------- files
@dataclass
class FileResult:
    """The outcome of checking one file."""

    path: str
    template_version: str | None
    #: ``ok`` / ``warnings`` / ``errors`` / ``unreadable``.
    status: str
    counts: dict[str, int]
    findings: list[Finding] = field(default_factory=list)
    report: Report | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "template_version": self.template_version,
            "status": self.status,
            "counts": dict(self.counts),
            "findings": [f.to_json() for f in self.findings],
        }


def counts_of(findings: list[Finding]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "notice": 0}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return counts


def status_of(counts: dict[str, int]) -> str:
    if counts.get("error"):
        return "errors"
    if counts.get("warning"):
        return "warnings"
    return "ok"


def load_previous(previous: Report | str | Path | None) -> Report | None:
    """Last year's report from a Report or a path (raises ``UnreadableInput`` for a bad file)."""
    if previous is None or isinstance(previous, Report):
        return previous
    from ..inputs import load_previous as load

    return load(previous)


def check_path(
    path: str | Path, previous: Report | str | Path | None = None, *, reporter: str | None = None
) -> FileResult:
    """Read and check one file; never raises for anything in the file."""
    from ..inputs import load_report

    return check_loaded(Path(path), load_report, previous=previous, reporter=reporter)


def check_loaded(
    path: Path,
    load: Callable[[Path], Report],
    *,
    previous: Report | str | Path | None = None,
    published: bool = False,
    reporter: str | None = None,
) -> FileResult:
    """Load ``path`` with ``load`` (a returned sheet or a published report) and check it; never raises.

    An unreadable file is a result, not an exception; a bug in a reader or in
    the checker becomes a ``READER_INTERNAL_ERROR`` or ``CHECK_FAILED`` finding, never a traceback.
    """
    from ..read import UnreadableInput, internal_read_message

    try:
        report = load(path)
    except UnreadableInput as exc:
        return unreadable(path, str(exc), exc.code)
    except Exception as exc:  # a reader bug must not become a traceback for the clerk, nor blame the file
        return unreadable(path, internal_read_message(path, exc), "READER_INTERNAL_ERROR")
    extra: list[Finding] = []
    try:
        prev = load_previous(previous)
    except Exception as exc:  # last year's file is unusable: check this year's without it
        prev = None
        reason = str(exc) if isinstance(exc, UnreadableInput) else f"上年报告无法读取（{type(exc).__name__}）"
        extra.append(CATALOG["PREVIOUS_UNREADABLE"].at(f"{reason.rstrip('。')}；跨年核对未进行。"))
    try:
        findings = check_report(report, prev, published=published, reporter=reporter)
        if extra:
            order = layout(report.schema).sheet_order
            findings = sorted(findings + extra, key=lambda f: sort_key(f, order))
    except Exception as exc:
        findings = [
            *report.origin.findings,
            CATALOG["CHECK_FAILED"].at(f"核查时出现意外错误（{type(exc).__name__}: {exc}）。请把文件发给维护人员。"),
        ]
    counts = counts_of(findings)
    return FileResult(
        path=str(path),
        template_version=report.origin.template_version,
        status=status_of(counts),
        counts=counts,
        findings=findings,
        report=report,
    )


def unreadable(path: str | Path, message: str, code: str = "UNREADABLE") -> FileResult:
    """The result for a file we could not read: ``UNREADABLE``, or ``READER_INTERNAL_ERROR`` for our own bug."""
    finding = CATALOG[code].at(message)
    return FileResult(
        path=str(path),
        template_version=None,
        status="unreadable",
        counts=counts_of([finding]),
        findings=[finding],
    )
