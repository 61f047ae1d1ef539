"""The suffixes of published reports, by reader (light: the input dispatcher imports it for its table)."""

from __future__ import annotations

TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php")
DOCX_SUFFIXES = (".docx",)
PDF_SUFFIXES = (".pdf",)
