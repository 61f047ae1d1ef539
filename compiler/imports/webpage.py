"""HTML pages (as saved from a browser) → paragraphs and table grids.

The page's declared encoding is honoured (GBK/GB2312 read as GB18030),
``rowspan``/``colspan`` are expanded into a grid, and tables that hold other
tables (page layout) are read as flowing text around their inner tables.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lhtml

from .normalize import declared_html_encoding, decode_bytes
from .tokens import Builder, Document

_SKIP = frozenset({"script", "style", "noscript", "template", "head", "select", "button", "iframe", "object", "svg"})
_BLOCK = frozenset(
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
        "article", "header", "footer", "main", "aside", "blockquote", "pre", "center", "form", "fieldset",
        "address", "figure", "figcaption", "caption", "tr", "td", "th", "hr", "body", "html", "nav",
    }
)  # fmt: skip
_LEAF_BLOCKS = frozenset({"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "pre", "center"})
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_MAX_SPAN = 64
#: Rows a cell may span (table 3's label column spans about 22) and cells merged down from above per page:
#: a hostile page (3,000 cells with rowspan=8000) would otherwise expand to millions of grid cells.
_MAX_ROWSPAN = 256
_MAX_COVERED = 100_000
_COMPLETE = re.compile(r"</(?:html|body)\s*>\s*$", re.IGNORECASE)


_CJK_BREAK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t\r\f]*\n\s*(?=[\u3000-\u9fff\uff00-\uffef])")
_SPACES = re.compile(r"[ \t\r\n\f]+")


def _collapse(text: str) -> str:
    """Whitespace as a browser shows it: a source line break between Chinese characters vanishes."""
    return _SPACES.sub(" ", _CJK_BREAK.sub("", text)).strip()


def _span(value: str | None, limit: int) -> int:
    try:
        n = int(str(value).strip().split(".")[0]) if value is not None else 1
    except ValueError:
        return 1
    return min(max(n, 1), limit)


def _tag(el: etree._Element) -> str:
    tag = el.tag
    return tag.lower().rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class _Walker:
    def __init__(self) -> None:
        self.b = Builder("html")
        self.line: list[str] = []
        self.emitted = 0
        #: Grid cells merged down from a row above, over the whole page (bounded by ``_MAX_COVERED``).
        self.covered = 0

    def flush(self) -> None:
        text = _collapse("".join(self.line))
        self.line = []
        if text:
            self.b.line(text)
            self.emitted += 1

    def walk(self, el: etree._Element) -> None:
        tag = _tag(el)
        if not tag or tag in _SKIP:
            return
        if tag == "br":
            if not "".join(self.line).strip():
                self.b.blank()
            self.flush()
            return
        if tag == "table" and not el.xpath(".//*[local-name()='table']"):
            self.flush()
            self.table(el)
            return
        block = tag in _BLOCK
        if block:
            self.flush()
        before = self.emitted
        if el.text:
            self.line.append(el.text)
        for child in el:
            self.walk(child)
            if child.tail:
                self.line.append(child.tail)
        if block:
            self.flush()
            if tag in _LEAF_BLOCKS and self.emitted == before and not el.xpath(".//*[local-name()='table']"):
                self.b.blank()

    def cell_text(self, td: etree._Element) -> str:
        parts: list[str] = []

        def rec(e: etree._Element) -> None:
            tag = _tag(e)
            if tag in _SKIP:
                return
            if tag == "br" or tag in _BLOCK:
                parts.append("\n")
            if e.text and tag:
                parts.append(e.text)
            for child in e:
                rec(child)
                if child.tail:
                    parts.append(child.tail)

        rec(td)
        return "".join(parts)

    def table(self, table: etree._Element) -> None:
        for cap in table.xpath("./*[local-name()='caption']"):
            self.b.text(self.cell_text(cap))
        rows = [tr for tr in table.iter() if _tag(tr) == "tr"]
        occupied: dict[tuple[int, int], int] = {}
        for r, tr in enumerate(rows):
            cells: list[tuple[str, int, bool]] = []
            c = 0
            for td in tr:
                if _tag(td) not in ("td", "th"):
                    continue
                while (r, c) in occupied:
                    span = occupied[(r, c)]
                    cells.append(("", span, True))
                    c += span
                colspan = _span(td.get("colspan"), _MAX_SPAN)
                rowspan = _span(td.get("rowspan"), min(len(rows) - r, _MAX_ROWSPAN))
                if self.covered + rowspan - 1 > _MAX_COVERED:
                    rowspan = 1  # past the page's budget a cell no longer reaches into the rows below
                self.covered += rowspan - 1
                cells.append((self.cell_text(td), colspan, False))
                for dr in range(1, rowspan):
                    occupied[(r + dr, c)] = colspan
                c += colspan
            while (r, c) in occupied:
                span = occupied[(r, c)]
                cells.append(("", span, True))
                c += span
            if cells:
                self.b.grid_row(cells)


def html_document(data: bytes | str) -> Document:
    """Parse a page; a page cut off mid-text marks its last token as possibly incomplete."""
    if isinstance(data, bytes):
        text, _ = decode_bytes(data, declared_html_encoding(data))
    else:
        text = data
    text = _XML_DECL.sub("", text.lstrip("\ufeff"))
    walker = _Walker()
    title = None
    if text.strip():
        try:
            root = lhtml.document_fromstring(text)
        except (etree.ParserError, ValueError):
            root = None
        if root is not None:
            t = root.find(".//title")
            title = " ".join(t.text_content().split()) if t is not None else None
            walker.walk(root)
            walker.flush()
    # a page that does not reach its closing tags was cut off: its last cell may be incomplete
    doc = walker.b.finish(cut=bool(text.strip()) and not _COMPLETE.search(text[-4096:]))
    doc.title = title
    return doc
