"""Narrative placeholders such as ``{新收申请总数}``: a fixed vocabulary, no code.

The vocabulary comes from the schema (one name per figure). Substitution is
a plain lookup: agency text can never run anything.
"""

from __future__ import annotations

import re
from functools import cache

from .model import Report
from .schema import Schema

PLACEHOLDER = re.compile(r"[{｛]([^{}｛｝\n]{1,40})[}｝]")


@cache
def vocabulary(schema: Schema) -> dict[str, str]:
    """Placeholder name → figure key (one dict per format; do not mutate)."""
    return {p.name: p.key for p in schema.placeholders()}


def find_unknown(text: str, schema: Schema) -> list[str]:
    """Placeholder names in ``text`` that are not in the vocabulary."""
    vocab = vocabulary(schema)
    return [m.group(1) for m in PLACEHOLDER.finditer(text or "") if m.group(1).strip() not in vocab]


def format_number(value: object) -> str:
    """A figure as printed: blank as 0, whole numbers without decimals."""
    if value is None:
        return "0"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if not value.is_integer() else str(int(value))
    return str(value)


def substitute(text: str, report: Report) -> str:
    """Replace known placeholders by the report's figures; unknown ones stay as written."""
    vocab = vocabulary(report.schema)

    def repl(m: re.Match[str]) -> str:
        key = vocab.get(m.group(1).strip())
        return format_number(report.value(key)) if key else m.group(0)

    return PLACEHOLDER.sub(repl, text or "")


def markdown_table(schema: Schema) -> str:
    """The vocabulary as a Markdown table (README): placeholder, table, row and column."""
    lines = ["| 占位符 Placeholder | 表 | 行 | 列 |", "|---|---|---|---|"]
    for fig in schema.figures():
        table = schema.table(fig.table).sheet
        lines.append(f"| `{{{fig.name}}}` | {table} | {fig.row_label} | {fig.col_label} |")
    return "\n".join(lines) + "\n"
