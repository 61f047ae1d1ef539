"""Crawler text whose table cells are glued together: cut at the labels, split digit runs by the sum rules.

Sites' text exports often drop every separator between the cells of a row:
``规章000行政规范性文件77132470…一、本年新收政府信息公开申请数量801000081``.
Two steps bring such text back to cells:

1. ``unglue`` cuts a glued line before and after every label the format
   prints (found in the line's normal form, cut in the original) and before
   every numbered section heading, so each label and each digit run becomes a
   line of its own. Only a line that really is a glued table is cut: at least
   ``_MIN_GLUED`` row labels directly followed by a digit.
2. A digit run standing for several cells (``801000081`` for seven) is split
   by ``resolve``: every way of cutting it into that many numbers is tried, and
   a cut is kept only when it satisfies every sum rule of the format that it
   completes (row total = six columns, group totals, column sums, 一+二=（七）+四);
   when more than one cut survives, runs are solved together, and what is
   still ambiguous stays ``None`` with a finding naming the row. A digit run
   never becomes numbers by guessing.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache

from ..schema import Rule, Schema
from .labels import label_index
from .normalize import LEVEL1, norm, norm_map

#: A line is a glued table when at least this many row labels are directly followed by a digit.
_MIN_GLUED = 3
#: Longest digit run split into numbers (a table-4 row of 15 cells reaches about 40 digits).
_MAX_RUN = 48
#: Cuts tried per run, and combinations tried when runs are solved together.
_MAX_SPLITS = 20_000
_MAX_COMBINATIONS = 200_000
#: One number of a glued run: no leading zero (except 0 itself), at most 9 digits.
_MAX_DIGITS = 9
DIGIT_RUN = re.compile(r"^\d{2,48}$")
#: A character that ends a label, then a digit: a glued row has at least ``_MIN_GLUED`` of them.
_GLUE_HINT = re.compile(r"[\u4e00-\u9fff）)”]\d")


@dataclass(frozen=True)
class _Patterns:
    headings: re.Pattern[str]
    labels: re.Pattern[str]
    #: A row label directly followed by a digit: the mark of a glued row.
    glued_rows: re.Pattern[str]
    #: Section number of each normalised heading form.
    heading_section: dict[str, int]
    #: Sections that hold a table.
    table_sections: frozenset[int]


def _alternation(texts: set[str]) -> str:
    return "|".join(re.escape(t) for t in sorted(texts, key=lambda t: (-len(t), t)))


@cache
def _patterns(schema: Schema) -> _Patterns:
    index = label_index(schema)
    headings: dict[str, int] = {}
    for section in schema.sections:
        numeral = section.heading.split("、", 1)[0]
        for form in (section.heading, *(f"{numeral}、{alias}" for alias in section.aliases)):
            n = norm(form)
            if LEVEL1.match(n):
                headings[n] = section.number
    labels = {text for text in index.exact if len(text) >= 2}
    rows = {text for text, hits in index.exact.items() if len(text) >= 4 and any(h.kind == "row" for h in hits)}
    return _Patterns(
        headings=re.compile(_alternation(set(headings))),
        labels=re.compile(_alternation(labels)),
        glued_rows=re.compile(f"(?:{_alternation(rows)})\\d"),
        heading_section=headings,
        table_sections=frozenset(s.number for s in schema.sections if s.table),
    )


def is_glued(normed: str, schema: Schema) -> bool:
    return len(set(_patterns(schema).glued_rows.findall(normed))) >= _MIN_GLUED


def unglue(text: str, schema: Schema) -> str:
    """The text with every glued-table line cut into one label or value per line; other lines untouched."""
    out: list[str] = []
    changed = False
    for line in text.split("\n"):
        if len(_GLUE_HINT.findall(line)) < _MIN_GLUED or not is_glued(norm(line), schema):
            out.append(line)  # (the cheap test first: most lines have no label glued to a digit)
            continue
        changed = True
        out.extend(_cut(line, norm_map(line), _patterns(schema)))
    return "\n".join(out) if changed else text


def _cut(line: str, mapped, patterns: _Patterns) -> list[str]:
    """Cut points (in the normal form) before/after headings, and around labels inside table sections."""
    normed = mapped.text
    cuts: set[int] = set()
    sections: list[tuple[int, int, int]] = []  # (heading start, heading end, section number)
    for m in patterns.headings.finditer(normed):
        cuts |= {m.start(), m.end()}
        sections.append((m.start(), m.end(), patterns.heading_section[m.group(0)]))
    spans: list[tuple[int, int]] = []  # the text of table sections, after their heading
    if not sections:
        spans.append((0, len(normed)))
    for k, (_, body, section) in enumerate(sections):
        if section in patterns.table_sections:
            end = sections[k + 1][0] if k + 1 < len(sections) else len(normed)
            spans.append((body, end))
    for start, end in spans:
        for m in patterns.labels.finditer(normed, start, end):
            cuts |= {m.start(), m.end()}
    for k, (_, body, section) in enumerate(sections):
        if section not in patterns.table_sections:  # a narrative part: its sub-headings （一）（二）… in order
            end = sections[k + 1][0] if k + 1 < len(sections) else len(normed)
            cuts |= _subheadings(normed, body, end)
    pieces: list[str] = []
    previous = 0
    for cut in sorted(cuts | {len(normed)}):
        source_cut = mapped.starts[cut] if cut < len(normed) else len(line)
        piece = line[previous:source_cut].strip()
        if piece:
            pieces.append(piece)
        previous = source_cut
    return pieces


_SUBHEADING = re.compile(r"\(([一二三四五六七八九十])\)")
_NUMERALS = "一二三四五六七八九十"


def _subheadings(normed: str, start: int, end: int) -> set[int]:
    """Where （一）, （二）, … start in ``normed[start:end]``, taken only in their order (a later （一） is prose)."""
    cuts: set[int] = set()
    expected = 0
    for m in _SUBHEADING.finditer(normed, start, end):
        if expected < len(_NUMERALS) and m.group(1) == _NUMERALS[expected]:
            cuts.add(m.start())
            expected += 1
    return cuts


# --------------------------------------------------------------------------- splitting digit runs
def splits(digits: str, parts: int) -> Iterator[tuple[int, ...]]:
    """Every way to cut ``digits`` into ``parts`` whole numbers (no leading zeros), left to right."""
    n = len(digits)
    if parts <= 0 or n < parts or n > parts * _MAX_DIGITS or n > _MAX_RUN:
        return

    def rec(pos: int, left: int) -> Iterator[tuple[int, ...]]:
        if left == 1:
            rest = digits[pos:]
            if len(rest) <= _MAX_DIGITS and (rest == "0" or rest[0] != "0"):
                yield (int(rest),)
            return
        longest = 1 if digits[pos] == "0" else _MAX_DIGITS
        for size in range(1, longest + 1):
            remaining = n - pos - size
            if remaining < left - 1:
                break
            if remaining > (left - 1) * _MAX_DIGITS:
                continue
            head = int(digits[pos : pos + size])
            for tail in rec(pos + size, left - 1):
                yield (head, *tail)

    yield from rec(0, parts)


@dataclass
class GluedRun:
    """Cells whose numbers were printed as one digit run."""

    text: str
    keys: tuple[str, ...]
    #: Cuts that satisfy the sum rules inside the run (filled by ``resolve``).
    candidates: list[tuple[int, ...]] | None = None
    #: ``exhausted``: too many ways to cut to try them all.
    exhausted: bool = False


def rule_holds(rule: Rule, values: Mapping[str, int | float | None]) -> bool | None:
    """Whether ``rule`` holds on ``values``; ``None`` when one of its cells is not known."""
    total: float = 0
    for sign, keys in ((1, rule.left), (-1, rule.right)):
        for key in keys:
            v = values.get(key)
            if v is None:
                return None
            total += sign * v
    return abs(total) < 1e-9


def resolve(runs: list[GluedRun], known: Mapping[str, int | float | None], rules: tuple[Rule, ...]) -> dict[str, int]:
    """Values of the runs' cells that exactly one cut (or one combination of cuts) gives; the rest are absent."""
    inside: dict[int, list[Rule]] = {}
    for k, run in enumerate(runs):
        keys = set(run.keys)
        inside[k] = [r for r in rules if set(r.left) | set(r.right) <= keys]
        candidates: list[tuple[int, ...]] = []
        for count, cut in enumerate(splits(run.text, len(run.keys))):
            if count >= _MAX_SPLITS:
                run.exhausted = True
                candidates = []
                break
            cells = dict(zip(run.keys, cut, strict=True))
            if all(rule_holds(r, cells) for r in inside[k]):
                candidates.append(cut)
        run.candidates = candidates
    values: dict[str, int | float | None] = dict(known)
    solved: dict[str, int] = {}
    open_runs = [run for run in runs if run.candidates and not run.exhausted]
    for run in open_runs:
        if run.candidates is not None and len(run.candidates) == 1:
            solved.update(zip(run.keys, run.candidates[0], strict=True))
    values.update(solved)
    ambiguous = [run for run in open_runs if len(run.candidates or ()) > 1]
    if not ambiguous:
        return solved
    for group in _linked(ambiguous, rules):
        solved.update(_solve_together(group, values, rules))
    return solved


def _linked(runs: list[GluedRun], rules: tuple[Rule, ...]) -> list[list[GluedRun]]:
    """Runs grouped so that no sum rule reaches into two groups: each group is solved on its own."""
    owner = {key: k for k, run in enumerate(runs) for key in run.keys}
    parent = list(range(len(runs)))

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for rule in rules:
        members = sorted({owner[key] for key in (*rule.left, *rule.right) if key in owner})
        for other in members[1:]:
            parent[find(other)] = find(members[0])
    groups: dict[int, list[GluedRun]] = {}
    for k, run in enumerate(runs):
        groups.setdefault(find(k), []).append(run)
    return list(groups.values())


def _solve_together(
    group: list[GluedRun], values: Mapping[str, int | float | None], rules: tuple[Rule, ...]
) -> dict[str, int]:
    """Cells of ``group`` that take the same value in every combination of cuts the rules allow."""
    combos = 1
    for run in group:
        combos *= len(run.candidates or ())
    if combos > _MAX_COMBINATIONS:
        return {}
    keys = {k for run in group for k in run.keys}
    touching = [r for r in rules if keys & (set(r.left) | set(r.right))]
    surviving: list[tuple[tuple[int, ...], ...]] = []
    for combo in itertools.product(*(run.candidates or () for run in group)):
        trial = dict(values)
        for run, cut in zip(group, combo, strict=True):
            trial.update(zip(run.keys, cut, strict=True))
        if all(rule_holds(r, trial) is not False for r in touching):
            surviving.append(combo)
    out: dict[str, int] = {}
    for k, run in enumerate(group):
        cuts = {combo[k] for combo in surviving}
        if len(cuts) == 1:
            out.update(zip(run.keys, cuts.pop(), strict=True))
    return out
