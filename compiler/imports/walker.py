"""Walk the token stream: rows (a label and the cells after it) and table-4 segments, table by table.

Headings switch the table being read; a row label opens a row that collects
the value cells after it until the next label (or, for a bounded row, the end
of its printed row); table 4 has no row labels, so its numbers are collected
in segments split where a group header (行政复议, 行政诉讼…) starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..schema import Schema
from .classify import MAX_LABEL, TokenClass, classify
from .labels import Hit, LabelIndex, TrialRow
from .normalize import looks_like_value, norm, read_cell
from .tokens import Document, Token

#: A text token longer than this ends table 4 (it is prose, not a cell).
_PROSE = 16
#: A column head at least this long names its table; a shorter one (其他, 总计) is shared by several.
_SPECIFIC = 4


@dataclass
class RawRow:
    """A row label and the tokens found after it, before they are placed in columns."""

    table: str
    hit: Hit | None
    label: str
    label_index: int
    bounded: bool
    trial: TrialRow | None = None
    tokens: list[Token] = field(default_factory=list)
    end_gap: int | None = None
    at_eof: bool = False
    #: The table's labels were displaced from their numbers and this row could not be placed by row order.
    unplaced: bool = False


@dataclass
class Segment:
    """Table-4 numbers that follow one group header (or the first headers)."""

    start: int
    tokens: list[Token] = field(default_factory=list)
    end_gap: int | None = None
    at_eof: bool = False


def table_of_section(schema: Schema, number: int) -> str | None:
    """The id of the table printed in section ``number`` (二 → t2…)."""
    return next((t.id for t in schema.tables if t.section == number), None)


class Walker:
    def __init__(self, schema: Schema, index: LabelIndex, doc: Document, headings: dict[int, int]) -> None:
        self.schema = schema
        self.index = index
        self.doc = doc
        self.headings = headings
        self.section_table = {s.number: s.table for s in schema.sections}
        self.rows: list[RawRow] = []
        self.segments: list[Segment] = []
        self.zone: str | None = None
        self.row: RawRow | None = None
        self.t4_active = False
        self.t4_closed = False
        self.t4_next: int | None = None
        self.seg_open = False
        self.trial_t2 = False
        #: Tables whose data rows have begun: a bare 其他/总计 there is a row label, not a header.
        self.rows_started: set[str] = set()
        self.t2_table = table_of_section(schema, 2)
        self.t4_table = table_of_section(schema, 4)
        #: Per table, value tokens met while no row was open (rows of numbers printed without a label).
        self.loose: dict[str, list[Token]] = {}

    def run(self) -> None:
        toks = self.doc.tokens
        classes = classify(self.doc, self.index, self.headings)
        for i, tok in enumerate(toks):
            c = classes[i]
            if c.kind == "skip":
                continue
            row = self.row
            if tok.row_start and row is not None and row.bounded and toks[row.label_index].para != tok.para:
                self._close_row(i)
            if i in self.headings:
                self._close_row(i)
                self._close_segment(i)
                self._enter(self.section_table.get(self.headings[i]))
                continue
            if c.kind == "value":
                if self.row is not None:
                    self.row.tokens.append(tok)
                elif self.zone == self.t4_table and self.t4_active:
                    self._t4_add(tok)
                elif self.zone is not None:
                    self.loose.setdefault(self.zone, []).append(tok)  # numbers with no label before them
                continue
            if c.kind == "trial":
                self._close_row(i)
                self._enter(self.t2_table)
                self.trial_t2 = True
                if c.trial_row is not None and self.t2_table:
                    self.row = RawRow(self.t2_table, None, c.text, i, tok.bounded, trial=c.trial_row)
                continue
            if c.kind == "label":
                hit = self._choose(c.hits)
                if hit is not None:
                    self._label(i, tok, hit, c)
                    continue
            self._text(i, tok)
        self._close_row(len(toks))
        self._close_segment(len(toks))

    def _enter(self, table: str | None) -> None:
        if table != self.zone:
            if self.zone == self.t4_table and self.t4_active:
                self._close_segment(None)
                self.t4_active = False
                self.t4_closed = bool(self.segments)
            self.zone = table
            if table == self.t4_table and not self.t4_closed:
                self.t4_active = True

    def _choose(self, hits: list[Hit]) -> Hit | None:
        """Pick the meaning of an ambiguous label (其他, 总计) from the table we are in."""
        if len(hits) == 1:
            return hits[0]
        local = [h for h in hits if h.table == self.zone] or hits
        if len(local) > 1:
            rows = [h for h in local if h.kind in ("row", "group")]
            headers = [h for h in local if h.kind not in ("row", "group")]
            if self.zone in self.rows_started and len(rows) == 1:
                return rows[0]
            if headers:
                return headers[0] if len({h.table for h in headers}) == 1 else Hit("header", "", 0, 0, "")
            return None
        return local[0]

    def _label(self, i: int, tok: Token, hit: Hit, c: TokenClass) -> None:
        row = self.row
        if row is not None and row.hit == hit and not row.tokens:
            self.row = None  # a heading repeating the row's label above the row itself (converted Markdown)
        self._close_row(i)
        if hit.kind in ("row", "group"):
            self._enter(hit.table)
            self.rows_started.add(hit.table)
            self.row = RawRow(hit.table, hit, c.text, i, tok.bounded, trial=c.trial_row)
            return
        if hit.table and (self.zone is None or len(norm(hit.text)) >= _SPECIFIC):
            self._enter(hit.table)  # a generic head (其他, 总计) does not take us out of the table we are in
        if hit.table == self.t4_table and hit.kind == "header" and self.t4_active:
            self._t4_header(i, self._t4_group(tok.text, hit))

    def _t4_group(self, text: str, hit: Hit) -> int | None:
        """The table-4 group a header starts: the longest group name it holds (行政诉讼（复议后起诉） → 复议后起诉)."""
        n = norm(text)
        names = [name for name in self.index.t4_groups if name in n]
        if names:
            return self.index.t4_groups[max(names, key=len)]
        return self.index.t4_groups.get(norm(hit.text))

    def _t4_header(self, i: int, group: int | None) -> None:
        """A table-4 header: a group header after numbers starts the next segment."""
        seg = self.segments[-1] if self.segments and self.seg_open else None
        if seg is not None and seg.tokens:
            blank = all(_blankish(t) for t in seg.tokens)
            if blank and (group is None or any(t.covered or t.span > 1 for t in seg.tokens)):
                self.segments.pop()  # empty cells under merged headers, not the data row
                self.seg_open = False
                self.t4_next = seg.start or None
            elif group is not None:
                self._close_segment(i)
                self.t4_next = group
            return
        if group is not None and (self.segments or self.t4_next is not None):
            self.t4_next = group if self.t4_next is None else min(self.t4_next, group)

    def _wraps(self, row: RawRow | None, tok: Token) -> bool:
        """``tok`` completes the label of ``row`` (no numbers yet): together they still name that row."""
        if row is None or row.tokens or row.hit is None or len(row.label) + len(tok.text) > MAX_LABEL:
            return False
        return row.hit in self.index.lookup(row.label + tok.text)

    def _text(self, i: int, tok: Token) -> None:
        row = self.row
        if self._wraps(row, tok):  # the rest of a label wrapped onto the next line
            assert row is not None
            row.label += tok.text
            return
        if row is not None:
            same_row = row.bounded and tok.bounded and self.doc.tokens[row.label_index].para == tok.para
            if same_row or looks_like_value(tok.text):
                row.tokens.append(tok)
                return
            self._close_row(i)
        if self.zone == self.t4_table and self.t4_active and self.seg_open:
            if looks_like_value(tok.text):
                self._t4_add(tok)
            elif len(norm(tok.text)) > _PROSE:
                self._close_segment(i)
                self.t4_active = False
                self.t4_closed = True

    def _close_row(self, i: int) -> None:
        row = self.row
        if row is None:
            return
        toks = self.doc.tokens
        row.at_eof = i >= len(toks)
        row.end_gap = toks[i].gap if i < len(toks) else None
        self.rows.append(row)
        self.row = None

    def _t4_add(self, tok: Token) -> None:
        if not self.seg_open:
            if self.segments and self.t4_next is None:
                self.seg_open = True  # numbers resume after an interruption: same segment
                seg = self.segments[-1]
                seg.end_gap, seg.at_eof = None, False
            else:
                self.segments.append(Segment(self.t4_next or 0))
                self.seg_open = True
                self.t4_next = None
        self.segments[-1].tokens.append(tok)

    def _close_segment(self, i: int | None) -> None:
        if not self.seg_open:
            return
        self.seg_open = False
        seg = self.segments[-1]
        toks = self.doc.tokens
        if i is None:
            seg.end_gap = -1
            return
        seg.at_eof = i >= len(toks)
        seg.end_gap = toks[i].gap if i < len(toks) else None


def _blankish(tok: Token) -> bool:
    return tok.covered or read_cell(tok.text).kind == "blank"
