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

#: Statuses whose report may be compiled (warnings never stop a report, as in ``compile``).
COMPILABLE = ("ok", "warnings")
#: Report formats a clerk may download.
REPORT_FORMATS = ("docx", "html", "pdf")


# ---------------------------------------------------------------------- in the server process
def round_status(file_status: str | None) -> str:
    """The round status (``batch --roster``'s word) of an agency whose latest upload has ``file_status``.

    ``None``: nothing uploaded (未报送). The words come from ``batch.status.STATUS_LABELS``: one source.
    """
    from ..batch.status import MISSING, STATUS_LABELS

    return STATUS_LABELS.get(file_status or MISSING, STATUS_LABELS["unreadable"])


def round_labels() -> tuple[str, ...]:
    """Every round status word, in the round's order (未报送 first, 通过 last)."""
    from ..batch.status import STATUS_LABELS

    return tuple(STATUS_LABELS.values())


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


def check_upload(
    path: str | Path, display_name: str, agency: str | None = None, others: Sequence[str] = ()
) -> dict[str, Any]:
    """Read and check one uploaded file (the ``check`` use case).

    ``agency`` is the agency whose link took the upload and ``others`` the rest of the roster: a sheet
    filled in for one of them is an ``UPLOAD_OTHER_AGENCY`` error (its figures must not count as ``agency``'s).

    ``entry`` is exactly one element of ``check --json``'s ``files`` (with
    ``path`` = the name the clerk uploaded); ``agency``, ``year`` and
    ``tables`` feed the officer's summary and roll-up.
    """
    from ..check.output import to_json
    from ..commands.check import check_files

    result = check_files([Path(path)]).results[0]
    wrong = _other_agency(result, agency, others) if agency else None
    if wrong is not None:
        from ..check import counts_of, status_of

        result.findings.insert(0, wrong)
        result.counts = counts_of(result.findings)
        result.status = status_of(result.counts)
    entry = to_json([result])["files"][0]
    entry["path"] = display_name
    out: dict[str, Any] = {"entry": entry, "agency": None, "year": None, "tables": None}
    report = result.report
    if report is not None:
        out["agency"] = report.agency if isinstance(report.agency, str) else None
        out["year"] = str(report.year) if report.year is not None else None
        out["tables"] = _json_safe(report.tables)  # the same JSON-safe conversion as check --json
    return out


def _other_agency(result: Any, agency: str, others: Sequence[str]) -> Any:
    """The ``UPLOAD_OTHER_AGENCY`` finding when the sheet names another roster agency than ``agency``, else None."""
    from ..catalog import make_finding
    from ..schema.workbook import cell_ref

    report = result.report
    named = report.agency.strip() if report is not None and isinstance(report.agency, str) else ""
    if not named or same_agency(named, agency):
        return None
    other = next((o for o in others if same_agency(o, named) and not same_agency(o, agency)), None)
    if other is None:
        return None  # a name not on the roster (a short form, a renamed agency): the page points it out
    where = report.origin.cells.get("info_agency") if report.origin is not None else None
    if where is None:
        with contextlib.suppress(KeyError):
            ref = cell_ref(report.schema, "info_agency")
            where = (ref.sheet, ref.a1)
    return make_finding(
        "UPLOAD_OTHER_AGENCY",
        f"这份填报表的单位名称是“{other}”，而本链接属于“{agency}”：看来上传了其他单位的表。"
        f"请上传本单位（{agency}）的填报表；如确是本单位的，请把单位名称改为“{agency}”后重新上传。",
        sheet=where[0] if where else None,
        cell=where[1] if where else None,
        key="info_agency",
        expected=agency,
        actual=named,
    )


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


def build_summary(
    files: Sequence[Mapping[str, Any]],
    target: str | Path,
    rollup_name: str,
    roster: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """``汇总.xlsx`` for the round: the round status of every roster agency first (as ``batch --roster``), then
    per-file rows, every finding, the roll-up and what it left out.

    ``roster``: per agency in roster order, ``agency``, ``status`` (its latest upload's, ``None`` if none),
    ``errors``, ``warnings``, ``file``, ``file_time``, ``message``.
    """
    from ..batch.status import MISSING, STATUS_LABELS, AgencyStatus, RoundStatus
    from ..batch.summary import write_summary

    rows = summary_rows(files)
    acc, chosen, with_errors = _rollup(rows)
    status = RoundStatus(
        [
            AgencyStatus(
                agency=a["agency"],
                status=a["status"] or MISSING,
                label=STATUS_LABELS.get(a["status"] or MISSING, STATUS_LABELS["unreadable"]),
                errors=a.get("errors", 0),
                warnings=a.get("warnings", 0),
                file=a.get("file"),
                file_time=a.get("file_time"),
                message=a.get("message", ""),
            )
            for a in roster
        ],
        [],
    )
    write_summary(
        target,
        rows,
        rollup=acc,
        rollup_errors=with_errors,
        selection=chosen,
        formats=(),
        name=rollup_name,
        status=status if roster else None,
    )
    return {"ok": True, "path": str(target)}


def build_rollup_report(
    files: Sequence[Mapping[str, Any]], target: str | Path, fmt: str, rollup_name: str, roster_size: int = 0
) -> dict[str, Any]:
    """The roll-up report (``<NAME>政府信息公开申请情况汇总``) as .docx or .html, as ``batch --rollup-name`` writes it.

    It opens with what it covers (``rollup_coverage``: who is left out and why) and how many roster agencies
    have not submitted; when its summed tables do not pass the checks it says 草稿 on every page.
    """
    from ..batch.rollup import ROLLUP_TITLE
    from ..batch.rollup_report import rollup_coverage, rollup_problems
    from ..render.outputs import write_outputs

    acc, chosen, _ = _rollup(summary_rows(files))
    title = ROLLUP_TITLE.format(name=rollup_name)
    report = acc.report(rollup_name, chosen.year)
    lead = rollup_coverage(rollup_name, acc, chosen)
    missing = roster_size - len(files)
    if missing > 0:
        lead += f"名单共 {roster_size} 个单位，其中 {missing} 个尚未报送，未计入。"
    report.narrative[report.schema.narrative[0].key] = lead
    draft = bool(rollup_problems(report)) or bool(chosen.unverified)
    write_outputs(report, {fmt: Path(target)}, [fmt], title=title, draft=draft)
    return {"ok": True, "path": str(target), "files": acc.files, "draft": draft}


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
