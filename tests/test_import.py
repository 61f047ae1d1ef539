"""Importing published reports: the seed exactly, label variants, truncation, unreadable cells, 2019 format."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_import_layouts import LAYOUTS, cell_then_pipe, one_cell_per_line, pipe_rows, sample_report

from compiler.imports import parse_file, parse_text
from compiler.model import Report
from compiler.schema import get_schema
from compiler.schema.workbook import cell_ref

SEED = Path(__file__).resolve().parent.parent / "samples" / "published" / "quzhou-jgsw-2022.txt"
FIXTURES = Path(__file__).parent / "fixtures" / "published"
SCHEMA = get_schema()


def codes(report: Report) -> list[str]:
    return [f.code for f in report.origin.findings]


def seed_line(n: int) -> str:
    return SEED.read_text(encoding="utf-8").split("\n")[n - 1].strip()


# --------------------------------------------------------------------------- the seed
@pytest.fixture(scope="module")
def seed() -> Report:
    return parse_file(SEED)


def test_seed_every_figure(seed: Report) -> None:
    for fig in SCHEMA.figures():
        expected = 1 if fig.key == "t2_r01_c1" else 0
        assert seed.value(fig.key) == expected, fig.key
        assert type(seed.value(fig.key)) is int
    assert seed.tables["t2"][0] == [1, 0, 0]
    assert seed.origin.unread == set()


def test_seed_info(seed: Report) -> None:
    assert seed.agency == "衢州市机关事务保障中心"
    assert seed.year == 2022
    assert seed.date == dt.date(2023, 1, 28)
    assert seed.contact.phone == "0570-3012273"
    assert seed.contact.email == "1055227255@qq.com"
    assert seed.origin.kind == "txt"
    assert seed.origin.path == str(SEED)


def test_seed_sections_text(seed: Report) -> None:
    n = seed.narrative
    assert n["narr_s1_0"] == seed_line(15)
    assert n["narr_s1_1"] == seed_line(17).split("。", 1)[1]
    # (三)收费及减免情况 is no sub-section of the format: it stays, whole, after (二)
    assert n["narr_s1_2"] == seed_line(19).split("。", 1)[1] + "\n" + seed_line(21)
    assert n["narr_s1_3"] == ""
    assert n["narr_s1_4"] == seed_line(23).split("。", 1)[1] + "\n" + seed_line(25)
    assert n["narr_s1_5"] == seed_line(27).split("。", 1)[1]
    assert n["narr_s5"] == "\n".join(seed_line(k) for k in (643, 645, 647, 649))
    assert n["narr_s6"] == "本年度我中心未收取信息处理费。\n无其他需要报告的事项。"
    assert seed.titles["narr_s1_1"] == "(一)主动公开政府信息情况"
    assert seed.titles["narr_s1_5"] == "(六)监督保障情况"


def test_seed_findings_are_only_the_merge_notices(seed: Report) -> None:
    assert codes(seed) == ["IMPORT_NARRATIVE_MERGED", "IMPORT_NARRATIVE_MERGED"]
    assert all(f.severity == "notice" for f in seed.origin.findings)
    assert {f.key for f in seed.origin.findings} == {"narr_s1_2", "narr_s1_4"}


def test_seed_json_round_trip(seed: Report) -> None:
    again = Report.from_json(seed.to_json())
    assert again.tables == seed.tables
    assert again.narrative == seed.narrative


# --------------------------------------------------------------------------- truncation
def _check_truncated(full: Report, cut: Report) -> int:
    """Every figure of the cut report is the true one or None; returns how many were read."""
    held = 0
    for fig in SCHEMA.figures():
        v = cut.value(fig.key)
        if v is not None:
            assert v == full.value(fig.key), (fig.key, v, full.value(fig.key))
            held += 1
        elif full.value(fig.key) is not None:
            assert fig.key in cut.origin.unread
    return held


def test_seed_truncated_everywhere_nothing_invented() -> None:
    text = SEED.read_text(encoding="utf-8")
    full = parse_text(text)
    counts = []
    for k in range(0, len(text), 23):
        cut = parse_text(text[:k])
        counts.append(_check_truncated(full, cut))
    assert counts == sorted(counts)  # the more text, the more figures
    assert counts[-1] >= len(SCHEMA.figures()) - 15  # near the end only table 4 may still be cut


def test_seed_cut_inside_a_table3_row() -> None:
    text = SEED.read_text(encoding="utf-8")
    lines = text.split("\n")
    start = lines.index("(一)予以公开")
    cut = parse_text("\n".join(lines[: start + 7]) + "\n")  # the label and three cells: 0, 0, 0
    assert cut.tables["t3"][2][:3] == [0, 0, 0]
    assert cut.tables["t3"][2][3:] == [None] * 4
    assert cut.tables["t3"][:2] == [[0] * 7] * 2
    assert cut.tables["t2"][0] == [1, 0, 0]
    messages = [f.message for f in cut.origin.findings if f.code == "IMPORT_MISSING"]
    [table4] = [f for f in cut.origin.findings if f.code == "IMPORT_TABLE_MISSING"]
    assert (table4.severity, table4.sheet) == ("error", "表四") and "没有找到" in table4.message
    assert any("“（七）总计”一行" in m for m in messages)
    assert any("“四、结转下年度继续办理”一行" in m for m in messages)
    missing_cells = [f for f in cut.origin.findings if f.code == "IMPORT_MISSING" and f.key == "t3_r03_c4"]
    assert missing_cells and missing_cells[0].ref == cell_ref(SCHEMA, "t3_r03_c4").ref
    assert "t3_r03_c4" in cut.origin.unread and "t4_r01_c1" in cut.origin.unread


@pytest.mark.slow
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_truncated_layouts_nothing_invented(layout: str) -> None:
    report = sample_report(11)
    text = LAYOUTS[layout](report)
    counts = []
    for k in range(0, len(text), 41):
        counts.append(_check_truncated(report, parse_text(text[:k])))
    assert max(counts) > 150


def test_cut_number_at_end_is_not_trusted() -> None:
    report = sample_report(5, blank_share=0.0)
    report.set_value("t2_r01_c1", 48)
    text = pipe_rows(report)
    end = text.index("规章 | 48") + len("规章 | 4")
    cut = parse_text(text[:end])  # "48" cut to "4"
    assert cut.value("t2_r01_c1") is None
    assert "t2_r01_c1" in cut.origin.unread


# --------------------------------------------------------------------------- cells
def _with_cells(report: Report, cells: dict[str, str]) -> str:
    """Pipe-row text with some cells replaced by raw text."""
    marker = {key: f"@{i}@" for i, key in enumerate(cells)}
    for key, m in marker.items():
        report.set_value(key, m)  # type: ignore[arg-type]
    text = pipe_rows(report)
    for key, m in marker.items():
        text = text.replace(m, cells[key])
    return text


def test_slash_is_not_applicable_and_text_is_unreadable() -> None:
    report = sample_report(6, blank_share=0.0)
    text = _with_cells(report, {"t2_r02_c2": "/", "t3_r05_c3": "无", "t3_r01_c1": "1,234", "t2_r03_c1": "12件"})
    parsed = parse_text(text)
    assert parsed.value("t2_r02_c2") is None
    assert parsed.value("t3_r05_c3") is None
    assert parsed.value("t3_r01_c1") == 1234
    assert parsed.value("t2_r03_c1") == 12
    by_key = {f.key: f for f in parsed.origin.findings}
    assert by_key["t2_r02_c2"].code == "IMPORT_NOT_APPLICABLE" and by_key["t2_r02_c2"].severity == "notice"
    na_ref = cell_ref(SCHEMA, "t2_r02_c2")
    assert (by_key["t2_r02_c2"].sheet, by_key["t2_r02_c2"].cell) == (na_ref.sheet, na_ref.a1)
    bad = by_key["t3_r05_c3"]
    assert bad.code == "IMPORT_UNREADABLE" and bad.severity == "error"
    assert "1.属于国家秘密" in bad.message and "科研机构" in bad.message and "无" in bad.message
    assert (bad.sheet, bad.cell) == (cell_ref(SCHEMA, "t3_r05_c3").sheet, cell_ref(SCHEMA, "t3_r05_c3").a1)
    assert parsed.origin.unread == {"t3_r05_c3"}
    # every other figure is exact
    for fig in SCHEMA.figures():
        if fig.key not in ("t2_r02_c2", "t3_r05_c3", "t3_r01_c1", "t2_r03_c1"):
            assert parsed.value(fig.key) == report.value(fig.key)


def test_fee_in_yuan_is_converted_with_a_notice() -> None:
    report = sample_report(7, blank_share=0.0)
    parsed = parse_text(_with_cells(report, {"t2_r06_c1": "251000元"}))
    assert parsed.value("t2_r06_c1") == 25.1
    assert "IMPORT_UNIT_CONVERTED" in codes(parsed)


def test_row_with_too_many_numbers_is_unreadable_not_guessed() -> None:
    report = sample_report(8, blank_share=0.0)
    text = pipe_rows(report)
    line = next(x for x in text.split("\n") if x.startswith("二、上年结转"))
    text = text.replace(line, line + " | 99")
    parsed = parse_text(text)
    assert parsed.tables["t3"][1] == [None] * 7
    unread = [f for f in parsed.origin.findings if f.code == "IMPORT_UNREADABLE"]
    assert len(unread) == 7 and all("8 个单元格" in f.message for f in unread)
    assert parsed.tables["t3"][2:] == report.tables["t3"][2:]


def test_one_cell_per_line_missing_cell_is_unreadable_not_shifted() -> None:
    """A cell dropped without its blank line: the rhythm no longer proves the columns."""
    report = sample_report(9, blank_share=0.0)
    text = one_cell_per_line(report)
    row = report.tables["t3"][5]
    label = SCHEMA.table("t3").rows[5][0].row_label
    block = label + "\n\n" + "\n\n".join(str(v) for v in row)
    assert block in text
    text = text.replace(block, label + "\n\n" + "\n\n".join(str(v) for v in row[1:]))
    parsed = parse_text(text)
    assert parsed.tables["t3"][5] == [None] * 7
    assert parsed.tables["t3"][6] == report.tables["t3"][6]


# --------------------------------------------------------------------------- variants (spec §9)
def test_label_variants_fixture() -> None:
    """Hand-written: half-width brackets, 本年新发件数, 规范性文件, 只计这一情况, ASCII quotes, 合计…"""
    parsed = parse_file(FIXTURES / "variants-pipe.txt")
    assert parsed.agency == "某市文化广电旅游局"
    assert parsed.year == 2023
    assert parsed.date == dt.date(2024, 1, 26)
    assert parsed.tables["t2"] == [[2, 1, 15], [3, 0, 40], [120], [35], [4], [1.25]]
    t3 = parsed.tables["t3"]
    assert t3[0] == [10, 2, 0, 0, 1, 0, 13]
    assert t3[1] == [1, 0, 0, 0, 0, 0, 1]
    assert t3[3] == [2, 1, 0, 0, 0, 0, 3]  # （二）部分公开…只计这一情况
    assert t3[6] == [1, 0, 0, 0, 0, 0, 1]  # 3.危及"三安全一稳定"
    assert t3[8] == [0, 0, 0, 0, 1, 0, 1]  # 5.属于三类内容事务信息 (typo)
    assert t3[23] == [9, 2, 0, 0, 1, 0, 12]
    assert t3[24] == [2, 0, 0, 0, 0, 0, 2]
    assert parsed.tables["t4"] == [[1, 0, 0, 0, 1], [0, 0, 0, 1, 1], [0, 0, 0, 0, 0]]
    assert [c for c in codes(parsed) if c.startswith("IMPORT_") and c != "IMPORT_NARRATIVE_MERGED"] == []
    assert parsed.narrative["narr_s5"].startswith("一是")
    assert parsed.narrative["narr_s6"] == "本机关2023年度未收取信息处理费。"


def test_cell_then_pipe_fixture() -> None:
    parsed = parse_file(FIXTURES / "cell-pipe.txt")
    assert parsed.agency == "某区司法局"
    assert parsed.year == 2022
    assert parsed.date == dt.date(2023, 1, 18)
    assert parsed.tables["t2"] == [[0, 0, 3], [1, 0, 12], [0], [8], [None], [0]]
    assert parsed.tables["t3"][0] == [3, 0, 0, 0, 0, 0, 3]
    assert parsed.tables["t3"][2] == [2, None, None, None, None, None, 2]
    assert parsed.tables["t3"][24] == [None] * 7
    assert parsed.tables["t4"] == [[0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]


def test_section_heading_variants() -> None:
    report = sample_report(12)
    text = one_cell_per_line(report)
    variants = {
        "四、政府信息公开行政复议、行政诉讼情况": "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况",
        "五、存在的主要问题及改进情况": "五、政府信息公开工作存在的主要问题及改进情况",
        "六、其他需要报告的事项": "六、其他需要报告的事项",
        "一、总体情况": "一、总体情况",
    }
    for a, b in variants.items():
        text = text.replace(a, b)
    parsed = parse_text(text)
    assert parsed.tables == report.tables
    assert parsed.narrative == report.narrative


def test_title_year_in_the_middle_and_niandu() -> None:
    for title, year in (
        ("某县民政局政府信息公开工作2023年度报告", 2023),
        ("2021年度某县民政局政府信息公开工作年度报告", 2021),
    ):
        parsed = parse_text(f"{title}\n\n一、总体情况\n\n正文。\n")
        assert parsed.agency == "某县民政局"
        assert parsed.year == year


def test_signature_date_and_agency_when_no_title() -> None:
    parsed = parse_text(
        "一、总体情况\n\n正文。\n\n六、其他需要报告的事项\n\n无。\n\n某县水利局\n二〇二四年一月二十日\n"
    )
    assert parsed.agency == "某县水利局"
    assert parsed.date == dt.date(2024, 1, 20)
    assert parsed.narrative["narr_s6"] == "无。"
    assert parsed.narrative["narr_s1_0"] == "正文。"


def test_missing_sections_and_tables_are_reported() -> None:
    parsed = parse_text("某县水利局2023年政府信息公开工作年度报告\n\n一、总体情况\n\n正文。\n")
    tables = [f for f in parsed.origin.findings if f.code == "IMPORT_TABLE_MISSING"]
    assert {f.sheet for f in tables} == {"表二", "表三", "表四"} and {f.severity for f in tables} == {"error"}
    sections = [f for f in parsed.origin.findings if f.code == "IMPORT_SECTION_MISSING"]
    assert {f.key for f in sections} >= {"narr_s5", "narr_s6"} and {f.severity for f in sections} == {"warning"}
    assert all(v is None for t in parsed.tables.values() for row in t for v in row)
    assert len(parsed.origin.unread) == len(SCHEMA.figures())


# --------------------------------------------------------------------------- 2019 trial format
def test_trial_2019_table2_recognised() -> None:
    parsed = parse_file(FIXTURES / "trial-2019.txt")
    trial = [f for f in parsed.origin.findings if f.code == "TRIAL_FORMAT_2019"]
    assert trial and trial[0].severity == "warning"
    assert any(f.sheet == "表二" and "2019" in f.message for f in trial)
    # only columns whose header is a 2021 header (or alias) are carried over
    assert parsed.tables["t2"] == [[5, None, None], [7, None, None], [30], [12], [0], [None]]
    assert {"t2_r01_c2", "t2_r01_c3", "t2_r06_c1"} <= parsed.origin.unread
    # table 3: the single (六)其他处理 row cannot be split into the three 2021 rows
    assert any(f.sheet == "表三" and "（六）其他处理" in f.message for f in trial)
    assert parsed.tables["t3"][20:23] == [[None] * 7] * 3
    assert parsed.tables["t3"][23] == [5, 0, 0, 0, 0, 0, 5]
    assert {"t3_r21_c1", "t3_r23_c7"} <= parsed.origin.unread
    assert "IMPORT_UNREADABLE" not in codes(parsed)


def test_layouts_generated_and_hand_written_agree_on_blank_meaning() -> None:
    """Blank cells come back as None (the checker counts them as 0), in every layout."""
    report = sample_report(13, blank_share=0.5)
    for make in (pipe_rows, cell_then_pipe):
        assert parse_text(make(report)).tables == report.tables
    # one cell per line with blanks everywhere: rows are placed only where the blank-line rhythm proves it
    parsed = parse_text(one_cell_per_line(report))
    held = _check_truncated(report, parsed)
    assert held > 0


def test_cut_short_and_reworded_row_labels() -> None:
    """Numbered labels cut short, 合计 for 总计 in a row label, 1、 for 1., spaces inside labels."""
    report = sample_report(14, blank_share=0.0)
    text = pipe_rows(report)
    for a, b in {
        "5.属于三类内部事务信息": "5.属于三类内部事务",
        "（七）总计": "(七)合计",
        "2.重复申请": "2、重复申请",
        "一、本年新收政府信息公开申请数量": "一、本年新收政府信息公开申请数",
        "1.信访举报投诉类申请": "1. 信访 举报 投诉类申请",
    }.items():
        assert a in text
        text = text.replace(a, b)
    parsed = parse_text(text)
    assert parsed.tables == report.tables
    assert parsed.origin.unread == set()


def test_title_agency_and_contact_kept_as_written() -> None:
    """Title, publisher line and contact lines are matched normalised; what is kept is the text as written."""
    parsed = parse_text(
        "衢州市“两山”转化办 2022 年度政府信息公开工作年度报告\n"
        "成文日期：２０２３年２月３０日\n"
        "联系电话：０５７０－３０１２２７３\n"
        "通讯地址：衢州市柯城区“两山”大厦１号\n"
        "电子邮箱：ｇｋ＠ｑｚ．ｇｏｖ．ｃｎ\n\n一、总体情况\n\n正文。\n"
    )
    assert parsed.agency == "衢州市“两山”转化办"
    assert parsed.year == 2022
    assert parsed.date == "２０２３年２月３０日"  # not a date: kept for the checker to name, unaltered
    assert parsed.contact.phone == "０５７０－３０１２２７３"
    assert parsed.contact.address == "衢州市柯城区“两山”大厦１号"
    assert parsed.contact.email == "ｇｋ＠ｑｚ．ｇｏｖ．ｃｎ"


def test_publisher_line_agency_kept_as_written() -> None:
    parsed = parse_text("发布机构：某县 “数字” 改革办\n\n一、总体情况\n\n正文。\n")
    assert parsed.agency == "某县 “数字” 改革办"


@pytest.mark.parametrize(
    ("title", "agency"),
    [
        ("“某县民政局”2023年度政府信息公开工作年度报告", "“某县民政局”"),
        ("“某县民政局2023年度政府信息公开工作年度报告”", "某县民政局"),
        ("关于某县民政局的2023年度政府信息公开工作年度报告", "关于某县民政局"),
    ],
)
def test_title_agency_edges(title: str, agency: str) -> None:
    """Quote marks at the agency's edges stay only when they pair inside it."""
    assert parse_text(f"{title}\n\n一、总体情况\n\n正文。\n").agency == agency
