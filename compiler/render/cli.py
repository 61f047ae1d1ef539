"""``nianbao compile``: check a report, then write Word (and HTML/PDF) next to it."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from ..findings import SEVERITY_LABEL, Finding, sort_key
from ..util.files import safe_filename, same_file, write_error_message
from .style import StyleError, load_style

FORMATS = ("docx", "html", "pdf")
_SUFFIXES = {"docx": ".docx", "html": ".html", "pdf": ".pdf"}
_KNOWN_OUTPUT_SUFFIXES = (".docx", ".html", ".htm", ".pdf")


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def parse_formats(text: str) -> list[str]:
    """``docx,html`` → ``["docx", "html"]`` in canonical order; ``ValueError`` (Chinese) when unknown."""
    wanted = {part.strip().lower() for part in (text or "").replace("，", ",").split(",") if part.strip()}
    unknown = sorted(wanted - set(FORMATS))
    if unknown or not wanted:
        raise ValueError(f"不支持的输出格式：{'、'.join(unknown) or '（空）'}；可选 {','.join(FORMATS)}，用逗号分隔。")
    return [f for f in FORMATS if f in wanted]


def output_paths(file: Path, output: Path | str | None, title: str) -> dict[str, Path]:
    """Where each format goes: beside the input named after the title, or the stem of ``-o``.

    ``-o`` naming an existing folder, or ending in a separator (``新文件夹/``,
    created when missing), puts the title-named files inside it.
    """
    folder = isinstance(output, str) and output.endswith(("/", os.sep))
    output = Path(output) if output is not None else None
    if output is None:
        stem = file.parent / safe_filename(title)
    elif folder or os.path.isdir(output):
        stem = output / safe_filename(title)
    elif output.suffix.lower() in _KNOWN_OUTPUT_SUFFIXES:
        stem = output.with_suffix("")
    else:
        stem = output
    return {fmt: stem.with_name(stem.name + suffix) for fmt, suffix in _SUFFIXES.items()}


def _print_findings(findings: list[Finding]) -> None:
    for f in sorted(findings, key=sort_key):
        where = f"{f.ref}：" if f.ref else ""
        _err(f"[{SEVERITY_LABEL.get(f.severity, f.severity)}] {where}{f.message}")


def run(
    file: Path,
    *,
    output: Path | str | None = None,
    formats: str = "docx",
    force: bool = False,
    style: Path | None = None,
) -> int:
    """Compile one report.

    Exit codes: 0 written (errors too, with ``--force``); 1 check errors, nothing
    written; 2 usage error, unreadable input or style, unwritable output, or
    PDF impossible (Word/HTML are still written).
    """
    file = Path(file)
    try:
        fmts = parse_formats(formats)
    except ValueError as exc:
        _err(str(exc))
        return 2
    try:
        layout = load_style(style)
    except StyleError as exc:
        _err(str(exc))
        return 2

    from ..check import check_report
    from ..read import UnreadableInput, load_report

    try:
        report = load_report(file)
    except UnreadableInput as exc:
        _err(exc.message)
        return 2
    findings = check_report(report)
    _print_findings(findings)
    errors = sum(1 for f in findings if f.severity == "error")
    if errors and not force:
        _err(f"“{file.name}”有 {errors} 个错误，未生成报告。请修正后重试，或加 --force 强制生成。")
        return 1

    from .docx import write_docx
    from .html import write_html
    from .pdf import OfficeUnavailable, PdfError, write_pdf
    from .text import title_text

    paths = output_paths(file, output, title_text(report))
    for fmt in fmts:
        if same_file(file, paths[fmt]):
            _err(f"输出文件“{paths[fmt]}”就是输入文件，不会覆盖输入；请用 -o 指定另一个文件名。")
            return 2

    written: list[Path] = []
    rc = 0
    try:
        if "docx" in fmts:
            written.append(write_docx(report, paths["docx"], layout))
        if "html" in fmts:
            written.append(write_html(report, paths["html"], layout))
        if "pdf" in fmts:
            try:
                if "docx" in fmts:
                    written.append(write_pdf(paths["docx"], paths["pdf"]))
                else:
                    with tempfile.TemporaryDirectory(prefix="nianbao-") as tmp:
                        source = write_docx(report, Path(tmp) / paths["docx"].name, layout)
                        written.append(write_pdf(source, paths["pdf"]))
            except (OfficeUnavailable, PdfError) as exc:
                done = "；其余格式已生成" if written else ""
                _err(f"{exc}（未生成 PDF{done}）")
                rc = 2
    except OSError as exc:
        failing = paths[fmts[min(len(written), len(fmts) - 1)]]  # formats are written in order
        _err(write_error_message(failing, exc))
        rc = 2
    for path in written:
        print(f"已生成：{path}")
    if errors and written:
        _err(f"注意：报告存在 {errors} 个错误，已按 --force 生成，发布前请修正。")
    return rc
