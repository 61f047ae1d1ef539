"""Recompute the template's formula totals from their inputs, as a spreadsheet would.

Used by the reader (never trust a cached value), the sample generator and
the roll-up. Blank inputs count as 0 (as in a spreadsheet); a text input makes
the total unknown (``None``) so that nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import Report, Value
from .schema import Rule


def sum_values(values: Iterable[Value]) -> int | float | None:
    """Σ with blanks as 0; ``None`` if any value is text."""
    total: int | float = 0
    for v in values:
        if v is None:
            continue
        if isinstance(v, str):
            return None
        total += v
    if isinstance(total, float):
        total = round(total, 6)
    return total


def formula_order(rules: Iterable[Rule]) -> list[Rule]:
    """Formula rules ordered so that a total is computed after the totals it sums."""
    pending = list(rules)
    targets = {r.anchor for r in pending}
    done: set[str] = set()
    ordered: list[Rule] = []
    while pending:
        ready = [r for r in pending if not (set(r.right) & (targets - done))]
        if not ready:
            raise ValueError("formula rules are circular")
        for r in ready:
            ordered.append(r)
            done.add(r.anchor)
            pending.remove(r)
    return ordered


def recompute_totals(report: Report, keep: Iterable[str] = ()) -> None:
    """Set every formula total of ``report`` to the sum of its inputs.

    Keys in ``keep`` (totals typed by hand over the formula) are left as they
    are, and later totals use them, exactly as the spreadsheet shows them.
    """
    keep = set(keep)
    for rule in formula_order(report.schema.formula_rules()):
        if rule.anchor not in keep:
            report.set_value(rule.anchor, sum_values(report.value(k) for k in rule.right))
