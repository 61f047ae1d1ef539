"""Figure rules: sums from ``schema.rules``, types from figure kinds, table-2 plausibility,
cross-year continuity.

Blanks count as 0 in every sum (as in a spreadsheet) and are reported once per
table (``BLANK_AS_ZERO``). A value that is not a usable number — text,
NaN/∞, or a blank the reader could not read (it carries an error/warning
finding for that key) — makes every sum it takes part in *uncheckable*
(``SUM_UNCHECKABLE``), never wrong.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..compute import sum_values
from ..model import Report
from ..read.values import number_in_text
from ..schema import ROLE_CARRIED_IN, ROLE_CARRIED_OUT, ROLE_NEW, VALID_YEARS, Figure, Rule
from .agency import FEE_CEILING, LEVEL_LABEL, REPORTER_LABEL, classify, reporter_kind
from .context import (
    Context,
    close,
    flatten,
    is_number,
    role_total,
    short_label,
    show,
    single_figures,
    term,
    tidy,
    typed_value,
    where,
)

#: LARGE_CARRY_OVER threshold: 四 above this share of 一 + 二.
CARRY_OVER_SHARE = 0.30
#: FEE_IN_YUAN threshold: a whole amount this large is almost surely in 元.
FEE_YUAN_THRESHOLD = 100_000
#: FEE_IN_YUAN: more than this many 万元 per 许可/处罚/强制 decision …
FEE_PER_DECISION = 100
#: … for an amount of at least this many 万元.
FEE_PER_DECISION_FLOOR = 1_000
#: How many cells a BLANK_AS_ZERO / SUM_UNCHECKABLE message names.
LIST_CELLS = 5
#: More blank figures than this in one table is a warning (MANY_BLANKS), not a notice.
MANY_BLANKS = 3
#: How many cells a MANY_BLANKS message names.
LIST_BLANKS = 10


def read_text_numbers(ctx: Context) -> None:
    """A text cell that plainly holds a number (``"8件"``, ``"１８"`` in a JSON) counts with that number.

    The cell is reported once (``NOT_A_NUMBER``); every other rule is checked with
    the number, so one text cell never hides a real error elsewhere. In a workbook
    the formula totals the reader could not sum are summed again with it.
    """
    for key, v in ctx.values.items():
        if isinstance(v, str):
            n = number_in_text(v)
            if n is not None:
                ctx.text_numbers[key] = v
                ctx.values[key] = n
    if not ctx.text_numbers or ctx.report.origin.kind not in ("xlsx", "xlsm"):
        return
    overridden = getattr(ctx.report.origin, "overridden", None) or {}
    for rule in ctx.lay.formula_rules:
        if rule.anchor not in overridden and ctx.values.get(rule.anchor) is None:
            ctx.values[rule.anchor] = sum_values(ctx.values.get(k) for k in rule.right)


def find_unknown(ctx: Context) -> None:
    """Fill ``ctx.unknown``: unusable values, then formula totals computed from them.

    Unknown: text or NaN/∞; a blank the reader could not read (listed in
    ``origin.unread``, or named by a reader error/warning for that key).
    ``ctx.sources`` maps an unknown total to the input cells that make it unknown.
    """
    origin = ctx.report.origin
    unread = set(getattr(origin, "unread", None) or ())
    unread |= {f.key for f in getattr(origin, "findings", []) if getattr(f, "key", None) and f.severity != "notice"}
    for key, v in ctx.values.items():
        if (v is None and key in unread) or (v is not None and not is_number(v)):
            ctx.unknown.add(key)
    # A formula total over an unknown input is unknown too: blank when the reader could not
    # sum it, or (in a workbook) computed with the unknown cell left out. A total typed by
    # hand, or data in a JSON, is what the clerk wrote and is checked as such.
    computed = origin.kind in ("xlsx", "xlsm")
    overridden = getattr(origin, "overridden", None) or {}
    for rule in ctx.lay.formula_rules:
        if rule.anchor in ctx.unknown:
            continue
        if any(k in ctx.unknown for k in rule.right) and (
            ctx.values.get(rule.anchor) is None or (computed and rule.anchor not in overridden)
        ):
            ctx.unknown.add(rule.anchor)
            ctx.sources[rule.anchor] = tuple(
                dict.fromkeys(s for k in rule.right if k in ctx.unknown for s in ctx.sources.get(k, (k,)))
            )
    ctx.unread = unread


# ---------------------------------------------------------------------- types
def check_types(ctx: Context) -> None:
    """Every figure: a finite number, ≥ 0, whole for counts, ≤ 4 decimals for amounts."""
    # A cell the reader already called an error (e.g. a formula in an input cell) is said once.
    said = {
        f.key for f in getattr(ctx.report.origin, "findings", []) if getattr(f, "key", None) and f.severity == "error"
    }
    for fig in ctx.lay.figures:
        v = ctx.values[fig.key]
        if (v is None or (type(v) is int and v >= 0)) and fig.key not in ctx.text_numbers:
            continue  # the common case, decided without building a message
        if fig.key in said:
            continue
        sheet_where = f"{fig_sheet(ctx, fig)}{where(fig)}"
        if fig.key in ctx.text_numbers:
            typed = ctx.text_numbers[fig.key]
            ctx.add(
                "NOT_A_NUMBER",
                fig.key,
                f"{sheet_where}应填数字，现在是文字{show(typed)}。核查已按 {typed_value(v)} 计算其他规则，"
                f"但表格的合计不计入文字。请改为数字{_fix_hint(fig, v)}。",
                expected=v if _valid_figure(fig, v) else None,
                actual=typed,
            )
            continue
        if isinstance(v, bool) or not isinstance(v, int | float):
            ctx.add(
                "NOT_A_NUMBER",
                fig.key,
                f"{sheet_where}应填数字，现在是文字{show(v)}。请改为数字；没有发生的请填 0。",
                actual=v if isinstance(v, str) else repr(v),
            )
        elif not math.isfinite(v):
            ctx.add("NOT_FINITE", fig.key, f"{sheet_where}的值 {v} 不是有效数字，请改为实际数字。", actual=str(v))
        elif v < 0:
            ctx.add(
                "NEGATIVE", fig.key, f"{sheet_where}不能为负数（现为 {typed_value(v)}），请改为实际数字。", actual=v
            )
        elif fig.kind == "count" and not float(v).is_integer():
            ctx.add(
                "NOT_WHOLE",
                fig.key,
                f"{sheet_where}是件数，应为整数，现为 {typed_value(v)}。请改为整数。",
                expected=round(v),
                actual=v,
            )
        elif fig.kind == "amount" and not _at_most_4_decimals(v):
            ctx.add(
                "FEE_DECIMALS",
                fig.key,
                f"{sheet_where}以万元为单位，最多保留 4 位小数（即精确到元），现为 {v!r}。请改为 {round(v, 4)}。",
                expected=round(v, 4),
                actual=v,
            )


def _at_most_4_decimals(v: float) -> bool:
    """At most 4 decimals as typed: the shortest repr of the float, not a tolerance that grows with the amount."""
    if float(v).is_integer():
        return True
    text = repr(float(v))
    if "e" in text:
        return False
    return len(text.partition(".")[2]) <= 4


def _valid_figure(fig: Figure, v: object) -> bool:
    """A value the clerk could type: a finite number ≥ 0, whole for counts, ≤ 4 decimals for amounts."""
    if not is_number(v) or v < 0:  # type: ignore[operator]
        return False
    if fig.kind == "count":
        return float(v).is_integer()  # type: ignore[arg-type]
    return _at_most_4_decimals(v)  # type: ignore[arg-type]


def _fix_hint(fig: Figure, v: object) -> str:
    return f" {show(v)}" if _valid_figure(fig, v) else ""


def fig_sheet(ctx: Context, fig: Figure) -> str:
    return ctx.schema.table(fig.table).sheet


# ---------------------------------------------------------------------- blanks
def check_blanks(ctx: Context) -> None:
    """Per table: a few blank figures are a notice (counted as 0); more than ``MANY_BLANKS`` a warning naming them.

    The template says “没有的填 0”: many blanks usually mean a table not filled in.
    """
    for table in ctx.schema.tables:
        blanks = [f.key for f in table.figures() if ctx.values[f.key] is None and f.key not in ctx.unknown]
        if not blanks:
            continue
        many = len(blanks) > MANY_BLANKS and not ctx.published
        shown = LIST_BLANKS if many else LIST_CELLS
        cells = "、".join(ctx.lay.cells[k].a1 for k in blanks[:shown])
        more = " 等" if len(blanks) > shown else ""
        if many:
            ctx.add(
                "MANY_BLANKS",
                blanks[0],
                f"{table.sheet}有 {len(blanks)} 个数字单元格是空白（{cells}{more}）。没有发生的请填 0，"
                "有数字的请补填；空白核对时按 0 计算，可能掩盖漏填。",
                actual=len(blanks),
            )
            continue
        ctx.add(
            "BLANK_AS_ZERO",
            blanks[0],
            f"{table.sheet}有 {len(blanks)} 个空白的数字单元格（{cells}{more}），核对时按 0 计算。"
            "确实为 0 的请填写 0，以免漏填。",
            actual=len(blanks),
        )


def check_missing_tables(ctx: Context) -> None:
    """TABLE_MISSING: a whole table absent (a report JSON without ``t3``), unless the reader already said so."""
    said = {f.sheet for f in getattr(ctx.report.origin, "findings", []) if getattr(f, "sheet", None)}
    said |= {ctx.lay.cells[f.key].sheet for f in ctx.report.origin.findings if f.key in ctx.lay.cells}
    missing = getattr(ctx.report.origin, "missing_tables", None) or ()
    for table in ctx.schema.tables:
        if table.id not in missing or table.sheet in said:
            continue
        first = table.figures()[0]
        ctx.add(
            "TABLE_MISSING",
            first.key,
            f"报告中没有{table.sheet}（{table.title}）的数据，整张表缺失。请补齐{table.sheet}的全部数字，没有发生的填 0。",
        )


# ---------------------------------------------------------------------- sums
def check_sums(ctx: Context) -> None:
    """Every rule of ``schema.rules``, reported at its anchor cell.

    One wrong cell often breaks several relations (a wrong row total also
    breaks its column's (七) total; a wrong 四 in one column also breaks the
    总计 column's balance once the row total follows it). A failure that
    disappears when another failure's cell is corrected — or a hand-typed
    total is put back on its formula (TOTAL_OVERRIDDEN) — is an echo and is
    not reported, so the finding points at the cell to change.
    """
    wrong_overrides = _check_overrides(ctx)
    failures: list[_Failure] = []
    live: set[str] = set()  # formula totals that agree with their parts: they follow a corrected part
    formula_anchors = {r.anchor for r in ctx.lay.formula_rules}
    for rule in ctx.schema.rules:
        keys = rule.left + rule.right
        bad = [k for k in keys if k in ctx.unknown]
        if bad:
            _uncheckable(ctx, rule, bad)
            continue
        left = sum(ctx.num(k) for k in rule.left)
        right = sum(ctx.num(k) for k in rule.right)
        if close(left, right):
            if rule.formula and rule.anchor in formula_anchors:
                live.add(rule.anchor)
            continue
        actual = ctx.num(rule.anchor)
        expected = (left - right + actual) if rule.anchor in rule.right else (right - left + actual)
        failures.append(_Failure(rule, left, right, tidy(expected)))
    if not failures:
        return
    corrections: list[tuple[object, str, float]] = [
        ("override", key, ctx.report.origin.overridden[key])  # type: ignore[misc]
        for key in wrong_overrides
    ]
    corrections += [(i, f.rule.anchor, f.expected) for i, f in enumerate(failures)]
    explained: dict[int, set[object]] = {i: set() for i in range(len(failures))}
    for source, key, value in corrections:
        changed = _propagate(ctx, key, value, live)
        for i, f in enumerate(failures):
            if source == i or f.rule.anchor == key or not (changed.keys() & f.keys):
                continue
            if _holds(ctx, f.rule, changed) or (key in f.keys and _holds(ctx, f.rule, {key: value})):
                explained[i].add(source)
    for i, f in enumerate(failures):
        if f.rule.anchor in wrong_overrides:
            continue  # TOTAL_OVERRIDDEN already names this cell with both values
        if any(s == "override" or i not in explained.get(s, ()) for s in explained[i]):  # type: ignore[call-overload]
            continue
        _sum_error(ctx, f)


@dataclass
class _Failure:
    rule: Rule
    left: float
    right: float
    expected: int | float

    @property
    def keys(self) -> set[str]:
        return {*self.rule.left, *self.rule.right}


def _propagate(ctx: Context, key: str, value: float, live: set[str]) -> dict[str, float]:
    """``key := value`` and the change carried into the live formula totals computed from it."""
    changed = {key: value}
    for rule in ctx.lay.formula_rules:
        if rule.anchor in live and rule.anchor != key and any(k in changed for k in rule.right):
            delta = sum(changed[k] - ctx.num(k) for k in rule.right if k in changed)
            changed[rule.anchor] = ctx.num(rule.anchor) + delta
    return changed


def _holds(ctx: Context, rule: Rule, overlay: dict[str, float]) -> bool:
    def v(k: str) -> float:
        return overlay[k] if k in overlay else ctx.num(k)

    return close(sum(v(k) for k in rule.left), sum(v(k) for k in rule.right))


def _check_overrides(ctx: Context) -> set[str]:
    """TOTAL_OVERRIDDEN for each hand-typed total that differs from the recomputed sum."""
    wrong: set[str] = set()
    overridden = getattr(ctx.report.origin, "overridden", None) or {}
    for key, recomputed in overridden.items():
        fig = ctx.lay.by_key.get(key)
        typed = ctx.values.get(key)
        if fig is None or key in ctx.unknown or not is_number(recomputed):
            continue
        typed_n = typed if is_number(typed) else 0
        if close(typed_n, recomputed):  # type: ignore[arg-type]
            continue
        wrong.add(key)
        ctx.add(
            "TOTAL_OVERRIDDEN",
            key,
            f"{fig_sheet(ctx, fig)}{where(fig)}是合计单元格，公式被手工填写的 {show(typed)} 覆盖了；"
            f"按各分项重新计算应为 {show(recomputed)}。"
            + (
                f"请恢复公式，或改为 {show(recomputed)} 并核对各分项。"
                if _valid_figure(fig, recomputed)
                else "请先改正各分项，再恢复公式。"
            ),
            expected=recomputed,
            actual=typed_n,
        )
    return wrong


def _uncheckable(ctx: Context, rule: Rule, bad: list[str]) -> None:
    """One notice per sum that cannot be checked, naming the input cells to fix.

    Nothing when every such cell is one the reader could not read at all: its own
    finding (a missing sheet, an unreadable cell) already says so, once.
    """
    sources = list(dict.fromkeys(s for k in bad for s in ctx.sources.get(k, (k,))))
    if all(k in ctx.unread and ctx.values.get(k) is None for k in sources):
        return
    cells = "、".join(f"{ctx.lay.cells[k].a1}（{show(ctx.values[k])}）" for k in sources[:LIST_CELLS])
    more = " 等" if len(sources) > LIST_CELLS else ""
    anchor = ctx.lay.by_key[rule.anchor]
    ctx.add(
        "SUM_UNCHECKABLE",
        rule.anchor,
        f"{rule.title}：{cells}{more} 不是可读的数字，"
        + (f"{fig_sheet(ctx, anchor)}{where(anchor)}这一合计无法核对。" if rule.is_total else "这一关系无法核对。")
        + "请先改正这些单元格。",
    )


def _sum_error(ctx: Context, f: _Failure) -> None:
    rule, left, right, expected = f.rule, f.left, f.right, f.expected
    anchor = ctx.lay.by_key[rule.anchor]
    actual = ctx.values[rule.anchor]
    actual_n = ctx.num(rule.anchor)
    sheet = fig_sheet(ctx, anchor)
    valid = _valid_figure(anchor, expected)
    if rule.is_total:
        fix = f"请改为 {show(expected)}，或核对各分项数字。" if valid else "请核对各分项数字。"
        message = (
            f"{sheet}{where(anchor)}不符合“{rule.title}”：各分项之和为 {show(expected)}，"
            f"表中为 {show(actual)}（相差 {_signed(actual_n - expected)}）。{fix}"
        )
    else:
        lhs = " + ".join(f"{term(ctx.lay.by_key[k])}（{show(ctx.values[k])}）" for k in rule.left)
        rhs = " + ".join(f"{term(ctx.lay.by_key[k])}（{show(ctx.values[k])}）" for k in rule.right)
        message = (
            f"{rule.title}不成立：{lhs} = {show(tidy(left))}，而 {rhs} = {show(tidy(right))}"
            f"（相差 {_signed(tidy(right - left))}）。"
            + (
                f"若其他数字无误，{sheet}{where(anchor)}应为 {show(expected)}。"
                if valid
                else "请逐项核对两边的数字（按其他数字推算的值不可能成立）。"
            )
        )
    ctx.add(rule.code, rule.anchor, message, expected=expected if valid else None, actual=actual_n)


def _signed(x: float) -> str:
    x = tidy(x)
    return f"+{show(x)}" if x > 0 else show(x)


# ---------------------------------------------------------------------- table 2
def check_table2(ctx: Context) -> None:
    """W1/W2: valid ≥ made − repealed, and valid > 0 when something was made (one finding per row)."""
    for made_f, repealed_f, valid_f in ctx.lay.t2_triples:
        keys = (made_f.key, repealed_f.key, valid_f.key)
        if any(k in ctx.unknown for k in keys):
            continue
        made, repealed, valid = (ctx.num(k) for k in keys)
        floor = tidy(made - repealed)
        label = made_f.row_label
        facts = f"表二“{label}”本年制发 {show(made)} 件、本年废止 {show(repealed)} 件"
        if made > 0 and valid == 0 and repealed < made:
            ctx.add(
                "T2_VALID_ZERO",
                valid_f.key,
                f"{facts}，现行有效件数却为 0。本年制发且未废止的文件应计入现行有效件数，"
                f"请核对（一般至少为 {show(floor)}）。",
                expected=floor,
                actual=valid,
            )
        elif valid < made - repealed:
            ctx.add(
                "T2_VALID_LOW",
                valid_f.key,
                f"{facts}，现行有效件数 {show(valid)} 小于制发减废止（{show(floor)}）。请核对现行有效件数。",
                expected=floor,
                actual=valid,
            )


# ---------------------------------------------------------------------- fee
def _decisions(ctx: Context) -> float:
    """行政许可 + 行政处罚 + 行政强制 decisions this year (the work a fee usually comes from); 0 if unknown."""
    keys = [f.key for f in single_figures(ctx.schema, ctx.lay) if f.kind == "count"]
    if any(k in ctx.unknown for k in keys):
        return 0
    return sum(ctx.num(k) for k in keys)


def check_fee_units(ctx: Context, narrative_texts: dict[str, str]) -> None:
    """FEE_IN_YUAN (one per amount): too large for the agency's level, a whole amount ≥ 100000, or “N元” in the text.

    The ceiling by level and kind (``agency.FEE_CEILING``) catches 35000 typed in 元 by a county bureau;
    an agency whose level cannot be read keeps the plain rule.
    """
    agency = classify(ctx.report.agency)
    reporter = reporter_kind(ctx.reporter) or agency.reporter
    ceiling = FEE_CEILING.get((agency.level, reporter)) if agency.level else None  # type: ignore[arg-type]
    for fig in ctx.lay.amounts:
        v = ctx.values[fig.key]
        if not is_number(v) or v <= 0:
            continue
        sheet_where = f"{fig_sheet(ctx, fig)}{where(fig)}"
        suggestion = tidy(round(v / 10_000, 4))
        too_large = ceiling is not None and v > ceiling
        whole_large = float(v).is_integer() and v >= FEE_YUAN_THRESHOLD and agency.level != "province"
        decisions = _decisions(ctx)
        per_decision = v >= FEE_PER_DECISION_FLOOR and decisions and v / decisions > FEE_PER_DECISION
        if too_large or whole_large or per_decision:
            if too_large:
                why = (
                    f"对{LEVEL_LABEL[agency.level]}{REPORTER_LABEL[reporter]}来说（{show(tidy(v / 10_000))} 亿元）过大"  # type: ignore[index]
                )
            elif whole_large:
                why = "这个整数像是按“元”填写的"
            else:
                why = (
                    f"而本年行政许可、处罚、强制决定共 {show(decisions)} 件，平均每件 "
                    f"{show(tidy(round(v / decisions, 1)))} 万元，不合常理"
                )
            ctx.add(
                "FEE_IN_YUAN",
                fig.key,
                f"{sheet_where}为 {show(v)}，单位是万元，{why}。"
                f"如果是元，请除以 10000，改为 {show(suggestion)}；如确为万元，请核实。",
                expected=suggestion,
                actual=v,
            )
            continue
        digits = re.escape(show(v))
        pattern = re.compile(rf"(?<![\d.]){digits}\s*元")
        for text in narrative_texts.values():
            if pattern.search(text):
                ctx.add(
                    "FEE_IN_YUAN",
                    fig.key,
                    f"{sheet_where}为 {show(v)}（万元），而文字中写的是“{show(v)}元”。"
                    f"如果金额是 {show(v)} 元，表中应填 {show(suggestion)}（万元）。",
                    expected=suggestion,
                    actual=v,
                )
                break


# ---------------------------------------------------------------------- notices
def check_carry_over_share(ctx: Context) -> None:
    """LARGE_CARRY_OVER: 四 above 30 % of 一 + 二 in the 总计 column."""
    new, carried_in, out = (role_total(ctx.lay, r) for r in (ROLE_NEW, ROLE_CARRIED_IN, ROLE_CARRIED_OUT))
    if new is None or carried_in is None or out is None or {new, carried_in, out} & ctx.unknown:
        return
    inflow = ctx.num(new) + ctx.num(carried_in)
    carried = ctx.num(out)
    if inflow > 0 and carried > CARRY_OVER_SHARE * inflow:
        share = round(100 * carried / inflow)
        ctx.add(
            "LARGE_CARRY_OVER",
            out,
            f"结转下年度继续办理 {show(carried)} 件，占本年新收与上年结转之和（{show(tidy(inflow))}）的 {share}%，"
            f"超过 {round(CARRY_OVER_SHARE * 100)}%。请确认这些申请确实尚未办结。",
            expected=tidy(CARRY_OVER_SHARE * inflow),
            actual=carried,
        )


# ---------------------------------------------------------------------- previous year
def check_previous(ctx: Context, previous: Report) -> bool:
    """Cross-year: 二 (this year) = 四 (last year) per column; table-2 valid continuity.

    False (and PREVIOUS_YEAR_MISMATCH) when ``previous`` is not last year's report.
    """
    this_year, prev_year = int_year(ctx.report.year), int_year(previous.year)
    if this_year is not None and prev_year is not None and prev_year != this_year - 1:
        ctx.add(
            "PREVIOUS_YEAR_MISMATCH",
            "info_year",
            f"作为上年报告提供的文件是 {prev_year} 年度的，不是 {this_year - 1} 年度，跨年核对未进行。"
            "请提供上一年度的报告。",
            expected=this_year - 1,
            actual=prev_year,
        )
        return False
    prev = flatten(previous, ctx.lay)
    links = ctx.lay.year_links
    for link in (link for link in links if link.is_copy):
        here, there = link.key, link.previous
        if here in ctx.unknown or not (prev[there] is None or is_number(prev[there])):
            continue
        now, before = ctx.num(here), prev[there] or 0
        if not close(now, before):  # type: ignore[arg-type]
            fig = ctx.lay.by_key[here]
            ctx.add(
                link.code,
                here,
                f"表三{where(fig)}为 {show(now)}，而上年报告的“{short_label(ctx.lay.by_key[there].row_label)}”同列为 {show(before)}。"
                f"上年结转应等于上年的结转下年度，请核对（应为 {show(before)}）。",
                expected=before,
                actual=now,
            )
    for link in (link for link in links if not link.is_copy):
        made_f, valid_f = ctx.lay.by_key[link.plus[0]], ctx.lay.by_key[link.key]
        keys = (link.key, *link.plus, *link.minus)
        last_valid = prev[link.previous]
        if any(k in ctx.unknown for k in keys) or not (last_valid is None or is_number(last_valid)):
            continue
        made, repealed, valid = (
            sum(ctx.num(k) for k in link.plus),
            sum(ctx.num(k) for k in link.minus),
            ctx.num(link.key),
        )
        expected = tidy((last_valid or 0) + made - repealed)  # type: ignore[operator]
        if not close(valid, expected):
            ctx.add(
                link.code,
                valid_f.key,
                f"表二“{made_f.row_label}”现行有效件数为 {show(valid)}，但上年现行有效 {show(last_valid or 0)} "
                f"+ 本年制发 {show(made)} − 本年废止 {show(repealed)} = {show(expected)}。"
                "如有清理、修订或机构调整请在文字中说明，否则请核对。",
                expected=expected,
                actual=valid,
            )
    return True


#: Years accepted as a report year (one range for the whole project); anything else is reported as invalid.
YEAR_RANGE = VALID_YEARS


def int_year(year: object) -> int | None:
    """The report year as an int (``2024``, ``"2024"``, ``"2024年度"``), or None when not a plausible year."""
    value: int | None = None
    if isinstance(year, int) and not isinstance(year, bool):
        value = year
    elif isinstance(year, str):
        text = year.strip().removesuffix("年度").removesuffix("年").strip()
        if text.isascii() and text.isdigit() and len(text) == 4:
            value = int(text)
    if value is None or not YEAR_RANGE[0] <= value <= YEAR_RANGE[1]:
        return None
    return value
