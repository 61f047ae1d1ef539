"""``nianbao compile``: check a report, then write Word (and HTML/PDF) next to it."""

from __future__ import annotations

from pathlib import Path

from ..commands.compile import compile_report
from ..findings import sort_key
from .common import call, err, print_findings


def run(
    file: Path,
    *,
    output: Path | None = None,
    formats: str = "docx",
    force: bool = False,
    style: Path | None = None,
) -> int:
    """Compile one report; exit codes: 0 written, 1 errors and nothing written, 2 usage/unreadable/unwritable."""
    result = call(lambda: compile_report(file, output=output, formats=formats, force=force, style=style))
    if isinstance(result, int):
        return result
    print_findings(sorted(result.findings, key=sort_key))
    if result.blocked:
        err(f"“{Path(file).name}”有 {result.errors} 个错误，未生成报告。请修正后重试，或加 --force 强制生成。")
        return result.exit_code
    for problem in result.problems:
        err(problem)
    for path in result.written.values():
        print(f"已生成：{path}")
    if result.font_notice:
        err(result.font_notice)
    if result.draft:
        err(f"注意：报告存在 {result.errors} 个错误，已按 --force 生成并在每页标注“草稿”，发布前请修正。")
    return result.exit_code
