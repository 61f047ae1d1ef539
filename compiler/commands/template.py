"""``template``: the blank template, a personalised one, one per roster agency, or next year's from last year's."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..inputs import load_previous
from ..model import Report
from ..read import UnreadableInput
from ..template.writer import YEAR_MAX, YEAR_MIN
from ..util.files import write_error_message
from .errors import InputError, OutputError, UsageError

DEFAULT_OUTPUT = "政府信息公开工作年度报告填报模板.xlsx"
#: Output directory of ``--roster`` when ``-o`` is not given.
DEFAULT_ROSTER_DIR = "填报模板"


@dataclass
class TemplateResult:
    """One template written: where, and the report it was prefilled with (``None``: blank)."""

    path: Path
    report: Report | None = None
    #: What was prefilled from last year's report (Chinese), or "".
    note: str = ""


@dataclass
class RosterResult:
    """One template per roster agency: the folder, the (agency, file) pairs, the index file, skipped rows."""

    out_dir: Path
    written: list[tuple[str, Path]]
    index: Path
    problems: list[str] = field(default_factory=list)
    #: Files that already existed and were kept (no ``overwrite``): possibly filled sheets sent back.
    kept: list[tuple[str, Path]] = field(default_factory=list)


def carry_over(last: Report, report: Report) -> int:
    """Copy last year's figures that this year's copy (the schema's ``year_links``: 四、结转下年度 → 二、上年结转).

    Returns how many cells were copied; text or blank cells are not guessed.
    """
    copied = 0
    for link in report.schema.year_links:
        value = last.value(link.previous) if link.is_copy else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            report.set_value(link.key, value)
            copied += 1
    return copied


def prefill_from_last(path: Path, agency: str | None, year: int | None) -> tuple[Report, str]:
    """Next year's report prefilled from last year's (info and carry-over), and a note saying what was copied."""
    if not path.is_file():
        raise InputError(f"找不到上年报告：{path}")
    try:
        last = load_previous(path)
    except UnreadableInput as exc:
        raise InputError(exc.message) from exc
    if year is None:
        if not isinstance(last.year, int):
            raise UsageError(f"上年报告 {path.name} 中没有有效的报告年度，请用 --year 指定本年度。")
        year = last.year + 1
    elif isinstance(last.year, int) and year != last.year + 1:
        raise UsageError(
            f"上年报告 {path.name} 是 {last.year} 年度的，而 --year 为 {year}："
            f"“二、上年结转”只能取自上一年度（{year - 1} 年）的“四、结转下年度”。请核对 --year 或上年报告。"
        )
    report = Report.empty(last.format_id)
    report.agency = agency or last.agency
    report.year = year
    report.contact.phone, report.contact.email, report.contact.address = (
        last.contact.phone,
        last.contact.email,
        last.contact.address,
    )
    copied = carry_over(last, report)
    return report, f"已从上年报告预填单位信息和“二、上年结转”（{copied} 个数字）"


def check_deadline(deadline: str | None) -> str | None:
    """``--deadline`` as ``YYYY-MM-DD`` (``None`` when not given); a ``UsageError`` when it is not a date."""
    if deadline is None:
        return None
    import datetime as dt

    try:
        return dt.date.fromisoformat(deadline.strip()).isoformat()
    except ValueError:
        raise UsageError(f"--deadline 应为日期，格式 YYYY-MM-DD（如 2026-01-20）：{deadline}") from None


def _check_year(year: int | None) -> None:
    if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
        raise UsageError(f"报告年度应在 {YEAR_MIN} 至 {YEAR_MAX} 之间：{year}")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _output_file(output: Path | None) -> Path:
    """Where the single template goes."""
    if output is None:
        return Path.cwd() / DEFAULT_OUTPUT
    if output.is_dir():
        return output / DEFAULT_OUTPUT
    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"输出文件应以 .xlsx 结尾：{output}")
    return output


def roster_templates(
    roster: str | Path,
    output: str | Path | None = None,
    *,
    year: int | None = None,
    overwrite: bool = False,
    deadline: str | None = None,
    return_to: str | None = None,
) -> RosterResult:
    """One personalised template per agency of ``roster`` (.xlsx/.csv) in ``output`` (a folder).

    ``year`` is required (it is prefilled and locked); existing files are kept unless ``overwrite``.
    """
    from ..template.roster import RosterError, read_roster, write_roster_templates

    if year is None:
        raise UsageError("使用 --roster 时必须用 --year 指定报告年度（如 --year 2025），模板中的年度将预填并锁定。")
    _check_year(year)
    out_dir = Path(output) if output is not None else Path.cwd() / DEFAULT_ROSTER_DIR
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"使用 --roster 时 -o 应为目录，而 {out_dir} 是文件。")
    try:
        parsed = read_roster(Path(roster))
    except RosterError as exc:
        raise InputError(str(exc)) from exc
    try:
        result = write_roster_templates(
            parsed, out_dir, year, overwrite=overwrite, deadline=deadline, return_to=return_to
        )
    except OSError as exc:
        raise OutputError(write_error_message(out_dir, exc)) from exc
    except RosterError as exc:
        raise InputError(str(exc)) from exc
    return RosterResult(out_dir, list(result.written), result.index, list(parsed.problems), list(result.kept))


def template(
    output: str | Path | None = None,
    *,
    agency: str | None = None,
    year: int | None = None,
    roster: str | Path | None = None,
    from_: str | Path | None = None,
    overwrite: bool = False,
    deadline: str | None = None,
    return_to: str | None = None,
) -> TemplateResult | RosterResult:
    """Write the template ``nianbao template`` describes; raises a ``CommandError`` when it cannot.

    An existing file is never replaced without ``overwrite``; ``deadline`` (``YYYY-MM-DD``) and
    ``return_to`` head the instructions sheet.
    """
    _check_year(year)
    deadline = check_deadline(deadline)
    return_to = (return_to or "").strip() or None
    agency = agency.strip() if agency else None
    if roster is not None:
        if agency or from_ is not None:
            raise UsageError("--roster 不能与 --agency 或 --from 同时使用。")
        return roster_templates(roster, output, year=year, overwrite=overwrite, deadline=deadline, return_to=return_to)
    target = _output_file(Path(output) if output is not None else None)
    note = ""
    report: Report | None = None
    if from_ is not None:
        if _same_file(Path(from_), target):
            raise UsageError("输出文件不能是上年报告本身，请用 -o 指定其他文件名。")
        report, note = prefill_from_last(Path(from_), agency, year)
    elif agency or year is not None:
        report = Report.empty()
        report.agency, report.year = agency, year

    from ..template.writer import write_template

    if not overwrite and (target.exists() or target.is_symlink()):
        raise UsageError(f"文件已存在，未覆盖：{target}。请用 -o 另指定文件名，或加 --overwrite 覆盖。")
    try:
        write_template(target, report, lock_info=report is not None, deadline=deadline, return_to=return_to)
    except OSError as exc:
        raise OutputError(write_error_message(target, exc)) from exc
    return TemplateResult(target, report, note)


__all__ = [
    "RosterResult",
    "TemplateResult",
    "carry_over",
    "check_deadline",
    "prefill_from_last",
    "roster_templates",
    "template",
]
