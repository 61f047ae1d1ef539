"""Text normalisation for published reports: one form for labels, numbers and encodings.

Published pages mix full- and half-width punctuation, quote glyphs, stray
spaces inside labels and units inside number cells (spec §9). Labels are
compared in a normalised form (``norm``) and, failing that, in a looser form
(``loose``) that also ignores numbering, bracketed notes and the 情况/情形 and
内容/内部 slips. Numbers are read only when the whole cell is a number.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

_WS = re.compile(r"\s+")
_QUOTES = re.compile("[\"'“”‘’「」『』〝〞〃＂＇`´]")
_ITEM_DOT = re.compile(r"^(\d+)[、.,](?=\D)")
#: Numbering in front of a label: 一、 (一) 1. (1) ①.
ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+\.|\(\d+\)|[①-⑳])")
#: Level-1 numbering of a section heading.
LEVEL1 = re.compile(r"^([一二三四五六七八九十]+)[、.]")
#: Level-2 numbering of a sub-section heading.
LEVEL2 = re.compile(r"^\(([一二三四五六七八九十]+)\)")
_PAREN = re.compile(r"\([^()]*\)")
_TRAILING_PUNCT = re.compile(r"[。:;,.]+$")

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def nfkc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=8192)
def norm(text: str) -> str:
    """Label form: NFKC, no whitespace, no quote marks, ``1、`` written ``1.``."""
    text = _QUOTES.sub("", _WS.sub("", nfkc(text)))
    return _ITEM_DOT.sub(r"\1.", text)


@dataclass(frozen=True)
class Mapped:
    """A normal form of ``source`` that remembers which source characters each of its characters came from.

    Labels are matched in the normal form, but what the importer keeps (an
    agency, an address, a phone number) is cut from ``source`` through
    ``original``: quote marks, inner spaces and full-width forms survive.
    """

    source: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original(self, start: int, end: int) -> str:
        """The source text behind ``text[start:end]``, surrounding whitespace stripped.

        Quote marks dropped by ``norm`` right at either edge are kept when they
        pair with one inside (``“两山”转化办``), not when they only wrapped the whole.
        """
        if start >= end:
            return ""
        lo, hi = self.starts[start], self.ends[end - 1]
        left = self.ends[start - 1] if start > 0 else 0
        right = self.starts[end] if end < len(self.text) else len(self.source)
        while lo > left and is_quote(self.source[lo - 1]):
            lo -= 1
        while hi < right and is_quote(self.source[hi]):
            hi += 1
        return _trim_unpaired(self.source[lo:hi].strip())


_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "〝": "〞"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}


def is_quote(ch: str) -> bool:
    """A character ``norm`` drops as a quote mark."""
    return _QUOTES.fullmatch(nfkc(ch)) is not None


def _trim_unpaired(text: str) -> str:
    """Drop quote marks at the edges that have no partner inside the text."""
    while text and is_quote(text[0]):
        ch = text[0]
        partner = _PAIRS.get(ch, ch if ch not in _CLOSERS else None)
        if partner is not None and partner in text[1:]:
            break
        text = text[1:].lstrip()
    while text and is_quote(text[-1]):
        ch = text[-1]
        partner = _CLOSERS.get(ch, ch if ch not in _PAIRS else None)
        if partner is not None and partner in text[:-1]:
            break
        text = text[:-1].rstrip()
    return text


def _mapped(text: str, *, drop: bool) -> Mapped:
    """NFKC per character (with its combining marks); ``drop``: also drop whitespace and quotes as ``norm`` does."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        for ch in nfkc(text[i:j]):
            if drop and (_WS.match(ch) or _QUOTES.match(ch)):
                continue
            chars.append(ch)
            starts.append(i)
            ends.append(j)
        i = j
    out = "".join(chars)
    if drop:
        out = _ITEM_DOT.sub(r"\1.", out)  # same length: the mapping still holds
    return Mapped(text, out, tuple(starts), tuple(ends))


def norm_map(text: str) -> Mapped:
    """``norm(text)`` with the way back to ``text``."""
    return _mapped(text, drop=True)


def nfkc_map(text: str) -> Mapped:
    """``nfkc(text)`` with the way back to ``text``."""
    return _mapped(text, drop=False)


def loose(normed: str) -> str:
    """A looser label form of a ``norm`` result: no numbering, no bracketed notes, common slips unified."""
    text = normed.replace("情形", "情况").replace("内容", "内部")
    text = ENUMERATOR.sub("", text)
    prev = None
    while prev != text:
        prev, text = text, _PAREN.sub("", text)
    return _TRAILING_PUNCT.sub("", text)


def cn_number(text: str) -> int | None:
    """``二十三`` → 23, ``二〇二三`` → 2023 (digit by digit); ``None`` if not a Chinese numeral."""
    if not text or any(ch not in CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        value = 0
        for ch in text:
            value = value * 10 + CN_DIGITS[ch]
        return value
    tens, _, ones = text.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        return None
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)


# --------------------------------------------------------------------------- cells
CellKind = Literal["number", "blank", "na", "text"]

#: Marks meaning "not applicable" (spec: ``/``); dashes are read the same way.
_NA = frozenset({"/", "\\", "-", "--", "—", "——", "–", "―", "一一", "×", "x", "X"})
_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
#: Units that may follow a number in a cell; 元 is converted for amount cells.
_UNITS = ("万元", "元", "件", "个", "项", "条", "次")
#: Short words that stand where a number belongs: read as "unreadable", never as 0.
VALUE_WORDS = frozenset({"无", "空", "零", "暂无", "没有", "不详", "未知", "NA", "N/A", "na", "n/a", "null", "None"})


@dataclass(frozen=True)
class Cell:
    """What a cell's text is: a number (with the unit it carried), blank, not applicable or text."""

    kind: CellKind
    value: int | float | None = None
    unit: str = ""


@lru_cache(maxsize=8192)
def read_cell(text: str) -> Cell:
    """Classify a cell's text; a number only when the whole cell is one number (units allowed)."""
    t = _WS.sub("", nfkc(text))
    if not t:
        return Cell("blank")
    if t in _NA:
        return Cell("na")
    unit = ""
    for u in _UNITS:
        if t.endswith(u) and len(t) > len(u):
            unit, t = u, t[: -len(u)]
            break
    if t.startswith("(") and t.endswith(")") and _NUMBER.match(t[1:-1]):
        t = t[1:-1]
    m = _NUMBER.match(t)
    if not m:
        return Cell("text")
    sign, whole, frac = m.groups()
    digits = whole.replace(",", "")
    if frac and set(frac[1:]) != {"0"}:
        value: int | float = float(sign + digits + frac)
    else:
        value = int(sign + digits)
    return Cell("number", value, unit)


def looks_like_value(text: str) -> bool:
    """Text that stands where a number belongs (``3件2``, ``无``), not a label."""
    t = _WS.sub("", nfkc(text))
    if t in VALUE_WORDS:
        return True
    return len(t) <= 12 and any(ch.isdigit() for ch in t) and not ENUMERATOR.match(t)


# --------------------------------------------------------------------------- encodings
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def codec_name(label: str) -> str | None:
    """A Python codec for a declared charset; GB2312/GBK are read as their superset GB18030."""
    label = label.strip().lower()
    if label in {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "hz-gb-2312", "gb18030"}:
        return "gb18030"
    if label in {"big5", "big5-hkscs", "x-x-big5"}:
        return "big5hkscs"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_html_encoding(raw: bytes) -> str | None:
    """The charset a page declares (``<meta charset>`` or http-equiv) in its first 8 KB."""
    head = raw[:8192]
    for pattern in (_META_CHARSET, _XML_ENCODING):
        m = pattern.search(head)
        if m:
            name = codec_name(m.group(1).decode("ascii", "replace"))
            if name:
                return name
    return None


def decode_bytes(raw: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode text: BOM, then the declared charset, then UTF-8, then GB18030. Returns (text, codec)."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if raw.startswith(bom):
            return raw[len(bom) :].decode(name, errors="replace"), name
    if declared and declared != "utf-8" and not raw.isascii():
        try:  # a page saved as UTF-8 that still declares GBK: valid UTF-8 is never an accident
            return raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    candidates = [c for c in (declared, "utf-8", "gb18030") if c]
    for name in dict.fromkeys(candidates):
        try:
            return raw.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    name = declared or "utf-8"
    return raw.decode(name, errors="replace"), name


#: Page-number lines: ``-2-``, ``— 2 —``, ``- 2 -``, ``第 2 页``, ``第2页 共5页``, ``2/5``.
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－―‐_·•]*(?:第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d{1,3})[\s\-—–－―‐_·•]*$"
)
_PAGE_DASHES = re.compile(r"[\-—–－―‐]")


def is_page_number(text: str) -> bool:
    """A line that is only a page number; a bare number counts only with dashes or 第/页 around it."""
    s = text.strip()
    if not _PAGE_NUMBER.match(s):
        return False
    return bool(_PAGE_DASHES.search(s)) or "页" in s or "/" in s
