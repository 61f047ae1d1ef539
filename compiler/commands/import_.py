"""``import``: a published report (or any input) as report JSON or as our filled template."""

from __future__ import annotations

from pathlib import Path

from ..util.files import write_atomic, write_error_message
from .errors import OutputError, UsageError
from .export import ReadResult, read_input

OUTPUT_SUFFIXES = (".json", ".xlsx")


def import_report(file: str | Path, output: str | Path | None = None) -> ReadResult:
    """Read ``file``; with ``output`` write ``x.json`` (report JSON) or ``x.xlsx`` (the filled standard template)."""
    out = Path(output) if output is not None else None
    if out is not None and out.suffix.lower() not in OUTPUT_SUFFIXES:
        raise UsageError(f"无法写入“{out}”：输出文件应为 .json（报告 JSON）或 .xlsx（填好的标准模板）。")
    result = read_input(Path(file), out)
    if out is None:
        return result
    try:
        if out.suffix.lower() == ".json":
            write_atomic(out, result.report.dumps())
        else:
            from ..template.writer import write_template

            write_template(out, result.report)
    except OSError as exc:
        raise OutputError(write_error_message(out, exc)) from exc
    return result


__all__ = ["OUTPUT_SUFFIXES", "import_report"]
