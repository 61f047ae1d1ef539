"""Tables 2–4 from the token stream, anchored on row labels; never counted from the top.

A row's figures are the cells after its label, up to the next label. When
their number is not the row's width the row is placed only if the layout
proves where its blanks are (a visible blank cell, a merged cell, or the
blank-line rhythm of one-cell-per-line text); otherwise each cell is
``None`` with a finding. A row cut by the end of the source keeps the
cells it holds. Table 4 has no row labels: its 15 figures are the numbers
after its headers, split where a group header (行政复议, 行政诉讼…) starts.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from ..catalog import CATALOG
from ..findings import Finding
from ..model import Value
from ..schema import Figure, Schema, Table
from ..schema.gov2021 import T2_TRIAL_2019
from ..schema.workbook import cell_ref
from .labels import Hit, LabelIndex, TrialRow
from .normalize import Cell, looks_like_value, norm, read_cell
from .tokens import Document, Token

SlotStatus = Literal["ok", "blank", "na", "unreadable", "missing"]

#: A text token longer than this ends table 4 (it is prose, not a cell).
_PROSE = 16
#: No printed label (nor a label split over several cells) is longer than this.
_MAX_LABEL = 100


@dataclass
class Slot:
    """The outcome for one figure cell."""

    status: SlotStatus
    value: int | float | None = None
    text: str = ""
    reason: str = ""
    unit: str = ""


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


@dataclass
class Segment:
    """Table-4 numbers that follow one group header (or the first headers)."""

    start: int
    tokens: list[Token] = field(default_factory=list)
    end_gap: int | None = None
    at_eof: bool = False


@dataclass
class GapStats:
    """Blank-line rhythm of one-cell-per-line text: label→first cell, cell→cell, last cell→next label."""

    lead: int | None = None
    cell: int | None = None
    end: int | None = None
    #: ``lead`` was measured on complete rows (not assumed): only then may a cut row be placed by it.
    lead_proven: bool = True


@dataclass
class TablesResult:
    tables: dict[str, list[list[Value]]]
    findings: list[Finding]
    #: Tables of which at least one figure was found.
    found: set[str]
    trial_t2: bool = False
    #: Keys that are null because they could not be read or were not found (not blanks).
    unread: set[str] = field(default_factory=set)


def table_of_section(schema: Schema, number: int) -> str | None:
    """The id of the table printed in section ``number`` (二 → t2…)."""
    return next((t.id for t in schema.tables if t.section == number), None)


# --------------------------------------------------------------------------- classification
@dataclass
class _Class:
    kind: Literal["skip", "value", "label", "trial", "text"]
    hits: list[Hit] = field(default_factory=list)
    text: str = ""
    trial_row: TrialRow | None = None


def _classify(doc: Document, index: LabelIndex) -> list[_Class]:
    """Each token: a value cell, a label (possibly split over up to four tokens), a 2019 marker, or text."""
    toks = doc.tokens
    out: list[_Class] = [_Class("text") for _ in toks]
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.covered or read_cell(tok.text).kind != "text":
            out[i] = _Class("value")
            i += 1
            continue
        found = False
        for length in (1, 2, 3, 4):
            group = toks[i : i + length]
            if len(group) < length or any(t.covered or read_cell(t.text).kind != "text" for t in group[1:]):
                break
            if length > 1 and any(t.row_start for t in group[1:]):
                break
            text = "".join(t.text for t in group)
            if len(text) > _MAX_LABEL:  # prose: no label is this long
                break
            n = norm(text)
            if n in index.trial_markers:
                out[i] = _Class("trial", text=text, trial_row=index.trial_rows.get(n))
            else:
                hits = index.lookup(text)
                if not hits:
                    continue
                out[i] = _Class("label", hits=hits, text=text, trial_row=index.trial_rows.get(n))
            for j in range(i + 1, i + length):
                out[j] = _Class("skip")
            i += length
            found = True
            break
        if not found:
            i += 1
    return out


# --------------------------------------------------------------------------- walking
class _Walker:
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

    def run(self) -> None:
        toks = self.doc.tokens
        classes = _classify(self.doc, self.index)
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

    def _label(self, i: int, tok: Token, hit: Hit, c: _Class) -> None:
        self._close_row(i)
        if hit.kind in ("row", "group"):
            self._enter(hit.table)
            self.rows_started.add(hit.table)
            self.row = RawRow(hit.table, hit, c.text, i, tok.bounded, trial=c.trial_row)
            return
        if hit.table:
            self._enter(hit.table)
        if hit.table == self.t4_table and hit.kind == "header" and self.t4_active:
            self._t4_header(i, self.index.t4_groups.get(norm(hit.text)))

    def _t4_header(self, i: int, group: int | None) -> None:
        """A table-4 header: a group header after numbers starts the next segment."""
        seg = self.segments[-1] if self.segments and self.seg_open else None
        if seg is not None and seg.tokens:
            if group is None and all(_blankish(t) for t in seg.tokens):
                self.segments.pop()  # empty cells under merged headers, not the data row
                self.seg_open = False
                self.t4_next = seg.start or None
            elif group is not None:
                self._close_segment(i)
                self.t4_next = group
            return
        if group is not None and (self.segments or self.t4_next is not None):
            self.t4_next = group if self.t4_next is None else min(self.t4_next, group)

    def _text(self, i: int, tok: Token) -> None:
        row = self.row
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


# --------------------------------------------------------------------------- placing cells
@dataclass
class _CellTok:
    cell: Cell
    tok: Token
    merged: bool = False


def _cells(tokens: list[Token]) -> list[_CellTok]:
    out: list[_CellTok] = []
    for tok in tokens:
        if tok.covered:
            out.append(_CellTok(Cell("text"), tok, merged=True))
            continue
        out.append(_CellTok(read_cell(tok.text), tok))
        out.extend(_CellTok(Cell("blank"), tok, merged=True) for _ in range(tok.span - 1))
    return out


def _slot(ct: _CellTok) -> Slot:
    cell, text = ct.cell, ct.tok.text
    if ct.merged and cell.kind == "text":
        return Slot("unreadable", text=text, reason="是从上一行合并下来的单元格")
    if ct.merged:
        return Slot("unreadable", text=text, reason="与左侧单元格合并，无法确定属于哪一列")
    if ct.tok.cut and cell.kind in ("number", "text", "blank"):
        return Slot("missing", text=text, reason=f"原文在此中断，“{text}”可能不完整")
    if cell.kind == "number":
        return Slot("ok", cell.value, text, unit=cell.unit)
    if cell.kind == "blank":
        return Slot("blank")
    if cell.kind == "na":
        return Slot("na", text=text)
    return Slot("unreadable", text=text, reason=f"的内容“{text}”不是数字")


def _same(a: _CellTok, b: _CellTok) -> bool:
    return a.cell.kind == b.cell.kind == "number" and a.cell.value == b.cell.value


def _place(
    tokens: list[Token],
    expected: int,
    *,
    at_eof: bool,
    end_gap: int | None,
    stats: GapStats,
    explicit_label: bool,
) -> list[Slot]:
    cells = _cells(tokens)
    n = len(cells)
    explicit = all(t.explicit for t in tokens) if tokens else explicit_label
    if n == expected:
        return [_slot(c) for c in cells]
    if n > expected:
        head, extra = cells[:expected], cells[expected:]
        if all(c.cell.kind == "blank" for c in extra) or (
            expected == 1 and all(c.cell.kind == "blank" or _same(c, head[0]) for c in extra)
        ):
            return [_slot(c) for c in head]
        reason = f"所在行找到 {n} 个单元格（应为 {expected} 个），无法确定各数所属的列"
        return [Slot("unreadable", reason=reason) for _ in range(expected)]
    # fewer cells than columns
    placed = None if explicit else _by_gaps(cells, expected, at_eof=at_eof, end_gap=end_gap, stats=stats)
    if placed is not None:
        return placed
    if at_eof:
        if not explicit and n:  # blank cells are invisible here and the rhythm did not place them
            return [Slot("missing", reason="原文在此行中断，无法确定已有的数各属哪一列") for _ in range(expected)]
        slots = [_slot(c) for c in cells]
        return slots + [Slot("missing", reason="原文在此之前中断，缺少这个数") for _ in range(expected - n)]
    reason = "所在行没有找到数字" if n == 0 else f"所在行只找到 {n} 个数（应为 {expected} 个），无法确定缺少的是哪一列"
    return [Slot("unreadable", reason=reason) for _ in range(expected)]


def _by_gaps(
    cells: list[_CellTok], expected: int, *, at_eof: bool, end_gap: int | None, stats: GapStats
) -> list[Slot] | None:
    """Place the cells of one-cell-per-line text by its blank lines; ``None`` unless they prove it."""
    s, lead, end = stats.cell, stats.lead, stats.end
    if s is None or lead is None or (not at_eof and (end is None or end_gap is None)):
        return None
    if at_eof and not stats.lead_proven:  # nothing after the cells would check the assumed lead
        return None
    step = s + 1
    if not cells:
        if at_eof or end_gap is None or end is None:
            return None
        if end_gap == lead + end + expected * step - s:
            return [Slot("blank") for _ in range(expected)]
        return None
    positions: list[int] = []
    pos = -1
    for k, ct in enumerate(cells):
        extra = ct.tok.gap - (lead if k == 0 else s)
        if extra < 0 or extra % step:
            return None
        pos += 1 + extra // step
        positions.append(pos)
    if pos >= expected:
        return None
    if not at_eof:
        assert end_gap is not None and end is not None
        if end_gap - end != (expected - 1 - pos) * step:
            return None
    slots = [Slot("blank") for _ in range(expected)]
    for p, ct in zip(positions, cells, strict=True):
        slots[p] = _slot(ct)
    if at_eof:
        for p in range(pos + 1, expected):
            slots[p] = Slot("missing", reason="原文在此之前中断，缺少这个数")
    return slots


def _gap_stats(rows: list[RawRow], widths: dict[tuple[str, int], int]) -> GapStats:
    """The usual blank-line spacing before a row's first cell, between cells and after the last.

    Learnt from complete rows (the most common spacing); when no row is
    complete, from all rows, taking the smallest spacing seen: a blank cell
    only ever adds lines, so the tightest spacing is the one between two
    printed cells, however many cells are blank.
    """
    for complete_only in (True, False):
        leads: Counter[int] = Counter()
        cells: Counter[int] = Counter()
        ends: Counter[int] = Counter()
        for row in rows:
            if row.hit is None or row.hit.kind != "row" or not row.tokens or row.bounded:
                continue
            if any(t.explicit or t.bounded for t in row.tokens):
                continue
            if complete_only and len(row.tokens) != widths.get((row.table, row.hit.row)):
                continue
            leads[row.tokens[0].gap] += 1
            cells.update(t.gap for t in row.tokens[1:])
            if row.end_gap is not None and not row.at_eof:
                ends[row.end_gap] += 1
        if cells:
            break

    def pick(c: Counter[int]) -> int | None:
        if not c:
            return None
        return c.most_common(1)[0][0] if complete_only else min(c)

    return GapStats(pick(leads), pick(cells), pick(ends))


# --------------------------------------------------------------------------- the reader
class TableReader:
    """Place the walker's rows into the schema's tables and say what could not be read."""

    def __init__(self, schema: Schema, index: LabelIndex, doc: Document, headings: dict[int, int]) -> None:
        self.schema = schema
        self.index = index
        self.doc = doc
        self.headings = headings
        self.findings: list[Finding] = []
        self.unread: set[str] = set()

    def read(self) -> TablesResult:
        walker = _Walker(self.schema, self.index, self.doc, self.headings)
        walker.run()
        schema = self.schema
        widths = {(t.id, r + 1): len(row) for t in schema.tables for r, row in enumerate(t.rows)}
        stats = _gap_stats(walker.rows, widths)
        slots: dict[str, dict[int, list[Slot]]] = {t.id: {} for t in schema.tables}
        found: set[str] = set()
        trial_t2 = walker.trial_t2
        t2 = walker.t2_table
        trial_t3_groups: list[RawRow] = []

        for row in walker.rows:
            table = schema.table(row.table)
            if row.table == t2 and trial_t2:
                self._trial_t2_row(table, row, stats, slots[table.id])
                found.add(table.id)
                continue
            if row.hit is None:
                continue
            if row.hit.kind == "group":
                if row.tokens:
                    trial_t3_groups.append(row)
                continue
            width = widths[(row.table, row.hit.row)]
            placed = _place(
                row.tokens,
                width,
                at_eof=row.at_eof,
                end_gap=row.end_gap,
                stats=stats,
                explicit_label=self.doc.tokens[row.label_index].explicit,
            )
            found.add(row.table)
            self._store(table, row.hit.row, row.label, placed, slots[row.table])

        t4 = next((t for t in schema.tables if t.section == 4), None)
        if t4 is not None and walker.segments:
            found.add(t4.id)
            self._t4(t4, walker.segments, stats, slots[t4.id])

        for row in trial_t3_groups:
            self._group_values(schema.table(row.table), row, slots[row.table])

        if trial_t2 and t2:
            self._trial_t2_finding(schema.table(t2))
        return self._finish(slots, found, t2 if trial_t2 else None)

    # ------------------------------------------------------------------ rows
    def _store(self, table: Table, row: int, label: str, placed: list[Slot], into: dict[int, list[Slot]]) -> None:
        if row in into:
            old = into[row]
            if [(s.status, s.value) for s in old] != [(s.status, s.value) for s in placed]:
                fig = table.rows[row - 1][0]
                self._add(
                    "IMPORT_DUPLICATE",
                    f"{table.sheet}“{fig.row_label}”一行在原文中出现两次且数字不同，已采用第一次出现的数字。",
                    key=fig.key,
                )
            return
        into[row] = placed

    def _t4(self, table: Table, segments: list[Segment], stats: GapStats, into: dict[int, list[Slot]]) -> None:
        per_group = len(table.rows[0])
        groups = len(table.rows)
        flat: list[Slot] = []
        starts = [seg.start for seg in segments] + [groups]
        ok = starts[0] == 0 and all(a < b for a, b in itertools.pairwise(starts))
        if not ok:
            reason = "表头与数字的对应关系无法确定"
            flat = [Slot("unreadable", reason=reason) for _ in range(per_group * groups)]
        else:
            for k, seg in enumerate(segments):
                expected = (starts[k + 1] - seg.start) * per_group
                at_eof = seg.at_eof
                end_gap = seg.end_gap if seg.end_gap is not None and seg.end_gap >= 0 else None
                flat += _place(
                    seg.tokens,
                    expected,
                    at_eof=at_eof,
                    end_gap=end_gap,
                    # the data row follows a header row: assume the row-to-row gap, checked by the end gap
                    stats=GapStats(stats.end, stats.cell, stats.end, lead_proven=False),
                    explicit_label=False,
                )
        for g in range(groups):
            into[g + 1] = flat[g * per_group : (g + 1) * per_group]

    def _group_values(self, table: Table, row: RawRow, into: dict[int, list[Slot]]) -> None:
        """Numbers printed on a group label's own line: the 2019 single （六）其他处理 row, or a subtotal."""
        assert row.hit is not None
        first, span = row.hit.row, row.hit.span
        children_found = any(r in into for r in range(first, first + span))
        if not children_found and span > 1:
            labels = "、".join(f"“{table.rows[r - 1][0].row_label}”" for r in range(first, first + span))
            self._add(
                "TRIAL_FORMAT_2019",
                f"{table.sheet}“{row.hit.text}”只有一行（2019年试行格式），2021年格式将其分为{labels}，"
                f"无法拆分，这 {span} 行留空（null）。",
                key=table.rows[first - 1][0].key,
            )
            for r in range(first, first + span):
                into[r] = [Slot("blank", reason="trial") for _ in table.rows[r - 1]]
            return
        self._add(
            "IMPORT_EXTRA_ROW",
            f"{table.sheet}“{row.hit.text}”一行印有数字（可能是小计），2021年格式没有这一行，已忽略。",
            key=table.rows[first - 1][0].key,
        )

    # ------------------------------------------------------------------ 2019 trial table 2
    def _trial_t2_row(self, table: Table, row: RawRow, stats: GapStats, into: dict[int, list[Slot]]) -> None:
        trial = row.trial or self.index.trial_rows.get(norm(row.label))
        if trial is None:
            return
        placed = _place(
            row.tokens,
            len(trial.headers),
            at_eof=row.at_eof,
            end_gap=row.end_gap,
            stats=stats,
            explicit_label=self.doc.tokens[row.label_index].explicit,
        )
        if row.hit is None or row.hit.kind != "row":
            return
        figs = table.rows[row.hit.row - 1]
        out = [Slot("blank", reason="trial") for _ in figs]
        headers = self.index.header_of.get(table.id, {})
        for header, slot in zip(trial.headers, placed, strict=True):
            canonical = headers.get(norm(header))
            for k, fig in enumerate(figs):
                if canonical and fig.col_label == canonical:
                    out[k] = slot
        self._store(table, row.hit.row, row.label, out, into)

    def _trial_t2_finding(self, table: Table) -> None:
        headers = self.index.header_of.get(table.id, {})
        carried: dict[str, str] = {}
        for _, trial_headers, _ in T2_TRIAL_2019:
            for h in trial_headers:
                canonical = headers.get(norm(h))
                if canonical:
                    carried[h] = canonical
        mapped = "、".join(f"“{h}”作为“{c}”" for h, c in carried.items()) or "无"
        self._add(
            "TRIAL_FORMAT_2019",
            f"{table.sheet}是2019年试行格式（国办公开办函〔2019〕60号），不是2021年格式。已读取：{mapped}；"
            "2021年格式的其他数字（本年废止件数、现行有效件数、收费金额等）试行格式中没有，留空（null）。",
            sheet=table.sheet,
        )

    # ------------------------------------------------------------------ output
    def _finish(self, slots: dict[str, dict[int, list[Slot]]], found: set[str], trial: str | None) -> TablesResult:
        tables: dict[str, list[list[Value]]] = {}
        for table in self.schema.tables:
            rows = slots[table.id]
            values: list[list[Value]] = [[None] * len(r) for r in table.rows]
            tables[table.id] = values
            if table.id not in found:
                self.unread.update(f.key for f in table.figures())
                n = sum(len(r) for r in table.rows)
                self._add(
                    "IMPORT_TABLE_MISSING",
                    f"原文中没有找到{table.sheet}（{table.title.split('、', 1)[-1]}），其全部 {n} 个数字留空（null）。",
                    sheet=table.sheet,
                )
                continue
            for r, figs in enumerate(table.rows, start=1):
                placed = rows.get(r)
                if placed is None:
                    self.unread.update(f.key for f in figs)
                    if table.id == trial:  # the 2019 format has no such row: said once by TRIAL_FORMAT_2019
                        continue
                    self._add(
                        "IMPORT_MISSING",
                        f"原文中没有找到{table.sheet}“{figs[0].row_label}”一行，该行 {len(figs)} 个数字留空（null）。",
                        key=figs[0].key,
                    )
                    continue
                for k, (fig, slot) in enumerate(zip(figs, placed, strict=True)):
                    value = values[r - 1][k] = self._value(table, fig, slot)
                    if value is None and (slot.status not in ("blank", "na") or slot.reason == "trial"):
                        self.unread.add(fig.key)
        return TablesResult(tables, self.findings, found, trial is not None, self.unread)

    def _value(self, table: Table, fig: Figure, slot: Slot) -> Value:
        where = f"{table.sheet}“{fig.row_label}”行“{fig.col_label}”列"
        if slot.status == "ok":
            value = slot.value
            wrong_unit = slot.unit in ("元", "万元") if fig.kind != "amount" else slot.unit not in ("", "元", "万元")
            if wrong_unit:
                self._add(
                    "IMPORT_UNREADABLE",
                    f"{where}的内容“{slot.text}”单位不符，无法读取，已留空（null）。",
                    key=fig.key,
                )
                return None
            if slot.unit == "元" and value is not None:
                converted = round(value / 10000, 6)
                if float(converted).is_integer():
                    converted = int(converted)
                self._add(
                    "IMPORT_UNIT_CONVERTED",
                    f"{where}写作“{slot.text}”（元），已换算为 {converted} 万元。",
                    key=fig.key,
                )
                return converted
            return value
        if slot.status == "na":
            self._add(
                "IMPORT_NOT_APPLICABLE",
                f"{where}填的是“{slot.text}”（不适用），读作空白（null）。",
                key=fig.key,
            )
            return None
        if slot.status == "unreadable":
            self._add("IMPORT_UNREADABLE", f"{where}{slot.reason}，无法读取，已留空（null）。", key=fig.key)
            return None
        if slot.status == "missing":
            self._add("IMPORT_MISSING", f"{where}：{slot.reason}，已留空（null）。", key=fig.key)
            return None
        return None

    def _add(self, code: str, message: str, *, key: str | None = None, sheet: str | None = None) -> None:
        cell = None
        if key is not None:
            ref = cell_ref(self.schema, key)
            sheet, cell = ref.sheet, ref.a1
        self.findings.append(CATALOG[code].at(message, sheet=sheet, cell=cell, key=key))
