"""``nianbao export``: a returned workbook (or report JSON) as the interchange JSON."""

from __future__ import annotations

import sys
from pathlib import Path

from ..findings import SEVERITY_LABEL, sort_key
from ..util.files import same_file, write_atomic, write_error_message
from . import UnreadableInput, load_report


def run_export(file: Path, output: Path | None) -> int:
    """Print or write the report JSON.

    Exit codes: 0 written; 1 written, but reading found errors (e.g. not our
    template, a formula in an input cell: listed on stderr); 2 unreadable
    input or unwritable output.
    """
    if output is not None and output.suffix.lower() != ".json":
        print(f"export 输出的是报告 JSON，-o 应以 .json 结尾：{output}", file=sys.stderr)
        return 2
    try:
        report = load_report(file)
    except UnreadableInput as exc:
        print(exc.message, file=sys.stderr)
        return 2
    text = report.dumps()
    if output is None:
        _print_utf8(text)
    else:
        if same_file(file, output):
            print(f"输出文件“{output}”就是输入文件，不会覆盖输入；请用 -o 指定另一个文件。", file=sys.stderr)
            return 2
        try:
            write_atomic(output, text)
        except OSError as exc:
            print(write_error_message(output, exc), file=sys.stderr)
            return 2
    findings = sorted(report.origin.findings, key=sort_key)
    for f in findings:
        where = f"{f.ref}：" if f.ref else ""
        print(f"[{SEVERITY_LABEL.get(f.severity, f.severity)}] {where}{f.message}", file=sys.stderr)
    return 1 if any(f.severity == "error" for f in findings) else 0


def _print_utf8(text: str) -> None:
    """JSON is UTF-8 whatever the console's code page (a GBK pipe cannot encode every character)."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()
