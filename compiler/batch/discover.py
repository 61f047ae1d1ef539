"""Find the returned sheets under a folder, and say which files were left out and why.

Lock files (``~$x.xlsx``, ``.~lock.x#``), hidden files and folders, and the
output folder itself (when it sits inside the input folder) are ignored
silently; every other file that is not a workbook we can read is listed with
what to do about it (save as .xlsx), so no agency's sheet is lost unnoticed.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..inputs import READABLE_SUFFIXES

#: Workbooks the reader opens (``.xlsm``: values are read, macros ignored with a notice).
READABLE = (".xlsx", ".xlsm")
#: Last year's reports accepted by ``--previous``: every input kind the commands read.
PREVIOUS_READABLE = READABLE_SUFFIXES

#: The officer's last step after a clerk re-saved the file; a letter to the clerk says ``RESEND`` instead.
RERUN = "再放回目录重新运行。"
RESEND = "再重新报送。"
_SAVE_AS = "请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（*.xlsx），" + RERUN
#: Spreadsheet-like files we cannot read, with the reason shown to the clerk.
SPREADSHEET_HINTS: dict[str, str] = {
    ".xls": "旧版 Excel 97-2003 工作簿（.xls）无法读取；" + _SAVE_AS,
    ".xlt": "旧版 Excel 模板（.xlt）无法读取；" + _SAVE_AS,
    ".xltx": "Excel 模板文件（.xltx）不是填报表；" + _SAVE_AS,
    ".xltm": "Excel 模板文件（.xltm）不是填报表；" + _SAVE_AS,
    ".xlsb": "Excel 二进制工作簿（.xlsb）无法读取；" + _SAVE_AS,
    ".et": "WPS 表格文件（.et）无法读取；" + _SAVE_AS,
    ".ett": "WPS 表格模板（.ett）无法读取；" + _SAVE_AS,
    ".ods": "OpenDocument 表格（.ods）无法读取；请用 WPS、Excel 或 LibreOffice 打开后“另存为”Excel 工作簿（*.xlsx）。",
    ".numbers": "Numbers 表格无法读取；请在 Numbers 中“导出为 Excel（.xlsx）”。",
    ".csv": "CSV 文本只能保存一张表，无法还原填报表的格式；请使用下发的 .xlsx 模板填报。",
}
_OTHER_HINT = "不是 Excel 填报表（.xlsx），已跳过。"
_NOT_REGULAR = "不是普通文件（命名管道、设备或指向它们的链接），已跳过；请放入填报表文件本身。"
_LOCK_PREFIXES = ("~$", ".~lock.")


@dataclass(frozen=True)
class Skipped:
    """A file left out, with the reason (Chinese) and whether it looked like a returned sheet."""

    rel: str
    reason: str
    spreadsheet: bool


@dataclass
class Discovery:
    root: Path
    #: Readable workbooks, relative to ``root`` with ``/`` separators, sorted.
    inputs: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def path(self, rel: str) -> Path:
        return self.root.joinpath(*rel.split("/"))


def _hidden(name: str) -> bool:
    return name.startswith(".") or name.startswith(_LOCK_PREFIXES) or name in ("__MACOSX", "Thumbs.db", "desktop.ini")


def discover(
    root: Path, *, exclude: Path | None = None, readable: tuple[str, ...] = READABLE, list_others: bool = True
) -> Discovery:
    """Walk ``root`` recursively (symlinked folders are not followed).

    ``exclude`` (the output folder) is pruned when it lies inside ``root``.
    Raises ``OSError`` only when ``root`` itself cannot be listed.
    """
    root = Path(root)
    found = Discovery(root=root)
    excluded = _real(exclude) if exclude is not None else None
    os.listdir(root)  # the folder itself must be readable: let the caller report it
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        keep = []
        for d in sorted(dirnames):
            if _hidden(d):
                continue
            if excluded is not None and _real(here / d) == excluded:
                continue
            keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            if _hidden(name):
                continue
            rel = (here / name).relative_to(root).as_posix()
            suffix = Path(name).suffix.lower()
            if suffix in readable and not _regular(here / name):  # a FIFO or device would hang the reader
                found.skipped.append(Skipped(rel, _NOT_REGULAR, True))
            elif suffix in readable:
                found.inputs.append(rel)
            elif list_others:
                hint = SPREADSHEET_HINTS.get(suffix)
                found.skipped.append(Skipped(rel, hint or _OTHER_HINT, hint is not None))
    found.inputs.sort()
    found.skipped.sort(key=lambda s: s.rel)
    return found


def _regular(path: Path) -> bool:
    """A regular file (through symlinks), or a path that cannot be stat'ed (the reader will say why)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True


def _real(path: Path) -> Path:
    try:
        return Path(path).resolve()
    except OSError:
        return Path(os.path.abspath(path))
