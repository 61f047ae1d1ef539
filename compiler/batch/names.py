"""Agency matching keys and output file names for a batch."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from ..schema import get_schema
from ..util.files import safe_filename

if TYPE_CHECKING:
    from .tasks import PreviousEntry

_SPACE = re.compile(r"\s+")
_NUMBERED = re.compile(r"（\d+）$")


def agency_key(name: object) -> str:
    """The key two spellings of one agency share: NFKC, no whitespace, case-folded."""
    if not isinstance(name, str):
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", name)).casefold()


def duplicate_key(agency: object, year: object) -> tuple[str, str] | None:
    """Files sharing this key are two reports of one agency for one year (``None``: no agency name)."""
    key = agency_key(agency)
    if not key:
        return None
    return key, str(year) if isinstance(year, int) and not isinstance(year, bool) else f"?{year!r}"


def output_stem(agency: object, year: object, fallback: str) -> str:
    """``<单位><年度>年政府信息公开工作年度报告`` made safe; the input's own name when either is missing."""
    agency_text = agency.strip() if isinstance(agency, str) else ""
    year_ok = isinstance(year, int) and not isinstance(year, bool)
    if agency_text and year_ok:
        stem = safe_filename(get_schema().title.format(agency=agency_text, year=year))
    else:  # the input's own name may hold undecodable bytes (lone surrogates)
        stem = safe_filename(fallback.encode("utf-8", "replace").decode("utf-8"))
    # '#' would split an Excel hyperlink into file and location, '%' start an escape: full-width signs.
    stem = stem.replace("#", "＃").replace("%", "％")
    # Only ``numbered`` names end in "（n）", so inputs wanting different names never collide.
    if _NUMBERED.search(stem):
        stem += "_"
    return stem


def numbered(stem: str, index: int) -> str:
    """The ``index``-th (0-based) claimant of a name: ``stem``, ``stem（2）``, ``stem（3）`` …"""
    return stem if index == 0 else f"{stem}（{index + 1}）"


def stem_key(stem: str) -> str:
    """Names that collide on a case-insensitive file system (Windows, macOS) share this key."""
    return unicodedata.normalize("NFC", stem).casefold()


def assign_names(claims: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Deterministic final stems for (input rel path, wanted stem) pairs.

    Inputs wanting the same name (case-insensitively) are numbered in the
    order of their relative paths, whatever order they finished in. Wanted
    stems never end in "（n）" (see ``output_stem``), so groups cannot collide.
    """
    groups: dict[str, list[tuple[str, str]]] = {}
    for rel, stem in claims:
        groups.setdefault(stem_key(stem), []).append((rel, stem))
    names: dict[str, str] = {}
    for members in groups.values():
        for i, (rel, stem) in enumerate(sorted(members)):
            names[rel] = numbered(stem, i)
    return names


def choose_previous(index: Mapping[str, list[PreviousEntry]], agency: object, year: object) -> PreviousEntry | None:
    """Last year's entry for an agency: the latest year before ``year`` (the year before when present).

    ``index`` maps ``agency_key`` → that agency's entries. With no valid
    ``year``, the latest dated entry (or the first) is taken.
    """
    candidates = index.get(agency_key(agency)) or []
    dated = [c for c in candidates if isinstance(c.year, int)]
    if isinstance(year, int) and not isinstance(year, bool):
        earlier = sorted((c for c in dated if c.year is not None and c.year < year), key=lambda c: c.year or 0)
        return earlier[-1] if earlier else None
    if dated:
        return max(dated, key=lambda c: c.year or 0)
    return candidates[0] if candidates else None
