"""Narrative sentences → statements: what is counted, the number, its unit, and whether it is this year's figure.

Reports quote their own tables in the narrative ("全年共收到政府信息公开申请154件，共办结148件，
结转至2026年6件"), but the same sentences also carry numbers that are *not* a table figure: time
limits ("20个工作日内予以答复"), other years ("2023年收到申请1100件"), comparisons ("较上年增加38件"),
breakdowns by channel or by sub-unit ("通过网上申请平台收到申请800件"), approximations ("2000余件").

One small extractor instead of a regex per phrase: the text is cut into sentences and clauses; a
*keyword* names what is counted (a concept); the first number after it in the same clause, with a
count unit, is bound to that concept — unless the clause speaks of another year, compares, breaks
down by channel or unit, or the number is approximate. Only bound statements are compared with the
tables, so a sentence we do not understand is never a false alarm.

Concepts are plain names (``new``, ``received``, ``done``…); ``compiler.check.narrative`` maps them
to table cells of the schema.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

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
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
_CN = "零〇一二两三四五六七八九十百千"


def parse_cn_number(text: str) -> int | None:
    """``12``, ``1,234``, ``十二``, ``一百零五``, ``两千`` → int; anything else → None."""
    text = text.replace(",", "").replace(" ", "")
    if text.isascii() and text.isdigit():
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


_NUMBER = re.compile(rf"(?<![0-9.{_CN}])([0-9]{{1,3}}(?:,[0-9]{{3}})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|[{_CN}]+)")
#: What follows a number: a unit. Time units after “个” (个工作日, 个月) make it a time, not a count.
_UNIT = re.compile(r"\s*(件次|件|个|份|起|宗|例|项|部|万元|元)(?!工作日|自然日|月|小时|星期|季度|百分点|批)")
#: Words just before a number that make it approximate or a bound, not a figure.
_APPROX_BEFORE = re.compile(r"(?:约|近|超过|逾|不足|不到|多达|以内|各)\s*$")
#: Words just after the unit that make it approximate.
_APPROX_AFTER = re.compile(r"^\s*(?:以上|以下|左右|上下|之多|次)")
_YEAR = re.compile(r"((?:19|20)[0-9]{2})\s*年")

# ---------------------------------------------------------------------- scope words
#: The clause speaks of another time than this report year (after the carry-over words are removed).
_OTHER_TIME = re.compile(
    r"上年|上一年|去年|前年|往年|同期|历年|以来|近[两三四五几十]年|上半年|下半年|季度|(?<![0-9一二三四五六七八九十])[0-9一二三四五六七八九十]{1,3}月"
)
#: A comparison between the keyword and the number.
_COMPARE = re.compile(r"较|相比|比上|同比|环比|增加|减少|增长|下降|上升|提高|降低|持平|翻番|多出|少了")
#: Channels: a breakdown by how applications arrived, not the total.
CHANNEL = re.compile(r"网上|网络|在线|线上|线下|信函|邮寄|邮件|邮箱|当面|现场|传真|电话|平台|窗口|来信|来访|政务服务网")
#: Sub-units: a breakdown by part of the organisation, not the report's own total.
_SUBUNIT = re.compile(
    r"本级|代表|政府办|各部门|县直|市直|区直|省直|乡镇|街道|各单位|下属|所属|直属|各地|各区|各县|部门共"
)
#: What an application concept is not about: other casework counted in 件.
_FOREIGN = re.compile(r"复议|诉讼|案件|提案|建议|议案|热线|留言|咨询|来电|12345")
#: Between 行政复议/行政诉讼 and the number: a sub-result, not the group total.
_CASE_PARTS = re.compile(r"维持|纠正|撤销|驳回|确认|尚未|未审结|审结|结果|决定|判决|裁定|败诉|胜诉|其中|被告")
#: Carry-over keywords contain 上年/下年 and a year; they are removed before the time test.
_CARRY_WORDS = re.compile(
    r"上(?:一)?年度?结转|结转上(?:一)?年度?|往年结转|(?:结|转入|转至|转到|转)(?:转)?(?:至|到)?下(?:一)?年度?|"
    r"结转(?:至|到)\s*(?:19|20)[0-9]{2}\s*年度?"
)


@dataclass(frozen=True)
class Concept:
    """What a keyword says is counted, and which clauses it may be read from."""

    name: str
    keyword: re.Pattern[str]
    #: Units that fit it (件 for applications; 万元/元 for the fee amount).
    units: frozenset[str]
    #: An application concept: channel breakdowns and other casework are not it.
    application: bool = True
    #: Bound only when the clause or an earlier clause of the sentence speaks of received applications.
    needs_received: bool = False
    #: Words between the keyword and the number that make the number a part of it, not the whole.
    gap_skip: re.Pattern[str] | None = None


_COUNT = frozenset({"件", "个", "份", "起", "宗", "例", "件次"})
_DOCS = frozenset({"件", "个", "份", "部"})
_DECISIONS = frozenset({"件", "个", "项", "起", "宗", "例", "件次"})

#: In priority order: a longer, more specific keyword wins where two overlap.
CONCEPTS: tuple[Concept, ...] = (
    Concept("disclosed_partial", re.compile(r"予以公开(?:及|和|与|、|或)部分公开(?:答复)?"), _COUNT),
    Concept("carried_in", re.compile(r"上(?:一)?年度?结转|结转上(?:一)?年度?|往年结转"), _COUNT),
    Concept(
        "carried_out",
        re.compile(
            r"(?:结|转入|转至|转到|转)(?:转)?(?:至|到)?下(?:一)?年度?(?:继续)?(?:办理)?(?:答复)?|"
            r"结转(?:至|到)\s*(?:19|20)[0-9]{2}\s*年度?(?:继续)?(?:办理)?"
        ),
        _COUNT,
    ),
    Concept("carried_out", re.compile(r"(?:尚在|正在|仍在)办理"), _COUNT, needs_received=True),
    Concept("disclosed", re.compile(r"(?:予以|同意|全部)公开(?:答复)?"), _COUNT),
    Concept("partial", re.compile(r"部分公开(?:答复)?"), _COUNT),
    Concept("refused", re.compile(r"不予公开(?:答复)?"), _COUNT),
    Concept("unavailable", re.compile(r"无法提供"), _COUNT),
    Concept("not_processed", re.compile(r"不予处理"), _COUNT),
    Concept("other_processing", re.compile(r"其他处理"), _COUNT),
    Concept("received", re.compile(r"申请(?:数量|总数|总量)"), _COUNT),
    Concept("received", re.compile(r"收到|受理|接收|收悉|接到"), _COUNT),
    Concept("new", re.compile(r"新收(?:到)?(?:[^，。；0-9]{0,20}?申请(?:数量|总数|总量)?)?"), _COUNT),
    Concept(
        "done", re.compile(r"办结|答复|办理完毕|办理完成|(?:共|已|累计|全年|依法)办理"), _COUNT, needs_received=True
    ),
    Concept("natural", re.compile(r"自然人"), _COUNT, needs_received=True),
    Concept("legal", re.compile(r"法人(?:或|和|及|与|、)其他组织"), _COUNT, needs_received=True),
    Concept("commercial", re.compile(r"商业企业"), _COUNT, needs_received=True),
    Concept("research", re.compile(r"科研机构"), _COUNT, needs_received=True),
    Concept("public_interest", re.compile(r"社会公益组织"), _COUNT, needs_received=True),
    Concept("legal_service", re.compile(r"法律服务机构"), _COUNT, needs_received=True),
    Concept(
        "reviews_lawsuits",
        re.compile(r"行政复议(?:和|及|与|、)行政诉讼"),
        _COUNT,
        application=False,
        gap_skip=_CASE_PARTS,
    ),
    Concept("reviews", re.compile(r"行政复议"), _COUNT, application=False, gap_skip=_CASE_PARTS),
    Concept("lawsuits", re.compile(r"行政诉讼"), _COUNT, application=False, gap_skip=_CASE_PARTS),
    Concept("permits", re.compile(r"行政许可"), _DECISIONS, application=False),
    Concept("penalties", re.compile(r"行政处罚"), _DECISIONS, application=False),
    Concept("coercion", re.compile(r"行政强制"), _DECISIONS, application=False),
    Concept("fee", re.compile(r"行政事业性收费"), frozenset({"万元", "元"}), application=False),
    Concept("made", re.compile(r"制发|印发|出台|制定"), _DOCS, application=False),
    Concept("repealed", re.compile(r"废止|废除"), _DOCS, application=False),
    Concept("valid", re.compile(r"现行有效"), _DOCS, application=False),
)
#: Table-2 document rows: the type is carried from clause to clause within a sentence.
_DOC_TYPE = re.compile(r"(?<!部门)规章(?!制度)|规范性文件")
_DOC_CONCEPTS = frozenset({"made", "repealed", "valid"})
#: Table-2 decisions are counted as decisions, not as items published about them.
_DECISION_CONCEPTS = frozenset({"permits", "penalties", "coercion"})
_DECISION_WORDS = re.compile(r"决定|作出|办理|办结|实施|处理|审批|办件")
_PUBLISHING_WORDS = re.compile(r"公开|公示|信息|发布|双公示|网上|清理|梳理|汇编|集中|备案|审查|修订|评估")
#: Received-application concepts: the applicant columns are bound only after one of them.
_RECEIVED = frozenset({"new", "received"})
#: Totals: after “其中” a number is a part of something, not the report's total.
_TOTALS = frozenset({"received", "done", "made", "repealed", "valid", "permits", "penalties", "coercion", "fee"})
#: Reviews and lawsuits count in 表四 only when about disclosure, or when the agency is the respondent.
_RESPONDENT = re.compile(r"被申请|被提起|被诉|涉及|引起|引发|因政府信息公开")
#: Between 办结/办理 and the number when the clause does not name applications: nothing but “共”, “已”…
_DONE_GAP = re.compile(r"^[\s共已全部均了计累总各类为达]*$")
#: Between 行政许可/处罚/强制 and the number without a decision word: nothing but “共”, “决定”… (“行政许可2629件”).
_DECISION_GAP = re.compile(r"^[\s共计为有达决定数量]*$")
#: Between a document type and its number: only “共计”, “为”, “的”… (“规范性文件管理办法1项” is not a count).
_DOC_GAP = re.compile(r"^[\s共计为有的数量总合达]*$")
_CASES = frozenset({"reviews", "lawsuits", "reviews_lawsuits"})
_GENERAL_CASES = re.compile(r"案件|执法|法治|应诉|办理")
#: After “其中” the general “received” wording is a sub-category, not the total.
_SUB_MARK = re.compile(r"其中|包括|包含|含")


@dataclass(frozen=True)
class Statement:
    """A number the narrative says is a table figure of this report year."""

    concept: str
    number: float
    unit: str
    #: The clause as written, for the message.
    clause: str
    #: “新收/收到 N 件（含上年结转…）”: the number includes the carried-over applications.
    with_carried_in: bool = False


#: A line break inside a sentence (text extracted from a PDF): not a paragraph end.
_SOFT_BREAK = re.compile(r"(?<![。；;！？!?：:\n])\n(?!\n)")
_SENTENCE = re.compile(r"[^。；;！？!?\n]+")
_CLAUSE = re.compile(r"[^，,：:（）()]+")


#: Only the first this many characters of a narrative part are read (a real part has a few thousand):
#: the time per report stays bounded whatever is pasted in.
MAX_CHARS = 50_000


def extract(text: str, year: int | None) -> list[Statement]:
    """Statements bound to this report year's figures, in text order (the first ``MAX_CHARS`` characters)."""
    found: list[Statement] = []
    text = _SOFT_BREAK.sub("", text[:MAX_CHARS])
    about_applications = False  # the text has spoken of applications (申请) before
    for sentence in _SENTENCE.finditer(text):
        found.extend(_sentence(sentence.group(0), year, about_applications))
        about_applications = about_applications or "申请" in sentence.group(0)
    return found


def _sentence(sentence: str, year: int | None, about_applications: bool) -> list[Statement]:
    found: list[Statement] = []
    current_year = year
    doc_type: str | None = None
    received_seen = about_applications
    sub = False
    clauses = list(_CLAUSE.finditer(sentence))
    for i, m in enumerate(clauses):
        clause = m.group(0)
        after = sentence[m.end() : m.end() + 12]
        plain = _CARRY_WORDS.sub("", clause)
        years = [int(y) for y in _YEAR.findall(plain)]
        if years:
            current_year = years[-1]
        docs = _DOC_TYPE.findall(clause)
        if docs:
            doc_type = "规章" if docs[-1] == "规章" else "规范性文件"
        if _SUB_MARK.search(clause):
            sub = True
        other_time = (year is not None and current_year != year) or bool(_OTHER_TIME.search(plain))
        for concept, number, unit, start, gap in _bindings(clause):
            if concept.name == "received" and "申请" not in clause[start:]:
                continue  # 收到 something else (来信, 文件)
            if concept.name in _RECEIVED:
                received_seen = True
            if other_time and not (concept.name == "valid" and "截至" in clause):
                continue
            if _COMPARE.search(gap) or (concept.gap_skip is not None and concept.gap_skip.search(gap)):
                continue
            if (
                concept.name in _CASES
                and "公开" not in sentence
                and (_GENERAL_CASES.search(clause) or not _RESPONDENT.search(clause))
            ):
                continue  # reviews and lawsuits in general (法治政府 work), not those about disclosure (表四)
            if concept.application and (CHANNEL.search(clause) or _SUBUNIT.search(clause) or _FOREIGN.search(clause)):
                continue
            if concept.name in _TOTALS and sub:
                continue
            if concept.needs_received and not (received_seen or "申请" in clause):
                continue
            if concept.name == "done" and "申请" not in clause and not _DONE_GAP.match(gap):
                continue  # 办理政务服务事项12000件: something else was done
            name = concept.name
            if name in _DOC_CONCEPTS:
                if doc_type is None or _PUBLISHING_WORDS.search(clause) or not _doc_counted(clause, start):
                    continue
                name = f"{name}_{'rules' if doc_type == '规章' else 'normative'}"
            elif name in _DECISION_CONCEPTS and (
                _PUBLISHING_WORDS.search(clause) or not (_DECISION_WORDS.search(clause) or _DECISION_GAP.match(gap))
            ):
                continue
            with_carried = concept.name in _RECEIVED and _includes_carried_in(sentence, clauses, i, after)
            found.append(Statement(name, number, unit, clause.strip(), with_carried))
    return found


def _doc_counted(clause: str, keyword_start: int) -> bool:
    """The number after a document type counts documents (no type in the clause: carried from before)."""
    types = list(_DOC_TYPE.finditer(clause))
    if not types:
        return True
    number = _NUMBER.search(clause, max(t.end() for t in types))
    return number is not None and any(_DOC_GAP.match(clause[t.end() : number.start()]) for t in types)


def _includes_carried_in(sentence: str, clauses: list[re.Match[str]], i: int, after: str) -> bool:
    """“共收到申请1298件（含上年结转60件）” or “…1298件，其中上年结转60件”: the total includes 二."""
    rest = "".join(c.group(0) for c in clauses[i + 1 : i + 3])
    return bool(re.match(r"\s*[（(]?\s*(?:含|包括|包含|其中)", after)) and "结转" in rest and "下" not in rest


def _bindings(clause: str) -> Iterator[tuple[Concept, float, str, int, str]]:
    """(concept, number, unit, keyword start, gap) for each keyword and the first counted number after it."""
    if not _ANY_NUMBER.search(clause):
        return  # most clauses: nothing to bind
    keywords = _keywords(clause)
    for n, (start, end, concept) in enumerate(keywords):
        limit = keywords[n + 1][0] if n + 1 < len(keywords) else len(clause)
        for num in _NUMBER.finditer(clause, end, limit if limit > end else len(clause)):
            unit_m = _UNIT.match(clause, num.end())
            if _YEAR.match(clause, num.start()):
                continue
            if not unit_m:
                if not num.group(1).isascii():
                    continue  # 一 in 统一, 二 in 二是: a Chinese numeral counts only with a unit
                break  # a number that is not a count (a percentage, a date): nothing bound to this keyword
            unit = unit_m.group(1)
            if unit not in concept.units or _APPROX_BEFORE.search(clause[end : num.start()]):
                break
            if _APPROX_AFTER.match(clause[unit_m.end() :]):
                break
            if _ANY_KEYWORD.match(clause, unit_m.end()):
                break  # “21件上年结转申请”: the number belongs to the words after it
            value = parse_cn_number(num.group(1)) if "." not in num.group(1) else float(num.group(1).replace(",", ""))
            if value is None:
                break
            yield concept, float(value), unit, start, clause[end : num.start()]
            break


#: Every keyword in one pass: leftmost first, and at one position the concept listed first wins.
_ANY_KEYWORD = re.compile("|".join(f"(?P<c{i}>{c.keyword.pattern})" for i, c in enumerate(CONCEPTS)))
_ANY_NUMBER = re.compile(rf"[0-9{_CN}]")


def _keywords(clause: str) -> list[tuple[int, int, Concept]]:
    """Non-overlapping keyword matches in clause order (one regex pass: linear in the clause)."""
    return [(m.start(), m.end(), CONCEPTS[int(m.lastgroup[1:])]) for m in _ANY_KEYWORD.finditer(clause) if m.lastgroup]
