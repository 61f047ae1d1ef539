"""Text rules: basic information, dates, the template stamp, narrative parts, and
numbers quoted in the narrative that contradict the tables.

Numbers quoted in the narrative are read by ``compiler.check.extract`` (what is
counted, the number, its unit, and whether it is this year's figure) and
compared with the table cells that concept names (``narrative_targets``). The
text is first given its known ``{占位符}`` (so ``收到申请{新收申请总数}件`` is
consistent by construction) and NFKC-normalised (full-width digits and
punctuation). Numbers may be Arabic (``12``, ``1,234``) or Chinese (``十二``,
``一百零五``, ``两``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from ..imports.sections import parse_date_text
from ..placeholders import find_unknown, substitute
from ..schema import (
    ROLE_CARRIED_IN,
    ROLE_CARRIED_OUT,
    ROLE_DOCUMENTS,
    ROLE_FEE_STATEMENT,
    ROLE_LAWSUITS,
    ROLE_NEW,
    ROLE_RESULT_TOTAL,
    ROLE_RESULTS,
    ROLE_REVIEWS,
    Schema,
)
from .agency import REPORTER_LABEL, classify, deadline, reporter_kind
from .context import (
    Context,
    Layout,
    close,
    layout,
    part_title,
    role_total,
    short_label,
    show,
    single_figures,
    tidy,
)
from .extract import CHANNEL, extract
from .rules import int_year

# ---------------------------------------------------------------------- patterns
_GAP = r"[^。;,\n]"
_NO_APPLICATIONS = (
    re.compile(rf"(?:未|没有|尚未|并未)(?:收到|接到|受理)(?P<gap>{_GAP}{{0,24}}?)申请"),
    re.compile(rf"无(?P<gap>{_GAP}{{0,4}}?)(?:公开申请|依申请公开)"),
)
#: The text says no fee notice was sent (or fees do not arise at all). “未收取信息处理费” is *not* one:
#: notices sent and never paid (表三（六）2) end with no fee collected, which is consistent.
_NO_FEE = (
    re.compile(
        rf"(?:未|没有|无|不曾)(?:向申请人)?(?:发出|出具|下发|开具|发送|送达)?过?(?:任何)?(?P<gap>{_GAP}{{0,4}}?)收费通知"
    ),
    re.compile(rf"(?:不|未|没有)(?:涉及|存在)(?P<gap>{_GAP}{{0,4}}?)(?:信息处理费|收费)"),
)
_NOT_ALL_APPLICATIONS = re.compile(r"复议|诉讼|涉及|关于|有关|类|方面|" + CHANNEL.pattern)
_FEE_WORD = "处理费"
_SECTION_NUMERALS = dict(enumerate("〇一二三四五六七八九"))


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


def prepared_texts(ctx: Context) -> dict[str, str]:
    """Narrative key → text with known placeholders substituted, NFKC-normalised."""
    texts: dict[str, str] = {}
    for part in ctx.schema.narrative:
        raw = ctx.report.narrative.get(part.key) if isinstance(ctx.report.narrative, dict) else None
        if not isinstance(raw, str) or not raw.strip():
            continue
        if "{" in raw or "｛" in raw:
            with contextlib.suppress(KeyError, IndexError, TypeError, ValueError):  # malformed table: as written
                raw = substitute(raw, ctx.report)
        texts[part.key] = _norm(raw)
    return texts


# ---------------------------------------------------------------------- info
def check_info(ctx: Context) -> None:
    """INFO_MISSING for required text/year fields; date presence, validity and range."""
    report = ctx.report
    year = int_year(report.year)
    for f in ctx.schema.info:
        try:
            value = report.info(f.key)
        except (KeyError, AttributeError):
            value = None
        empty = value is None or (isinstance(value, str) and not value.strip())
        if f.kind == "date":
            _check_date(ctx, f.key, f.label, value, empty, f.required, year)
        elif f.kind == "year":
            if empty and f.required:
                ctx.add("INFO_MISSING", f.key, f"{f.label}未填写。请填写四位数字的年度，如 2025。")
            elif not empty and year is None:
                ctx.add(
                    "INFO_MISSING",
                    f.key,
                    f"{f.label}{show(value)}不是有效的年度。请填写四位数字的年度，如 2025。",
                    actual=str(value),
                )
        elif empty and f.required:
            ctx.add("INFO_MISSING", f.key, f"{f.label}未填写，请填写（{f.hint or f.label}）。")


def _check_date(ctx: Context, key: str, label: str, value: object, empty: bool, required: bool, year: int | None):
    if empty:
        if required:
            ctx.add("DATE_MISSING", key, f"{label}未填写。请填写报告的成文日期，如 {_example(year)}。")
        return
    if isinstance(value, str):  # 2026年1月20日, 二〇二六年一月二十日: the forms a 成文日期 is written in
        parsed = parse_date_text(value)
        value = parsed if isinstance(parsed, dt.date) else value
    if not isinstance(value, dt.date):
        ctx.add(
            "DATE_INVALID",
            key,
            f"{label}{show(value)}不是有效日期。请按“年-月-日”填写，如 {_example(year)}。",
            actual=str(value),
        )
        return
    if year is None:
        return
    decided = reporter_kind(ctx.reporter)
    reporter = decided or classify(ctx.report.agency).reporter
    low, high = dt.date(year, 12, 31), deadline(year, reporter)
    if not (low < value <= high):
        how = "" if decided else "（按单位名称判断；判断有误时，核查人员可用 --reporter 指定）"
        ctx.add(
            "DATE_OUT_OF_RANGE",
            key,
            f"{label}为 {value.isoformat()}。{REPORTER_LABEL[reporter]}的 {year} 年度报告应在 {year} 年 12 月 31 日之后、"
            f"{high.year} 年 {high.month} 月 {high.day} 日之前（含）成文和公开（条例第四十九条）{how}。"
            "请核对日期或报告年度。",
            expected=f"{low.isoformat()} 之后至 {high.isoformat()}",
            actual=value.isoformat(),
        )


def _example(year: int | None) -> str:
    return f"{year + 1}-01-20" if year else "2026-01-20"


# ---------------------------------------------------------------------- stamp
def check_stamp(ctx: Context) -> None:
    """YEAR_/AGENCY_STAMP_MISMATCH: the sheet's year or agency differs from what the template was issued for."""
    stamp = getattr(ctx.report.origin, "stamp", None) or {}
    stamp_year = int_year(str(stamp.get("year") or ""))
    year = int_year(ctx.report.year)
    if stamp_year is not None and year is not None and year != stamp_year:
        ctx.add(
            "YEAR_STAMP_MISMATCH",
            "info_year",
            f"报告年度填的是 {year}，而这份模板是为 {stamp_year} 年度下发的。请确认年度是否填错，或是否用错了模板。",
            expected=stamp_year,
            actual=year,
        )
    stamp_agency = str(stamp.get("agency") or "").strip()
    agency = (ctx.report.agency or "").strip() if isinstance(ctx.report.agency, str) else ""
    if stamp_agency and agency and agency != stamp_agency:
        ctx.add(
            "AGENCY_STAMP_MISMATCH",
            "info_agency",
            f"单位名称填的是“{agency}”，而这份模板是下发给“{stamp_agency}”的。请确认单位名称，或是否用错了模板。",
            expected=stamp_agency,
            actual=agency,
        )


# ---------------------------------------------------------------------- narrative parts
def check_parts(ctx: Context) -> None:
    """Required parts filled; template hints and unknown placeholders gone (template only)."""
    narrative = ctx.report.narrative if isinstance(ctx.report.narrative, dict) else {}

    def filled(key: str) -> bool:
        text = narrative.get(key)
        return isinstance(text, str) and bool(text.strip())

    written_sections = {p.section for p in ctx.schema.narrative if filled(p.key)}
    for part in ctx.schema.narrative:
        text = narrative.get(part.key)
        text = text if isinstance(text, str) else ""
        title = part.title
        if not text.strip():
            if part.required and ctx.published and part.section in written_sections:
                # A published report that wrote the section under other sub-headings.
                ctx.add(
                    "NARRATIVE_PART_MISSING",
                    part.key,
                    f"报告第{_SECTION_NUMERALS[part.section]}部分没有格式规定的“{title}”一段。"
                    "按国家格式，这一部分应分别报告各项内容，请补充。",
                )
            elif part.required:
                ctx.add(
                    "NARRATIVE_EMPTY",
                    part.key,
                    f"文字内容“{title}”未填写，这是年度报告必需的部分。请填写；没有相关情况的，也请写明。",
                )
            continue
        if ctx.published:
            continue
        if part.hint in text or text.strip().startswith("【请填写"):
            ctx.add(
                "NARRATIVE_PLACEHOLDER",
                part.key,
                f"文字内容“{title}”仍是模板的提示文字（{part.hint}），请删去提示，改写为本单位的实际情况。",
            )
        unknown = find_unknown(text, ctx.schema) if ("{" in text or "｛" in text) else []
        for name in dict.fromkeys(unknown):
            ctx.add(
                "PLACEHOLDER_UNKNOWN",
                part.key,
                f"文字内容“{title}”中的占位符“{{{name}}}”不在可用的占位符清单中（见模板“填报说明”）。"
                "请改为清单中的名称，或直接写出数字。",
                actual=name,
            )


# ---------------------------------------------------------------------- narrative vs tables
@dataclass(frozen=True)
class Target:
    """The table cells a narrative concept names: any one alternative (a sum of cells) may match."""

    code: str
    #: What the narrative says is counted, for the message (“收到申请”).
    what: str
    alternatives: tuple[tuple[str, ...], ...]
    #: The first alternative in words, as printed (“表三“一、本年新收…”总计（J4）”).
    label: str
    #: An amount in 万元 (the narrative may say 元).
    amount: bool = False


@cache
def narrative_targets(schema: Schema) -> dict[str, Target]:
    """Concept → table cells, derived from the schema's roles, its result groups and its columns.

    A format without a figure simply has no target for it (nothing is compared).
    """
    lay = layout(schema)
    by_key = lay.by_key

    def row(role: str) -> tuple[str, ...]:
        rows = schema.role(role)
        return rows[0] if len(rows) == 1 else ()

    new, carried_in = row(ROLE_NEW), row(ROLE_CARRIED_IN)
    results = schema.role(ROLE_RESULTS)
    targets: dict[str, Target] = {}

    def label(keys: tuple[str, ...], what: str) -> str:
        fig = by_key[keys[0]]
        table = schema.table(fig.table).sheet
        return f"{table}{what}（{lay.cells[keys[0]].a1}{' 等' if len(keys) > 1 else ''}）"

    def total(code: str, concept: str, what: str, *alternatives: tuple[str, ...], named: str = "") -> None:
        alternatives = tuple(a for a in alternatives if a)
        if alternatives:
            first = alternatives[0]
            said = named or f"“{short_label(by_key[first[0]].row_label)}”的{short_label(by_key[first[0]].col_label)}"
            targets[concept] = Target(code, what, alternatives, label(first, said))

    if new and carried_in:
        total("NARR_APPLICATIONS", "new", "本年新收申请", new[-1:])
        total("NARR_APPLICATIONS", "received", "收到申请", new[-1:], (new[-1], carried_in[-1]))
        total("NARR_CARRY_OVER", "carried_in", "上年结转", carried_in[-1:])
        for concept, what, cols in (
            ("natural", "自然人申请", (0,)),
            ("legal", "法人或其他组织申请", tuple(range(1, len(new) - 1))),
            ("commercial", "商业企业申请", (1,)),
            ("research", "科研机构申请", (2,)),
            ("public_interest", "社会公益组织申请", (3,)),
            ("legal_service", "法律服务机构申请", (4,)),
        ):
            keys = tuple(new[c] for c in cols)
            named = f"“{short_label(by_key[new[0]].row_label)}”的法人或其他组织各列之和" if len(cols) > 1 else ""
            total("NARR_APPLICANTS", concept, what, keys, keys + tuple(carried_in[c] for c in cols), named=named)
    total("NARR_CARRY_OVER", "carried_out", "结转下年度", row(ROLE_CARRIED_OUT)[-1:])
    total("NARR_RESULTS", "done", "办结（答复）", row(ROLE_RESULT_TOTAL)[-1:])
    if len(results) >= 2:
        total("NARR_DISCLOSED", "disclosed", "予以公开", results[0][-1:])
        total(
            "NARR_DISCLOSED",
            "disclosed_partial",
            "予以公开及部分公开",
            (results[0][-1], results[1][-1]),
            named="“予以公开”与“部分公开”的总计",
        )
        total("NARR_RESULTS", "partial", "部分公开", results[1][-1:])
    for concept, group in (
        ("refused", "不予公开"),
        ("unavailable", "无法提供"),
        ("not_processed", "不予处理"),
        ("other_processing", "其他处理"),
    ):
        if group in lay.result_groups:
            total("NARR_RESULTS", concept, group, lay.result_groups[group], named=f"“{group}”各项的总计")
    reviews, lawsuits = schema.role_totals(ROLE_REVIEWS), schema.role_totals(ROLE_LAWSUITS)
    total("NARR_REVIEWS", "reviews", "行政复议", reviews, named="“行政复议”的总计")
    total("NARR_LAWSUITS", "lawsuits", "行政诉讼", lawsuits, named="“行政诉讼”各组总计之和")
    total("NARR_REVIEWS", "reviews_lawsuits", "行政复议和行政诉讼", reviews + lawsuits, named="各组总计之和")
    for made, repealed, valid in schema.role(ROLE_DOCUMENTS):
        kind = "rules" if "规章" in by_key[made].row_label else "normative"
        for concept, key in (("made", made), ("repealed", repealed), ("valid", valid)):
            fig = by_key[key]
            targets[f"{concept}_{kind}"] = Target(
                "NARR_TABLE2", f"{fig.row_label}{short_label(fig.col_label)}", ((key,),), _t2_label(lay, key)
            )
    for fig in single_figures(schema, lay):  # decisions and the fee amount, by their printed label
        decision = next((c for word, c in _DECISION_ROWS if word in fig.row_label), None)
        if decision:
            targets[decision] = Target(
                "NARR_TABLE2", fig.row_label, ((fig.key,),), _t2_label(lay, fig.key), amount=fig.kind == "amount"
            )
    return targets


#: Table-2 rows quoted in the narrative, by the words of their printed label.
_DECISION_ROWS = (("行政许可", "permits"), ("行政处罚", "penalties"), ("行政强制", "coercion"), ("收费", "fee"))


def _t2_label(lay: Layout, key: str) -> str:
    fig = lay.by_key[key]
    return f"表二“{short_label(fig.row_label)}·{short_label(fig.col_label)}”（{lay.cells[key].a1}）"


def check_quotes(ctx: Context, texts: dict[str, str]) -> None:
    """Numbers the narrative says are this year's table figures, against those figures."""
    targets = narrative_targets(ctx.schema)
    year = int_year(ctx.report.year)
    seen: set[tuple[str, str, float]] = set()
    for key, text in texts.items():
        for st in extract(text, year):
            target = targets.get(st.concept)
            if target is None or (key, st.concept, st.number) in seen:
                continue
            seen.add((key, st.concept, st.number))
            options = target.alternatives[-1:] if st.with_carried_in else target.alternatives
            alternatives = [alt for alt in options if not any(k in ctx.unknown for k in alt)]
            if len(alternatives) < len(options):
                continue
            values = [tidy(sum(ctx.num(k) for k in alt)) for alt in alternatives]
            said = st.number / 10_000 if target.amount and st.unit == "元" else st.number
            if any(close(said, v) for v in values):
                continue
            if target.amount and st.unit == "元" and close(st.number, values[0]):
                continue  # the amount typed in 元: FEE_IN_YUAN says so
            table_value = values[-1] if st.with_carried_in else values[0]
            unit = st.unit if not target.amount else "万元" if st.unit == "万元" else "元"
            ctx.add(
                target.code,
                key,
                f"文字内容“{part_title(ctx, key)}”中写“{st.clause[:60]}”（{target.what} {show(tidy(st.number))} {unit}），"
                f"而{target.label}为 {show(table_value)}{'（万元）' if target.amount else ''}。"
                "请核实后统一文字和表格：改正文字中的数字，或改正表格。",
                expected=table_value,
                actual=tidy(said),
            )
    _check_no_applications(ctx, texts)
    _check_fee_statement(ctx, texts)


def _check_no_applications(ctx: Context, texts: dict[str, str]) -> None:
    new = role_total(ctx.lay, ROLE_NEW)
    if new is None or new in ctx.unknown or ctx.num(new) <= 0:
        return
    for key, text in texts.items():
        for pattern in _NO_APPLICATIONS:
            for m in pattern.finditer(text):
                if _NOT_ALL_APPLICATIONS.search(m.group("gap")):
                    continue  # 未收到行政复议申请, 未收到信函申请, 未收到涉及…的申请: not “no application at all”
                ctx.add(
                    "NARR_NO_APPLICATIONS",
                    key,
                    f"文字内容“{part_title(ctx, key)}”中写“{m.group(0)}”，而表三本年新收申请总计为 {show(ctx.num(new))} 件。"
                    "请核实后统一文字和表格。",
                    expected=0,
                    actual=ctx.num(new),
                )
                return


def _check_fee_statement(ctx: Context, texts: dict[str, str]) -> None:
    """NARR_FEE_CHARGED and FEE_NOT_MENTIONED (section 六 speaks of 信息处理费; said elsewhere is enough)."""
    s6 = ctx.schema.role_total(ROLE_FEE_STATEMENT)
    if s6 and s6 in texts and not any(_FEE_WORD in text for text in texts.values()):
        ctx.add(
            "FEE_NOT_MENTIONED",
            s6,
            f"文字内容“{part_title(ctx, s6)}”没有说明信息处理费的收取情况，国家格式要求在此报告。"
            "请补充，例如“本年度未收取信息处理费。”或写明收费通知件数和金额。",
        )
    unpaid = ctx.lay.unpaid_fee_total
    if not unpaid or unpaid in ctx.unknown or ctx.num(unpaid) <= 0:
        return
    for key, text in texts.items():
        for pattern in _NO_FEE:
            m = pattern.search(text)
            if m:
                fig = ctx.lay.by_key[unpaid]
                ctx.add(
                    "NARR_FEE_CHARGED",
                    key,
                    f"文字内容“{part_title(ctx, key)}”中写“{m.group(0)}”，而表三“{fig.row_label[:40]}”总计为 "
                    f"{show(ctx.num(unpaid))} 件，说明本年发出过收费通知。请核实，并在第六部分写明收费通知和"
                    "信息处理费的实际情况。",
                    actual=ctx.num(unpaid),
                )
                return
