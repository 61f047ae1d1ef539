"""Against last year's report: a copied report (内容雷同) and figures that jump.

* ``COPIED_TEXT``: a narrative part (near-)identical to last year's — compared on character trigrams
  with digits and years blanked, so changing only the numbers does not make a text new.
* ``COPIED_TABLES``: this year's figures equal last year's cell for cell, beyond what carry-over
  explains (二 = last year's 四 by design; 现行有效 may stay the same).
* ``YOY_JUMP`` (notice): a headline figure five times larger or smaller than last year's.
"""

from __future__ import annotations

import re
import unicodedata

from ..model import Report
from ..schema import ROLE_CARRIED_IN, ROLE_LAWSUITS, ROLE_NEW, ROLE_REVIEWS
from .context import Context, flatten, is_number, part_title, role_total, show, single_figures

#: Two texts this similar (trigram Jaccard) are a copy.
COPY_SIMILARITY = 0.9
#: The parts that report the year's work (一 总体情况, 五 问题和改进); 六 is boilerplate by nature.
COPY_SECTIONS = frozenset({1, 5})
#: Texts shorter than this are too short to call copied (“无。”).
COPY_MIN_CHARS = 40
#: Tables: this share of last year's non-zero figures repeated exactly is a copy …
COPY_TABLE_SHARE = 0.9
#: … when at least this many non-zero figures take part, adding up to at least ``COPY_TABLE_SUM``
#: (a tiny agency may well repeat “1 application, disclosed” two years running).
COPY_TABLE_MIN = 12
COPY_TABLE_SUM = 30
#: A headline figure this many times larger or smaller than last year's is a jump …
JUMP_FACTOR = 5
#: … when the larger of the two is at least this.
JUMP_MIN = 20
_DIGITS = re.compile(r"[0-9〇零一二两三四五六七八九十百千万]+")
_SPACE = re.compile(r"\s+")


def _shingles(text: str) -> set[str]:
    t = _SPACE.sub("", _DIGITS.sub("#", unicodedata.normalize("NFKC", text)))
    return {t[i : i + 3] for i in range(len(t) - 2)}


def similarity(a: str, b: str) -> float:
    """Trigram Jaccard similarity of two texts with numbers blanked (1.0 = the same words)."""
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def check_copied(ctx: Context, texts: dict[str, str], previous: Report) -> None:
    """COPIED_TEXT per narrative part, COPIED_TABLES once."""
    last = previous.narrative if isinstance(previous.narrative, dict) else {}
    substantive = {p.key for p in ctx.schema.narrative if p.section in COPY_SECTIONS}
    for key, text in texts.items():
        before = last.get(key) if key in substantive else None
        if not isinstance(before, str) or len(text.strip()) < COPY_MIN_CHARS or len(before.strip()) < COPY_MIN_CHARS:
            continue
        score = similarity(text, before)
        if score >= COPY_SIMILARITY:
            ctx.add(
                "COPIED_TEXT",
                key,
                f"文字内容“{part_title(ctx, key)}”与上年报告的同一部分几乎相同（相似度 {round(score * 100)}%）。"
                "年度报告应反映本年度的实际工作，内容雷同会被通报；请按本年度情况重写。",
                actual=round(score, 2),
            )
    _check_copied_tables(ctx, previous)


def _check_copied_tables(ctx: Context, previous: Report) -> None:
    prev = flatten(previous, ctx.lay)
    skip = {k for row in ctx.schema.role(ROLE_CARRIED_IN) for k in row}
    skip |= {valid.key for _, _, valid in ctx.lay.t2_triples}
    compared = same = 0
    weight = 0.0
    for fig in ctx.lay.figures:
        before = prev.get(fig.key)
        if fig.key in skip or fig.key in ctx.unknown or not is_number(before) or not before:
            continue
        compared += 1
        if ctx.num(fig.key) == before:
            same += 1
            weight += abs(ctx.num(fig.key))
    if compared >= COPY_TABLE_MIN and same >= COPY_TABLE_SHARE * compared and weight >= COPY_TABLE_SUM:
        ctx.add(
            "COPIED_TABLES",
            role_total(ctx.lay, ROLE_NEW),
            f"表二至表四中上年不为 0 的 {compared} 个数字有 {same} 个与上年报告完全相同（上年结转、现行有效除外）。"
            "请核对是否沿用了上年的数据，按本年度实际统计重新填写。",
        )


def check_jumps(ctx: Context, previous: Report) -> None:
    """YOY_JUMP (notice) for the headline figures: 新收, (七)总计, the table-2 decisions and fee, table-4 totals."""
    prev = flatten(previous, ctx.lay)
    new = role_total(ctx.lay, ROLE_NEW)
    keys = [*([new] if new else []), *ctx.schema.role_totals(ROLE_REVIEWS), *ctx.schema.role_totals(ROLE_LAWSUITS)]
    keys += [f.key for f in single_figures(ctx.schema, ctx.lay)]  # decisions, fee
    for key in keys:
        before = prev.get(key)
        if key in ctx.unknown or not is_number(before):
            continue
        now = ctx.num(key)
        high, low = max(now, before), min(now, before)  # type: ignore[type-var]
        if high < JUMP_MIN or high < JUMP_FACTOR * low:
            continue
        fig = ctx.lay.by_key[key]
        change = "增加" if now > before else "减少"  # type: ignore[operator]
        ctx.add(
            "YOY_JUMP",
            key,
            f"“{fig.name}”为 {show(now)}，上年为 {show(before)}，{change}到 {_times(now, before)}。"
            "变化较大，请核对是否填错（如单位、位数），确无误的可在文字中说明原因。",
            expected=before,
            actual=now,
        )


def _times(now: float, before: float) -> str:
    if before == 0:
        return "上年为 0"
    ratio = now / before
    return f"上年的 {ratio:.1f} 倍" if ratio >= 1 else f"上年的 1/{before / now:.1f}" if now else "0"
