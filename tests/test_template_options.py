"""Template options of the round: --year with --roster, never overwrite, deadline and return address, titles,
the placeholder sheet, and the publishing website as an input."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from compiler.model import Report
from compiler.render.text import opening_text
from compiler.schema.workbook import SHEET_INFO, SHEET_INSTRUCTIONS, SHEET_NARRATIVE, SHEET_PLACEHOLDERS, cell_ref
from compiler.template.roster import template_filename
from compiler.template.writer import write_template


def _nianbao(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "compiler.cli", *args], capture_output=True, text=True, cwd=cwd)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def roster(tmp_path) -> Path:
    path = tmp_path / "名单.csv"
    path.write_text("单位名称,联系人,联系电话\n甲局,张三,0570-1\n乙局,李四,0570-2\n", encoding="utf-8")
    return path


def test_roster_needs_year(roster, tmp_path):
    result = _nianbao("template", "--roster", str(roster), "-o", str(tmp_path / "out"))
    assert result.returncode == 2 and "--year" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_roster_rerun_keeps_existing_files_unless_overwrite(roster, tmp_path, schema):
    out = tmp_path / "out"
    first = _nianbao("template", "--roster", str(roster), "--year", "2025", "-o", str(out))
    assert first.returncode == 0, first.stderr
    jia, yi = out / template_filename("甲局", 2025), out / template_filename("乙局", 2025)
    # 甲 filled its sheet and sent it back under the name it was given
    filled = Report.empty()
    filled.agency, filled.year = "甲局", 2025
    filled.set_value("t3_r01_c1", 7)
    write_template(jia, filled, lock_info=True)
    before = {p: _sha(p) for p in (jia, yi)}
    again = _nianbao("template", "--roster", str(roster), "--year", "2025", "-o", str(out), "--deadline", "2026-01-20")
    assert again.returncode == 0, again.stderr
    assert {p: _sha(p) for p in (jia, yi)} == before  # nothing replaced, the filled sheet survives
    assert "未覆盖" in again.stdout and "--overwrite" in again.stdout
    wb = openpyxl.load_workbook(jia)
    assert wb[cell_ref(schema, "t3_r01_c1").sheet][cell_ref(schema, "t3_r01_c1").a1].value == 7
    forced = _nianbao("template", "--roster", str(roster), "--year", "2025", "-o", str(out), "--overwrite")
    assert (forced.returncode == 0 and _sha(yi) != before[yi]) or _sha(jia) != before[jia]
    assert openpyxl.load_workbook(jia)["表三"]["D6"].value is None  # replaced only when asked


def test_single_template_is_not_overwritten(tmp_path):
    target = tmp_path / "模板.xlsx"
    target.write_bytes(b"the clerk's own file")
    result = _nianbao("template", "-o", str(target))
    assert result.returncode == 2 and "--overwrite" in result.stderr
    assert target.read_bytes() == b"the clerk's own file"
    assert _nianbao("template", "-o", str(target), "--overwrite").returncode == 0
    openpyxl.load_workbook(target)


@pytest.mark.slow
def test_deadline_and_return_to_head_the_instructions(roster, tmp_path):
    out = tmp_path / "out"
    result = _nianbao(
        "template", "--roster", str(roster), "--year", "2025", "-o", str(out),
        "--deadline", "2026-01-20", "--return-to", "gk@example.gov.cn（市政务公开办）",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    ws = openpyxl.load_workbook(out / template_filename("乙局", 2025))[SHEET_INSTRUCTIONS]
    top = [ws.cell(r, 1).value for r in range(1, 5)]
    assert "报送截止日期：2026-01-20" in top and "报送方式：gk@example.gov.cn（市政务公开办）" in top
    bad = _nianbao("template", "-o", str(tmp_path / "x.xlsx"), "--deadline", "下周五")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_titles_page_headers_and_placeholder_sheet(tmp_path, schema):
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))
    assert wb[SHEET_INFO]["A1"].value == SHEET_INFO and wb[SHEET_NARRATIVE]["A1"].value == SHEET_NARRATIVE
    for table in schema.tables:
        assert wb[table.sheet]["A1"].value  # the national table's title
    for name in (SHEET_INSTRUCTIONS, SHEET_INFO, SHEET_NARRATIVE, *(t.sheet for t in schema.tables)):
        assert name in wb[name].oddHeader.center.text  # printed on every page
    assert wb[SHEET_PLACEHOLDERS].print_area.endswith("$A$1:$D$1")


def test_website_is_an_input_and_the_sentence_goes_when_empty(tmp_path, schema):
    report = Report.empty()
    report.agency, report.year = "甲局", 2025
    assert "电子版" not in opening_text(report)  # no portal named when none is given
    report.website = "某市人民政府门户网站（www.example.gov.cn）"
    assert "本报告电子版可在某市人民政府门户网站（www.example.gov.cn）查阅或下载。" in opening_text(report)
    # the template has the input, and a filled one reads back
    path = write_template(tmp_path / "t.xlsx", report)
    ref = cell_ref(schema, "info_website")
    assert openpyxl.load_workbook(path)[ref.sheet][ref.a1].value == report.website
    from compiler.inputs import load_report

    assert load_report(path).website == report.website
    assert Report.from_json(report.to_json()).website == report.website


def test_a_sheet_from_before_the_website_field_reads_without_a_warning(tmp_path, schema):
    """Templates distributed before 发布网站 existed have no name for it: that alone is not NAMES_MISSING."""
    from compiler.inputs import load_report

    report = Report.empty()
    report.agency, report.year = "甲局", 2025
    path = write_template(tmp_path / "old.xlsx", report)
    wb = openpyxl.load_workbook(path)
    del wb.defined_names["info_website"]  # as the older template had it: no name, nothing in the cell
    wb.save(path)
    read = load_report(path)
    assert "NAMES_MISSING" not in {f.code for f in read.origin.findings}
    assert read.website is None and read.agency == "甲局"
