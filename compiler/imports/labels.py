"""Every label a published report may print, indexed from the schema.

Nothing here types a label: row labels, group labels, headers, captions and
notes come from each table's printed grid, variants from ``table.aliases``,
section headings from ``schema.sections`` (heading and aliases), the
sub-section keywords from the narrative part titles. The only labels of our
own are those of the 2019 trial format's table 2, which the schema keeps as
``Schema.trial_table2`` because they belong to no current table.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache
from typing import Literal

from ..schema import Schema, Table
from .normalize import ENUMERATOR, LEVEL1, loose, norm

HitKind = Literal["row", "group", "header", "caption", "note", "trial"]
#: A numbered label cut short must keep at least this many characters of its text to be recognised.
_MIN_PREFIX = 6
#: Similarity (difflib ratio) above which a numbered label with a printing slip is still its row.
_CLOSE = 0.8
#: Numbering that starts an item inside a longer text.
_INNER_ITEM = re.compile(r"\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、|\d+\.(?=\D)")


@dataclass(frozen=True)
class Hit:
    """What a printed label is: a row of a table (JSON row, 1-based), a group of rows, a header…"""

    kind: HitKind
    table: str
    #: JSON row for ``row``; for ``group`` the first row it spans; for a table-4 group header, the group.
    row: int = 0
    #: Number of JSON rows a ``group`` spans.
    span: int = 0
    #: Canonical text (schema) of the label.
    text: str = ""


@dataclass(frozen=True)
class TrialRow:
    """A row of the 2019 trial format's table 2: its caption, column headers and row label."""

    caption: str
    headers: tuple[str, ...]
    label: str


@dataclass
class LabelIndex:
    exact: dict[str, list[Hit]]
    relaxed: dict[str, list[Hit]]
    #: Section number → normalised heading bodies (heading without 一、 and aliases).
    headings: dict[int, tuple[str, ...]]
    #: Narrative key of section 1 → keywords (title without numbering, then its tail).
    subsections: dict[str, tuple[str, ...]]
    #: Table-4 header text → group (0-based) it starts, for headers spanning whole groups.
    t4_groups: dict[str, int]
    #: Normalised trial-format row label → trial row; trial-only markers (headers, rows, captions).
    trial_rows: dict[str, TrialRow]
    trial_markers: frozenset[str]
    #: 2021 header (canonical) reachable from a normalised header variant, per table.
    header_of: dict[str, dict[str, str]]

    #: (numbering, loose body, hit) of every numbered row/group label, for cut-short labels.
    numbered: list[tuple[str, str, Hit]] = field(default_factory=list)

    def lookup(self, text: str) -> list[Hit]:
        """Hits of a cell's text: exact normalised form, then the looser form, then a numbered prefix."""
        n = norm(text)
        if not n:
            return []
        hits = self.exact.get(n)
        if hits:
            return hits
        key = loose(n)
        if not key:
            return []
        hits = self.relaxed.get(key, [])
        if ENUMERATOR.match(n):  # a numbered text is a row, never a column header
            hits = [h for h in hits if h.kind in ("row", "group")]
        return hits or self._last_item(n) or self._numbered_prefix(n, key)

    def _last_item(self, n: str) -> list[Hit]:
        """Group and row label in one cell (``(三)不予公开1.属于国家秘密``): the last numbered item."""
        starts = [m.start() for m in _INNER_ITEM.finditer(n) if m.start() > 0]
        if not starts:
            return []
        hits = self.lookup(n[starts[-1] :])
        return [h for h in hits if h.kind == "row"]

    def _numbered_prefix(self, n: str, body: str) -> list[Hit]:
        """``5.属于三类内部事务`` → the one row numbered 5. whose label starts with it (≥ 6 characters)."""
        m = ENUMERATOR.match(n)
        if not m or len(body) < _MIN_PREFIX:
            return []
        number = m.group(0)
        found = {
            hit
            for num, label, hit in self.numbered
            if num == number
            and (
                ((label.startswith(body) or body.startswith(label)) and len(label) >= _MIN_PREFIX)
                or body.startswith(label + "(")  # the label, then its bracketed note cut short: （二）部分公开（区分…
            )
        }
        if not found:
            found = self._numbered_close(number, body)
        return list(found) if len(found) == 1 else []

    def _numbered_close(self, number: str, body: str) -> set[Hit]:
        """A numbered label with a slip as printed (``2.其他法律行政止公开``): the one row of that number
        whose text is nearly the same (most characters in order), never a guess between two rows."""
        scored = {
            hit: SequenceMatcher(None, body, label).ratio()
            for num, label, hit in self.numbered
            if num == number and len(label) >= _MIN_PREFIX
        }
        close = {hit for hit, ratio in scored.items() if ratio >= _CLOSE}
        return close if len(close) == 1 else set()


def _label_hits(table: Table) -> list[tuple[str, Hit]]:
    """(text, hit) for every printed text of a table's grid."""
    out: list[tuple[str, Hit]] = []
    fig_rows: dict[int, int] = {}  # grid row → JSON row
    fig_cols: dict[int, tuple[int, int]] = {}  # grid col → (JSON row, col) for the last figure row
    keyed = {f.key: f for f in table.figures()}
    for cell in table.grid:
        if cell.key:
            f = keyed[cell.key]
            fig_rows[cell.row] = f.row
            fig_cols[cell.col] = (f.row, f.col)
    label_cols = min((c.col for c in table.grid if c.key), default=0)
    #: Several JSON rows printed on one grid line (table 4): headers spanning whole rows name a group.
    one_line = len(set(fig_rows)) < len(table.rows)
    row_width = {f.row: len(r) for r in table.rows for f in r}
    for cell in table.grid:
        if cell.role == "label":
            first = fig_rows.get(cell.row, 0)
            if cell.col + cell.colspan >= label_cols:
                out.append((cell.text, Hit("row", table.id, first, 1, cell.text)))
            else:
                out.append((cell.text, Hit("group", table.id, first, cell.rowspan, cell.text)))
        elif cell.role in ("header", "caption", "note"):
            group = 0
            if one_line and cell.role == "header":
                covered = [fig_cols[c] for c in range(cell.col, cell.col + cell.colspan) if c in fig_cols]
                rows = {r for r, _ in covered}
                if covered and all(sum(1 for r2, _ in covered if r2 == r) == row_width[r] for r in rows):
                    group = min(rows)
            out.append((cell.text, Hit(cell.role, table.id, group, 0, cell.text)))
    return out


def _word_variants(text: str, hit: Hit, table: Table) -> list[str]:
    """A row label holding an aliased word takes the alias too: （七）总计 → （七）合计."""
    if hit.kind not in ("row", "group"):
        return []
    return [
        text.replace(word, alias)
        for word, aliases in table.aliases.items()
        if word != text and word in text
        for alias in aliases
    ]


@cache
def label_index(schema: Schema) -> LabelIndex:
    exact: dict[str, list[Hit]] = defaultdict(list)
    relaxed: dict[str, list[Hit]] = defaultdict(list)
    header_of: dict[str, dict[str, str]] = {}
    t4_groups: dict[str, int] = {}

    numbered: list[tuple[str, str, Hit]] = []

    def add(text: str, hit: Hit) -> None:
        n = norm(text)
        if hit not in exact[n]:
            exact[n].append(hit)
        key = loose(n)
        if key and hit not in relaxed[key]:
            relaxed[key].append(hit)
        m = ENUMERATOR.match(n)
        if m and key and hit.kind in ("row", "group"):
            numbered.append((m.group(0), key, hit))

    printed_t2: set[str] = set()
    printed_canonical: set[str] = set()
    for table in schema.tables:
        headers: dict[str, str] = {}
        for text, hit in _label_hits(table):
            add(text, hit)
            variants = (text, *table.aliases.get(text, ()), *_word_variants(text, hit, table))
            for alias in variants[1:]:
                add(alias, hit)
            if table.section == 2:
                printed_t2.add(norm(text))
                printed_canonical.add(norm(text))
                if hit.kind == "row":
                    printed_t2 |= {norm(v) for v in variants}
            if hit.kind == "header":
                for variant in variants:
                    headers[norm(variant)] = text
                    headers[loose(norm(variant))] = text
                if hit.row:
                    t4_groups[norm(text)] = hit.row - 1
        header_of[table.id] = headers

    # 2019 trial format: its rows, and the texts only it prints (spec §9: detect by 本年新制作数量 …)
    trial_rows: dict[str, TrialRow] = {}
    markers: set[str] = set()
    for caption, trial_headers, labels in schema.trial_table2:
        for label in labels:
            trial_rows[norm(label)] = TrialRow(caption, trial_headers, label)
        markers |= {norm(text) for text in (caption, *trial_headers, *labels)}
    # a text the 2021 table prints too, or prints inside a longer label (处理决定数量), marks nothing
    markers = {m for m in markers if m not in printed_t2 and not any(m in p for p in printed_canonical)}

    headings = {
        s.number: tuple(dict.fromkeys(loose(LEVEL1.sub("", norm(h))) for h in (s.heading, *s.aliases)))
        for s in schema.sections
    }
    subsections: dict[str, tuple[str, ...]] = {}
    for part in schema.narrative:
        body = loose(norm(part.title))
        if part.section != 1 or not ENUMERATOR.match(norm(part.title)) or not body:
            continue
        # the full keyword, then its last four characters (政府信息管理 → 信息管理, …平台建设 → 平台建设)
        subsections[part.key] = tuple(dict.fromkeys((body, body[-4:]) if len(body) >= 6 else (body,)))
    return LabelIndex(
        exact=dict(exact),
        relaxed=dict(relaxed),
        headings=headings,
        subsections=subsections,
        t4_groups=t4_groups,
        trial_rows=trial_rows,
        trial_markers=frozenset(markers),
        header_of=header_of,
        numbered=numbered,
    )
