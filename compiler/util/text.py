"""User-supplied text made safe to show (a terminal, a log line, an error message)."""

from __future__ import annotations

import unicodedata
from typing import Any

_DISPLAY_DROP = {"Cc", "Cf", "Zl", "Zp"}


def display_text(value: Any, limit: int = 100) -> str:
    """Agency text made safe for a terminal: no control, format or bidi characters; cut."""
    text = ("" if value is None else str(value)).encode("utf-8", "replace").decode("utf-8")
    text = "".join("�" if unicodedata.category(ch) in _DISPLAY_DROP else ch for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
