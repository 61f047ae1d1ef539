"""Findings point at the cell a figure was actually read from, not its template position."""

from __future__ import annotations

import openpyxl
from openpyxl.workbook.defined_name import DefinedName

from compiler.check import check_report
from compiler.compute import recompute_totals
from compiler.inputs import load_report
from compiler.model import Report
from compiler.template.writer import write_template


def test_finding_names_the_moved_cell(tmp_path):
    report = Report.empty()
    report.agency, report.year = "测试局", 2025
    for key in ("t3_r01_c1", "t3_r03_c1"):
        report.set_value(key, 5)
    recompute_totals(report)
    path = tmp_path / "moved.xlsx"
    write_template(path, report)
    wb = openpyxl.load_workbook(path)
    ws = wb["表三"]
    # The clerk moved 四、结转下年度 (自然人) far down: the defined name follows the cell.
    ws["D40"] = 7
    ws["D30"] = None
    del wb.defined_names["t3_r25_c1"]
    wb.defined_names["t3_r25_c1"] = DefinedName("t3_r25_c1", attr_text="'表三'!$D$40")
    wb.save(path)

    read = load_report(path)
    assert read.value("t3_r25_c1") == 7
    assert read.origin.cells["t3_r25_c1"] == ("表三", "D40")
    balance = [f for f in check_report(read) if f.code == "T3_BALANCE" and f.key == "t3_r25_c1"]
    assert balance and balance[0].ref == "表三!D40"
