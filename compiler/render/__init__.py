"""Compile a ``Report`` into the official Word document, a web page and a PDF.

``text`` decides what is said and in which order; ``docx`` and ``html`` only
lay it out; ``style`` reads fonts and margins from a style file.
"""

from __future__ import annotations

from .docx import docx_bytes, write_docx
from .html import render_html, write_html
from .pdf import OfficeUnavailable, PdfError, write_pdf
from .style import Style, StyleError, load_style

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
