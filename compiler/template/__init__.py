"""The fill-in template: writer (xlsxwriter), roster distribution, ``nianbao template``.

This package module stays light (no xlsxwriter import) so the reader can
import the stamp constants cheaply; ``write_template`` loads the writer lazily.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Report

#: Fields of the template stamp, in the order of the hidden sheet's rows (column A: field, B: value).
STAMP_FIELDS = ("format", "template_version", "agency", "year")
#: Custom document property holding a stamp field: ``nianbao_format``, ``nianbao_template_version``, …
STAMP_PROPERTY_PREFIX = "nianbao_"
#: File name of the committed blank template under ``templates/``.
BLANK_TEMPLATE_NAME = "nianbao-gov-2021-v1.xlsx"


def stamp_property(field: str) -> str:
    """Name of the custom document property that holds stamp ``field``."""
    return STAMP_PROPERTY_PREFIX + field


def write_template(path: str | Path, report: Report | None = None, *, lock_info: bool = False) -> Path:
    """Write the standard template (see ``compiler.template.writer.write_template``)."""
    from .writer import write_template as _write

    return _write(path, report, lock_info=lock_info)


__all__ = ["BLANK_TEMPLATE_NAME", "STAMP_FIELDS", "STAMP_PROPERTY_PREFIX", "stamp_property", "write_template"]
