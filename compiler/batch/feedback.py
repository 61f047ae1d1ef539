"""Feedback packets: what the officer sends back to every agency whose sheet has problems.

For each agency with errors or warnings, a folder ``反馈材料/<单位>/`` holding
the annotated workbook (its first sheet 核查结果 lists every finding with a
link to the cell; the cells are coloured and carry the message) and a
one-page letter (``render.letter``); plus ``反馈材料/邮件合并.csv`` for a mail
merge. The packets are rewritten each run from the current results; a packet
written by an earlier run that is no longer wanted (the agency has since
passed) is removed only if it is still exactly what we wrote — anything the
officer edited or added stays.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..util.files import safe_filename, write_atomic
from . import ERRORS, UNREADABLE, WARNINGS
from .results import finding_to_dict

if TYPE_CHECKING:
    from .rows import FileRow
    from .status import AgencyStatus, RoundStatus

FEEDBACK_DIR = "反馈材料"
MAIL_MERGE_NAME = "邮件合并.csv"
_RECORD = ".nianbao-feedback.json"
MAIL_MERGE_HEADER = ("单位名称", "联系人", "电话", "邮箱", "状态", "问题数", "反馈文件")
#: Statuses that get a packet (an unreadable file gets the letter only: there is no workbook to mark).
NEEDS_FEEDBACK = (ERRORS, WARNINGS, UNREADABLE)


@dataclass
class Packets:
    """What ``write_feedback`` wrote: folder per agency (relative to OUT), the CSV, and failures."""

    folders: dict[str, str] = field(default_factory=dict)
    mail_merge: str | None = None
    problems: list[str] = field(default_factory=list)


def write_feedback(
    out_dir: Path,
    status: RoundStatus,
    files: Sequence[FileRow],
    path_of: Callable[[str], Path],
    *,
    deadline: str | None = None,
    return_to: str | None = None,
    sender: str | None = None,
    date: str | None = None,
) -> Packets:
    """Write every packet and the mail-merge CSV; returns what was written (problems never raise)."""
    from ..render.letter import Letter, write_letter

    root = out_dir / FEEDBACK_DIR
    by_rel = {f.rel: f for f in files}
    wanted = [a for a in [*status.agencies, *status.not_on_roster] if a.status in NEEDS_FEEDBACK and a.file]
    packets = Packets()
    written: dict[str, str] = {}
    if not wanted and not (root / _RECORD).exists():
        return packets
    root.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    rows = []
    for agency in wanted:
        row = by_rel.get(agency.file or "")
        if row is None:
            continue
        folder_name = _distinct(safe_filename(agency.agency or Path(agency.file or "").stem, max_bytes=120), used)
        folder = root / folder_name
        folder.mkdir(exist_ok=True)
        names = []
        annotated = None
        if agency.status != UNREADABLE:
            try:
                annotated = _annotate(path_of(row.rel), row, folder)
                names.append(annotated.name)
                written[f"{folder_name}/{annotated.name}"] = _sha(annotated)
            except Exception as exc:  # one damaged workbook must not stop the others' packets
                packets.problems.append(f"{agency.agency}：无法生成标注表（{type(exc).__name__}）")
        letter = Letter(
            agency=agency.agency,
            file=row.rel,
            findings=[finding_to_dict(f) for f in row.findings],
            year=row.year if isinstance(row.year, int) and not isinstance(row.year, bool) else None,
            deadline=deadline,
            return_to=return_to,
            sender=sender,
            date=date,
            annotated=annotated.name if annotated else None,
        )
        letter_path = folder / f"{safe_filename(agency.agency or '单位', max_bytes=120)}核查意见.docx"
        write_letter(letter, letter_path)
        names.append(letter_path.name)
        written[f"{folder_name}/{letter_path.name}"] = _sha(letter_path)
        packets.folders[agency.agency] = f"{FEEDBACK_DIR}/{folder_name}"
        rows.append(_mail_row(agency, f"{FEEDBACK_DIR}/{folder_name}"))
    csv_path = root / MAIL_MERGE_NAME
    write_atomic(csv_path, _csv_bytes(rows))
    packets.mail_merge = f"{FEEDBACK_DIR}/{MAIL_MERGE_NAME}"
    _remove_unwanted(root, written)
    write_atomic(root / _RECORD, json.dumps(written, ensure_ascii=False, indent=1))
    return packets


def _annotate(src: Path, row: FileRow, folder: Path) -> Path:
    """The annotated copy of the agency's sheet (a report JSON is written into the template first)."""
    from ..check import FileResult, counts_of, status_of
    from ..check.annotate import annotate
    from ..model import Report

    counts = counts_of(row.findings)
    if src.suffix.lower() in (".xlsx", ".xlsm"):
        report = Report.empty()  # the workbook itself is marked; the report is not needed
    else:
        from ..inputs import load_report

        report = load_report(src)
    result = FileResult(str(src), row.template_version, status_of(counts), counts, list(row.findings), report)
    target = annotate(result, folder)
    assert target is not None
    return target


def _mail_row(a: AgencyStatus, folder: str) -> list[str]:
    return [a.agency, a.person or "", a.phone or "", a.email or "", a.label, str(a.problems), folder]


def _csv_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    from ..template.roster import _csv_cell

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(MAIL_MERGE_HEADER)
    for row in rows:
        w.writerow([_csv_cell(c) for c in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 CSV correctly


def _distinct(name: str, used: set[str]) -> str:
    candidate, n = name, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{name}_{n}"
    used.add(candidate.casefold())
    return candidate


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _remove_unwanted(root: Path, written: Mapping[str, str]) -> None:
    """Files an earlier run wrote that this run did not, removed only while unchanged since."""
    try:
        before = json.loads((root / _RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if not isinstance(before, dict):
        return
    for rel, sha in before.items():
        if rel in written or not isinstance(rel, str) or ".." in Path(rel).parts or rel.startswith("/"):
            continue
        path = root / rel
        with contextlib.suppress(OSError):
            if path.is_file() and not path.is_symlink() and _sha(path) == sha:
                path.unlink()
                with contextlib.suppress(OSError):
                    path.parent.rmdir()  # only when empty
