"""Turn compact table descriptions into printed grids and figure lists.

These helpers are format-independent: a future format revision reuses them
with its own labels.
"""

from __future__ import annotations

from collections.abc import Sequence

from .types import Figure, FigureKind, GridCell, Rule, figure_key


def label_tree_rows(
    table: str,
    paths: Sequence[tuple[str, ...]],
    names: Sequence[str],
    columns: Sequence[tuple[str, str]],
    *,
    first_grid_row: int,
    label_cols: int,
    kind: FigureKind = "count",
) -> tuple[tuple[tuple[Figure, ...], ...], list[GridCell]]:
    """Rows labelled by a path of nested labels (e.g. 三 → （三） → 1.).

    Consecutive rows sharing a label prefix get one vertically merged cell;
    a row whose path is shorter than ``label_cols`` spans the rest.
    ``columns`` are (label, short name) pairs, one per figure column.
    """
    figures: list[tuple[Figure, ...]] = []
    cells: list[GridCell] = []
    for i, path in enumerate(paths):
        grid_row = first_grid_row + i
        for level, text in enumerate(path):
            last = level == len(path) - 1
            if not last and i > 0 and paths[i - 1][: level + 1] == path[: level + 1]:
                continue  # covered by the merged cell above
            span = 1
            if not last:
                while i + span < len(paths) and paths[i + span][: level + 1] == path[: level + 1]:
                    span += 1
            cells.append(
                GridCell(
                    grid_row,
                    level,
                    "label",
                    text,
                    rowspan=span,
                    colspan=(label_cols - level) if last else 1,
                )
            )
        row_figs = []
        for c, (col_label, col_name) in enumerate(columns, start=1):
            key = figure_key(table, i + 1, c)
            row_figs.append(Figure(key, table, i + 1, c, kind, path[-1], col_label, names[i] + col_name))
            cells.append(GridCell(grid_row, label_cols + c - 1, "figure", key=key))
        figures.append(tuple(row_figs))
    return tuple(figures), cells


def total_rules(
    code: str,
    table: str,
    totals_and_parts: Sequence[tuple[str, Sequence[str]]],
    *,
    formula: bool,
    title: str,
) -> list[Rule]:
    """One ``total = Σ parts`` rule per (total key, part keys) pair."""
    return [
        Rule(code, table, (total,), tuple(parts), total, formula=formula, title=title)
        for total, parts in totals_and_parts
    ]
