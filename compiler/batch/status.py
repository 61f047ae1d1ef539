"""The round's status: for every agency of the roster, where its returned sheet stands.

``round_status(roster, files)`` is the one place that decides it; ``batch
--roster`` writes it as the first sheet of 汇总.xlsx and in ``--json``, and a
web front-end can call it with the same two inputs. An agency that sent
nothing is 未报送 — never invisible. Sheets are matched to roster agencies by
the agency name they carry (``names.agency_key``: spacing, width and case do
not matter); a sheet that could not be read carries no name, so it is matched
by its file name, which starts with the agency's name when it is the template
we distributed. When an agency sent several sheets, the one the roll-up keeps
is shown (``rollup.keep_duplicate``: later 成文日期, then later file time).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Protocol

from . import ERRORS, FAILED, OK, UNREADABLE, WARNINGS
from .names import agency_key
from .rollup import keep_duplicate, time_text

if TYPE_CHECKING:
    from .rows import FileRow

#: An agency on the roster with no sheet in the input folder.
MISSING = "missing"
#: Status → the word the officer sees, in the order of the round (worst first after 未报送).
STATUS_LABELS = {
    MISSING: "未报送",
    UNREADABLE: "无法读取",
    FAILED: "处理失败",
    ERRORS: "有错误",
    WARNINGS: "有警告",
    OK: "通过",
}
#: Statuses of a roster agency whose figures cannot be in any roll-up (no readable sheet).
NO_SHEET = (MISSING, UNREADABLE, FAILED)
#: What each status asks of the officer (for the guide and the sheet's note).
STATUS_MEANING = {
    MISSING: "没有收到该单位的填报表：请催报。",
    UNREADABLE: "收到的文件打不开或不是填报表：请对方按提示另存后重新报送。",
    FAILED: "处理该文件时出现故障（超时、内存不足或程序问题）：可重新运行；仍失败请联系技术支持。",
    ERRORS: "有必须修改的问题：请把反馈材料发给对方，修改后重新报送；其数字默认不计入合计。",
    WARNINGS: "有需要核实的地方：请对方确认或修改；数字计入合计。",
    OK: "核查通过，数字计入合计。",
}


class RosterLike(Protocol):
    """What the status needs of a roster entry (``template.roster.RosterEntry`` fits)."""

    agency: str
    phone: str | None
    email: str | None
    person: str | None


@dataclass(frozen=True)
class AgencyStatus:
    """One agency's place in the round."""

    agency: str
    status: str
    label: str
    errors: int = 0
    warnings: int = 0
    #: The input file (relative to the input folder) shown for this agency.
    file: str | None = None
    #: The file's modification time, ``YYYY-MM-DD HH:MM:SS`` (local time).
    file_time: str | None = None
    person: str | None = None
    phone: str | None = None
    email: str | None = None
    on_roster: bool = True
    #: The first problem's message (the officer's one-line reason).
    message: str = ""
    #: Further files of the agency (duplicates), by path.
    other_files: tuple[str, ...] = field(default=())

    @property
    def problems(self) -> int:
        return self.errors + self.warnings

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["other_files"] = list(self.other_files)
        data["problems"] = self.problems
        return data


@dataclass
class RoundStatus:
    """Every roster agency (roster order) and the agencies that reported without being on the roster."""

    agencies: list[AgencyStatus]
    not_on_roster: list[AgencyStatus]

    def counts(self) -> dict[str, int]:
        """Label → number of roster agencies, every label present."""
        out = dict.fromkeys(STATUS_LABELS.values(), 0)
        for a in self.agencies:
            out[a.label] += 1
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "counts": self.counts(),
            "agencies": [a.to_json() for a in self.agencies],
            "not_on_roster": [a.to_json() for a in self.not_on_roster],
        }


def round_status(
    roster: Sequence[RosterLike], files: Sequence[FileRow], skipped: Sequence[FileRow] = ()
) -> RoundStatus:
    """The status of every roster agency given the batch's file rows (``rows.FileRow``).

    A row gives ``rel``, ``agency``, ``status``, ``errors``, ``warnings``,
    ``date`` (ISO 成文日期), ``mtime`` (seconds), ``contact`` (``phone``/``email``
    from the sheet) and ``message``. ``skipped``: rows (``rows.skipped_row``) of
    spreadsheets the run could not take at all (an .xls or .et saved from our
    template), matched by file name: an agency whose only file is one of them is
    无法读取 with that reason, not 未报送.
    """
    keys = {agency_key(e.agency): e for e in roster}
    by_agency: dict[str, list[FileRow]] = {}
    strangers: dict[str, list[FileRow]] = {}
    for f in files:
        key = agency_key(f.agency) or _key_from_name(f.rel, keys)
        if key in keys:
            by_agency.setdefault(key, []).append(f)
        elif key:
            strangers.setdefault(key, []).append(f)
        else:  # neither a name inside nor a roster name in the file name
            strangers.setdefault(f"?{f.rel}", []).append(f)
    for row in skipped:
        key = _key_from_name(row.rel, keys)
        if key and key not in by_agency:
            by_agency[key] = [row]
    agencies = [_status_of(e.agency, by_agency.get(agency_key(e.agency), []), e) for e in roster]
    others = [
        _status_of(str(same[0].agency or ""), same, None)
        for _, same in sorted(strangers.items(), key=lambda kv: kv[1][0].rel)
    ]
    return RoundStatus(agencies, others)


def _key_from_name(rel: Any, keys: Mapping[str, Any]) -> str:
    """The roster agency whose name the file name starts with (the longest such name), else ''."""
    if not isinstance(rel, str):
        return ""
    stem = agency_key(PurePath(rel).name)
    matches = [k for k in keys if k and stem.startswith(k)]
    return max(matches, key=len) if matches else ""


def _status_of(agency: str, files: Sequence[FileRow], entry: RosterLike | None) -> AgencyStatus:
    person = entry.person if entry is not None else None
    if not files:
        return AgencyStatus(
            agency,
            MISSING,
            STATUS_LABELS[MISSING],
            person=person,
            phone=entry.phone if entry is not None else None,
            email=entry.email if entry is not None else None,
        )
    read = [f for f in files if f.status not in (UNREADABLE, FAILED)]
    chosen = keep_duplicate(read)[0] if len(read) > 1 else (read or sorted(files, key=lambda f: f.rel))[0]
    status = chosen.status if chosen.status in STATUS_LABELS else FAILED
    contact = chosen.contact or {}
    return AgencyStatus(
        agency=agency or str(chosen.agency or ""),
        status=status,
        label=STATUS_LABELS[status],
        errors=int(chosen.errors or 0),
        warnings=int(chosen.warnings or 0),
        file=chosen.rel,
        file_time=time_text(chosen.mtime),
        person=person,
        phone=(entry.phone if entry is not None else None) or contact.get("phone"),
        email=(entry.email if entry is not None else None) or contact.get("email"),
        on_roster=entry is not None,
        message=str(chosen.message or ""),
        other_files=tuple(sorted(f.rel for f in files if f is not chosen)),
    )
