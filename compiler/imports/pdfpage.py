"""What a PDF page draws, through PDFium: each character with its box, and the straight edges of its paths.

PDFium (pypdfium2, Apache-2.0/BSD) is Chrome's PDF engine: it interprets a
page in C, about ten times faster than pdfminer, which keeps the import of a
ten-page report well under the budget. Coordinates are turned to the
top-down convention of pdfplumber (``top``/``bottom`` from the page's top
edge) so that its table finder can build cells from our edges.
"""

from __future__ import annotations

import ctypes
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

#: A path segment shorter than this across is a straight line of its direction (points).
_STRAIGHT = 1.0
_CONTROL = frozenset("\r\n\x00\ufffe\uffff")


@dataclass
class Page:
    width: float
    height: float
    #: ``text``, ``x0``, ``x1``, ``top``, ``bottom``, ``size`` per drawn character.
    chars: list[dict] = field(default_factory=list)
    #: pdfplumber-style edges (``orientation`` h or v, ``x0``, ``x1``, ``top``, ``bottom``, ``width``, ``height``).
    edges: list[dict] = field(default_factory=list)


def _chars(page, height: float) -> list[dict]:
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    try:
        out: list[dict] = []
        handle = textpage.raw
        box = raw.FS_RECTF()
        for i in range(raw.FPDFText_CountChars(handle)):
            if raw.FPDFText_IsGenerated(handle, i) == 1:  # spaces and line breaks PDFium inferred
                continue
            code = raw.FPDFText_GetUnicode(handle, i)
            if code < 0x20 or code > 0x10FFFF:
                continue
            text = chr(code)
            if text in _CONTROL:
                continue
            # the loose box spans the font's ascent to descent: the same for every glyph of a line
            if not raw.FPDFText_GetLooseCharBox(handle, i, box):
                continue
            size = abs(box.top - box.bottom)  # FPDFText_GetFontSize ignores the text matrix WPS scales by
            out.append(
                {
                    "text": text,
                    "x0": box.left,
                    "x1": box.right,
                    "top": height - max(box.top, box.bottom),
                    "bottom": height - min(box.top, box.bottom),
                    "size": size,
                }
            )
        return out
    finally:
        textpage.close()


def _edge(x0: float, y0: float, x1: float, y1: float, height: float) -> dict | None:
    """A pdfplumber edge from a straight segment (PDF coordinates), or ``None`` for a slanted one."""
    if abs(y1 - y0) < _STRAIGHT:
        left, right = sorted((x0, x1))
        top = height - (y0 + y1) / 2
        return {"orientation": "h", "x0": left, "x1": right, "top": top, "bottom": top,
                "width": right - left, "height": 0.0, "object_type": "line"}  # fmt: skip
    if abs(x1 - x0) < _STRAIGHT:
        low, high = sorted((y0, y1))
        x = (x0 + x1) / 2
        return {"orientation": "v", "x0": x, "x1": x, "top": height - high, "bottom": height - low,
                "width": 0.0, "height": high - low, "object_type": "line"}  # fmt: skip
    return None


def _path_points(obj) -> Iterator[list[tuple[float, float]]]:
    """The sub-paths of a path object as lists of points in page space (curves drawn as their chord)."""
    import pypdfium2.raw as raw

    a, b, c, d, e, f = obj.get_matrix().get()
    x, y = ctypes.c_float(), ctypes.c_float()
    points: list[tuple[float, float]] = []
    for k in range(raw.FPDFPath_CountSegments(obj.raw)):
        seg = raw.FPDFPath_GetPathSegment(obj.raw, k)
        if not raw.FPDFPathSegment_GetPoint(seg, x, y):
            continue
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        if raw.FPDFPathSegment_GetType(seg) == raw.FPDF_SEGMENT_MOVETO and points:
            yield points
            points = []
        points.append(point)
        if raw.FPDFPathSegment_GetClose(seg):
            points.append(points[0])
            yield points
            points = []
    if points:
        yield points


def _edges(page, height: float) -> list[dict]:
    import pypdfium2.raw as raw

    out: list[dict] = []
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH]):
        if not raw.FPDFPath_GetDrawMode(obj.raw, fill, stroke) or not (fill.value or stroke.value):
            continue  # a clipping path draws nothing
        for points in _path_points(obj):
            for (x0, y0), (x1, y1) in itertools.pairwise(points):
                edge = _edge(x0, y0, x1, y1, height)
                if edge is not None:
                    out.append(edge)
    return out


def read_page(page) -> Page:
    """One PDFium page: its characters and the straight edges of everything it draws."""
    width, height = page.get_size()
    return Page(width, height, _chars(page, height), _edges(page, height))
