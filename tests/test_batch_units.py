"""Batch building blocks without worker processes: discovery, names, roll-up, summary workbook."""

from __future__ import annotations

import random

import openpyxl
import pytest
from synth import consistent_report

from compiler.batch.discover import discover
from compiler.batch.manifest import Manifest, ManifestEntry
from compiler.batch.names import agency_key, assign_names, choose_previous, duplicate_key, output_stem
from compiler.batch.results import FileOutcome
from compiler.batch.rollup import DUPLICATE, HAS_ERRORS, OTHER_YEAR, Rollup, rollup, rollup_year, select
from compiler.batch.rows import FileRow
from compiler.batch.summary import (
    SHEET_FILES,
    SHEET_ROLLUP,
    key_figure_values,
    key_figures,
    outcome_groups,
    rollup_cell,
    rollup_note,
    write_summary,
)
from compiler.batch.tasks import PreviousEntry
from compiler.findings import Finding
from compiler.model import Report
from compiler.schema.gov2021 import T3_RESULTS_FIRST, T3_RESULTS_LAST


def test_discover_lists_skipped_and_ignores_noise(tmp_path):
    for name in (
        "a.xlsx",
        "sub/b.XLSX",
        "sub/deep/c.xlsm",
        "old.xls",
        "wps.et",
        "calc.ods",
        "data.csv",
        "~$a.xlsx",
        ".hidden.xlsx",
        ".git/x.xlsx",
        "out/report.docx",
        "out/x.xlsx",
        "readme.pdf",
    ):
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"x")
    found = discover(tmp_path, exclude=tmp_path / "out")
    assert found.inputs == ["a.xlsx", "sub/b.XLSX", "sub/deep/c.xlsm"]
    skipped = {s.rel: s for s in found.skipped}
    assert set(skipped) == {"old.xls", "wps.et", "calc.ods", "data.csv", "readme.pdf"}
    assert all("另存为" in skipped[n].reason for n in ("old.xls", "wps.et", "calc.ods"))
    assert skipped["old.xls"].spreadsheet and not skipped["readme.pdf"].spreadsheet


def test_output_names_are_safe_and_numbered_deterministically():
    assert output_stem("../../etc/x", 2024, "f") == "_.._etc_x2024年政府信息公开工作年度报告"
    assert "/" not in output_stem("a/b", 2024, "f")
    assert output_stem("CON", None, "CON").upper() != "CON"
    assert output_stem("局（2）", None, "局（2）").endswith("_")  # only numbered names end in （n）
    assert "#" not in output_stem("#局", 2024, "f") and "%" not in output_stem("%41局", 2024, "f")
    claims = [("c.xlsx", "X"), ("a.xlsx", "X"), ("b.xlsx", "x"), ("d.xlsx", "Y")]
    names = assign_names(claims)
    assert names == {"a.xlsx": "X", "b.xlsx": "x（2）", "c.xlsx": "X（3）", "d.xlsx": "Y"}
    assert assign_names(reversed(claims)) == names


def test_agency_key_and_previous_choice():
    assert agency_key("衢州市 民政局") == agency_key("衢州市民政局\u3000") == agency_key("衢州市民政局")
    index = {
        agency_key("甲局"): [
            PreviousEntry(y, f"{y}.json", sha, f"{y}.xlsx") for y, sha in ((2022, "a"), (2023, "b"), (2024, "c"))
        ]
    }
    assert choose_previous(index, "甲 局", 2024).sha == "b"
    assert choose_previous(index, "甲局", 2023).sha == "a"
    assert choose_previous(index, "甲局", 2022) is None
    assert choose_previous(index, "甲局", "二〇二四").sha == "c"
    assert choose_previous(index, "乙局", 2024) is None


def _reports(n: int) -> list[Report]:
    rng = random.Random(5)
    return [consistent_report(rng) for _ in range(n)]


def test_rollup_sums_reports_cell_by_cell(schema):
    reports = _reports(4)
    reports[1].set_value("t3_r01_c1", "十二件")  # text: skipped and counted
    reports[2].set_value("t2_r01_c1", None)  # blank: adds nothing
    acc = rollup(reports)
    assert acc.files == 4 and acc.text_count == 1 and acc.text_skipped["t3_r01_c1"] == 1
    for fig in schema.figures():
        values = [r.value(fig.key) for r in reports]
        expected = sum(v for v in values if isinstance(v, int | float))
        assert acc.value(fig.key) == pytest.approx(expected)
    report = acc.report("某县")
    assert report.agency == "某县" and report.value("t3_r01_c7") == acc.value("t3_r01_c7")


def test_rollup_tolerates_ragged_tables():
    acc = Rollup()
    acc.add({"t3": [[1, 2]], "t4": "nonsense"}, 2024)
    acc.add(None, None)
    assert acc.value("t3_r01_c1") == 1 and acc.value("t3_r01_c2") == 2 and acc.value("t4_r01_c5") == 0
    assert acc.files == 2 and acc.main_year == 2024


def test_key_figures_and_outcome_groups_from_schema(schema):
    labels = [k.label for k in key_figures(schema)]
    assert labels[0].startswith("新收申请") and labels[-1].startswith("行政诉讼")
    groups = outcome_groups(schema)
    assert [g for g, _ in groups] == ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"]
    assert sum(len(keys) for _, keys in groups) == T3_RESULTS_LAST - T3_RESULTS_FIRST + 1
    report = _reports(1)[0]
    values = key_figure_values(report.tables, schema)
    assert values[labels[0]] == report.value("t3_r01_c7")


def test_summary_workbook_strings_stay_strings(tmp_path, schema):
    hostile = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", '=HYPERLINK("http://x")', "http://evil.example"]
    reports = _reports(len(hostile))
    files = []
    for name, report in zip(hostile, reports, strict=True):
        files.append(
            FileRow(
                rel=name + ".xlsx",
                agency=name,
                year=2024,
                status="ok",
                figures=key_figure_values(report.tables, schema),
                outputs={"docx": name + ".docx"},
                message=name,
                findings=[Finding("X", "warning", name, sheet=name, cell="A1")],
            )
        )
    acc = rollup(reports)
    path = write_summary(tmp_path / "s.xlsx", files, rollup=acc, rollup_errors=0, formats=["docx"])
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    agencies = [c.value for c in wb[SHEET_FILES]["C"][1:]]
    assert agencies == hostile
    ws = wb[SHEET_ROLLUP]
    row, col = rollup_cell(schema, "t3_r01_c7")
    assert ws.cell(row + 1, col + 1).value == acc.value("t3_r01_c7")


# ---------------------------------------------------------------------- which files the roll-up sums
def _row(rel: str, agency: object, year: object, status: str = "ok", tables: object = "t") -> FileRow:
    return FileRow(rel, agency, year, status, tables={} if tables else None)


def test_select_keeps_the_first_duplicate_in_path_order_on_a_full_tie():
    files = [
        _row("z/first.xlsx", "甲局", 2024),
        _row("a/second.xlsx", "甲 局", 2024),  # sorts first: kept when date and file time tie
        _row("b.xlsx", "甲局", 2023),  # another year: not a duplicate
        _row("c.xlsx", "乙局", 2024, status="errors"),
        _row("d.xlsx", "乙局", 2024, status="unreadable", tables=None),  # not read: neither summed nor a duplicate
        _row("e.xlsx", None, 2024),
    ]
    chosen = select(files)
    assert [[f.rel for f in g] for g in chosen.duplicate_groups] == [["a/second.xlsx", "z/first.xlsx"]]
    assert chosen.year == 2024
    assert chosen.included_rels == {"a/second.xlsx", "e.xlsx"}  # c.xlsx has errors
    kinds = [(e.rel, e.kind) for e in chosen.excluded]
    assert kinds == [("z/first.xlsx", DUPLICATE), ("c.xlsx", HAS_ERRORS), ("b.xlsx", OTHER_YEAR)]
    assert "a/second.xlsx" in chosen.excluded[0].reason and "路径顺序" in chosen.excluded[0].reason
    assert "2023" in chosen.excluded[2].reason
    assert chosen.count(DUPLICATE) == 1 and chosen.count(OTHER_YEAR) == 1
    with_errors = select(files, include_errors=True)
    assert with_errors.included_rels == {"a/second.xlsx", "c.xlsx", "e.xlsx"}
    assert [f.rel for f in with_errors.unverified] == ["c.xlsx"]


def test_duplicates_keep_the_later_date_then_the_later_file_time():
    def row(rel: str, date: str | None, mtime: float) -> FileRow:
        f = _row(rel, "甲局", 2024)
        f.date, f.mtime = date, mtime
        return f

    # the later 成文日期 wins even over a later file time and an earlier path
    later_date = select([row("a.xlsx", "2025-01-10", 900.0), row("b.xlsx", "2025-01-20", 100.0)])
    assert later_date.included_rels == {"b.xlsx"} and "成文日期（2025-01-20）较晚" in later_date.kept["b.xlsx"]
    # same date (or none): the later file time wins
    same_day = select([row("a.xlsx", "2025-01-10", 100.0), row("b.xlsx", "2025-01-10", 900.0)])
    assert same_day.included_rels == {"b.xlsx"} and "文件时间" in same_day.kept["b.xlsx"]
    undated = select([row("a.xlsx", None, 900.0), row("b.xlsx", None, 100.0)])
    assert undated.included_rels == {"a.xlsx"} and "成文日期都未填写" in undated.kept["a.xlsx"]
    # a dated sheet beats an undated one
    dated = select([row("a.xlsx", None, 900.0), row("b.xlsx", "2025-01-01", 100.0)])
    assert dated.included_rels == {"b.xlsx"}


def test_rollup_year_most_common_ties_to_latest():
    assert rollup_year([2023, 2024, 2024, 2023, None, "二〇二五"]) == 2024
    assert rollup_year([2024, 2023, 2025, 2025, 2023]) == 2025
    assert rollup_year([None, "x", True]) is None
    chosen = select([_row("a.xlsx", "甲局", 2023), _row("b.xlsx", "乙局", 2024), _row("c.xlsx", "丙局", None)])
    assert chosen.year == 2024 and chosen.included_rels == {"b.xlsx"}
    assert "不明" in next(e.reason for e in chosen.excluded if e.rel == "c.xlsx")
    # duplicates count once when choosing the year: one agency's two 2023 files do not outvote two 2024 agencies
    dup = select([_row("a.xlsx", "甲局", 2023), _row("b.xlsx", "甲局", 2023), _row("c.xlsx", "乙局", 2024)])
    assert dup.year == 2024
    nothing_dated = select([_row("a.xlsx", "甲局", None), _row("b.xlsx", "乙局", "二〇二四")])
    assert nothing_dated.year is None and nothing_dated.included_rels == {"a.xlsx", "b.xlsx"}


def test_duplicate_key():
    assert duplicate_key("衢州市 民政局", 2024) == duplicate_key("衢州市民政局\u3000", 2024)
    assert duplicate_key("甲局", 2024) != duplicate_key("甲局", 2023) != duplicate_key("甲局", None)
    assert duplicate_key("", 2024) is None and duplicate_key(None, 2024) is None


def test_rollup_note_says_what_was_left_out(schema):
    files = [_row("a.xlsx", "甲局", 2024), _row("b.xlsx", "甲局", 2024), _row("c.xlsx", "乙局", 2023)]
    chosen = select(files)
    acc = Rollup()
    for f in chosen.included:
        acc.add({}, f.year)
    note = rollup_note(acc, 0, chosen)
    assert "合计 1 份核查无错误的2024年度报告" in note
    assert "重复报告 1 份未计入" in note and "b.xlsx" in note
    assert "其他年度的报告 1 份未计入（2023年 1 份）：c.xlsx" in note
    plain = Rollup()
    plain.add({}, 2024)
    plain.add({}, 2023)
    assert "2023年 1 份" in rollup_note(plain, 0)  # no selection: the years summed are named


def test_manifest_records_the_rollup_outputs(tmp_path):
    m = Manifest(tmp_path)
    m.record(ManifestEntry("a.xlsx", "1", FileOutcome("a.xlsx", status="ok")))
    m.record_rollup({"docx": "甲.docx"})
    m.record_rollup({"docx": "乙.docx", "html": "乙.html"})
    m.close()
    loaded = Manifest(tmp_path).load()
    assert loaded.rollup_outputs == {"docx": "乙.docx", "html": "乙.html"} and set(loaded.entries) == {"a.xlsx"}
    loaded.compact(keep=set())
    assert Manifest(tmp_path).load().rollup_outputs == {"docx": "乙.docx", "html": "乙.html"}
    loaded.record_rollup({})
    loaded.close()
    assert Manifest(tmp_path).load().rollup_outputs == {}
