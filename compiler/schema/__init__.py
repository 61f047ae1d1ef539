"""The report format as data. ``get_schema()`` returns the current format.

Formats are found, not listed: every module of this package that defines
``FORMAT_ID`` and ``build() -> Schema`` is a format. A second report format is
therefore one more file here (plus its data), and nothing outside ``schema/``.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from .types import (
    ROLE_CARRIED_IN,
    ROLE_CARRIED_OUT,
    ROLE_DISCLOSED,
    ROLE_DOCUMENTS,
    ROLE_FEE_STATEMENT,
    ROLE_LAWSUITS,
    ROLE_NEW,
    ROLE_RESULT_TOTAL,
    ROLE_RESULTS,
    ROLE_REVIEWS,
    ROLE_UNPAID_FEE,
    VALID_YEARS,
    Figure,
    GridCell,
    InfoField,
    NarrativePart,
    Placeholder,
    Rule,
    Schema,
    Section,
    Table,
    YearLink,
)

DEFAULT_FORMAT = "gov-2021"


@cache
def format_modules() -> dict[str, str]:
    """Format id → the module of this package that builds it."""
    found: dict[str, str] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        format_id = getattr(module, "FORMAT_ID", None)
        if isinstance(format_id, str) and callable(getattr(module, "build", None)):
            found[format_id] = module.__name__
    return found


@cache
def get_schema(format_id: str = DEFAULT_FORMAT) -> Schema:
    """The schema of a format id (``KeyError`` for a format this version does not know)."""
    module = format_modules().get(format_id)
    if module is None:
        raise KeyError(f"unknown report format: {format_id}")
    schema: Schema = importlib.import_module(module).build()
    return schema


def all_schemas() -> tuple[Schema, ...]:
    """Every known format, the default first."""
    return tuple(get_schema(f) for f in sorted(format_modules(), key=lambda f: f != DEFAULT_FORMAT))


__all__ = [
    "DEFAULT_FORMAT",
    "ROLE_CARRIED_IN",
    "ROLE_CARRIED_OUT",
    "ROLE_DISCLOSED",
    "ROLE_DOCUMENTS",
    "ROLE_FEE_STATEMENT",
    "ROLE_LAWSUITS",
    "ROLE_NEW",
    "ROLE_RESULTS",
    "ROLE_RESULT_TOTAL",
    "ROLE_REVIEWS",
    "ROLE_UNPAID_FEE",
    "VALID_YEARS",
    "Figure",
    "GridCell",
    "InfoField",
    "NarrativePart",
    "Placeholder",
    "Rule",
    "Schema",
    "Section",
    "Table",
    "YearLink",
    "all_schemas",
    "format_modules",
    "get_schema",
]
