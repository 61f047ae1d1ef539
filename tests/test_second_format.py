"""A second report format plugs in by adding a file under ``compiler/schema/`` only.

The test-only format ``tests/fixtures/formats/tiny_test_format.py`` (one table,
two rows, a total column, a carry-over link) is copied into the schema package
for the duration of the test — nothing else changes — and then goes through
template, read, check (with last year's report) and render.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import compiler.schema as schema_pkg
from compiler.catalog import CATALOG
from compiler.check import check_report
from compiler.compute import recompute_totals
from compiler.model import Report
from compiler.read.xlsx import read_workbook
from compiler.render.html import render_html
from compiler.schema import DEFAULT_FORMAT, ROLE_NEW, all_schemas, format_modules, get_schema
from compiler.template.writer import write_template

FIXTURE = Path(__file__).parent / "fixtures" / "formats" / "tiny_test_format.py"
FORMAT = "tiny-test"


@pytest.fixture
def tiny() -> Iterator[str]:
    target = Path(schema_pkg.__file__).parent / FIXTURE.name
    assert not target.exists()
    shutil.copyfile(FIXTURE, target)
    format_modules.cache_clear()
    try:
        yield FORMAT
    finally:
        target.unlink()
        format_modules.cache_clear()
        get_schema.cache_clear()
        CATALOG.pop("X1_ROW_TOTAL", None)


def _report(year: int, accepted: tuple[int, int], carried: tuple[int, int]) -> Report:
    report = Report.empty(FORMAT)
    report.agency, report.year, report.date = "某县测试局", year, dt.date(year + 1, 1, 20)
    report.narrative["narr_s1"] = "本年度工作正常开展。"
    for key, value in zip(("x1_r01_c1", "x1_r01_c2", "x1_r02_c1", "x1_r02_c2"), (*accepted, *carried), strict=True):
        report.set_value(key, value)
    recompute_totals(report)
    return report


def test_the_format_is_found_by_its_file_alone(tiny: str) -> None:
    assert set(format_modules()) == {DEFAULT_FORMAT, FORMAT}
    schema = get_schema(FORMAT)
    assert [s.format_id for s in all_schemas()] == [DEFAULT_FORMAT, FORMAT]
    assert schema.role_total(ROLE_NEW) == "x1_r01_c3"


def test_template_read_check_and_render_on_the_second_format(tiny: str, tmp_path: Path) -> None:
    report = _report(2025, (3, 4), (1, 0))
    path = write_template(tmp_path / "tiny.xlsx", report)
    back = read_workbook(path)
    assert back.format_id == FORMAT and not back.origin.findings
    assert back.tables == {"x1": [[3, 4, 7], [1, 0, 1]]}
    assert back.agency == "某县测试局" and back.narrative["narr_s1"] == "本年度工作正常开展。"
    assert check_report(back) == []

    wrong = _report(2025, (3, 4), (1, 0))
    wrong.set_value("x1_r01_c3", 8)  # the total typed over
    [finding] = [f for f in check_report(wrong) if f.severity == "error"]
    assert (finding.code, finding.ref, finding.expected, finding.actual) == ("X1_ROW_TOTAL", "表一!D4", 7, 8)
    assert CATALOG["X1_ROW_TOTAL"].title == "表一总计等于各列之和"  # its own code, catalogued from its rule

    last_year = _report(2024, (5, 5), (0, 0))  # carried out last year: row 1 here stands in for it
    codes = [f.code for f in check_report(back, previous=last_year)]
    assert codes.count("CARRY_OVER_MISMATCH") == 3  # this year's 结转 (1, 0, 1) ≠ last year's (5, 5, 10)

    html = render_html(back)
    assert "某县测试局2025年测试报告" in html and "本年受理" in html


def test_the_default_format_is_untouched_after(tiny: str) -> None:
    assert len(get_schema(DEFAULT_FORMAT).tables) == 3
