"""``nianbao import`` and ``nianbao audit``: published reports in, JSON/template or findings out."""

from __future__ import annotations

import sys
from pathlib import Path

from ..commands.audit import audit_files
from ..commands.import_ import import_report
from .check import show_check_run
from .common import call, err, print_findings


def run_import(file: Path, output: Path | None = None) -> int:
    """Parse one published report; print its JSON, or write ``-o x.json`` / ``-o x.xlsx`` (a filled template)."""
    result = call(lambda: import_report(file, output))
    if isinstance(result, int):
        return result
    print_findings(result.findings, with_code=True)
    if output is None:
        sys.stdout.write(result.report.dumps())
    else:
        err(f"已写入 {output}")
    return result.exit_code


def run_audit(
    files: list[Path],
    *,
    json_out: bool = False,
    annotate: Path | None = None,
    previous: Path | None = None,
    reporter: str | None = None,
) -> int:
    """Audit published reports; exit codes as ``check``."""
    run = call(lambda: audit_files(files, previous=previous, annotate=annotate, reporter=reporter))
    if isinstance(run, int):
        return run
    return show_check_run(run, json_out=json_out)
