"""PDF files → paragraphs and table grids, from ruling lines and character positions.

Published reports are text PDFs made by Word or WPS with ruled tables.
pdfplumber (on pdfminer.six, both MIT) gives every character with its box
and every drawn line; its ``find_tables`` turns the ruling lines into cells,
merged cells included, so a figure is placed by where it is printed, never by
counting flowing text. Text outside ruled tables is rebuilt into lines by
position (a table without rules falls back to that text layout, which the
plain-text reader already understands). Page numbers (``-2-``, ``— 2 —``,
``第 2 页``) are dropped: they are never content.

What cannot be read at all — encrypted, scanned (no text layer), damaged or
bomb-like files — raises ``UnreadableInput`` with a Chinese message; the
limits are checked on the raw bytes before pdfminer inflates anything.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..read import UnreadableInput
from .tokens import Builder, Document

#: More pages than any annual report has (they run 5–30 pages).
MAX_PAGES = 200
#: Inflated size of all streams together: a report's fonts and pages stay far below.
MAX_INFLATED = 200 * 1024 * 1024
_PIECE = 1024 * 1024
#: Page objects in the file, counted before parsing: ``/Type /Page`` (not ``/Pages``).
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
#: Characters drawn on all pages together (a 30-page report has about 30,000).
MAX_CHARS = 1_000_000

_STREAM = re.compile(rb"stream\r?\n")
_ENDSTREAM = b"endstream"
#: Page-number lines: ``-2-``, ``— 2 —``, ``- 2 -``, ``第 2 页``, ``第2页 共5页``, ``2/5``.
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－―‐_·•]*(?:第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d{1,3})[\s\-—–－―‐_·•]*$"
)
_DASHED = re.compile(r"[\-—–－―‐]")


def is_page_number(text: str) -> bool:
    """A line that is only a page number; a bare number counts only with dashes or 第/页 around it."""
    s = text.strip()
    if not _PAGE_NUMBER.match(s):
        return False
    return bool(_DASHED.search(s)) or "页" in s or "/" in s


_DAMAGED = "PDF 文件已损坏或不完整（可能下载中断），无法读取。请重新下载或从原网页另存。"


def _refuse(name: str, why: str) -> UnreadableInput:
    return UnreadableInput(f"无法读取“{name}”：{why}")


def _too_many_pages(name: str, pages: int) -> UnreadableInput:
    return _refuse(name, f"PDF 有 {pages} 页（上限 {MAX_PAGES} 页），不像是一份年度报告。请检查是否选错了文件。")


def guard_pdf(raw: bytes, name: str) -> None:
    """Refuse a file that is not a PDF, or whose streams would inflate like a bomb, before parsing it."""
    if b"%PDF-" not in raw[:1024]:
        raise _refuse(name, "文件扩展名是 .pdf，但内容不是 PDF 文件。请确认文件是否完整，或重新下载。")
    pages = len(_PAGE_OBJECT.findall(raw))
    if pages > MAX_PAGES:
        raise _too_many_pages(name, pages)
    if b"%%EOF" not in raw[-2048:]:
        raise _refuse(name, _DAMAGED)
    total = 0
    pos = 0
    while True:
        m = _STREAM.search(raw, pos)
        if m is None:
            break
        start = m.end()
        end = raw.find(_ENDSTREAM, start)
        if end < 0:
            end = len(raw)
        pos = end + len(_ENDSTREAM)
        if b"FlateDecode" not in raw[max(0, m.start() - 512) : m.start()]:
            continue
        inflated = _inflated_size(raw[start:end], MAX_INFLATED - total)
        if inflated is None:
            continue  # a damaged stream: pdfminer reports (or skips) it on its own
        if inflated > MAX_INFLATED - total:
            raise _refuse(
                name,
                "PDF 中的数据流解压后异常巨大（疑似“压缩炸弹”，"
                f"上限 {MAX_INFLATED // (1024 * 1024)} MB），为安全起见不予读取。请确认文件来源。",
            )
        total += inflated


def _inflated_size(compressed: bytes, budget: int) -> int | None:
    """Bytes a Flate stream inflates to, counted piece by piece (never held whole); stops past ``budget``."""
    inflater = zlib.decompressobj()
    size = 0
    data = compressed
    try:
        while data and size <= budget:
            size += len(inflater.decompress(data, _PIECE))
            data = inflater.unconsumed_tail
    except zlib.error:
        return None
    return size


@dataclass
class _Line:
    top: float
    x0: float
    x1: float
    text: str


def _lines(chars: list[dict]) -> list[_Line]:
    """Characters → text lines by baseline; a gap wider than half a character becomes a space."""
    rows: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if rows and abs(rows[-1][0]["top"] - ch["top"]) <= max(2.0, 0.3 * ch["size"]):
            rows[-1].append(ch)
        else:
            rows.append([ch])
    lines: list[_Line] = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        parts: list[str] = []
        prev = None
        for ch in row:
            if prev is not None and ch["x0"] - prev["x1"] > 0.5 * max(ch["size"], 1.0) and parts[-1] != " ":
                parts.append(" ")
            parts.append(ch["text"])
            prev = ch
        text = "".join(parts).strip()
        if text:
            lines.append(_Line(row[0]["top"], row[0]["x0"], row[-1]["x1"], text))
    return lines


def _inside(ch: dict, bbox: Box) -> bool:
    x = (ch["x0"] + ch["x1"]) / 2
    y = (ch["top"] + ch["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _cell_text(text: str | None) -> str:
    """Text of one cell: lines wrapped inside the cell are joined (Chinese has no spaces to keep)."""
    if not text:
        return ""
    return "".join(part.strip() for part in text.split("\n"))


GridRow = list[tuple[str, int, bool]]
Box = tuple[float, float, float, float]


def _grid(table) -> list[GridRow | Box]:
    """pdfplumber's table → rows of (text, colspan, covered) as ``Builder.grid_row`` takes them.

    A row that is one cell as wide as the table (text framed with the table,
    a caption) is given as that cell's box: its text is read as lines.
    """
    texts = table.extract()
    left, right = table.bbox[0], table.bbox[2]
    rows: list[GridRow | Box] = []
    for row, row_texts in zip(table.rows, texts, strict=True):
        cells: GridRow = []
        bboxes = row.cells
        present = [b for b in bboxes if b is not None]
        if len(present) == 1 and present[0][0] <= left + 1 and present[0][2] >= right - 1:
            rows.append(present[0])
            continue
        c = 0
        while c < len(bboxes):
            bbox = bboxes[c]
            if bbox is None:  # covered by a cell merged from the row above
                cells.append(("", 1, True))
                c += 1
                continue
            span = 1
            while c + span < len(bboxes) and bboxes[c + span] is None and _spans_next(bbox, table, c + span):
                span += 1
            cells.append((_cell_text(row_texts[c]), span, False))
            c += span
        rows.append(cells)
    return rows


def _spans_next(bbox: Box, table, col: int) -> bool:
    """The merged cell ``bbox`` reaches over column ``col`` of ``table`` (its right edge is past that column's left)."""
    lefts = sorted({cell[0] for cell in table.cells})
    return col < len(lefts) and bbox[2] > lefts[col] + 1


def _is_grid(table) -> bool:
    """A ruled table with at least two columns; a frame around the page's text is not one."""
    return any(sum(1 for cell in row.cells if cell is not None) >= 2 for row in table.rows)


def _right_margin(lines: list[_Line], size: float) -> float:
    """Where full lines end: the right edge most lines reach (justified text), else the widest line."""
    ends = Counter(round(ln.x1 / max(size, 1.0)) for ln in lines if len(ln.text) >= 8)
    if ends:
        bucket, count = ends.most_common(1)[0]
        if count >= 2:
            return max(ln.x1 for ln in lines if round(ln.x1 / max(size, 1.0)) == bucket)
    return max((ln.x1 for ln in lines), default=0.0)


class _Paragraphs:
    """Text lines → paragraphs: a line that runs to the right margin continues on the next."""

    def __init__(self, builder: Builder) -> None:
        self.b = builder
        self.text = ""
        self.right = 0.0

    def add(self, line: _Line, right: float, size: float) -> None:
        if self.text and self.right >= right - 1.5 * size and not re.match(r"^[（(一二三四五六七八九十\d]", line.text):
            self.text += line.text
        else:
            self.flush()
            self.text = line.text
        self.right = line.x1

    def flush(self) -> None:
        if self.text:
            self.b.line(self.text)
        self.text = ""


def pdf_document(path: Path) -> Document:
    """Read every page: ruled tables become grids, the rest text lines, in the order printed."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    name = path.name
    builder = Builder("pdf")
    paragraphs = _Paragraphs(builder)
    try:
        with pdfplumber.open(path) as pdf:
            pages = pdf.pages
            if len(pages) > MAX_PAGES:
                raise _refuse(
                    name, f"PDF 有 {len(pages)} 页（上限 {MAX_PAGES} 页），不像是一份年度报告。请检查是否选错了文件。"
                )
            total_chars = 0
            title = (pdf.metadata or {}).get("Title")
            for page in pages:
                chars = page.chars
                total_chars += len(chars)
                if total_chars > MAX_CHARS:
                    raise _refuse(
                        name, f"PDF 中的文字超过 {MAX_CHARS} 个字符，不像是一份年度报告。请检查是否选错了文件。"
                    )
                if not chars:
                    continue
                tables = [t for t in page.find_tables() if _is_grid(t)]
                boxes = [t.bbox for t in tables]
                free = [ch for ch in chars if not any(_inside(ch, b) for b in boxes)]
                items: list[tuple[float, object]] = [(ln.top, ln) for ln in _lines(free)]
                items += [(t.bbox[1], t) for t in tables]
                items.sort(key=lambda item: item[0])
                size = sorted(ch["size"] for ch in chars)[len(chars) // 2]
                right = _right_margin(_lines(chars), size)
                for _, item in items:
                    if isinstance(item, _Line):
                        if is_page_number(item.text):
                            continue
                        paragraphs.add(item, right, size)
                        continue
                    for row in _grid(item):
                        if isinstance(row, tuple):
                            for line in _lines([ch for ch in chars if _inside(ch, row)]):
                                if not is_page_number(line.text):
                                    paragraphs.add(line, right, size)
                            continue
                        paragraphs.flush()
                        builder.grid_row(row)
            paragraphs.flush()
    except UnreadableInput:
        raise
    except (PdfminerException, MalformedPDFException, PDFPasswordIncorrect, PDFEncryptionError) as exc:
        cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise _refuse(
                name, "PDF 设有密码或已加密，无法读取文字。请提供未加密的 PDF，或复制全文保存为 .txt。"
            ) from exc
        raise _refuse(name, _DAMAGED) from exc
    except (PSException, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError) as exc:
        raise _refuse(name, _DAMAGED) from exc
    if total_chars == 0:
        raise _refuse(
            name,
            "PDF 中没有可复制的文字（可能是扫描件或图片）。本工具不做文字识别（OCR），"
            "请找到该报告的网页版或文字版 PDF，或将正文录入后保存为 .txt 再试。",
        )
    doc = builder.finish()
    doc.title = title if isinstance(title, str) else None
    return doc
