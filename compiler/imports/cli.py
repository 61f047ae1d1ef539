"""``nianbao import`` and ``nianbao audit``: published reports in, JSON/template or findings out.

Exit codes are those of ``check``: 0 no error (warnings allowed), 1 a file has
errors, 2 usage error or a file that cannot be read.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..findings import SEVERITY_LABEL, sort_key
from ..model import Report
from ..read import UnreadableInput
from ..util.files import same_file, write_atomic, write_error_message

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2
OUTPUT_SUFFIXES = (".json", ".xlsx")


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def run_import(file: Path, output: Path | None = None) -> int:
    """Parse one published report; print its JSON, or write ``-o x.json`` / ``-o x.xlsx`` (a filled template)."""
    from . import parse_file

    file = Path(file)
    if output is not None and Path(output).suffix.lower() not in OUTPUT_SUFFIXES:
        _err(f"无法写入“{output}”：输出文件应为 .json（报告 JSON）或 .xlsx（填好的标准模板）。")
        return EXIT_UNUSABLE
    if output is not None and same_file(output, file):
        _err(f"输出文件“{output}”与输入文件相同，不能覆盖原文件。")
        return EXIT_UNUSABLE
    try:
        report = parse_file(file)
    except UnreadableInput as exc:
        _err(exc.message)
        return EXIT_UNUSABLE
    findings = sorted(report.origin.findings, key=sort_key)
    for f in findings:
        where = f"{f.ref}：" if f.ref else ""
        _err(f"[{SEVERITY_LABEL[f.severity]}] {f.code} {where}{f.message}")
    try:
        if output is None:
            sys.stdout.write(report.dumps())
        elif Path(output).suffix.lower() == ".json":
            write_atomic(output, report.dumps())
            _err(f"已写入 {output}")
        else:
            from ..template.writer import write_template

            write_template(output, report)
            _err(f"已写入 {output}")
    except BrokenPipeError:
        raise  # our reader (``| head``) went away; the entry point ends quietly
    except OSError as exc:
        _err(write_error_message(output, exc))
        return EXIT_UNUSABLE
    return EXIT_ERRORS if any(f.severity == "error" for f in findings) else EXIT_OK


def audit_file(path: Path, previous: Report | None = None):
    """Import and check one published report; a ``FileResult`` as ``check_path`` returns it. Never raises."""
    from ..check import check_loaded
    from . import parse_file

    return check_loaded(path, parse_file, previous=previous, published=True)


def run_audit(
    files: list[Path],
    *,
    json_out: bool = False,
    annotate: Path | None = None,
    previous: Path | None = None,
) -> int:
    """Import each published report and run every check that applies to a published report.

    ``previous`` (last year's report, any format ``load_report`` reads) adds the
    cross-year checks; ``annotate`` writes the standard template filled with each
    report and marked with its findings, as ``check --annotate`` does for a JSON.
    """
    from ..check.cli import run_checks

    return run_checks(
        files,
        audit_file,
        missing="请给出要核查的已发布年度报告（.txt/.html/.htm/.docx）。",
        json_out=json_out,
        annotate=Path(annotate) if annotate is not None else None,
        previous=previous,
    )
