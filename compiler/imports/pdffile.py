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
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from ..read import UnreadableInput
from .normalize import is_page_number, read_cell
from .pdfpage import Page, read_page
from .tokens import Builder, Document

#: More pages than any annual report has (they run 5–30 pages).
MAX_PAGES = 200
#: Inflated size of all streams together: a report's fonts and pages stay far below.
MAX_INFLATED = 200 * 1024 * 1024
#: A wrapped line of ragged (left-aligned) text may end this many characters short of the right edge:
#: a closing mark may not start a line, so the last character moves down with it (``例》``).
_WRAP_SLACK = 3
_NUMBERED = re.compile(r"^\s*(?:[（(][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)")
_PIECE = 1024 * 1024
#: pdfplumber's default snap/join/intersection tolerance for ruling lines (points).
_SNAP = 3
#: Page objects in the file, counted before parsing: ``/Type /Page`` (not ``/Pages``).
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
#: Characters drawn on all pages together (a 30-page report has about 30,000).
MAX_CHARS = 1_000_000

_STREAM = re.compile(rb"stream\r?\n")
_ENDSTREAM = b"endstream"
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


def _middle(ch: dict) -> float:
    return (ch["top"] + ch["bottom"]) / 2


def _inside(ch: dict, bbox: Box) -> bool:
    x = (ch["x0"] + ch["x1"]) / 2
    y = (ch["top"] + ch["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _cell_text(chars: list[dict]) -> str:
    """Text of one cell: lines wrapped inside the cell are joined (Chinese has no spaces to keep)."""
    return "".join(line.text for line in _lines(chars))


GridRow = list[tuple[str, int, bool]]
Box = tuple[float, float, float, float]


def _grid(table, chars: list[dict]) -> list[GridRow | Box]:
    """pdfplumber's table → rows of (text, colspan, covered) as ``Builder.grid_row`` takes them.

    A row that is one cell as wide as the table (text framed with the table,
    a caption) is given as that cell's box: its text is read as lines.
    """
    left, right = table.bbox[0], table.bbox[2]
    by_height = sorted(chars, key=_middle)
    middles = [_middle(ch) for ch in by_height]
    rows: list[GridRow | Box] = []
    for row in table.rows:
        cells: GridRow = []
        bboxes = row.cells
        present = [b for b in bboxes if b is not None]
        if len(present) == 1 and present[0][0] <= left + 1 and present[0][2] >= right - 1:
            rows.append(present[0])
            continue
        # the characters at the height of this row (a merged cell reaches lower: take its full height)
        top, bottom = min(b[1] for b in present), max(b[3] for b in present)
        near = by_height[bisect_left(middles, top) : bisect_right(middles, bottom)]
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
            cells.append((_cell_text([ch for ch in near if _inside(ch, bbox)]), span, False))
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


def _widest_shared(ends: list[float], unit: float) -> float | None:
    """The right-most edge at least two lines reach (within a character): where wrapped lines end."""
    buckets = Counter(round(v / unit) for v in ends)
    shared = [b for b, n in buckets.items() if n >= 2]
    if not shared:
        return None
    top = max(shared)
    return max(v for v in ends if round(v / unit) == top)


@dataclass
class _Margins:
    """Where the body text of the document starts and ends, learnt from all its lines."""

    left: float
    right: float
    size: float

    @classmethod
    def of(cls, lines: list[_Line], size: float) -> _Margins:
        """The edges most lines share (justified text): left edge of continuation lines, right edge of full ones."""
        unit = max(size, 1.0)
        long = [ln for ln in lines if len(ln.text) >= 8] or lines

        def mode(values: list[float]) -> float | None:
            buckets = Counter(round(v / unit) for v in values)
            if not buckets:
                return None
            bucket, count = buckets.most_common(1)[0]
            return max(v for v in values if round(v / unit) == bucket) if count >= 2 else None

        left = mode([ln.x0 for ln in long])
        right = _widest_shared([ln.x1 for ln in long], unit)
        return cls(
            left if left is not None else min((ln.x0 for ln in lines), default=0.0),
            right if right is not None else max((ln.x1 for ln in lines), default=0.0),
            unit,
        )

    def continues(self, previous: _Line, line: _Line) -> bool:
        """``line`` carries on ``previous``'s paragraph: that one ran to the right edge, this one starts at the left."""
        if _NUMBERED.match(line.text):  # （五）… or 六、… at the left edge is a heading, not a wrapped line
            return False
        return previous.x1 >= self.right - _WRAP_SLACK * self.size and line.x0 <= self.left + 0.5 * self.size


def _paragraphs(items: list[_Line | GridRow], margins: _Margins, builder: Builder) -> None:
    """Lines joined into paragraphs (a line wrapped by the page width is one paragraph), grid rows as they are."""
    text, previous = "", None
    for item in items:
        if isinstance(item, _Line):
            if previous is not None and margins.continues(previous, item):
                text += item.text
            else:
                if text:
                    builder.line(text)
                text = item.text
            previous = item
            continue
        if text:
            builder.line(text)
        text, previous = "", None
        builder.grid_row(item)
    if text:
        builder.line(text)


def _tables(page: Page) -> list:
    """Ruled tables of a page: pdfplumber's "lines" strategy (default tolerances) on the page's edges."""
    from pdfplumber.table import Table, cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges
    from pdfplumber.utils import filter_edges

    edges = merge_edges(filter_edges(page.edges, min_length=1), _SNAP, _SNAP, _SNAP, _SNAP)
    edges = filter_edges(edges, min_length=_SNAP)
    cells = intersections_to_cells(edges_to_intersections(edges, _SNAP, _SNAP))
    # pdfplumber's Table only groups the cells into rows here; it reads no page attribute but ``chars``
    return [Table(cast(Any, page), group) for group in cells_to_tables(cells)]


def _page_items(page: Page) -> list[_Line | GridRow]:
    """One page in reading order: text lines (page numbers dropped) and the rows of its ruled tables."""
    chars = page.chars
    tables = [t for t in _tables(page) if _is_grid(t)]
    boxes = [t.bbox for t in tables]
    free = [ch for ch in chars if not any(_inside(ch, b) for b in boxes)]
    placed: list[tuple[float, _Line | object]] = [(ln.top, ln) for ln in _lines(free)]
    placed += [(t.bbox[1], t) for t in tables]
    placed.sort(key=lambda item: item[0])
    items: list[_Line | GridRow] = []
    for _, item in placed:
        if isinstance(item, _Line):
            items.append(item)
            continue
        for row in _grid(item, chars):
            if isinstance(row, tuple):
                items.extend(_lines([ch for ch in chars if _inside(ch, row)]))
            else:
                items.append(row)
    return [item for item in items if not (isinstance(item, _Line) and is_page_number(item.text))]


_DIGITS = re.compile(r"\d+")


def _without_running_lines(pages: list[list[_Line | GridRow]]) -> list[list[_Line | GridRow]]:
    """Drop running headers and footers: a line opening or closing at least half the pages (at least two) with
    the same text, page numbers aside (``XX市人民政府 第 3 页``). Never table content, never the report's text."""
    if len(pages) < 2:
        return pages
    edges: Counter[str] = Counter()
    for page in pages:
        lines = [item for item in page if isinstance(item, _Line)]
        seen = {_DIGITS.sub("#", ln.text) for ln in (lines[:1] + lines[-1:])}
        edges.update(seen)
    running = {text for text, n in edges.items() if n >= max(2, (len(pages) + 1) // 2)}
    if not running:
        return pages
    out = []
    for page in pages:
        lines = [item for item in page if isinstance(item, _Line)]
        ends = {id(ln) for ln in (lines[:1] + lines[-1:]) if _DIGITS.sub("#", ln.text) in running}
        out.append([item for item in page if id(item) not in ends])
    return out


def _carry_on(items: list[_Line | GridRow], page: list[_Line | GridRow]) -> None:
    """Append a page's items; a table row broken by the page end is mended first.

    Word and WPS let a row break across pages: the rest of its label (``程性信息``)
    opens the next page as a row of its own with no figures. Such a row, in the
    same columns as the row that ended the last page, is that row's continuation.
    """
    if items and page and isinstance(items[-1], list) and isinstance(page[0], list):
        last, first = items[-1], page[0]
        same_columns = [span for _, span, _ in last] == [span for _, span, _ in first]
        if same_columns and all(not text or read_cell(text).kind == "text" for text, _, _ in first):
            items[-1] = [
                (text + more if not covered else text, span, covered)
                for (text, span, covered), (more, _, _) in zip(last, first, strict=True)
            ]
            page = page[1:]
    items.extend(page)


def pdf_document(path: Path, data: bytes | None = None) -> Document:
    """Read every page: ruled tables become grids, the rest text lines, in the order printed."""
    import pypdfium2 as pdfium

    name = path.name
    builder = Builder("pdf")
    items: list[_Line | GridRow] = []
    pages: list[list[_Line | GridRow]] = []
    sizes: list[float] = []
    try:
        pdf = pdfium.PdfDocument(data if data is not None else path)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise _refuse(
                name, "PDF 设有密码或已加密，无法读取文字。请提供未加密的 PDF，或复制全文保存为 .txt。"
            ) from exc
        raise _refuse(name, _DAMAGED) from exc
    try:
        if len(pdf) > MAX_PAGES:
            raise _too_many_pages(name, len(pdf))
        title = pdf.get_metadata_dict().get("Title")
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                content = read_page(page)
            finally:
                page.close()
            sizes += (ch["size"] for ch in content.chars)
            if len(sizes) > MAX_CHARS:
                raise _refuse(name, f"PDF 中的文字超过 {MAX_CHARS} 个字符，不像是一份年度报告。请检查是否选错了文件。")
            if content.chars:
                pages.append(_page_items(content))
    except pdfium.PdfiumError as exc:
        raise _refuse(name, _DAMAGED) from exc
    finally:
        pdf.close()
    if not sizes:
        raise _refuse(
            name,
            "PDF 中没有可复制的文字（可能是扫描件或图片）。本工具不做文字识别（OCR），"
            "请找到该报告的网页版或文字版 PDF，或将正文录入后保存为 .txt 再试。",
        )
    for page_items in _without_running_lines(pages):
        _carry_on(items, page_items)
    sizes.sort()
    margins = _Margins.of([item for item in items if isinstance(item, _Line)], sizes[len(sizes) // 2])
    _paragraphs(items, margins, builder)
    doc = builder.finish()
    doc.title = title if isinstance(title, str) and title.strip() else None
    return doc
