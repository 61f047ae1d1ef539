"""Text rules: basic information, dates, the template stamp, narrative parts, and
numbers quoted in the narrative that contradict the tables.

The narrative patterns run on every narrative part after known ``{占位符}``
are substituted (so ``收到申请{新收申请总数}件`` is consistent by
construction) and after NFKC normalisation (full-width digits and
punctuation). Numbers may be Arabic (``12``, ``1,234``) or Chinese
(``十二``, ``一百零五``, ``两``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from ..placeholders import find_unknown, substitute
from ..schema import ROLE_DISCLOSED, ROLE_FEE_STATEMENT, ROLE_LAWSUITS, ROLE_NEW, ROLE_REVIEWS
from .context import Context, role_total, show, tidy
from .rules import int_year

# ---------------------------------------------------------------------- numbers
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN = "零〇一二两三四五六七八九十百千"
NUM = rf"(?<![\d.{_CN}])(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+|[{_CN}]+)"


def parse_cn_number(text: str) -> int | None:
    """``12``, ``1,234``, ``十二``, ``一百零五``, ``两千`` → int; anything else → None."""
    text = text.replace(",", "")
    if text.isdigit():
        return int(text)
    total = digit = 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[ch]
            digit = 0
        else:
            return None
    return total + digit


# ---------------------------------------------------------------------- patterns
_GAP = r"[^。;,\n]"
_UNIT = r"\s*(?:件|个|份|起|宗|例)"
#: Words that make a quoted number refer to something else (last year, a breakdown, the other table).
_SKIP_BEFORE = re.compile(r"上年|去年|上一年|同比|较")


@dataclass(frozen=True)
class Quote:
    """A narrative pattern “… N 件” compared with a table figure."""

    code: str
    patterns: tuple[re.Pattern[str], ...]
    #: The quote is ignored when its gap holds one of these (it is about something else).
    skip_gap: tuple[str, ...]
    #: Chinese description of the quote for messages.
    what: str


_QUOTES = (
    Quote(
        "NARR_APPLICATIONS",
        (
            re.compile(rf"(?:收到|新收|接收|收悉)(?P<gap>{_GAP}{{0,24}}?)申请{_GAP}{{0,8}}?{NUM}{_UNIT}"),
            re.compile(rf"(?:收到|新收|接收|收悉)(?P<gap>{_GAP}{{0,10}}?){NUM}{_UNIT}{_GAP}{{0,12}}?申请"),
        ),
        ("复议", "诉讼", "上年", "结转", "自然人", "法人", "企业", "其中"),
        "收到（新收）申请",
    ),
    Quote(
        "NARR_DISCLOSED",
        (re.compile(rf"予以公开(?P<gap>{_GAP}{{0,6}}?){NUM}{_UNIT}"),),
        ("自然人", "法人", "企业", "部分"),
        "予以公开",
    ),
    Quote(
        "NARR_REVIEWS",
        (re.compile(rf"行政复议(?P<gap>{_GAP}{{0,10}}?){NUM}{_UNIT}"),),
        ("诉讼", "维持", "纠正", "其他", "尚未", "审结", "撤销", "驳回", "其中", "决定"),
        "行政复议",
    ),
    Quote(
        "NARR_LAWSUITS",
        (re.compile(rf"行政诉讼(?P<gap>{_GAP}{{0,10}}?){NUM}{_UNIT}"),),
        ("复议", "维持", "纠正", "其他", "尚未", "审结", "撤销", "驳回", "其中", "判决"),
        "行政诉讼",
    ),
)
_NO_APPLICATIONS = (
    re.compile(rf"(?:未|没有|尚未|并未)(?:收到|接到|受理)(?P<gap>{_GAP}{{0,24}}?)申请"),
    re.compile(rf"无(?P<gap>{_GAP}{{0,4}}?)(?:公开申请|依申请公开)"),
)
_NO_FEE = (
    re.compile(rf"(?:未|没有|不|无|免)(?:收取|收|征收|产生|涉及)(?:任何)?(?P<gap>{_GAP}{{0,8}}?)(?:信息处理费|费用)"),
    re.compile(r"无(?P<gap>)信息处理费"),
    re.compile(rf"信息处理费(?P<gap>{_GAP}{{0,8}}?)(?:未|没有|不)(?:收取|产生|征收)"),
    re.compile(rf"信息处理费(?P<gap>{_GAP}{{0,6}}?)(?:为|共|合计|计)?\s*(?<![\d.])0(?:\.0+)?\s*万?元"),
)
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
    low, high = dt.date(year, 12, 31), dt.date(year + 1, 1, 31)
    if not (low < value <= high):
        ctx.add(
            "DATE_OUT_OF_RANGE",
            key,
            f"{label}为 {value.isoformat()}，{year} 年度报告应在 {year} 年 12 月 31 日之后、"
            f"{year + 1} 年 1 月 31 日之前（含）成文和公开。请核对日期或报告年度。",
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
def check_quotes(ctx: Context, texts: dict[str, str]) -> None:
    """Numbers quoted in the narrative against the table figures they name."""
    totals = ctx.schema.role_totals
    targets: dict[str, tuple[tuple[str, ...], str]] = {
        "NARR_APPLICATIONS": (totals(ROLE_NEW), "表三“一、本年新收政府信息公开申请数量”的总计"),
        "NARR_DISCLOSED": (totals(ROLE_DISCLOSED), "表三“（一）予以公开”的总计"),
        "NARR_REVIEWS": (totals(ROLE_REVIEWS), "表四“行政复议”的总计"),
        "NARR_LAWSUITS": (totals(ROLE_LAWSUITS), "表四“行政诉讼”两组（未经复议直接起诉、复议后起诉）总计之和"),
    }
    for quote in _QUOTES:
        keys, label = targets[quote.code]
        if not keys or any(k in ctx.unknown for k in keys):  # no keys: a format without the figure
            continue
        table_value = tidy(sum(ctx.num(k) for k in keys))
        seen: set[tuple[str, int]] = set()
        for key, snippet, number in _matches(quote, texts):
            if number == table_value or (key, number) in seen:
                continue
            seen.add((key, number))
            ctx.add(
                quote.code,
                key,
                f"文字内容“{_title(ctx, key)}”中写“{snippet}”（{quote.what} {number} 件），"
                f"而{label}为 {show(table_value)}。请核实后统一文字和表格。",
                expected=table_value,
                actual=number,
            )
    _check_no_applications(ctx, texts)
    _check_fee_statement(ctx, texts)


def _matches(quote: Quote, texts: dict[str, str]) -> Iterator[tuple[str, str, int]]:
    for key, text in texts.items():
        for pattern in quote.patterns:
            for m in pattern.finditer(text):
                gap = m.group("gap") or ""
                if any(word in gap for word in quote.skip_gap):
                    continue
                if _SKIP_BEFORE.search(text[max(0, m.start() - 8) : m.start()]):
                    continue
                number = parse_cn_number(m.group("num"))
                if number is not None:
                    yield key, m.group(0), number


def _check_no_applications(ctx: Context, texts: dict[str, str]) -> None:
    new = role_total(ctx.lay, ROLE_NEW)
    if new is None or new in ctx.unknown or ctx.num(new) <= 0:
        return
    for key, text in texts.items():
        for pattern in _NO_APPLICATIONS:
            for m in pattern.finditer(text):
                if any(w in m.group("gap") for w in ("复议", "诉讼")):
                    continue
                ctx.add(
                    "NARR_NO_APPLICATIONS",
                    key,
                    f"文字内容“{_title(ctx, key)}”中写“{m.group(0)}”，而表三本年新收申请总计为 {show(ctx.num(new))} 件。"
                    "请核实后统一文字和表格。",
                    expected=0,
                    actual=ctx.num(new),
                )
                return


def _check_fee_statement(ctx: Context, texts: dict[str, str]) -> None:
    """NARR_FEE_CHARGED and FEE_NOT_MENTIONED (section 六 must speak of 信息处理费)."""
    s6 = ctx.schema.role_total(ROLE_FEE_STATEMENT)
    if s6 and s6 in texts and _FEE_WORD not in texts[s6]:
        ctx.add(
            "FEE_NOT_MENTIONED",
            s6,
            f"文字内容“{_title(ctx, s6)}”没有说明信息处理费的收取情况，国家格式要求在此报告。"
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
                    f"文字内容“{_title(ctx, key)}”中写“{m.group(0)}”，而表三“{fig.row_label[:40]}”总计为 "
                    f"{show(ctx.num(unpaid))} 件，说明本年发出过收费通知。请核实，并在第六部分写明收费通知和"
                    "信息处理费的实际情况。",
                    actual=ctx.num(unpaid),
                )
                return


def _title(ctx: Context, key: str) -> str:
    try:
        return ctx.report.title_of(key)
    except KeyError:
        return key
