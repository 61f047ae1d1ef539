"""Word documents (.docx) → paragraphs and table grids, merged cells expanded.

python-docx opens the package; the body is walked in document order so that
paragraphs and tables interleave as printed. ``gridSpan`` gives a cell's
width and ``vMerge`` continuation cells become covered cells of the grid.
"""

from __future__ import annotations

from pathlib import Path

from docx.oxml.ns import qn

from .tokens import Builder, Document

_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
_TR, _TC, _TC_PR, _TR_PR = qn("w:tr"), qn("w:tc"), qn("w:tcPr"), qn("w:trPr")
_GRID_SPAN, _V_MERGE, _GRID_BEFORE, _VAL = qn("w:gridSpan"), qn("w:vMerge"), qn("w:gridBefore"), qn("w:val")
_R, _T, _TAB, _BR, _CR = qn("w:r"), qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
#: Run containers whose runs are part of the paragraph's text.
_RUN_PARENTS = frozenset({qn("w:hyperlink"), qn("w:ins"), qn("w:smartTag"), qn("w:fldSimple"), qn("w:customXml")})


def paragraph_text(p) -> str:
    parts: list[str] = []

    def runs(el) -> None:
        for child in el:
            if child.tag == _R:
                for item in child:
                    if item.tag == _T:
                        parts.append(item.text or "")
                    elif item.tag == _TAB:
                        parts.append(" ")
                    elif item.tag in (_BR, _CR):
                        parts.append("\n")
            elif child.tag in _RUN_PARENTS:
                runs(child)

    runs(p)
    return "".join(parts)


def _int(el, default: int = 1) -> int:
    if el is None:
        return default
    try:
        return max(int(el.get(_VAL)), 0)
    except (TypeError, ValueError):
        return default


def _cell_text(tc) -> str:
    return "\n".join(paragraph_text(p) for p in tc.iter(_P))


class _Walker:
    def __init__(self) -> None:
        self.b = Builder("docx")

    def block(self, el) -> None:
        for child in el:
            if child.tag == _P:
                text = paragraph_text(child)
                if text.strip():
                    self.b.text(text)
                else:
                    self.b.blank()
            elif child.tag == _TBL:
                self.table(child)
            elif child.tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self.block(content)

    def table(self, tbl) -> None:
        open_cols: set[int] = set()
        for tr in tbl.iter(_TR):
            if tr.getparent() is not tbl and tr.getparent().tag != _SDT_CONTENT:
                continue  # a row of a nested table: its text is read with its cell
            tr_pr = tr.find(_TR_PR)
            c = _int(tr_pr.find(_GRID_BEFORE), 0) if tr_pr is not None else 0
            cells: list[tuple[str, int, bool]] = []
            for tc in tr.iter(_TC):
                if tc.getparent() is not tr and tc.getparent().tag != _SDT_CONTENT:
                    continue
                pr = tc.find(_TC_PR)
                span = _int(pr.find(_GRID_SPAN)) if pr is not None else 1
                span = max(span, 1)
                merge = pr.find(_V_MERGE) if pr is not None else None
                continued = merge is not None and merge.get(_VAL) in (None, "continue") and c in open_cols
                if merge is not None and merge.get(_VAL) == "restart":
                    open_cols.add(c)
                elif merge is None:
                    open_cols.discard(c)
                cells.append(("" if continued else _cell_text(tc), span, continued))
                c += span
            if cells:
                self.b.grid_row(cells)


def docx_document(path: str | Path) -> Document:
    from docx import Document as open_docx

    word = open_docx(str(path))
    walker = _Walker()
    walker.block(word.element.body)
    return walker.b.finish()
