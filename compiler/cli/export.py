"""``nianbao export``: print or write the report JSON; the reader's findings on stderr."""

from __future__ import annotations

from pathlib import Path

from ..commands.export import export
from .common import call, print_findings, print_utf8


def run_export(file: Path, output: Path | None) -> int:
    """Exit codes: 0 written; 1 written, but reading found errors; 2 unreadable input or unwritable output."""
    result = call(lambda: export(file, output))
    if isinstance(result, int):
        return result
    if output is None:
        print_utf8(result.report.dumps())
    print_findings(result.findings)
    return result.exit_code
