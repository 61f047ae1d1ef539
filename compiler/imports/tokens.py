"""Turn any published layout into one stream of cell tokens plus the paragraphs they came from.

Layouts (issue 6): one cell per line with blank lines between cells (the
seed); one row per line with cells joined by ``|`` (or tabs); each cell
followed by a line holding only ``|``; a row of numbers separated by spaces;
and real tables (HTML, Word) whose merged cells were expanded into a grid.
Whatever the layout, the table reader sees tokens in reading order and knows,
per token, whether blank cells are visible (``explicit``), whether the row's
end is known (``bounded``), how many blank lines preceded it (``gap``) and
whether truncation may have cut it (``cut``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .normalize import is_page_number, read_cell

_BLANK = re.compile(r"^[\s\u00a0\u3000\u200b\ufeff]*$")
_PIPES = ("|", "｜")
_RULE = re.compile(r"^[\s:|｜+\-=—]+$")
#: Markdown heading marks (``### 一、本年新收…``): converters put them before headings and row labels alike.
_MD_HEADING = re.compile(r"^#{1,6}\s+")


@dataclass
class Token:
    text: str
    #: Index of the paragraph (line, table row) in ``Document.paras``.
    para: int
    #: Blank lines (or empty paragraphs) right before this token.
    gap: int = 0
    #: First cell of a row whose end is known (table row, ``|`` line).
    row_start: bool = False
    #: The row's end is known: every cell after this one until the next ``row_start`` is in the same row.
    bounded: bool = False
    #: Blank cells are visible as tokens in this layout.
    explicit: bool = False
    #: Columns this cell spans (merged cells in HTML/Word).
    span: int = 1
    #: The continuation of a cell merged from the row above.
    covered: bool = False
    #: The source ended inside this token: its text may be incomplete.
    cut: bool = False
    #: A cell of a Markdown table's header row (the row above ``|---|``): a column head, never a value
    #: nor a row label (converters invent heads such as 数据1…数据6).
    header: bool = False


@dataclass
class Document:
    """A published report reduced to paragraphs and tokens, with what the source told us."""

    kind: str
    paras: list[str] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    #: The page title (HTML ``<title>``), a fallback for agency and year.
    title: str | None = None


class Builder:
    """Feed lines (plain text, paragraphs) and grid rows; get a ``Document``."""

    def __init__(self, kind: str) -> None:
        self.doc = Document(kind)
        self._gap = 0
        #: Flow tokens since the last blank line or ``|`` line: the text of a ``|``-terminated cell.
        self._pending: list[Token] = []
        #: The last boundary was a ``|`` line (not a blank line or the start).
        self._after_pipe = False
        #: Pipe rows are framed (``| a | b |``): the outer pipes are borders, not empty cells.
        self._border = False
        #: Tokens of the pipe row just read, until the next line: a ``|---|`` rule makes them a header row.
        self._last_row: list[Token] = []

    # ------------------------------------------------------------------ flow text
    def blank(self) -> None:
        self._gap += 1
        self._pending = []
        self._after_pipe = False

    def plain_text(self, text: str) -> None:
        """A whole plain-text file: decide once whether its ``|`` rows have border pipes."""
        stripped = (line.strip() for line in text.split("\n"))
        rows = [s for s in stripped if len(s) > 1 and any(p in s for p in _PIPES)]
        framed = sum(1 for s in rows if s[0] in _PIPES and s[-1] in _PIPES)
        self._border = bool(rows) and framed >= 0.8 * len(rows) and framed >= 2
        self.text(text)

    def text(self, text: str) -> None:
        """A block of text: each line is fed on its own."""
        lines = text.split("\n")
        for line in lines:
            if _BLANK.match(line):
                self.blank()
            else:
                self.line(line)

    def line(self, line: str) -> None:
        s = _MD_HEADING.sub("", line.strip())
        last_row, self._last_row = self._last_row, []
        if is_page_number(s):  # ``-2-`` from a PDF's footer, between two rows of a table: not content
            return
        if s in _PIPES:
            self._cell_then_pipe()
            return
        if any(p in s for p in _PIPES) or "\t" in s:
            if _RULE.match(s):  # a drawn rule such as |---|---|
                self._pending = []
                # the row above it is a Markdown header row — unless it holds figures (converters also put
                # a table's first data row there)
                if not any(read_cell(tok.text).kind == "number" for tok in last_row):
                    for tok in last_row:
                        tok.header = True
                return
            self._pipe_row(s)
            return
        para = self._para(s)
        parts = s.split()
        if len(parts) >= 2 and self._number_row(parts, para):
            return
        tok = Token(s, para, gap=self._take_gap())
        self.doc.tokens.append(tok)
        self._pending.append(tok)

    def _take_gap(self) -> int:
        gap, self._gap = self._gap, 0
        return gap

    def _para(self, text: str) -> int:
        self.doc.paras.append(text)
        return len(self.doc.paras) - 1

    def _cell_then_pipe(self) -> None:
        """A line holding only ``|`` closes the cell written on the lines just above it.

        Between two ``|`` lines every line belongs to the cell; before the first
        ``|`` of a run only the last line does (the lines above are prose).
        """
        pending, self._pending = self._pending, []
        if not self._after_pipe:
            pending = pending[-1:]
        self._after_pipe = True
        if pending:
            del self.doc.tokens[-len(pending) :]  # they were the last tokens appended
            text = "".join(t.text for t in pending)
            self.doc.tokens.append(Token(text, pending[-1].para, gap=pending[0].gap, explicit=True))
        else:
            para = max(len(self.doc.paras) - 1, 0)
            self.doc.tokens.append(Token("", para, gap=self._take_gap(), explicit=True))
        self._gap = 0

    def _pipe_row(self, s: str) -> None:
        """One table row on one line, cells joined by ``|`` or tabs (border pipes dropped)."""
        self._pending = []
        self._after_pipe = False
        cells = re.split(r"[|｜\t]", s)
        if self._border and len(cells) > 1:  # a framed row (its end may be cut off)
            if s[0] in _PIPES:
                cells = cells[1:]
            if s[-1] in _PIPES and cells:
                cells = cells[:-1]
        para = self._para(s)
        gap = self._take_gap()
        for i, cell in enumerate(cells):
            tok = Token(cell.strip(), para, gap=gap if i == 0 else 0, row_start=i == 0, bounded=True, explicit=True)
            self.doc.tokens.append(tok)
            self._last_row.append(tok)

    def _number_row(self, parts: list[str], para: int) -> bool:
        """``规章 1 0 0`` or ``0 0 0 0 0``: a label (optional) then numbers separated by spaces."""
        kinds = [read_cell(p).kind for p in parts]
        first_value = len(kinds)
        while first_value > 0 and kinds[first_value - 1] in ("number", "na"):
            first_value -= 1
        if first_value == len(kinds) or any(k in ("number", "na") for k in kinds[:first_value]):
            return False
        gap = self._take_gap()
        self._pending = []
        cells = ([" ".join(parts[:first_value])] if first_value else []) + parts[first_value:]
        for i, cell in enumerate(cells):
            self.doc.tokens.append(Token(cell, para, gap=gap if i == 0 else 0, row_start=i == 0, bounded=True))
        return True

    # ------------------------------------------------------------------ grids
    def grid_row(self, cells: list[tuple[str, int, bool]]) -> None:
        """A table row after merged cells were expanded: (text, colspan, covered) per grid cell."""
        self._pending = []
        self._gap = 0
        texts = [t for t, _, covered in cells if not covered and t.strip()]
        para = self._para(" ".join(" ".join(t.split()) for t in texts))
        for i, (text, span, covered) in enumerate(cells):
            self.doc.tokens.append(
                Token(
                    " ".join(text.split()) if not covered else "",
                    para,
                    row_start=i == 0,
                    bounded=True,
                    explicit=True,
                    span=span,
                    covered=covered,
                )
            )

    def finish(self, *, cut: bool = False) -> Document:
        if cut and self.doc.tokens:
            self.doc.tokens[-1].cut = True
        return self.doc
