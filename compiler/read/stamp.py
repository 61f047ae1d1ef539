"""The template stamp: which format and template version a returned workbook was issued as.

Read from the hidden stamp sheet, else the custom document properties (both
written by ``compiler.template``); a version other than ours is a finding.
"""

from __future__ import annotations

from ..catalog import CATALOG
from ..findings import Finding
from ..schema.workbook import SHEET_STAMP, STAMP_FIELDS, TEMPLATE_VERSION, stamp_property
from .adapter import Book
from .values import info_text

#: The stamp sheet's rows and columns read: field name, value.
STAMP_ROWS, STAMP_COLS = 50, 2


def read_stamp(book: Book) -> dict[str, str]:
    """The template stamp from the hidden sheet and the custom document properties."""
    stamp: dict[str, str] = {}
    by_name = {stamp_property(f): f for f in STAMP_FIELDS} | {f: f for f in STAMP_FIELDS}
    if SHEET_STAMP in book.titles:
        cells = book.cells(SHEET_STAMP, STAMP_ROWS, STAMP_COLS)
        for row in range(1, STAMP_ROWS + 1):
            label, value = (cells.get((row, c)) for c in (1, 2))
            field = by_name.get(str(_shown(label)).strip()) if _shown(label) is not None else None
            if field and _shown(value) is not None:
                stamp[field] = info_text(_shown(value)) or ""
    for prop, value in book.properties.items():
        field = by_name.get(prop)
        if field and field not in stamp and value is not None:
            stamp[field] = info_text(value) or ""
    return stamp


def _shown(cell: object) -> object:
    """A stamp cell as text or value (a formula as its text): the stamp is never computed."""
    if cell is None:
        return None
    value, formula = cell.value, cell.formula  # type: ignore[attr-defined]
    return formula if formula is not None else value


def version_findings(stamp: dict[str, str]) -> list[Finding]:
    """A template version other than ours: older, newer or unrecognised."""
    version = stamp.get("template_version")
    if not version or version == TEMPLATE_VERSION:
        return []
    found, ours = _version_tuple(version), _version_tuple(TEMPLATE_VERSION)
    if found is None or ours is None:
        return [
            CATALOG["TEMPLATE_VERSION_UNKNOWN"].at(
                f"无法识别填报模板的版本（{clip(version)}），已按当前模板（第 {TEMPLATE_VERSION} 版）读取，请核对数据。",
                actual=version,
                expected=TEMPLATE_VERSION,
            )
        ]
    if found < ours:
        return [
            CATALOG["TEMPLATE_VERSION_OLD"].at(
                f"这是旧版填报模板（第 {version} 版，当前为第 {TEMPLATE_VERSION} 版）。已尽量读取，"
                "请核对数据；下次请使用最新模板。",
                actual=version,
                expected=TEMPLATE_VERSION,
            )
        ]
    return [
        CATALOG["TEMPLATE_VERSION_NEW"].at(
            f"填报模板的版本（{version}）比本程序支持的版本（{TEMPLATE_VERSION}）新，已尽量读取；请升级 nianbao。",
            actual=version,
            expected=TEMPLATE_VERSION,
        )
    ]


def _version_tuple(v: str) -> tuple[int, ...] | None:
    parts = v.strip().split(".")
    if len(v) > 20 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


def clip(text: str, limit: int = 60) -> str:
    """Text shortened for a message (an agency name may be 100,000 characters)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
