"""The report format as data. ``get_schema()`` returns the current format."""

from __future__ import annotations

from functools import cache

from .types import Figure, GridCell, InfoField, NarrativePart, Placeholder, Rule, Schema, Section, Table

DEFAULT_FORMAT = "gov-2021"


@cache
def get_schema(format_id: str = DEFAULT_FORMAT) -> Schema:
    """The schema of a format id; a format revision adds a module and a branch here."""
    if format_id == "gov-2021":
        from . import gov2021

        return gov2021.build()
    raise KeyError(f"unknown report format: {format_id}")


__all__ = [
    "DEFAULT_FORMAT",
    "Figure",
    "GridCell",
    "InfoField",
    "NarrativePart",
    "Placeholder",
    "Rule",
    "Schema",
    "Section",
    "Table",
    "get_schema",
]
