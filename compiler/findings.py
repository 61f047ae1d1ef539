"""Findings: every problem in a user's file, with a code, a cell and a Chinese message."""

from __future__ import annotations

import math
from dataclasses import dataclass
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


def sort_key(f: Finding) -> tuple[int, str, str]:
    return (SEVERITY_ORDER[f.severity], f.sheet or "", f.cell or "")
