"""THE adapter between the web front-end and the library: the only module here that calls the core.

Checking, compiling and the personalised templates go through the use cases
(``compiler.commands``); the summary workbook and the roll-up reuse
``compiler.batch`` (rows, ``select``, ``Rollup``, ``write_summary``). When the
round status of ``batch --roster`` lands as a library function,
``round_status`` here is the one place to switch; nothing else in
``compiler.serve`` imports the readers, checkers or writers.

Everything below "in a worker process" runs inside a worker process
(``compiler.serve.worker``); the results are plain JSON-safe dicts.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from . import ERRORS, FAILED, NOT_SUBMITTED, PASSED, UNREADABLE, WARNINGS

#: File status (``check --json``'s ``status``) → the agency's status in the round.
_ROUND_STATUS = {"ok": PASSED, "warnings": WARNINGS, "errors": ERRORS, "unreadable": UNREADABLE, "failed": FAILED}
#: Statuses whose report may be compiled (warnings never stop a report, as in ``compile``).
COMPILABLE = ("ok", "warnings")
#: Report formats a clerk may download.
REPORT_FORMATS = ("docx", "html", "pdf")


# ---------------------------------------------------------------------- in the server process
def round_status(file_status: str | None) -> str:
    """The round status of an agency whose latest upload has ``file_status`` (``None``: nothing uploaded)."""
    if file_status is None:
        return NOT_SUBMITTED
    return _ROUND_STATUS.get(file_status, UNREADABLE)


def report_stem(agency: object, year: object, fallback: str) -> str:
    """``<单位><年度>年政府信息公开工作年度报告`` (safe for a file name), as ``compile`` and ``batch`` name it."""
    from ..batch.names import output_stem

    return output_stem(agency, _year(year), fallback)


def same_agency(a: str, b: str) -> bool:
    """Do two agency names match (spaces and width ignored, as batch compares them)?"""
    from ..batch.names import agency_key

    return agency_key(a) == agency_key(b)


def safe_name(text: str) -> str:
    """``text`` as a file or folder name safe on Windows and Linux."""
    from ..util.files import safe_filename

    return safe_filename(text)


def check_upload(path: str | Path, display_name: str) -> dict[str, Any]:
    """Read and check one uploaded file (the ``check`` use case).

    ``entry`` is exactly one element of ``check --json``'s ``files`` (with
    ``path`` = the name the clerk uploaded); ``agency``, ``year`` and
    ``tables`` feed the officer's summary and roll-up.
    """
    from ..check.output import to_json
    from ..commands.check import check_files

    result = check_files([Path(path)]).results[0]
    entry = to_json([result])["files"][0]
    entry["path"] = display_name
    out: dict[str, Any] = {"entry": entry, "agency": None, "year": None, "tables": None}
    report = result.report
    if report is not None:
        out["agency"] = report.agency if isinstance(report.agency, str) else None
        out["year"] = str(report.year) if report.year is not None else None
        out["tables"] = _json_safe(report.tables)  # the same JSON-safe conversion as check --json
    return out


def failed_check(display_name: str, code: str, message: str) -> dict[str, Any]:
    """A ``check --json`` entry for a file the worker pool gave up on (time or memory limit, crash, our bug).

    The entry says ``unreadable`` (``check --json``'s words); the upload is
    recorded as ``failed`` (``"failed": True`` here), which the round shows as 处理失败.
    """
    from ..catalog import make_finding
    from ..check import FileResult, counts_of
    from ..check.output import to_json

    finding = make_finding(code, message)
    result = FileResult(display_name, None, "unreadable", counts_of([finding]), [finding])
    entry = to_json([result])["files"][0]
    return {"ok": True, "failed": True, "entry": entry, "agency": None, "year": None, "tables": None}


def compile_upload(path: str | Path, outputs_dir: str | Path, key: str, fmt: str) -> dict[str, Any]:
    """Compile an uploaded file to ``outputs_dir/<key>.<fmt>`` (the ``compile`` use case; never with errors)."""
    from ..batch.pool import memory_limit_lifted
    from ..commands.compile import compile_report

    target = Path(outputs_dir) / f"{key}.{fmt}"
    # LibreOffice maps far more address space than it uses: the worker's limit is lifted for a PDF (the time
    # limit still applies), as the batch worker does.
    guard = memory_limit_lifted() if fmt == "pdf" else contextlib.nullcontext()
    with guard:
        result = compile_report(Path(path), output=target, formats=[fmt])
    if result.blocked:
        return {"ok": False, "message": "报告存在错误，未生成。"}
    if fmt not in result.written:
        return {"ok": False, "message": "；".join(result.problems) or "未能生成报告。"}
    return {"ok": True, "path": str(result.written[fmt])}


def summary_rows(files: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Each agency's latest upload as the ``FileRow`` that ``write_summary`` and ``select`` take."""
    from ..batch.results import FileOutcome
    from ..batch.rows import FileRow

    rows = []
    for f in files:
        outcome = FileOutcome.from_json(
            {
                "rel": f["rel"],
                "status": f["status"],
                "agency": f["agency"],
                "year": _year(f.get("year")),
                "findings": f["findings"],
                "tables": f.get("tables"),
            }
        )
        rows.append(FileRow.of(outcome))
    return rows


def build_summary(files: Sequence[Mapping[str, Any]], target: str | Path, rollup_name: str) -> dict[str, Any]:
    """``汇总.xlsx`` for the round (per-file rows, every finding, the roll-up, what it left out)."""
    from ..batch.summary import write_summary

    rows = summary_rows(files)
    acc, chosen, with_errors = _rollup(rows)
    write_summary(target, rows, rollup=acc, rollup_errors=with_errors, selection=chosen, formats=(), name=rollup_name)
    return {"ok": True, "path": str(target)}


def build_rollup_report(
    files: Sequence[Mapping[str, Any]], target: str | Path, fmt: str, rollup_name: str, roster_size: int = 0
) -> dict[str, Any]:
    """The roll-up report (``<NAME>政府信息公开申请情况汇总``) as .docx or .html; it says what it covers."""
    from ..batch.rollup import ROLLUP_TITLE
    from ..render.outputs import write_outputs

    acc, chosen, _ = _rollup(summary_rows(files))
    title = ROLLUP_TITLE.format(name=rollup_name)
    report = acc.report(rollup_name, chosen.year)
    year = f"{chosen.year}年度" if chosen.year is not None else "年度"
    lead = f"本汇总由{rollup_name}所属 {acc.files} 个单位报送的{year}报告数据逐项相加而成。"
    missing = roster_size - len(files)
    if missing > 0:
        lead += f"名单共 {roster_size} 个单位，其中 {missing} 个尚未报送，未计入。"
    report.narrative[report.schema.narrative[0].key] = lead
    write_outputs(report, {fmt: Path(target)}, [fmt], title=title)
    return {"ok": True, "path": str(target), "files": acc.files}


def _rollup(rows: Sequence[Any]) -> tuple[Any, Any, int]:
    from ..batch.rollup import Rollup, select

    chosen = select(rows)
    acc = Rollup()
    with_errors = 0
    for f in chosen.included:
        acc.add(f.tables, f.year)
        with_errors += f.status == "errors"
    return acc, chosen, with_errors


def roster_templates(roster: Path, out_dir: Path, year: int) -> tuple[list[tuple[str, str]], list[str]]:
    """One personalised, locked template per roster agency (the ``template --roster`` use case).

    Returns (agency, template file name) in roster order and the roster's
    problems (skipped rows); raises ``commands.CommandError`` with a Chinese message.
    """
    from ..commands.template import roster_templates as write

    result = write(roster, out_dir, year=year)
    return [(agency, path.name) for agency, path in result.written], list(result.problems)


def csv_text(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (``=1+1`` stays text), as the roster index writes it."""
    from ..template.roster import _csv_cell

    return _csv_cell(text)


def command_error() -> type[Exception]:
    """The use cases' exception (its message is Chinese and says what to do)."""
    from ..commands import CommandError

    return CommandError


def zip_bundle(members: Sequence[tuple[str, str]], target: str | Path) -> dict[str, Any]:
    """A zip of (name in the archive, file on disk), written atomically."""
    from ..util.files import write_atomic

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, source in members:
            zf.write(source, name)
    write_atomic(target, buffer.getvalue())
    return {"ok": True, "path": str(target)}


def _year(text: object) -> Any:
    if isinstance(text, str) and text.isdigit():
        return int(text)
    return text


def _json_safe(obj: Any) -> Any:
    from ..check.output import _json_safe as safe

    return safe(obj)
