"""Text from a user's file made harmless to show: control characters become visible escapes.

A terminal obeys an ANSI escape (``ESC[2K`` erases the line, ``\\r`` goes back
to its start): a number cell holding one, stored by Excel as ``_x001B_``,
could erase an error line and print a forged "✓ 通过". Every finding message
and every line we print about a file passes through ``visible``, so such a
character shows as ``\\x1b`` — in a message, a console table, JSON and the
annotated workbook alike.
"""

from __future__ import annotations

import re

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: C0 and C1 controls, DEL, bidi overrides and isolates, non-characters, lone surrogates.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]")


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control, bidi-override and non-character shown as an escape (``\\x1b``)."""
    return _INVISIBLE.sub(_escape, text) if isinstance(text, str) else text
