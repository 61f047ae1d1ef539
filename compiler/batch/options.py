"""The checks a batch makes before touching anything: options, folders, LibreOffice for PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..util.text import display_text


class BatchAbort(Exception):
    """A problem with the folders or options: message (Chinese) and exit code 2."""


@dataclass
class BatchOptions:
    """One batch run's options, as ``nianbao batch`` takes them (formats already parsed)."""

    in_dir: Path
    out_dir: Path
    jobs: int | None = None
    formats: list[str] = field(default_factory=lambda: ["docx"])
    force: bool = False
    previous: Path | None = None
    rollup_name: str | None = None
    timeout: float | None = 60.0
    #: The round's roster (``template --roster``'s formats): the status of every agency, 未报送 included.
    roster: Path | None = None
    #: Sum sheets with errors into the roll-up too (it is then a draft).
    include_errors: bool = False
    #: Deadline (``YYYY-MM-DD``) and where to send corrected sheets, for the feedback letters.
    deadline: str | None = None
    return_to: str | None = None


def check_options(opts: BatchOptions) -> None:
    """Raise ``BatchAbort`` for options or folders a run cannot use (nothing is created yet)."""
    if opts.jobs is not None and opts.jobs < 1:
        raise BatchAbort("--jobs 应为正整数")
    if opts.timeout is not None and opts.timeout <= 0:
        raise BatchAbort("--timeout 应为正数（秒）")
    if opts.deadline is not None:
        import datetime as dt

        try:
            opts.deadline = dt.date.fromisoformat(opts.deadline.strip()).isoformat()
        except ValueError:
            said = display_text(opts.deadline, 40)
            raise BatchAbort(f"--deadline 应为日期，格式 YYYY-MM-DD（如 2026-01-20），而不是“{said}”") from None
    opts.return_to = (opts.return_to or "").strip() or None
    if not opts.in_dir.exists():
        raise BatchAbort(f"输入目录不存在：{display_text(str(opts.in_dir), 300)}")
    if not opts.in_dir.is_dir():
        raise BatchAbort(f"输入应为目录：{display_text(str(opts.in_dir), 300)}")
    if opts.in_dir.resolve() == opts.out_dir.resolve():
        raise BatchAbort("输出目录不能与输入目录相同（请另建一个输出目录，例如 输入目录/输出）")
    if "pdf" in opts.formats:
        from ..util.office import find_soffice

        if not find_soffice():
            raise BatchAbort("生成 PDF 需要 LibreOffice（soffice），未找到；请安装后重试，或去掉 pdf 格式")


def read_roster_entries(roster: Path) -> list[Any]:
    """The roster's agencies (``template.roster.RosterEntry``); a roster that cannot be used is a ``BatchAbort``."""
    from ..template.roster import RosterError, read_roster

    try:
        return list(read_roster(roster).entries)
    except RosterError as exc:
        raise BatchAbort(str(exc)) from exc


def check_output_dir(out_dir: Path) -> None:
    """The output folder must be a folder (it is created when missing)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise BatchAbort(
            f"无法写入输出目录 {display_text(str(out_dir), 300)}：该路径是一个文件，不是文件夹。"
            "请用 -o 指定一个文件夹（不存在时会自动创建）。"
        )
