"""The fill-in template: writer (xlsxwriter), roster distribution, ``nianbao template``.

This package module stays light (no xlsxwriter import) so the reader can
import the stamp constants cheaply (they live in ``compiler.schema.workbook``); ``write_template`` loads the writer lazily.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..schema.workbook import STAMP_FIELDS, STAMP_PROPERTY_PREFIX, stamp_property

if TYPE_CHECKING:
    from ..model import Report

#: File name of the committed blank template under ``templates/``.
BLANK_TEMPLATE_NAME = "nianbao-gov-2021-v1.xlsx"


def write_template(path: str | Path, report: Report | None = None, *, lock_info: bool = False) -> Path:
    """Write the standard template (see ``compiler.template.writer.write_template``)."""
    from .writer import write_template as _write

    return _write(path, report, lock_info=lock_info)


__all__ = ["BLANK_TEMPLATE_NAME", "STAMP_FIELDS", "STAMP_PROPERTY_PREFIX", "stamp_property", "write_template"]
