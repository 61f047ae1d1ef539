"""Section headings, narrative text and basic information of a published report.

Headings are recognised in their real variants (``schema.sections[i].aliases``,
spec §9), numbered ``一、`` or not; a sub-heading ``（一）…`` is never taken for
a section heading. Section 一 is split into its lead and sub-sections by the
keywords of the narrative part titles; agency, year and date come from the
title, the signature block or the page's ``成文日期`` line.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field

from ..schema import Schema
from .labels import LabelIndex
from .normalize import CN_DIGITS, LEVEL1, LEVEL2, cn_number, loose, nfkc, nfkc_map, norm, norm_map

_MAX_HEADING = 40
#: Longest agency name recognised in a title or signature (real names reach ~50 characters; a longer
#: "name" is a sentence, not a name).
MAX_AGENCY_CHARS = 80
#: Lines that end a web page's article: site footers and page tools.
_FOOTER = re.compile(
    r"^(?:【?打印本?页?】?|【?关闭窗口】?|【?关闭】?|扫一扫|分享到|相关链接|附件下载|上一篇|下一篇|主办单位|承办单位|"
    r"版权所有|网站标识码|网站地图|ICP|京ICP|政府网站标识码|技术支持|联系我们)"
)
_DATE_ISO = re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$")
_DATE_CN = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$")
_DATE_HANZI = re.compile(
    r"^([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日$"
)
#: ``<label>: 2023-01-28`` in a page's metadata block; the label is the schema's date field label (成文日期).
_DATE_VALUE = r"[:：]?(\d{4}[-./年]\d{1,2}[-./月]\d{1,2}日?)"
_PUBLISHER = re.compile(r"^发布机构[:：]([^:：]{2,40}?)(?:$|索引号|公开方式|成文日期|发布日期|组配分类|文号)")
_TITLE_YEAR_FIRST = re.compile(
    r"^(?P<a>.*?)(?P<y>(?:19|20)\d{2})年度?(?P<b>.*?)(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度)?(?:报告|年报)$"
)
#: What converters and crawlers put before a title: Markdown ``#``, ``标题:``.
_TITLE_DECORATION = re.compile(r"^\s*(?:#{1,6}\s*|(?:标题|题目|文章标题)\s*[:：]\s*)")
_TITLE_YEAR_MIDDLE = re.compile(r"^(?P<a>.*?)(?:政府信息公开|政务公开)工作(?P<y>(?:19|20)\d{2})年度?(?:报告|年报)$")
_PERIOD = re.compile(r"(?:统计期限|统计时限|统计期间|数据统计期)为?自?(\d{4})年1月1日")
_PHONE = re.compile(
    r"(?:联系电话|咨询电话|电话|Tel|TEL)[:：]?\s*((?:0\d{2,3}[-—－]?)?\d{7,8}(?:[-—－转]\d{1,5})?|1\d{10})"
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_ADDRESS = re.compile(r"(?:通讯地址|通信地址|联系地址|办公地址|地址)[:：]\s*([^，,。；;（()）\s]{4,60})")


@dataclass
class Heading:
    section: int
    para: int
    text: str


@dataclass
class Info:
    agency: str | None = None
    year: int | None = None
    date: dt.date | str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    signature_para: int | None = None


@dataclass
class Narrative:
    texts: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    #: (previous part key, sub-heading) of sub-sections merged into another part.
    merged: list[tuple[str, str]] = field(default_factory=list)


def section_of(text: str, index: LabelIndex) -> int | None:
    """The section number a heading line names (spec §9 variants), or ``None``."""
    n = norm(text)
    if not n or len(n) > _MAX_HEADING or LEVEL2.match(n) or n[0].isdigit() or "。" in n:
        return None
    m = LEVEL1.match(n)
    body = loose(n[m.end() :] if m else n)
    if not body:
        return None
    for number, bodies in index.headings.items():
        if body in bodies:
            return number
    if m:  # numbered: a known heading inside a slightly longer one (一、政府信息公开工作总体情况)
        for number, bodies in index.headings.items():
            if any(len(b) >= 4 and b in body and len(body) <= len(b) + 10 for b in bodies):
                return number
    return None


def parse_date_text(text: str) -> dt.date | str | None:
    """``2023-01-28``, ``2023年1月28日`` (日 may be cut off), ``二〇二三年一月二十八日``."""
    t = re.sub(r"\s+", "", nfkc(text))
    m = _DATE_ISO.match(t) or _DATE_CN.match(t)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _DATE_HANZI.match(t)
        if not m:
            return None
        y = int("".join(str(CN_DIGITS[ch]) for ch in m.group(1)))
        mo, d = cn_number(m.group(2)) or 0, cn_number(m.group(3)) or 0
    try:
        return dt.date(y, mo, d)
    except ValueError:  # 2月30日: kept as written, for the checker to name
        return text.strip()


def is_date_line(text: str) -> bool:
    return parse_date_text(text) is not None


def _title(opening: list[str]) -> tuple[str | None, int] | None:
    """(agency, year) of the title, which may be printed over two lines (the agency alone on the first)."""
    singles = [_title_parts(line) for line in opening]
    for parts in singles:
        if parts and parts[0]:
            return parts
    for first, second in itertools.pairwise(opening):
        head = _TITLE_DECORATION.sub("", first).strip()
        if not head or len(head) > MAX_AGENCY_CHARS or re.search(r"[:：。，,]", head):
            continue  # a metadata line or a sentence, not a name
        pair = _title_parts(head + _TITLE_DECORATION.sub("", second).strip())
        if pair and pair[0]:
            return pair
    return next((parts for parts in singles if parts), None)


def _title_parts(line: str) -> tuple[str | None, int] | None:
    """(agency, year) of a report title; the title is matched normalised, the agency is cut from ``line``."""
    line = _TITLE_DECORATION.sub("", line)
    n = norm(line)
    if not n or len(n) > 80 or "。" in n:
        return None
    for pattern in (_TITLE_YEAR_FIRST, _TITLE_YEAR_MIDDLE):
        m = pattern.match(n)
        if m:
            group = "a" if m.group("a") or "b" not in m.re.groupindex else "b"
            start, end = m.span(group)
            tail = re.search(r"(关于|的)$", n[start:end])
            end -= len(tail.group(0)) if tail else 0
            while start < end and n[start] in "《》":
                start += 1
            while end > start and n[end - 1] in "《》":
                end -= 1
            if end - start > MAX_AGENCY_CHARS or "," in n[start:end]:
                return None
            return (_as_written(line, n, start, end) or None), int(m.group("y"))
    return None


def find_info(
    paras: list[str],
    first_heading: int | None,
    signature: tuple[int, int] | None,
    page_title: str | None,
    date_label: str,
) -> Info:
    """Agency, year, date and contact: title first, then signature, then the page's metadata."""
    info = Info()
    date_field = re.compile(re.escape(norm(date_label)) + _DATE_VALUE)  # matched normalised, kept as written
    opening = paras[: first_heading if first_heading is not None else min(len(paras), 40)]
    parts = _title(opening)
    if parts:
        info.agency, info.year = parts
    if page_title and (info.agency is None or info.year is None):
        for piece in re.split(r"[_|–—-]", page_title):
            parts = _title_parts(piece)
            if parts:
                info.agency = info.agency or parts[0]
                info.year = info.year or parts[1]
                break
    if signature is not None:
        agency_para, date_para = signature
        if info.agency is None and agency_para >= 0:
            info.agency = paras[agency_para].strip()
        info.signature_para = agency_para if agency_para >= 0 else date_para
    if info.agency is None:
        for line in opening:
            n = norm(line)
            m = _PUBLISHER.match(n)
            if m:
                info.agency = _as_written(line, n, *m.span(1)) or None
                break
    for line in opening:
        n = norm(line)
        m = date_field.search(n)
        if m:
            info.date = parse_date_text(_as_written(line, n, *m.span(1)))
            break
    if info.date is None and signature is not None:
        info.date = parse_date_text(paras[signature[1]])
    if info.year is None:
        for line in paras:
            m = _PERIOD.search(norm(line))
            if m:
                info.year = int(m.group(1))
                break
    contact = "\n".join(nfkc(p) for p in opening)  # matched NFKC-folded, kept as written
    m = _PHONE.search(contact)
    info.phone = _contact_as_written(opening, contact, *m.span(1)) if m else None
    m = _EMAIL.search(contact)
    info.email = _contact_as_written(opening, contact, *m.span(0)) if m else None
    m = _ADDRESS.search(contact)
    info.address = _contact_as_written(opening, contact, *m.span(1)) if m else None
    return info


def _as_written(line: str, normed: str, start: int, end: int) -> str:
    """The text of ``line`` behind ``normed[start:end]`` (``normed = norm(line)``), as written.

    Mapped only for a line that matched: the per-character mapping costs more than ``norm``.
    """
    mapped = norm_map(line)
    if mapped.text[start:end] != normed[start:end]:  # a composed sequence NFKC treats differently per character
        return normed[start:end]
    return mapped.original(start, end)


def _contact_as_written(lines: list[str], joined: str, start: int, end: int) -> str:
    """The text behind ``joined[start:end]`` (``joined`` = the NFKC lines joined by newlines), as written."""
    value = joined[start:end]
    k = joined.count("\n", 0, start)
    offset = start - (joined.rfind("\n", 0, start) + 1)
    mapped = nfkc_map(lines[k])
    if mapped.text[offset : offset + len(value)] != value:
        offset = mapped.text.find(value)
        if offset < 0:
            return value
    return mapped.original(offset, offset + len(value))


def find_signature(paras: list[str], start: int) -> tuple[int, int] | None:
    """(agency paragraph or -1, date paragraph) of the signature block after ``start``."""
    for i in range(start, len(paras)):
        if is_date_line(paras[i]):
            j = i - 1
            while j > start and not paras[j].strip():
                j -= 1
            prev = paras[j].strip() if j > start else ""
            if (
                prev
                and len(norm(prev)) <= MAX_AGENCY_CHARS
                and not re.search(r"[。，,;；:：]", prev)
                and not is_date_line(prev)
            ):
                return j, i
            return -1, i
    return None


def section_end(paras: list[str], start: int, stop: int) -> int:
    """Where a section's text ends: at a page footer line, or at ``stop``."""
    for i in range(start, stop):
        if _FOOTER.match(norm(paras[i])):
            return i
    return stop


def _split_subheading(raw: str) -> tuple[str, str]:
    """``（一）主动公开政府信息情况。正文…`` → (title, text); a heading line alone → (title, "")."""
    m = re.match(r"^\s*[（(][一二三四五六七八九十]+[)）]", raw)
    head_end = m.end() if m else 0
    window = raw[head_end : head_end + 40]
    cut = re.search(r"[。:：]", window)
    if cut:
        j = head_end + cut.start()
        return raw[:j].strip(), raw[j + 1 :].strip()
    if len(raw) <= _MAX_HEADING:
        return raw.strip(), ""
    return "", raw.strip()


def split_narrative(schema: Schema, index: LabelIndex, sections: dict[int, list[str]]) -> Narrative:
    """Section texts into the narrative keys: 一 into lead + (一)…(五) by keyword; 五; 六."""
    out = Narrative()
    by_section: dict[int, list[str]] = {}
    for part in schema.narrative:
        by_section.setdefault(part.section, []).append(part.key)
    for number, keys in by_section.items():
        paras = [p.strip() for p in sections.get(number, []) if p.strip()]
        if len(keys) == 1:
            out.texts[keys[0]] = "\n".join(paras)
            continue
        _split_section_one(schema, index, keys, paras, out)
    return out


def _split_section_one(schema: Schema, index: LabelIndex, keys: list[str], paras: list[str], out: Narrative) -> None:
    lead_key = next((k for k in keys if k not in index.subsections), keys[0])
    parts: list[list] = []  # [title, keyword window, [texts]]
    lead: list[str] = []
    for p in paras:
        if LEVEL2.match(norm(p)):
            title, text = _split_subheading(p)
            parts.append([title, norm(title or p[:40]), [text] if text else [], p, bool(text)])
        elif parts:
            parts[-1][2].append(p)
        else:
            lead.append(p)
    if not parts:
        out.texts[lead_key] = "\n".join(paras)
        return
    texts: dict[str, list[str]] = {lead_key: list(lead)}
    titles = {p.key: p.title for p in schema.narrative}
    previous = lead_key
    for title, window, body, raw, inline in parts:
        key = next(
            (k for k, words in index.subsections.items() if k not in texts and any(w in window for w in words)),
            None,
        )
        if key is None:
            texts[previous].append(raw)
            texts[previous].extend(body[1:] if inline else body)
            out.merged.append((previous, title or raw[:20]))
            continue
        texts[key] = body
        if title and loose(norm(title)) != loose(norm(titles[key])):
            out.titles[key] = title
        previous = key
    for key, body in texts.items():
        out.texts[key] = "\n".join(body)
