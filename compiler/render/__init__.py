"""Compile a ``Report`` into the official Word document, a web page and a PDF.

``text`` decides what is said and in which order; ``docx`` and ``html`` only
lay it out; ``style`` reads fonts and margins from a style file; ``outputs``
writes the chosen formats (the one writer compile, batch and the roll-up use).

The names below load their module on first use (PEP 562), so importing
``compiler.render.outputs`` for ``FORMATS`` does not load python-docx: the
batch supervisor stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .docx import docx_bytes, write_docx
    from .html import render_html, write_html
    from .pdf import OfficeUnavailable, PdfError, write_pdf
    from .style import Style, StyleError, load_style

_WHERE = {
    "docx_bytes": "docx",
    "write_docx": "docx",
    "render_html": "html",
    "write_html": "html",
    "OfficeUnavailable": "pdf",
    "PdfError": "pdf",
    "write_pdf": "pdf",
    "Style": "style",
    "StyleError": "style",
    "load_style": "style",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "OfficeUnavailable",
    "PdfError",
    "Style",
    "StyleError",
    "docx_bytes",
    "load_style",
    "render_html",
    "write_docx",
    "write_html",
    "write_pdf",
]
