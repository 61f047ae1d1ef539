"""One way to write a report's outputs (Word, web page, PDF): used by compile, the batch worker and the roll-up.

``parse_formats`` reads ``--format`` (``docx,html``; a full-width comma is
accepted); ``write_outputs`` writes the chosen formats in the canonical order
(Word first: the PDF is converted from it, so both always agree) and, when one
fails, raises ``OutputFailed`` saying which format failed and what was
already written.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Report
    from .style import Style

FORMATS = ("docx", "html", "pdf")
SUFFIXES = {fmt: f".{fmt}" for fmt in FORMATS}


def parse_formats(text: str | Iterable[str]) -> list[str]:
    """``docx,html`` (or a list) → ``["docx", "html"]`` in canonical order; ``ValueError`` (Chinese) when unknown."""
    parts = (text or "").replace("，", ",").split(",") if isinstance(text, str) else list(text)
    wanted = {part.strip().lower() for part in parts if part.strip()}
    unknown = sorted(wanted - set(FORMATS))
    if unknown or not wanted:
        raise ValueError(f"不支持的输出格式：{'、'.join(unknown) or '（空）'}；可选 {','.join(FORMATS)}，用逗号分隔。")
    return [f for f in FORMATS if f in wanted]


@dataclass
class OutputFailed(Exception):
    """Writing ``format`` to ``path`` failed; ``written`` holds what was written before (by format)."""

    format: str
    path: Path
    cause: BaseException
    written: dict[str, Path] = field(default_factory=dict)

    def __str__(self) -> str:
        return str(self.cause)


def write_outputs(
    report: Report,
    paths: Mapping[str, Path],
    formats: Iterable[str],
    *,
    style: Style | None = None,
    title: str | None = None,
    draft: bool = False,
    pdf_guard: Callable[[], AbstractContextManager[object]] = contextlib.nullcontext,
) -> dict[str, Path]:
    """Write each of ``formats`` to ``paths[fmt]`` atomically; the files written, by format.

    A PDF without a Word output is converted from a Word file in a temporary
    folder. ``pdf_guard`` wraps the conversion (the batch worker lifts its
    memory limit for LibreOffice). ``draft``: the figures have errors, so every page says 草稿 (``draft``
    module). Raises ``OutputFailed`` on the first failure.
    """
    from .docx import write_docx
    from .html import write_html
    from .pdf import write_pdf

    wanted = [f for f in FORMATS if f in set(formats)]
    written: dict[str, Path] = {}

    def attempt(fmt: str, path: Path, write: Callable[[], Path]) -> Path:
        try:
            return write()
        except MemoryError:
            raise
        except Exception as exc:
            raise OutputFailed(fmt, path, exc, dict(written)) from exc

    if "docx" in wanted:
        written["docx"] = attempt(
            "docx", paths["docx"], lambda: write_docx(report, paths["docx"], style, title=title, draft=draft)
        )
    if "html" in wanted:
        written["html"] = attempt(
            "html", paths["html"], lambda: write_html(report, paths["html"], style, title=title, draft=draft)
        )
    if "pdf" in wanted:
        with contextlib.ExitStack() as stack:
            source = written.get("docx")
            if source is None:
                tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nianbao-")))
                target = tmp / paths["docx"].name
                source = attempt(
                    "pdf", paths["pdf"], lambda: write_docx(report, target, style, title=title, draft=draft)
                )

            def convert() -> Path:
                with pdf_guard():
                    return write_pdf(source, paths["pdf"])

            written["pdf"] = attempt("pdf", paths["pdf"], convert)
    return written


__all__ = ["FORMATS", "SUFFIXES", "OutputFailed", "parse_formats", "write_outputs"]
