"""One file in a worker process: load → check → compile; returns a plain picklable dict.

Heavy libraries are imported here, at module level, because the forkserver
imports this module once and every worker inherits it warm. Outputs are
written atomically into the run's staging folder; the supervisor moves them to
their final names. Nothing in a user's file may raise out of here: every
problem becomes a status and a finding.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from pathlib import Path
from typing import Any

from ..catalog import CATALOG
from ..check import check_report
from ..findings import Finding
from ..model import Report
from ..read import UnreadableInput, load_report
from ..render.docx import write_docx
from ..render.html import write_html
from ..util.files import write_atomic
from . import ERRORS, FAILED, OK, UNREADABLE, WARNINGS
from .names import choose_previous, output_stem
from .pool import memory_limit_lifted

#: Longest agency-supplied string kept in a result (a 100,000-character name is cut, not carried around).
MAX_TEXT = 2000


def process(task: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """Dispatch a task: ``report`` (a returned sheet) or ``previous`` (last year's report)."""
    _fault_hooks(task, config)
    if task.get("kind") == "previous":
        return load_previous(task)
    return process_report(task, config)


def _fault_hooks(task: dict[str, Any], config: dict[str, Any]) -> None:
    """Test-only faults (``NIANBAO_TEST_CRASH/HANG/HOG`` = part of an input path), set by the CLI's caller."""
    rel = str(task.get("rel", ""))
    hooks = config.get("hooks") or {}
    if hooks.get("crash") and hooks["crash"] in rel:
        os._exit(70)
    if hooks.get("hang") and hooks["hang"] in rel:
        while True:
            time.sleep(60)
    if hooks.get("hog") and hooks["hog"] in rel:
        hog = [bytearray(64 * 1024 * 1024) for _ in range(1024)]  # 64 GB: hits RLIMIT_AS long before
        del hog


# ---------------------------------------------------------------------- one returned sheet
def process_report(task: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    rel = task["rel"]
    result: dict[str, Any] = {
        "rel": rel,
        "status": FAILED,
        "agency": None,
        "year": None,
        "template_version": None,
        "findings": [],
        "tables": None,
        "outputs": {},
        "stem": output_stem(None, None, Path(rel).stem),
        "prev": None,
    }
    try:
        report = _load(Path(task["path"]), result)
        if report is not None:
            _check_and_compile(report, task, config, result)
    except MemoryError:
        raise
    except Exception as exc:  # a bug of ours must not lose the batch
        _fail(result, "INTERNAL_ERROR", f"处理时发生内部错误（{type(exc).__name__}: {_cut(str(exc), 300)}）")
    result["elapsed"] = round(time.perf_counter() - started, 4)
    return result


def _load(path: Path, result: dict[str, Any]) -> Report | None:
    try:
        return load_report(path)
    except UnreadableInput as exc:
        result["status"] = UNREADABLE
        result["findings"] = [finding_to_dict(CATALOG[exc.code].at(str(exc)))]
        result["message"] = _cut(str(exc))
        return None


def _check_and_compile(report: Report, task: dict[str, Any], config: dict[str, Any], result: dict[str, Any]) -> None:
    result["agency"] = _cut(report.agency) if isinstance(report.agency, str) else None
    result["year"] = report.year if isinstance(report.year, int) else _cut(report.year)
    result["template_version"] = report.origin.template_version
    result["tables"] = {tid: [[_plain(v) for v in row] for row in rows] for tid, rows in report.tables.items()}
    result["stem"] = output_stem(report.agency, report.year, Path(task["rel"]).stem)
    previous, result["prev"] = pick_previous(report, config.get("previous") or {})
    findings: list[Finding] = check_report(report, previous=previous)  # in the checker's reading order
    result["findings"] = [finding_to_dict(f) for f in findings]
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    result["status"] = ERRORS if errors else WARNINGS if warnings else OK
    if errors and not config.get("force"):
        return
    try:
        result["outputs"] = compile_outputs(report, Path(config["staging"]), task["key"], config["formats"])
    except MemoryError:
        raise
    except Exception as exc:
        _fail(result, "RENDER_FAILED", f"生成报告失败：{_cut(str(exc), 300) or type(exc).__name__}")


def compile_outputs(report: Report, staging: Path, key: str, formats: list[str]) -> dict[str, str]:
    """Write each format to ``staging/<key>.<fmt>`` atomically; the paths by format."""
    outputs: dict[str, str] = {}
    docx = staging / f"{key}.docx"
    if "docx" in formats or "pdf" in formats:
        write_docx(report, docx)
        if "docx" in formats:
            outputs["docx"] = str(docx)
    if "html" in formats:
        html = staging / f"{key}.html"
        write_html(report, html)
        outputs["html"] = str(html)
    if "pdf" in formats:
        from ..render.pdf import write_pdf

        pdf = staging / f"{key}.pdf"
        with memory_limit_lifted():  # LibreOffice maps far more address space than it uses
            write_pdf(docx, pdf)
        outputs["pdf"] = str(pdf)
        if "docx" not in formats:
            with contextlib.suppress(OSError):
                docx.unlink()
    return outputs


def pick_previous(report: Report, index: dict[str, list[dict[str, Any]]]) -> tuple[Report | None, str | None]:
    """Last year's report of the same agency (see ``names.choose_previous``) and its content hash."""
    choice = choose_previous(index, report.agency, report.year)
    if choice is None:
        return None, None
    try:
        return Report.load(choice["json"]), choice["sha"]
    except (OSError, ValueError):
        return None, None


# ---------------------------------------------------------------------- last year's report
def load_previous(task: dict[str, Any]) -> dict[str, Any]:
    """Read one of last year's files and cache it as report JSON for the report tasks."""
    path = Path(task["path"])
    try:
        report = load_report(path)
    except UnreadableInput as exc:
        return {"ok": False, "message": _cut(str(exc))}
    except MemoryError:
        raise
    except Exception as exc:
        return {"ok": False, "message": f"读取时发生内部错误（{type(exc).__name__}）"}
    write_atomic(task["cache"], report.dumps())
    return {"ok": True, "agency": _cut(report.agency), "year": report.year if isinstance(report.year, int) else None}


# ---------------------------------------------------------------------- helpers
def finding_to_dict(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity,
        "sheet": f.sheet,
        "cell": f.cell,
        "key": f.key,
        "message": _cut(f.message),
        "expected": _plain(f.expected),
        "actual": _plain(f.actual),
    }


def _fail(result: dict[str, Any], code: str, message: str) -> None:
    result["status"] = FAILED
    result["message"] = message
    result["findings"] = [*result.get("findings", []), finding_to_dict(CATALOG[code].at(message))]
    result["outputs"] = {}


def _plain(v: Any) -> Any:
    """A JSON-safe table value: numbers, text (cut), blank; NaN and infinities as text."""
    if v is None or isinstance(v, bool):
        return None if v is None else str(v)
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else str(v)
    return _cut(str(v))


def _cut(text: Any, limit: int = MAX_TEXT) -> Any:
    if not isinstance(text, str) or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"
