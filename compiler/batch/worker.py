"""One file in a worker process: load → check → compile; returns the outcome's plain (picklable) form.

Heavy libraries are imported here, at module level, because the forkserver
imports this module once and every worker inherits it warm. Outputs are
written atomically into the run's staging folder (``render.outputs``, as
compile does); the supervisor moves them to their final names. Nothing in a
user's file may raise out of here: every problem becomes a status and a finding.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..check import check_report
from ..inputs import load_report
from ..model import Report
from ..read import UnreadableInput
from ..render.outputs import OutputFailed, write_outputs
from ..util.files import write_atomic
from . import ERRORS, OK, UNREADABLE, WARNINGS
from .names import choose_previous, output_stem
from .pool import memory_limit_lifted
from .results import FileOutcome, batch_finding, cut, plain

if TYPE_CHECKING:
    from ..findings import Finding
    from .tasks import PreviousEntry, PreviousTask, ReportTask, WorkerConfig


def process(task: Any, config: WorkerConfig) -> dict[str, Any]:
    """The pool's work function: a ``report`` task (a returned sheet) or a ``previous`` one (last year's)."""
    if task.get("kind") == "previous":
        return load_previous(task)
    return process_report(task, config).to_json()


# ---------------------------------------------------------------------- one returned sheet
def process_report(task: ReportTask, config: WorkerConfig) -> FileOutcome:
    started = time.perf_counter()
    rel = task["rel"]
    outcome = FileOutcome(rel, stem=output_stem(None, None, Path(rel).stem))
    try:
        report = _load(Path(task["path"]), outcome)
        if report is not None:
            _check_and_compile(report, task, config, outcome)
    except MemoryError:
        raise
    except Exception as exc:  # a bug of ours must not lose the batch
        outcome.fail("INTERNAL_ERROR", f"处理时发生内部错误（{type(exc).__name__}: {cut(str(exc), 300)}）")
    outcome.elapsed = round(time.perf_counter() - started, 4)
    return outcome


def _load(path: Path, outcome: FileOutcome) -> Report | None:
    try:
        return load_report(path)
    except UnreadableInput as exc:
        outcome.status = UNREADABLE
        outcome.findings = [batch_finding(exc.code, str(exc))]
        outcome.message = cut(str(exc))
        return None


def _check_and_compile(report: Report, task: ReportTask, config: WorkerConfig, outcome: FileOutcome) -> None:
    outcome.agency = cut(report.agency) if isinstance(report.agency, str) else None
    outcome.year = report.year if isinstance(report.year, int) else cut(report.year)
    outcome.template_version = report.origin.template_version
    outcome.date = report.date.isoformat() if isinstance(report.date, dt.date) else None
    contact = report.contact
    outcome.contact = {
        k: cut(v, 200) for k, v in (("phone", contact.phone), ("email", contact.email)) if isinstance(v, str) and v
    }
    outcome.tables = {tid: [[plain(v) for v in row] for row in rows] for tid, rows in report.tables.items()}
    outcome.stem = output_stem(report.agency, report.year, Path(task["rel"]).stem)
    previous, outcome.prev = pick_previous(report, config.previous)
    findings: list[Finding] = check_report(report, previous=previous)  # in the checker's reading order
    outcome.findings = findings
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    outcome.status = ERRORS if errors else WARNINGS if warnings else OK
    if errors and not config.force:
        return
    staging = Path(config.staging)
    paths = {fmt: staging / f"{task['key']}.{fmt}" for fmt in ("docx", "html", "pdf")}
    try:
        # forced through with errors: every page says 草稿
        written = write_outputs(report, paths, config.formats, draft=errors > 0, pdf_guard=memory_limit_lifted)
    except MemoryError:
        raise
    except OutputFailed as exc:
        outcome.fail("RENDER_FAILED", f"生成报告失败：{cut(str(exc.cause), 300) or type(exc.cause).__name__}")
        return
    outcome.outputs = {fmt: str(path) for fmt, path in written.items()}


def pick_previous(report: Report, index: dict[str, list[PreviousEntry]]) -> tuple[Report | None, str | None]:
    """Last year's report of the same agency (see ``names.choose_previous``) and its content hash."""
    choice = choose_previous(index, report.agency, report.year)
    if choice is None:
        return None, None
    try:
        return Report.load(choice.json), choice.sha
    except (OSError, ValueError):
        return None, None


# ---------------------------------------------------------------------- last year's report
def load_previous(task: PreviousTask) -> dict[str, Any]:
    """Read one of last year's files and cache it as report JSON for the report tasks."""
    from ..inputs import load_previous as read_previous

    try:
        report = read_previous(task["path"])
    except UnreadableInput as exc:
        return {"ok": False, "message": cut(str(exc))}
    write_atomic(task["cache"], report.dumps())
    return {"ok": True, "agency": cut(report.agency), "year": report.year if isinstance(report.year, int) else None}
