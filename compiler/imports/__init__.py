"""Read published annual reports (txt, html/htm, docx, pdf) into a ``Report``.

Offices hold last year's report only as a web page, a Word file or copied
text; evaluators audit published reports. Every label comes from the schema
(``compiler.imports.labels``); figures are anchored on row labels, and what
cannot be read is ``None`` plus a finding in ``report.origin.findings`` —
never a guessed number.

``parse_file(path)`` picks the reader by suffix (then by content);
``parse_text``, ``parse_html`` and ``parse_docx`` read one kind. A file that
cannot be opened at all raises ``compiler.read.UnreadableInput``.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..model import Report
from ..read import REFUSED_SUFFIXES, WORKBOOK_SUFFIXES, UnreadableInput, os_error_message
from .kinds import DOCX_SUFFIXES, HTML_SUFFIXES, PDF_SUFFIXES, TEXT_SUFFIXES
from .normalize import decode_bytes
from .parse import build_report
from .tokens import Builder


def parse_text(text: str, *, path: str | None = None) -> Report:
    """A report copied as plain text (any of the layouts in ``compiler.imports.tokens``)."""
    from ..schema import get_schema
    from .glued import unglue

    builder = Builder("txt")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = unglue(text, get_schema())
    builder.plain_text(text)
    doc = builder.finish(cut=bool(text) and not text.endswith("\n"))
    return build_report(doc, path=path)


def parse_html(data: bytes | str, *, path: str | None = None) -> Report:
    """A web page; bytes are decoded with the charset the page declares (GBK included)."""
    from .webpage import html_document

    return build_report(html_document(data), path=path)


def parse_docx(path: str | Path) -> Report:
    """A Word document: paragraphs and tables in order, merged cells expanded."""
    from .wordfile import docx_document

    path = Path(path)
    try:
        doc = docx_document(path)
    except OSError as exc:
        raise UnreadableInput(os_error_message(path, exc)) from exc
    except Exception as exc:  # python-docx raises many kinds on a damaged package
        raise UnreadableInput(
            f"无法读取“{path.name}”：不是有效的 Word 文档（.docx），可能已损坏或是其他格式改了扩展名。"
            "请用 Word 或 WPS 打开后另存为 .docx 再试。"
        ) from exc
    return build_report(doc, path=str(path))


def parse_pdf(path: str | Path, data: bytes | None = None) -> Report:
    """A text PDF (Word/WPS export): ruled tables read by position, merged cells expanded."""
    from .pdffile import pdf_document

    path = Path(path)
    return build_report(pdf_document(path, data), path=str(path))


def _kind(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES or head.startswith(b"%PDF-"):
        return "pdf"
    if suffix in DOCX_SUFFIXES or head.startswith(b"PK\x03\x04"):
        return "docx"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "txt"
    sniff = head[:4096].lower()
    if sniff.lstrip().startswith(b"<") and any(t in sniff for t in (b"<html", b"<body", b"<table", b"<p", b"<div")):
        return "html"
    return "txt"


#: Binary formats recognised by their first bytes, which no text reader should try.
_MAGIC = {b"\xd0\xcf\x11\xe0": "Word 97-2003 / WPS 文档或其他 OLE 文件"}


def _refuse(path: Path, raw: bytes) -> None:
    """Formats we cannot read: say what the file is and how to get a readable one."""
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        raise UnreadableInput(
            f"“{path.name}”是 Excel 工作簿，不是已发布的年度报告。填报表请用 nianbao export 或 nianbao check 读取。"
        )
    what = REFUSED_SUFFIXES.get(suffix) or next((w for m, w in _MAGIC.items() if raw.startswith(m)), None)
    if what:
        raise UnreadableInput(
            f"无法读取“{path.name}”：这是{what}。已发布的年度报告请提供 .pdf、.docx、.html/.htm 或 .txt："
            "Word/WPS 文件请“另存为”.docx，网页请在浏览器中“另存为”.html。"
        )


MB = 1024 * 1024


def _guard_docx(path: Path, raw: bytes) -> None:
    """The workbook reader's zip-bomb limits, before python-docx inflates anything."""
    from ..read.container import guard_bomb

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return  # python-docx reports the damage in its own words
    guard_bomb(infos, path.name, what="年度报告 Word 文档")


def parse_file(path: str | Path) -> Report:
    """A published report file, whatever its kind; the input is only read, never changed."""
    from ..read.container import MAX_FILE_BYTES  # the workbook reader's limit; a published report is well under 10 MB

    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableInput(
                f"无法读取“{path.name}”：文件过大（{size / MB:.0f} MB，上限 {MAX_FILE_BYTES // MB} MB），"
                "不像是一份年度报告。请检查是否选错了文件。"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableInput(os_error_message(path, exc)) from exc
    _refuse(path, raw[:8])
    kind = _kind(path, raw[:8192])
    if kind == "docx":
        if not zipfile.is_zipfile(path):
            raise UnreadableInput(
                f"无法读取“{path.name}”：不是有效的 Word 文档（.docx）。如是旧版 .doc 或 WPS 文件，"
                "请用 Word 或 WPS 打开后另存为 .docx 再试。"
            )
        _guard_docx(path, raw)
        return parse_docx(path)
    if kind == "html":
        return parse_html(raw, path=str(path))
    if kind == "pdf":
        from .pdffile import guard_pdf

        guard_pdf(raw, path.name)
        return parse_pdf(path, raw)
    text, _ = decode_bytes(raw)
    return parse_text(text, path=str(path))


__all__ = ["UnreadableInput", "parse_docx", "parse_file", "parse_html", "parse_pdf", "parse_text"]
