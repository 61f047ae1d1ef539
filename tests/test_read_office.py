"""A filled template opened and saved by a real office suite (LibreOffice) reads back equal."""

from __future__ import annotations

import datetime as dt
import hashlib
import warnings
from pathlib import Path

import openpyxl
import pytest

from compiler.compute import recompute_totals
from compiler.inputs import load_report
from compiler.model import Report
from compiler.schema import get_schema
from compiler.template.writer import write_template
from compiler.util.office import convert

pytestmark = pytest.mark.office

SCHEMA = get_schema()
TOTALS = {r.anchor for r in SCHEMA.formula_rules()}


def sample_report() -> Report:
    """Every input filled (a few blanks and a decimal fee), prose with paragraph breaks."""
    report = Report.empty()
    report.agency = "某市某某局"
    report.year = 2024
    report.date = dt.date(2025, 1, 20)
    report.contact.phone = "0570-3012273"
    report.contact.email = "gk@example.cn"
    report.contact.address = "某市某路 1 号"
    for i, part in enumerate(SCHEMA.narrative):
        report.narrative[part.key] = f"第{i}部分第一段。\n第二段，含数字 {i * 7}。"
    for i, fig in enumerate(f for f in SCHEMA.figures() if f.key not in TOTALS):
        report.set_value(fig.key, None if i % 11 == 5 else (12.3456 if fig.kind == "amount" else i * 3 % 50))
    recompute_totals(report)
    return report


@pytest.mark.slow
def test_saved_by_libreoffice_reads_back_equal(soffice: str, tmp_path: Path) -> None:
    report = sample_report()
    src = write_template(tmp_path / "filled.xlsx", Report.empty())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(src)
    # fill through the defined names, as another program would
    for field in SCHEMA.info:
        _cell(wb, field.key).value = report.info(field.key)
    for part in SCHEMA.narrative:
        _cell(wb, part.key).value = report.narrative[part.key]
    for fig in SCHEMA.figures():
        if fig.key not in TOTALS:
            _cell(wb, fig.key).value = report.value(fig.key)
    wb.save(src)
    before = hashlib.sha256(src.read_bytes()).hexdigest()

    out = convert(src, "xlsx", tmp_path / "lo")
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    read = load_report(out)
    assert read == report
    assert read.origin.findings == []
    assert read.origin.overridden == {}
    assert read.origin.stamp.get("format") == SCHEMA.format_id


@pytest.mark.slow
def test_template_written_with_report_saved_by_libreoffice(soffice: str, tmp_path: Path) -> None:
    report = sample_report()
    out = convert(write_template(tmp_path / "w.xlsx", report, lock_info=True), "xlsx", tmp_path / "lo")
    read = load_report(out)
    assert read == report
    assert read.origin.findings == []
    assert read.origin.stamp.get("agency") == report.agency


def _cell(wb, key: str):
    sheet, coord = next(iter(wb.defined_names[key].destinations))
    return wb[sheet][coord.replace("$", "")]
