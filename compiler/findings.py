"""Findings: every problem in a user's file, with a code, a cell and a Chinese message."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

Severity = Literal["error", "warning", "notice"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "notice": 2}
SEVERITY_LABEL: dict[str, str] = {"error": "错误", "warning": "警告", "notice": "提示"}


@dataclass
class Finding:
    code: str
    severity: Severity
    message: str
    sheet: str | None = None
    cell: str | None = None
    key: str | None = None
    expected: Any = None
    actual: Any = None

    @property
    def ref(self) -> str | None:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet

    @property
    def difference(self) -> int | float | None:
        if isinstance(self.expected, int | float) and isinstance(self.actual, int | float):
            return tidy(self.actual - self.expected)
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": self.cell,
            "ref": self.ref,
            "key": self.key,
            "expected": self.expected,
            "actual": self.actual,
            "difference": self.difference,
            "message": self.message,
        }


def tidy(x: int | float) -> int | float:
    """Round float noise away (0.1 + 0.2 − 0.3) and show whole floats as ints."""
    if isinstance(x, float) and math.isfinite(x):
        x = round(x, 6)
        if x.is_integer() and abs(x) < 2**53:
            return int(x)
    return x


_A1 = re.compile(r"([A-Z]{1,3})(\d+)")


@cache
def _default_sheet_order() -> dict[str, int]:
    """Sheets in template order: instructions, info, narrative, then the tables."""
    from .schema import get_schema
    from .schema.workbook import SHEET_INFO, SHEET_INSTRUCTIONS, SHEET_NARRATIVE

    sheets = [SHEET_INSTRUCTIONS, SHEET_INFO, SHEET_NARRATIVE, *(t.sheet for t in get_schema().tables)]
    return {name: i for i, name in enumerate(sheets)}


def sort_key(f: Finding, sheet_order: dict[str, int] | None = None) -> tuple[int, int, int, int, str]:
    """Errors first, then the sheet in workbook order, then row and column (``D12`` after ``D5``)."""
    order = sheet_order if sheet_order is not None else _default_sheet_order()
    row = col = 0
    m = _A1.fullmatch(f.cell or "")
    if m:
        row = int(m.group(2))
        for ch in m.group(1):
            col = col * 26 + ord(ch) - 64
    return (SEVERITY_ORDER.get(f.severity, 3), order.get(f.sheet or "", len(order)), row, col, f.code)
