"""Compile one report: read it, check it, write Word (and HTML/PDF) unless it has errors (or ``force``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..check import check_report
from ..exitcodes import EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE
from ..inputs import load_report
from ..read import UnreadableInput
from ..render.outputs import SUFFIXES, OutputFailed, parse_formats, write_outputs
from ..render.pdf import OfficeUnavailable, PdfError
from ..render.style import StyleError, load_style
from ..render.text import title_text
from ..util.files import safe_filename, write_error_message
from .errors import InputError, UsageError

if TYPE_CHECKING:
    from ..findings import Finding
    from ..model import Report

_KNOWN_OUTPUT_SUFFIXES = (".docx", ".html", ".htm", ".pdf")


@dataclass
class CompileResult:
    """What ``compile_report`` did: the findings, what it wrote, and what it could not write."""

    source: Path
    report: Report
    findings: list[Finding]
    #: Files written, by format (empty when ``blocked``).
    written: dict[str, Path] = field(default_factory=dict)
    #: The report has errors and ``force`` was not given: nothing was written.
    blocked: bool = False
    #: Chinese messages about outputs that could not be written (the others were).
    problems: list[str] = field(default_factory=list)
    #: With a PDF written on a machine without the official fonts: which free faces stood in (Chinese).
    font_notice: str | None = None

    @property
    def draft(self) -> bool:
        """Written from figures with errors (``force``): every page says 草稿."""
        return bool(self.written) and self.errors > 0

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def exit_code(self) -> int:
        if self.blocked:
            return EXIT_PROBLEMS
        return EXIT_UNUSABLE if self.problems else EXIT_OK


def output_paths(file: Path, output: Path | None, title: str) -> dict[str, Path]:
    """Where each format goes: beside the input named after the title, or the stem of ``-o``."""
    if output is None:
        stem = file.parent / safe_filename(title)
    elif output.is_dir():
        stem = output / safe_filename(title)
    elif output.suffix.lower() in _KNOWN_OUTPUT_SUFFIXES:
        stem = output.with_suffix("")
    else:
        stem = output
    return {fmt: stem.with_name(stem.name + suffix) for fmt, suffix in SUFFIXES.items()}


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and a.exists() and a.samefile(b))
    except OSError:
        return False


def compile_report(
    file: str | Path,
    *,
    output: str | Path | None = None,
    formats: str | list[str] = "docx",
    force: bool = False,
    style: str | Path | None = None,
) -> CompileResult:
    """Compile one report; ``UsageError``/``InputError`` when it cannot be attempted.

    A report with errors is not written unless ``force`` (``blocked``); a
    format that cannot be written (no LibreOffice for PDF, a read-only folder)
    is a message in ``problems`` while the other formats are still written.
    """
    file = Path(file)
    out = Path(output) if output is not None else None
    try:
        fmts = parse_formats(formats)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    try:
        layout = load_style(style)
    except StyleError as exc:
        raise UsageError(str(exc)) from exc
    try:
        report = load_report(file)
    except UnreadableInput as exc:
        raise InputError(exc.message) from exc
    findings = check_report(report)
    result = CompileResult(file, report, findings)
    if result.errors and not force:
        result.blocked = True
        return result
    paths = output_paths(file, out, title_text(report))
    for fmt in fmts:
        if _same_file(file, paths[fmt]):
            raise UsageError(f"输出文件“{paths[fmt]}”就是输入文件，不会覆盖输入；请用 -o 指定另一个文件名。")
    try:
        result.written = write_outputs(report, paths, fmts, style=layout, draft=result.errors > 0)
    except OutputFailed as exc:
        result.written = exc.written
        if isinstance(exc.cause, OfficeUnavailable | PdfError):
            done = "；其余格式已生成" if exc.written else ""
            result.problems.append(f"{exc.cause}（未生成 PDF{done}）")
        elif isinstance(exc.cause, OSError):
            result.problems.append(write_error_message(exc.path, exc.cause))
        else:
            raise exc.cause from None  # our bug: let it surface as one
    if "pdf" in result.written:
        from ..util.fonts import substitution_notice

        result.font_notice = substitution_notice()
    return result


__all__ = ["CompileResult", "compile_report", "output_paths"]
