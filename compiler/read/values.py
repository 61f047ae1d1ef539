"""Cell contents as report values: tolerant of how clerks type, never guessing.

A number typed as text (``"12"``, ``" 12 "``, full-width ``"１２"``,
``"1,234"``, ``"00012"``) is read as a number, and the reader says so at that
cell: the clerk's own spreadsheet leaves such text out of every SUM. Only ASCII
and full-width digits make a number: ``3²``, ``⑫``, ``𝟏𝟐``, ``٣`` (which
Unicode normalisation would turn into digits) stay text. Anything else that is
not a number (``—``, ``/``, ``无``, ``12件``, ``#REF!``, a date, ``TRUE``) stays
as the text the clerk sees, so the checker can name it; a blank is ``None``.
Nothing silently becomes 0, and nothing here raises on any cell content.

This module has no openpyxl import: it works on plain Python values.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from ..model import Value

#: Numbers at or beyond this magnitude are kept as text: no count or 万元 amount
#: is that large, beyond 2**53 a float no longer holds an exact integer, and a
#: sum of such numbers could overflow to ``inf`` (which JSON cannot carry).
MAX_MAGNITUDE = 1e15

#: Minus signs clerks type (ASCII, U+2212 minus, full-width hyphen-minus after NFKC).
_MINUS = str.maketrans({"\u2212": "-", "\ufe63": "-", "\uff0d": "-"})
_NUMBER = re.compile(r"[+-]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]*)?|[+-]?\.[0-9]+")
#: The only characters a number typed as text may hold: ASCII and full-width digits, signs,
#: separators and spaces. ``²``, ``⑫``, ``𝟏`` are digits to Unicode, not to a clerk's spreadsheet.
_NUMBER_CHARS = frozenset("0123456789０１２３４５６７８９+-.,＋－．，\u2212\ufe63 \u3000\u00a0\t")
#: Count units a clerk types after a number (``8件``): the checker reads the number, the cell stays text.
_COUNT_UNIT = re.compile(r"\s*(?:件|个|份|起|宗|例|项|次)\s*$")
_YEAR = re.compile(r"(\d{4})\s*(?:年度?)?")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATE8 = re.compile(r"(\d{4})(\d{2})(\d{2})")
#: Constant arithmetic a clerk may type as a formula: ``=3+4``, ``=10-2+1``, ``=1.5+2``.
_ARITH_TOKEN = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+|[+-])")
#: Excel serial numbers accepted as a date in the date cell: 1990-01-01 … 2100-12-31.
_SERIAL_RANGE = (32874, 73415)


def normalise_text(text: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII), unify minus signs, strip."""
    return unicodedata.normalize("NFKC", text).translate(_MINUS).strip()


def parse_number_text(text: str) -> int | float | None:
    """The number a text spells, or ``None`` when it is not plainly a number."""
    if len(text) > 64 or not set(text) <= _NUMBER_CHARS:
        return None
    t = normalise_text(text)
    if not t or not _NUMBER.fullmatch(t):
        return None
    try:
        number = Decimal(t.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return None
    if number == number.to_integral_value():
        result: int | float = int(number)
    else:
        result = float(number)
    return result if abs(result) < MAX_MAGNITUDE else None


def number_in_text(text: str) -> int | float | None:
    """The number a text cell plainly holds, for checking the sums around it (``"8件"`` → 8).

    The cell itself stays text and is reported; this only lets every other rule
    be checked with the number the clerk meant. An amount in ``元`` is not read
    (the table is in 万元: the number would be a guess).
    """
    return parse_number_text(_COUNT_UNIT.sub("", text))


def is_typed_as_text(raw: Any, value: Value) -> bool:
    """True when a cell's text was read as a number (the sheet's own SUMs leave it out)."""
    return isinstance(raw, str) and isinstance(value, int | float)


def tidy_number(x: int | float) -> Value:
    """Whole floats as ints; non-finite or absurdly large numbers as text."""
    if isinstance(x, float):
        if math.isnan(x):
            return "NaN"
        if math.isinf(x):
            return "Infinity" if x > 0 else "-Infinity"
        if abs(x) >= MAX_MAGNITUDE:
            return format(x, "g")
        if x.is_integer():
            return int(x)
        return x
    if abs(x) >= MAX_MAGNITUDE:
        return str(x)
    return int(x)


def as_text(raw: Any) -> str:
    """What the clerk sees in the cell, as text (booleans as Excel shows them)."""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, dt.datetime):
        if raw.time() == dt.time():
            return raw.date().isoformat()
        return raw.isoformat(sep=" ")
    if isinstance(raw, dt.date | dt.time):
        return raw.isoformat()
    if isinstance(raw, int | float):
        v = tidy_number(raw)
        return v if isinstance(v, str) else str(v)
    return str(raw)


def figure_value(raw: Any) -> Value:
    """A number cell's content (not a formula) as a report value."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return as_text(raw)
    if isinstance(raw, int | float):
        return tidy_number(raw)
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            return None
        number = parse_number_text(text)
        return text if number is None else number
    # dates, times, durations and anything else a cell may hold: keep what is shown
    return as_text(raw) or None


def constant_arithmetic(formula: str) -> int | float | None:
    """Value of a formula made only of numbers, ``+`` and ``-`` (``=3+4``); else ``None``.

    A tiny tokenizer, never ``eval``: anything else (cell references,
    functions, ``*``) is not evaluated.
    """
    text = formula.strip()
    if not text.startswith("=") or len(text) > 200:
        return None
    text = text[1:]
    pos, tokens = 0, []
    while pos < len(text):
        m = _ARITH_TOKEN.match(text, pos)
        if not m:
            if text[pos:].strip():
                return None
            break
        tokens.append(m.group(1))
        pos = m.end()
    total = Decimal(0)
    sign = 1
    expect_number = True
    for tok in tokens:
        if tok in "+-":
            if tok == "-":
                sign = -sign
            expect_number = True
            continue
        if not expect_number:
            return None
        total += sign * Decimal(tok)
        sign, expect_number = 1, False
    if expect_number:  # empty or ends with an operator
        return None
    result = tidy_number(float(total) if total != total.to_integral_value() else int(total))
    return None if isinstance(result, str) else result


def info_text(raw: Any) -> str | None:
    """A text field (agency, phone, e-mail, address): stripped; numbers without ``.0``."""
    if raw is None:
        return None
    text = as_text(raw).strip()
    return text or None


def year_value(raw: Any) -> int | str | None:
    """The report year as ``int`` when it is a four-digit year, else the raw text."""
    if raw is None:
        return None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        v = tidy_number(raw)
        if isinstance(v, int) and 1000 <= v <= 9999:
            return v
        return as_text(raw)
    text = as_text(raw).strip()
    if not text:
        return None
    m = _YEAR.fullmatch(normalise_text(text))
    return int(m.group(1)) if m else text


def date_value(raw: Any, *, epoch_1904: bool = False) -> dt.date | str | None:
    """The 成文日期: a date cell, an Excel serial, or a date typed as text; else the raw text."""
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        v = tidy_number(raw)
        if isinstance(v, int):
            if _SERIAL_RANGE[0] <= v <= _SERIAL_RANGE[1]:
                base = dt.date(1904, 1, 1) if epoch_1904 else dt.date(1899, 12, 30)
                return base + dt.timedelta(days=v)
            parsed = _date_from_text(str(v))
            if parsed:
                return parsed
        return as_text(raw)
    text = as_text(raw).strip()
    if not text:
        return None
    return _date_from_text(text) or text


def _date_from_text(text: str) -> dt.date | None:
    t = normalise_text(text)
    m = _DATE.fullmatch(t) or _DATE8.fullmatch(t)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    try:
        return dt.datetime.fromisoformat(t).date() if len(t) <= 40 else None
    except ValueError:
        return None


def narrative_text(raw: Any) -> str:
    """A narrative cell: text as typed, with ``\\r\\n`` and ``\\r`` as ``\\n`` (paragraph break)."""
    if raw is None:
        return ""
    text = raw if isinstance(raw, str) else as_text(raw)
    return text.replace("\r\n", "\n").replace("\r", "\n")
