"""Findings: every problem in a user's file, with a code, a cell and a Chinese message.

A finding is never built by hand: its code must be an entry of the catalogue
(``compiler/catalog.py``), and the entry builds it, so the severity comes from
the catalogue and is never typed at a raise site::

    from compiler.catalog import CATALOG, make_finding

    CATALOG["SHEET_MISSING"].at("找不到工作表“表三”……", sheet="表三")
    make_finding("NOT_A_NUMBER", "……", sheet="表三", cell="D6", key="t3_r01_c1", actual="十二")

A code that is not catalogued raises ``KeyError`` at once (our bug, caught by
the tests), never a finding with an invented severity.
"""

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


#: Where a code can arise: the layer that raises it.
#: ``check`` the checker, ``read`` returned workbooks, ``import`` published reports,
#: ``batch`` across the files of a folder (and per-file failures of its workers).
RAISED_BY: dict[str, str] = {
    "check": "核查时",
    "read": "读取填报表时",
    "import": "读取已发布报告时",
    "batch": "批量处理时",
}


@dataclass(frozen=True)
class CatalogEntry:
    """One finding code: its fixed severity, what it means and where it can arise."""

    code: str
    severity: Severity
    #: Short Chinese description, as listed in the README.
    title: str
    #: The layer that raises it (a key of ``RAISED_BY``).
    raised_by: str = "check"
    #: Only meaningful for our fill-in template; ``check_report(published=True)`` skips it.
    template_only: bool = False
    #: Needs last year's report (``--previous``).
    needs_previous: bool = False

    def at(
        self,
        message: str,
        *,
        sheet: str | None = None,
        cell: str | None = None,
        key: str | None = None,
        expected: Any = None,
        actual: Any = None,
    ) -> Finding:
        """This entry's finding at a place, with the Chinese ``message`` telling the clerk what to change."""
        return Finding(self.code, self.severity, message, sheet, cell, key, expected, actual)


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
