"""Tables whose row labels were displaced from their numbers (PDF→Markdown converters), placed by row order.

A converter that loses the table's structure prints some labels as loose
lines and some rows of numbers without a label, not next to each other:
a label followed by numbers no longer proves they belong together. Such a
table is recognised by its *bare* row labels (two or more labels with no
number after them). Then only rows whose label and numbers share one printed
row are taken as they stand; the other labels take the unlabelled rows of
numbers in the format's fixed row order, and that placement is kept only
when it is the single order-keeping placement that satisfies every sum rule
of the table it completes. Otherwise those rows stay empty (null) and the
reader says why.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from ..schema import Schema
from .glued import rule_holds
from .normalize import read_cell
from .tokens import Token

#: Two bare row labels in one table: the labels are not next to their numbers.
_MIN_BARE = 2
#: Order-keeping placements tried when there are more rows of numbers than labels.
_MAX_PLACEMENTS = 20_000


@dataclass
class Placed:
    """The outcome of a scrambled table: tokens per (table, row), and the rows that could not be placed."""

    rows: dict[int, list[Token]]
    unplaced: set[int]


def _number_lines(tokens: list[Token], width: int) -> list[list[Token]]:
    """Runs of tokens printed on one line that are exactly one row of numbers (``width`` figures)."""
    lines: list[list[Token]] = []
    for _, group in itertools.groupby(tokens, key=lambda t: t.para):
        cells = [t for t in group if t.text.strip() or t.explicit]
        if len(cells) == width and all(read_cell(t.text).kind in ("number", "blank", "na") for t in cells):
            lines.append(cells)
    return lines


def has_loose_row(schema: Schema, table_id: str, unlabelled: list[Token]) -> bool:
    """A whole row of numbers printed with no label before it: the table's labels were displaced."""
    widths = {len(r) for r in schema.table(table_id).rows}
    return len(widths) == 1 and bool(_number_lines(unlabelled, widths.pop()))


def _values(line: list[Token]) -> list[int | float | None]:
    return [read_cell(t.text).value if read_cell(t.text).kind == "number" else None for t in line]


def place(
    schema: Schema,
    table_id: str,
    certain: dict[int, list[Token]],
    uncertain: list[int],
    loose: list[Token],
    unlabelled: list[Token],
) -> Placed | None:
    """Rows ``uncertain`` (JSON rows, labels without trustworthy numbers) given the rows of numbers in ``loose``.

    ``certain``: rows whose label and numbers share a printed row. Returns
    ``None`` when the table is not scrambled (nothing to do).
    """
    if not has_loose_row(schema, table_id, unlabelled):
        return None
    table = schema.table(table_id)
    widths = {len(r) for r in table.rows}
    if len(uncertain) < _MIN_BARE or len(widths) != 1:
        return None  # only tables of equal rows are placed by order
    width = widths.pop()
    lines = _number_lines(loose, width)
    labels = sorted(set(uncertain))
    if len(lines) < len(labels):
        return Placed({}, set(labels))
    known: dict[str, int | float | None] = {}
    for r, toks in certain.items():
        for fig, value in zip(table.rows[r - 1], _values(toks) if len(toks) == width else [None] * width, strict=True):
            known[fig.key] = value
    placed_keys = {f.key for r in labels for f in table.rows[r - 1]}
    rules = [rule for rule in schema.rules if rule.table == table_id and placed_keys & {*rule.left, *rule.right}]
    choices = itertools.combinations(range(len(lines)), len(labels))
    good: list[tuple[int, ...]] = []
    for n, chosen in enumerate(choices):
        if n >= _MAX_PLACEMENTS:
            return Placed({}, set(labels))
        trial = dict(known)
        for r, k in zip(labels, chosen, strict=True):
            trial.update(zip((f.key for f in table.rows[r - 1]), _values(lines[k]), strict=True))
        verdicts = [rule_holds(rule, trial) for rule in rules]
        if any(v is False for v in verdicts) or not any(v is True for v in verdicts):
            continue  # a sum fails, or nothing checks this placement
        good.append(chosen)
        if len(good) > 1:
            break
    if len(good) != 1:
        return Placed({}, set(labels))
    return Placed({r: lines[k] for r, k in zip(labels, good[0], strict=True)}, set())
