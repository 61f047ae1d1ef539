"""The lowest reading layer: our workbook (``read.xlsx``), the report JSON, and what unreadable means.

``UnreadableInput`` carries a Chinese message that says what the file is and
what to do; problems inside a readable file become findings in
``report.origin.findings`` instead. Choosing a reader by suffix is the input
dispatcher's job (``compiler.inputs.load_report``), which sits above this
package and ``compiler.imports``.

openpyxl is imported lazily so that ``nianbao --help`` stays fast.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..model import Report, ReportFormatError


class UnreadableInput(Exception):
    """A file we cannot read at all; ``message`` is Chinese, for the clerk.

    ``code`` is the catalogued finding code: ``UNREADABLE`` (the file), or
    ``READER_INTERNAL_ERROR`` when our own reading code failed on it.
    """

    def __init__(self, message: str, code: str = "UNREADABLE") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


#: Suffixes read as our workbook template.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: What to do with a spreadsheet we cannot read as it is.
SAVE_AS = "请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx）格式，再重新提交。"
#: Formats we refuse by suffix: what they are, so the message can name them.
REFUSED_SUFFIXES: dict[str, str] = {
    ".xls": "Excel 97-2003 工作簿（.xls）",
    ".xlt": "Excel 97-2003 模板（.xlt）",
    ".xltx": "Excel 模板（.xltx）",
    ".xlsb": "Excel 二进制工作簿（.xlsb）",
    ".et": "WPS 表格文件（.et）",
    ".ett": "WPS 表格模板（.ett）",
    ".ods": "OpenDocument 电子表格（.ods）",
    ".fods": "OpenDocument 电子表格（.fods）",
    ".numbers": "Apple Numbers 表格（.numbers）",
    ".csv": "CSV 文本表格（.csv）",
    ".tsv": "制表符分隔的文本表格（.tsv）",
    ".doc": "Word 97-2003 文档（.doc）",
    ".wps": "WPS 文字文件（.wps）",
}


def internal_read_message(path: str | Path, exc: BaseException) -> str:
    """Our reading code failed (a bug, or a changed library): said as ours, never as a damaged file."""
    return (
        f"读取“{Path(path).name}”时 nianbao 自身出现内部错误（{type(exc).__name__}），这不是文件的问题，"
        "请不要修改文件；请把文件和本提示发给维护人员（或升级 nianbao）。"
    )


def os_error_message(path: Path, exc: OSError) -> str:
    """A Chinese message for a file that cannot be opened at all."""
    if isinstance(exc, FileNotFoundError):
        why = "文件不存在"
    elif isinstance(exc, IsADirectoryError):
        why = "这是一个文件夹，不是文件"
    elif isinstance(exc, PermissionError):
        why = "没有读取权限"
    else:
        why = exc.strerror or type(exc).__name__
    return f"无法打开“{path}”：{why}。请检查文件路径和权限。"


def load_json(path: Path) -> Report:
    """A report JSON (``nianbao export``'s output); ``UnreadableInput`` when it is not one."""
    try:
        report = Report.load(path)
    except OSError as exc:
        raise UnreadableInput(os_error_message(path, exc)) from exc
    except UnicodeDecodeError as exc:
        raise UnreadableInput(
            f"无法读取“{path.name}”：报告 JSON 应为 UTF-8 编码（第 {exc.start} 字节处不是 UTF-8）。"
            "请以 UTF-8 编码重新保存。"
        ) from exc
    except (ReportFormatError, json.JSONDecodeError, ValueError) as exc:
        raise UnreadableInput(f"无法读取“{path.name}”：不是有效的报告 JSON（{exc}）。") from exc
    except RecursionError as exc:
        raise UnreadableInput(f"无法读取“{path.name}”：JSON 嵌套层次过深，不是有效的报告 JSON。") from exc
    _tidy_numbers(report)
    _replace_surrogates(report)
    return report


_SURROGATE = re.compile("[\ud800-\udfff]")


def _replace_surrogates(report: Report) -> None:
    """A JSON escape like ``"\\ud800"`` gives a lone surrogate no UTF-8 file can hold: shown as U+FFFD instead."""

    def fix(value: Any) -> Any:
        return _SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value

    report.agency, report.year, report.date = fix(report.agency), fix(report.year), fix(report.date)
    contact = report.contact
    contact.phone, contact.email, contact.address = fix(contact.phone), fix(contact.email), fix(contact.address)
    report.narrative = {k: fix(v) for k, v in report.narrative.items()}
    report.titles = {k: fix(v) for k, v in report.titles.items()}
    for rows in report.tables.values():
        for row in rows:
            row[:] = [fix(v) for v in row]


def _tidy_numbers(report: Report) -> None:
    """``NaN``/``Infinity``/1e308 (Python's JSON accepts them) become text the checker reports; 12.0 → 12."""
    from .values import tidy_number

    for rows in report.tables.values():
        for row in rows:
            for i, v in enumerate(row):
                if isinstance(v, int | float) and not isinstance(v, bool):
                    row[i] = tidy_number(v)


__all__ = [
    "REFUSED_SUFFIXES",
    "SAVE_AS",
    "WORKBOOK_SUFFIXES",
    "UnreadableInput",
    "internal_read_message",
    "load_json",
    "os_error_message",
]
