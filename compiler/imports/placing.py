"""Place a row's cells in its columns, or say why they cannot be placed; never count from the top.

When the cells after a label are not the row's width, the row is placed only
if the layout proves where its blanks are (a visible blank cell, a merged
cell, or the blank-line rhythm of one-cell-per-line text); a single digit run
standing for several cells is marked ``glued`` for ``glued.resolve``;
otherwise each cell is unreadable with the reason. A row cut by the end of
the source keeps the cells it holds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

from .glued import DIGIT_RUN
from .normalize import Cell, read_cell
from .tokens import Token
from .walker import RawRow

SlotStatus = Literal["ok", "blank", "na", "unreadable", "missing", "glued"]


@dataclass
class Slot:
    """The outcome for one figure cell."""

    status: SlotStatus
    value: int | float | None = None
    text: str = ""
    reason: str = ""
    unit: str = ""
    #: For ``glued``: the token whose digit run holds this cell and the cells around it.
    run: Token | None = None


@dataclass
class GapStats:
    """Blank-line rhythm of one-cell-per-line text: label→first cell, cell→cell, last cell→next label."""

    lead: int | None = None
    cell: int | None = None
    end: int | None = None
    #: ``lead`` was measured on complete rows (not assumed): only then may a cut row be placed by it.
    lead_proven: bool = True


@dataclass
class _CellTok:
    cell: Cell
    tok: Token
    merged: bool = False


def cells_of(tokens: list[Token]) -> list[_CellTok]:
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


def place_row(
    tokens: list[Token],
    expected: int,
    *,
    at_eof: bool,
    end_gap: int | None,
    stats: GapStats,
    explicit_label: bool,
) -> list[Slot]:
    cells = cells_of(tokens)
    n = len(cells)
    explicit = all(t.explicit for t in tokens) if tokens else explicit_label
    if n == expected:
        return [_slot(c) for c in cells]
    one_row = bool(tokens) and all(t.bounded and t.para == tokens[0].para for t in tokens)
    if (
        n > expected
        and explicit
        and one_row
        and not at_eof
        and all(c.cell.kind == "blank" and not c.merged for c in cells[: n - expected])
    ):
        # a ruled row whose label column is wider than the label (an empty cell before the figures)
        return [_slot(c) for c in cells[n - expected :]]
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
    run = tokens[0].text.strip() if n == 1 else ""
    if DIGIT_RUN.match(run) and len(run) >= expected and not tokens[0].cut and not explicit:
        # a row whose cells were glued into one digit run: split later, by the sum rules
        return [Slot("glued", text=run, run=tokens[0]) for _ in range(expected)]
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


def gap_stats(rows: list[RawRow], widths: dict[tuple[str, int], int]) -> GapStats:
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
