"""``nianbao template``: the blank template, a personalised one, one per roster agency, or next year's from last year's."""

from __future__ import annotations

import sys
from pathlib import Path

from ..model import Report
from ..schema.gov2021 import T3_CARRIED_IN, T3_CARRIED_OUT
from ..util.files import same_file, write_error_message
from .writer import YEAR_MAX, YEAR_MIN

DEFAULT_OUTPUT = "政府信息公开工作年度报告填报模板.xlsx"
#: Output directory of ``--roster`` when ``-o`` is not given.
DEFAULT_ROSTER_DIR = "填报模板"


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _output_file(output: Path | None) -> Path | None:
    """Where the single template goes; ``None`` (after a message) when ``-o`` cannot be used."""
    if output is None:
        return Path.cwd() / DEFAULT_OUTPUT
    if output.is_dir():
        return output / DEFAULT_OUTPUT
    if output.suffix.lower() != ".xlsx":
        _err(f"输出文件应以 .xlsx 结尾：{output}")
        return None
    return output


def carry_over(last: Report, report: Report) -> int:
    """Copy last year's 四、结转下年度 into this year's 二、上年结转, column by column.

    Returns how many cells were copied; text or blank cells are not guessed.
    """
    copied = 0
    for fig in report.schema.table("t3").rows[T3_CARRIED_IN - 1]:
        source = last.schema.table("t3").rows[T3_CARRIED_OUT - 1][fig.col - 1].key
        value = last.value(source)
        if isinstance(value, int | float):
            report.set_value(fig.key, value)
            copied += 1
    return copied


def _from_last(path: Path, agency: str | None, year: int | None) -> tuple[Report, str] | int:
    """Next year's report prefilled from last year's, and a note; an exit code when it cannot be read."""
    from ..model import ReportFormatError

    try:
        from ..read import UnreadableInput, load_report
    except ImportError:  # the reader layer is not installed in this build
        _err("当前版本不支持读取上年报告（缺少读取模块）。")
        return 2
    if not path.is_file():
        _err(f"找不到上年报告：{path}")
        return 2
    try:
        last = load_report(path)
    except (UnreadableInput, ReportFormatError) as exc:
        _err(f"无法读取上年报告 {path.name}：{exc}")
        return 2
    except OSError as exc:
        _err(f"无法读取上年报告 {path.name}：{exc.strerror or exc}")
        return 2
    if year is None:
        if not isinstance(last.year, int):
            _err(f"上年报告 {path.name} 中没有有效的报告年度，请用 --year 指定本年度。")
            return 2
        year = last.year + 1
    elif isinstance(last.year, int) and year != last.year + 1:
        _err(
            f"上年报告 {path.name} 是 {last.year} 年度的，而 --year 为 {year}："
            f"“二、上年结转”只能取自上一年度（{year - 1} 年）的“四、结转下年度”。请核对 --year 或上年报告。"
        )
        return 2
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


def _valid_year(year: int | None) -> bool:
    if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
        _err(f"报告年度应在 {YEAR_MIN} 至 {YEAR_MAX} 之间：{year}")
        return False
    return True


def _run_roster(output: Path | None, roster: Path, year: int | None) -> int:
    from .roster import RosterError, read_roster, write_roster_templates

    out_dir = output or Path.cwd() / DEFAULT_ROSTER_DIR
    if out_dir.exists() and not out_dir.is_dir():
        _err(f"使用 --roster 时 -o 应为目录，而 {out_dir} 是文件。")
        return 2
    try:
        parsed = read_roster(roster)
    except RosterError as exc:
        _err(str(exc))
        return 2
    for problem in parsed.problems:
        _err(f"名单提示：{problem}")
    try:
        result = write_roster_templates(parsed, out_dir, year)
    except OSError as exc:
        _err(write_error_message(out_dir, exc))
        return 2
    except RosterError as exc:
        _err(str(exc))
        return 2
    print(f"已为 {len(result.written)} 个单位生成填报模板，保存在 {out_dir}；目录见 {result.index.name}。")
    return 0


def run(
    output: Path | None = None,
    agency: str | None = None,
    year: int | None = None,
    roster: Path | None = None,
    from_: Path | None = None,
) -> int:
    """Run ``nianbao template``; returns the exit code (0 written, 2 usage or unreadable input)."""
    if not _valid_year(year):
        return 2
    agency = agency.strip() if agency else None
    if roster is not None:
        if agency or from_ is not None:
            _err("--roster 不能与 --agency 或 --from 同时使用。")
            return 2
        return _run_roster(output, roster, year)

    target = _output_file(output)
    if target is None:
        return 2
    note = ""
    if from_ is not None:
        if same_file(from_, target):
            _err("输出文件不能是上年报告本身，请用 -o 指定其他文件名。")
            return 2
        prefilled = _from_last(from_, agency, year)
        if isinstance(prefilled, int):
            return prefilled
        report, note = prefilled
    elif agency or year is not None:
        report = Report.empty()
        report.agency, report.year = agency, year
    else:
        report = None

    from .writer import write_template

    try:
        write_template(target, report, lock_info=report is not None)
    except OSError as exc:
        _err(write_error_message(target, exc))
        return 2
    what = "填报模板"
    if report is not None:
        agency = report.agency or "未指定"
        agency = (
            agency if len(agency) <= 60 else agency[:59] + "…"
        )  # a 100,000-character name must not flood the terminal
        what += f"（单位：{agency}，年度：{report.year or '未指定'}）"
    print(f"已生成{what}：{target}" + (f"；{note}。" if note else ""))
    return 0
