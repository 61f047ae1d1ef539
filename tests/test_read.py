"""Reading returned workbooks: round trip, hostile cells, hostile files, export.

Workbooks are built with the real template writer and filled in through the
defined names with openpyxl, the way other programs (and clerks) change them.
``minimal_workbook`` builds a bare workbook with the same names and stamp
(without xlsxwriter) for the cases where the template's own styling is not
the point.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import warnings
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.packaging.custom import StringProperty

from compiler.cli.export import run_export
from compiler.compute import recompute_totals
from compiler.inputs import UnreadableInput, load_report
from compiler.model import Report
from compiler.read import values as V
from compiler.read.container import MAX_TOTAL_UNCOMPRESSED
from compiler.read.xlsx import read_workbook
from compiler.schema import get_schema
from compiler.schema.workbook import SHEET_STAMP, TEMPLATE_VERSION, cell_map, cell_ref
from compiler.template import STAMP_FIELDS, stamp_property
from compiler.template.writer import write_template

SCHEMA = get_schema()
TOTALS = {r.anchor for r in SCHEMA.formula_rules()}
INPUTS = [f for f in SCHEMA.figures() if f.key not in TOTALS]


# ----------------------------------------------------------------------------- helpers
class Text(str):
    """A string to store as a text cell even when it starts with ``=``."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    return write_template(tmp_path_factory.mktemp("tpl") / "blank.xlsx")


def named_cell(wb: Any, key: str) -> Any:
    sheet, coord = next(iter(wb.defined_names[key].destinations))
    return wb[sheet][coord.replace("$", "")]


def fill(src: Path, dst: Path, values: dict[str, Any]) -> Path:
    """Open ``src`` with openpyxl, set each named cell, save as ``dst``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(src)
    for key, value in values.items():
        cell = named_cell(wb, key)
        cell.value = value
        if isinstance(value, Text):
            cell.data_type = "s"
    wb.save(dst)
    return dst


def set_stamp(wb: Any, field: str, value: str) -> None:
    ws = wb[SHEET_STAMP]
    for row in ws.iter_rows():
        if row[0].value == field:
            row[1].value = value
    props = wb.custom_doc_props
    name = stamp_property(field)
    for prop in list(props.props):
        if prop.name == name:
            props.props.remove(prop)
    props.append(StringProperty(name=name, value=value))


def minimal_workbook(path: Path, values: dict[str, Any] | None = None, *, stamp: bool = True) -> Path:
    """A bare openpyxl workbook with our sheets, defined names at ``cell_ref``, live totals and stamp."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    cells = cell_map(SCHEMA)
    for ref in cells.values():
        if ref.sheet not in wb.sheetnames:
            wb.create_sheet(ref.sheet)
    for key, ref in cells.items():
        wb.defined_names[key] = openpyxl.workbook.defined_name.DefinedName(key, attr_text=ref.absolute)
    for rule in SCHEMA.formula_rules():
        anchor = cells[rule.anchor]
        wb[anchor.sheet][anchor.a1] = "=" + "+".join(cells[k].a1 for k in rule.right)
    for key, value in (values or {}).items():
        ref = cells[key]
        wb[ref.sheet][ref.a1] = value
    if stamp:
        ws = wb.create_sheet(SHEET_STAMP)
        ws.sheet_state = "veryHidden"
        for i, field in enumerate(STAMP_FIELDS, start=1):
            value = {"format": SCHEMA.format_id, "template_version": TEMPLATE_VERSION}.get(field, "")
            ws.cell(i, 1, field)
            ws.cell(i, 2, value)
            wb.custom_doc_props.append(StringProperty(name=stamp_property(field), value=value or "-"))
    wb.save(path)
    return path


def report_values(report: Report) -> dict[str, Any]:
    """Every input value of ``report`` keyed by defined name (totals left to the formulas).

    Strings are stored as text cells, as a clerk's typing is (``=x`` stays text).
    """
    values: dict[str, Any] = {}
    for field in SCHEMA.info:
        values[field.key] = report.info(field.key)
    for part in SCHEMA.narrative:
        values[part.key] = report.narrative.get(part.key) or None
    for fig in INPUTS:
        values[fig.key] = report.value(fig.key)
    return {k: Text(v) if isinstance(v, str) else v for k, v in values.items()}


def codes(report: Report) -> list[str]:
    return [f.code for f in report.origin.findings]


# ----------------------------------------------------------------------------- strategies
# Characters openpyxl can store (no XML-illegal controls, no surrogates); CR is normalised on read.
_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn"), blacklist_characters="\r") | st.just("\n"),
    max_size=60,
)
_FIELD = _TEXT.map(lambda s: s.strip()).filter(bool)
_NARR = _TEXT
_COUNT = st.one_of(st.none(), st.integers(0, 10**7))
_AMOUNT = st.one_of(st.none(), st.integers(0, 10**6), st.decimals(0, 10**5, places=4).map(float))


@st.composite
def reports(draw) -> Report:
    report = Report.empty()
    report.agency = draw(_FIELD)
    report.year = draw(st.integers(2000, 2099))
    report.date = draw(st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)))
    report.contact.phone = draw(st.one_of(st.none(), st.from_regex(r"0\d{2,3}-\d{7,8}", fullmatch=True)))
    report.contact.email = draw(st.one_of(st.none(), st.emails()))
    report.contact.address = draw(st.one_of(st.none(), _FIELD))
    for part in SCHEMA.narrative:
        report.narrative[part.key] = draw(_NARR)
    for fig in INPUTS:
        report.set_value(fig.key, draw(_AMOUNT if fig.kind == "amount" else _COUNT))
    recompute_totals(report)
    return report


# ----------------------------------------------------------------------------- round trip
@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(report=reports())
def test_round_trip_through_defined_names(report: Report, blank: Path, tmp_path: Path) -> None:
    path = fill(blank, tmp_path / "filled.xlsx", report_values(report))
    before = sha256(path)
    read = read_workbook(path)
    assert read == report
    assert read.origin.findings == []
    assert read.origin.overridden == {}
    assert read.origin.unread == set()
    assert read.origin.kind == "xlsx"
    assert read.origin.template_version == TEMPLATE_VERSION
    assert read.origin.stamp["format"] == SCHEMA.format_id
    assert sha256(path) == before


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(report=reports())
def test_round_trip_through_template_writer(report: Report, tmp_path: Path) -> None:
    path = write_template(tmp_path / "written.xlsx", report, lock_info=True)
    read = load_report(path)
    if not any(report.narrative.values()):  # the writer puts the hints in when there is no prose at all
        report.narrative = {p.key: p.hint for p in SCHEMA.narrative}
    assert read == report
    assert read.origin.findings == []
    assert read.origin.stamp["agency"] == report.agency


def test_blank_template_reads_blank(blank: Path) -> None:
    report = read_workbook(blank)
    assert report.origin.findings == []
    for fig in INPUTS:
        assert report.value(fig.key) is None
    for key in TOTALS:  # live formulas over blanks, as the spreadsheet shows them
        assert report.value(key) == 0
    for part in SCHEMA.narrative:  # the hint stays: the checker flags it
        assert report.narrative[part.key] == part.hint
    assert report.agency is None and report.year is None and report.date is None


def test_minimal_workbook_built_by_another_program(tmp_path: Path) -> None:
    values = {f.key: i for i, f in enumerate(INPUTS)}
    report = read_workbook(minimal_workbook(tmp_path / "m.xlsx", values))
    assert report.origin.findings == []
    expected = Report.empty()
    for key, v in values.items():
        expected.set_value(key, v)
    recompute_totals(expected)
    assert report.tables == expected.tables


# ----------------------------------------------------------------------------- hostile cells
HOSTILE: list[tuple[Any, Any]] = [
    ("12", 12),
    (" 12 ", 12),
    ("１２", 12),
    ("1,234", 1234),
    ("00012", 12),
    ("-0", 0),
    ("12.0", 12),
    (12.0, 12),
    ("—", "—"),
    ("/", "/"),
    ("无", "无"),
    ("12件", "12件"),
    ("NaN", "NaN"),
    ("1e308", "1e308"),
    (1e308, "1e+308"),
    ("", None),
    ("   ", None),
    (-5, -5),
    (2.5, 2.5),
    ("-3", -3),
    (True, "TRUE"),
    ("#REF!", "#REF!"),
    ("#DIV/0!", "#DIV/0!"),
    (dt.datetime(2023, 1, 28), "2023-01-28"),
    (Text("=abc"), "=abc"),
    (Text("+12"), 12),
    (Text("@x"), "@x"),
    ("1,2", "1,2"),
    ("x" * 5000, "x" * 5000),
    ("3²", "3²"),
    ("⑫", "⑫"),
    ("𝟏𝟐", "𝟏𝟐"),
    ("٣", "٣"),
]


def test_hostile_cells_are_values(blank: Path, tmp_path: Path) -> None:
    assert len(HOSTILE) <= len(INPUTS)
    values = {fig.key: raw for fig, (raw, _) in zip(INPUTS, HOSTILE, strict=False)}
    path = fill(blank, tmp_path / "hostile.xlsx", values)
    before = sha256(path)
    report = read_workbook(path)
    for fig, (raw, expected) in zip(INPUTS, HOSTILE, strict=False):
        got = report.value(fig.key)
        assert got == expected, (raw, got)
        assert type(got) is type(expected), (raw, got)
    # A number typed as text is read, and said at its cell: the sheet's own SUMs leave it out.
    typed_as_text = {
        fig.key
        for fig, (raw, v) in zip(INPUTS, HOSTILE, strict=False)
        if isinstance(raw, str | Text) and isinstance(v, int)
    }
    assert {(f.code, f.key) for f in report.origin.findings} == {("NUMBER_AS_TEXT", k) for k in typed_as_text}
    assert all(f.severity == "error" and f.cell and "重新输入" in f.message for f in report.origin.findings)
    json.loads(report.dumps())  # valid JSON: no NaN/Infinity
    assert sha256(path) == before


def test_formulas_in_input_cells(blank: Path, tmp_path: Path) -> None:
    a, b, c, d = (f.key for f in INPUTS[:4])
    path = fill(blank, tmp_path / "f.xlsx", {a: "=3+4", b: "=SUM(D6:D7)", c: "=10-2.5", d: "='C:\\x\\[a.xlsx]S'!A1"})
    report = read_workbook(path)
    assert report.value(a) == 7
    assert report.value(b) == "=SUM(D6:D7)"
    assert report.value(c) == 7.5
    assert report.value(d) == "='C:\\x\\[a.xlsx]S'!A1"
    by_key = {f.key: f for f in report.origin.findings}
    assert by_key[a].code == "FORMULA_EVALUATED" and by_key[a].severity == "notice"
    for key in (b, d):
        f = by_key[key]
        assert f.code == "FORMULA_IN_INPUT" and f.severity == "error"
        ref = cell_ref(SCHEMA, key)
        assert (f.sheet, f.cell) == (ref.sheet, ref.a1)
        assert "公式" in f.message


def test_hand_typed_total_is_kept_and_recorded(blank: Path, tmp_path: Path) -> None:
    row = [f.key for f in SCHEMA.table("t3").rows[0]]  # 本年新收: six applicants + 总计
    t4_total = SCHEMA.table("t4").rows[0][-1].key
    values = {row[0]: 5, row[1]: 7, row[-1]: 100, t4_total: "=1+2"}
    total_c1 = SCHEMA.table("t3").rows[23][0].key  # (七)总计, 自然人: a live formula left alone
    path = fill(blank, tmp_path / "o.xlsx", values)
    report = read_workbook(path)
    assert report.value(row[-1]) == 100
    assert report.origin.overridden == {row[-1]: 12, t4_total: 0}
    assert report.value(t4_total) == 3
    assert report.value(total_c1) == 0
    assert report.origin.findings == []


def test_text_typed_over_total(blank: Path, tmp_path: Path) -> None:
    total = SCHEMA.table("t3").rows[0][-1].key
    report = read_workbook(fill(blank, tmp_path / "t.xlsx", {total: "见附件"}))
    assert report.value(total) == "见附件"
    assert report.origin.overridden == {total: 0}


def test_info_and_narrative_values(blank: Path, tmp_path: Path) -> None:
    values = {
        "info_agency": "  某市某局  ",
        "info_year": "２０２３年",
        "info_date": "2024年1月28日",
        "info_phone": 5703012273,
        "info_email": " a@b.cn ",
        "info_address": 12.0,
        "narr_s1_1": "第一段\r\n第二段\r第三段",
        "narr_s5": 42,
    }
    report = read_workbook(fill(blank, tmp_path / "i.xlsx", values))
    assert report.agency == "某市某局"
    assert report.year == 2023
    assert report.date == dt.date(2024, 1, 28)
    assert report.contact.phone == "5703012273"
    assert report.contact.email == "a@b.cn"
    assert report.contact.address == "12"
    assert report.narrative["narr_s1_1"] == "第一段\n第二段\n第三段"
    assert report.narrative["narr_s5"] == "42"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023/1/28", dt.date(2023, 1, 28)),
        ("2023.1.28", dt.date(2023, 1, 28)),
        ("2023-01-28", dt.date(2023, 1, 28)),
        ("２０２３年１月２８日", dt.date(2023, 1, 28)),
        ("20230128", dt.date(2023, 1, 28)),
        (44954, dt.date(2023, 1, 28)),
        (dt.datetime(2023, 1, 28, 9, 30), dt.date(2023, 1, 28)),
        ("2023-02-30", "2023-02-30"),
        ("元月廿八", "元月廿八"),
        (5, "5"),
        (True, "TRUE"),
        ("", None),
    ],
)
def test_date_values(raw: Any, expected: Any) -> None:
    assert V.date_value(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (2023, 2023),
        (2023.0, 2023),
        ("2023", 2023),
        ("2023年度", 2023),
        ("23", "23"),
        (23, "23"),
        ("二〇二三", "二〇二三"),
    ],
)
def test_year_values(raw: Any, expected: Any) -> None:
    assert V.year_value(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (float("nan"), "NaN"),
        (float("inf"), "Infinity"),
        (float("-inf"), "-Infinity"),
        (10**20, "100000000000000000000"),
        ("99999999999999999999", "99999999999999999999"),
        (dt.time(12, 0), "12:00:00"),
        (dt.timedelta(hours=1), "1:00:00"),
        ("１，２３４", 1234),
        ("−12", -12),
        (".5", 0.5),
        ("1.2345", 1.2345),
    ],
)
def test_figure_values(raw: Any, expected: Any) -> None:
    assert V.figure_value(raw) == expected


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=3+4", 7),
        ("= 3 + 4 ", 7),
        ("=-3+10", 7),
        ("=1.5+1.5", 3),
        ("=0.1+0.2", 0.3),
        ("=3*4", None),
        ("=A1+1", None),
        ("=3+", None),
        ("=", None),
        ("=3 4", None),
        ("=__import__('os')", None),
        ("=" + "1+" * 500 + "1", None),
    ],
)
def test_constant_arithmetic(formula: str, expected: Any) -> None:
    assert V.constant_arithmetic(formula) == expected


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cells=st.lists(
        st.one_of(
            st.none(),
            st.integers(-(10**20), 10**20),
            st.floats(allow_nan=False, allow_infinity=False),
            st.booleans(),
            st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2100, 1, 1)),
            st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn")), max_size=30),
        ),
        min_size=len(INPUTS),
        max_size=len(INPUTS),
    )
)
def test_fuzz_cells_never_raise(cells: list[Any], blank: Path, tmp_path: Path) -> None:
    values = {fig.key: raw for fig, raw in zip(INPUTS, cells, strict=True)}
    values["info_year"] = cells[0]
    values["info_date"] = cells[1]
    values["narr_s6"] = cells[2]
    path = fill(blank, tmp_path / "fuzz.xlsx", values)
    report = read_workbook(path)
    for fig in SCHEMA.figures():
        v = report.value(fig.key)
        assert v is None or isinstance(v, str) or (isinstance(v, int | float) and not isinstance(v, bool))
    json.loads(report.dumps())
    for f in report.origin.findings:
        assert f.key and f.sheet and f.cell and f.message


# ----------------------------------------------------------------------------- workbook structure
def _edit(src: Path, dst: Path, edit) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(src)
    edit(wb)
    wb.save(dst)
    return dst


def test_not_our_template(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "随便什么表"
    wb.save(tmp_path / "other.xlsx")
    report = read_workbook(tmp_path / "other.xlsx")
    assert codes(report) == ["NOT_TEMPLATE"]
    assert report.origin.findings[0].severity == "error"
    assert all(report.value(f.key) is None for f in SCHEMA.figures())
    assert report.origin.unread == {f.key for f in SCHEMA.figures()}


def test_older_and_newer_template_version(blank: Path, tmp_path: Path) -> None:
    old = _edit(blank, tmp_path / "old.xlsx", lambda wb: set_stamp(wb, "template_version", "0"))
    assert codes(read_workbook(old)) == ["TEMPLATE_VERSION_OLD"]
    new = _edit(blank, tmp_path / "new.xlsx", lambda wb: set_stamp(wb, "template_version", "99"))
    assert codes(read_workbook(new)) == ["TEMPLATE_VERSION_NEW"]
    odd = _edit(blank, tmp_path / "odd.xlsx", lambda wb: set_stamp(wb, "template_version", "v1-beta"))
    assert codes(read_workbook(odd)) == ["TEMPLATE_VERSION_UNKNOWN"]


def test_unknown_format(blank: Path, tmp_path: Path) -> None:
    path = _edit(blank, tmp_path / "fmt.xlsx", lambda wb: set_stamp(wb, "format", "gov-2099"))
    assert codes(read_workbook(path)) == ["TEMPLATE_FORMAT_UNKNOWN"]


def test_stamp_missing_but_sheets_present(tmp_path: Path) -> None:
    key = INPUTS[0].key
    path = minimal_workbook(tmp_path / "ns.xlsx", {key: 3}, stamp=False)
    report = read_workbook(path)
    assert codes(report) == ["STAMP_MISSING"]
    assert report.value(key) == 3


def test_personalised_stamp_mismatch(tmp_path: Path) -> None:
    """The reader keeps the stamp; the checker compares it (AGENCY_/YEAR_STAMP_MISMATCH), once."""
    from compiler.check import check_report

    report = Report.empty()
    report.agency, report.year = "甲局", 2024
    path = write_template(tmp_path / "p.xlsx", report, lock_info=True)
    changed = fill(path, tmp_path / "p2.xlsx", {"info_agency": "乙局", "info_year": 2025})
    read = read_workbook(changed)
    assert codes(read) == [] and read.origin.stamp["agency"] == "甲局"
    stamp_findings = [f for f in check_report(read) if "STAMP" in f.code]
    assert sorted(f.code for f in stamp_findings) == ["AGENCY_STAMP_MISMATCH", "YEAR_STAMP_MISMATCH"]
    ref = cell_ref(SCHEMA, "info_agency")
    finding = next(f for f in stamp_findings if f.key == "info_agency")
    assert (finding.sheet, finding.cell, finding.key) == (ref.sheet, ref.a1, "info_agency")
    assert finding.expected == "甲局" and finding.actual == "乙局"


def test_renamed_sheet_and_inserted_rows_follow_names(blank: Path, tmp_path: Path) -> None:
    """What Excel/LibreOffice do on rename and row insertion: the names move with the cells."""
    t3 = SCHEMA.table("t3")
    key = t3.rows[4][2].key
    filled = fill(blank, tmp_path / "a.xlsx", {key: 17, "info_agency": "某局"})

    def restructure(wb: Any) -> None:
        ws = wb[t3.sheet]
        ws.title = "表3（已改名）"
        ws.move_range(f"A6:J{ws.max_row}", rows=2)
        for dn in list(wb.defined_names.values()):
            sheet, coord = next(iter(dn.destinations))
            if sheet == t3.sheet:
                col, row = coord.replace("$", " ").split()
                shift = 2 if int(row) >= 6 else 0
                dn.attr_text = f"'表3（已改名）'!${col}${int(row) + shift}"
        wb.move_sheet("表3（已改名）", offset=-3)

    moved = _edit(filled, tmp_path / "b.xlsx", restructure)
    report = read_workbook(moved)
    assert report.value(key) == 17
    assert report.agency == "某局"
    assert report.origin.findings == []


def test_names_deleted_falls_back_to_positions(blank: Path, tmp_path: Path) -> None:
    key = INPUTS[5].key
    filled = fill(blank, tmp_path / "a.xlsx", {key: 9})

    def drop(wb: Any) -> None:
        for name in list(wb.defined_names):
            del wb.defined_names[name]

    report = read_workbook(_edit(filled, tmp_path / "b.xlsx", drop))
    assert report.value(key) == 9
    assert codes(report) == ["NAMES_MISSING"]


def test_deleted_sheet(blank: Path, tmp_path: Path) -> None:
    t4 = SCHEMA.table("t4")
    path = _edit(blank, tmp_path / "d.xlsx", lambda wb: wb.remove(wb[t4.sheet]))
    report = read_workbook(path)
    assert codes(report) == ["SHEET_MISSING"]
    assert all(report.value(f.key) is None for f in t4.figures())  # totals too: nothing silently 0
    assert report.origin.unread == {f.key for f in t4.figures()}


def test_xlsm_and_macros(blank: Path, tmp_path: Path) -> None:
    xlsm = tmp_path / "m.xlsm"
    shutil.copy(blank, xlsm)
    assert codes(load_report(xlsm)) == ["MACROS_IGNORED"]
    vba = tmp_path / "vba.xlsx"
    shutil.copy(blank, vba)
    with zipfile.ZipFile(vba, "a") as zf:
        zf.writestr("xl/vbaProject.bin", b"\x00" * 64)
    assert codes(read_workbook(vba)) == ["MACROS_IGNORED"]


def test_external_links_notice(blank: Path, tmp_path: Path) -> None:
    path = tmp_path / "ext.xlsx"
    shutil.copy(blank, path)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/externalLinks/externalLink1.xml", "<externalLink/>")
    assert codes(read_workbook(path)) == ["EXTERNAL_LINKS_IGNORED"]


# ----------------------------------------------------------------------------- hostile files
def _unreadable(path: Path, *needles: str) -> str:
    before = sha256(path) if path.is_file() else None
    with pytest.raises(UnreadableInput) as info:
        load_report(path)
    message = info.value.message
    assert message and str(info.value) == message
    for needle in needles:
        assert needle in message, message
    if before is not None:
        assert sha256(path) == before
    return message


@pytest.mark.parametrize(
    ("suffix", "what"),
    [(".xls", "97-2003"), (".et", "WPS"), (".ods", "OpenDocument"), (".csv", "CSV"), (".xlsb", "二进制"), (".zip", "")],
)
def test_refused_suffixes(tmp_path: Path, suffix: str, what: str) -> None:
    path = tmp_path / f"报表{suffix}"
    path.write_bytes(b"whatever")
    _unreadable(path, what, "另存为", ".xlsx")


def test_zero_bytes(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    _unreadable(path, "空", "0 字节")


def test_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "random.xlsx"
    path.write_bytes(b"\x01\x00" + os.urandom(5000))
    _unreadable(path, "不是 Excel 工作簿", "另存为")


def test_html_and_text_disguised(tmp_path: Path) -> None:
    html = tmp_path / "web.xlsx"
    html.write_text("<html><table><tr><td>1</td></tr></table></html>", encoding="utf-8")
    _unreadable(html, "网页")
    csv = tmp_path / "text.xlsx"
    csv.write_text("单位,数量\n某局,12\n", encoding="gbk")
    _unreadable(csv, "纯文本")


def test_truncated_zip(blank: Path, tmp_path: Path) -> None:
    data = blank.read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    _unreadable(path, "损坏或不完整")


def test_ole2_legacy_and_encrypted(tmp_path: Path) -> None:
    magic = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    legacy = tmp_path / "old.xlsx"
    legacy.write_bytes(magic + b"\x00" * 504 + "Workbook".encode("utf-16-le") + os.urandom(1000))
    _unreadable(legacy, ".xls", "另存为")
    encrypted = tmp_path / "secret.xlsx"
    encrypted.write_bytes(magic + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + os.urandom(1000))
    _unreadable(encrypted, "密码", "取消密码保护", "另存为 .xlsx")


def test_ods_and_docx_inside_zip(tmp_path: Path) -> None:
    ods = tmp_path / "calc.xlsx"
    with zipfile.ZipFile(ods, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<x/>")
    _unreadable(ods, ".ods", "另存为")
    docx = tmp_path / "doc.xlsx"
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("[Content_Types].xml", "<x/>")
        zf.writestr("word/document.xml", "<x/>")
    _unreadable(docx, "Word")
    plain = tmp_path / "plain.xlsx"
    with zipfile.ZipFile(plain, "w") as zf:
        zf.writestr("readme.txt", "hi")
    _unreadable(plain, "zip 压缩包")


def test_zip_bomb_refused_before_inflating(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    chunk = b"\x00" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(300):
                member.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    _unreadable(path, "压缩炸弹", str(MAX_TOTAL_UNCOMPRESSED // (1024 * 1024)))


def test_zip_bomb_by_ratio(tmp_path: Path) -> None:
    path = tmp_path / "ratio.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/sharedStrings.xml", b" " * (60 * 1024 * 1024))
    _unreadable(path, "压缩比")


def _replace_member(src: Path, dst: Path, member: str, data: bytes) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, data if info.filename == member else zin.read(info.filename))
    return dst


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode() for i in range(1, 10)
    )
    + b"]>"
)


#: A comment longer than the reader's DTD pre-scan, so the parsers' own defences are tested too.
LONG_COMMENT = b"<!--" + b"x" * (70 * 1024) + b"-->"


@pytest.mark.parametrize("padded", [False, True], ids=["prescan", "parser"])
@pytest.mark.parametrize(
    "member", ["xl/worksheets/sheet5.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "docProps/custom.xml"]
)
def test_xml_bomb(blank: Path, tmp_path: Path, member: str, padded: bool) -> None:
    with zipfile.ZipFile(blank) as zf:
        original = zf.read(member)
    body = original.split(b"?>", 1)[1]
    root_end = body.index(b">") + 1
    head, dtd = BILLION_LAUGHS.split(b"\n", 1)
    bomb = head + (LONG_COMMENT if padded else b"") + dtd + body[:root_end] + b"&lol9;" + body[root_end:]
    path = _replace_member(blank, tmp_path / "xmlbomb.xlsx", member, bomb)
    _unreadable(path, "不安全的 XML")


def test_garbage_xml_member(blank: Path, tmp_path: Path) -> None:
    path = _replace_member(blank, tmp_path / "bad.xlsx", "xl/worksheets/sheet5.xml", b"<worksheet><oops")
    message = _unreadable(path, "无法解析")
    assert "Error" in message or "Exception" in message  # the exception class is named


def test_nonfinite_number_in_xml(blank: Path, tmp_path: Path) -> None:
    """``<v>inf</v>``/``<v>NaN</v>`` (never written by Excel): readable values or a clear refusal."""
    ref = cell_ref(SCHEMA, next(f.key for f in INPUTS if f.table == "t3"))
    with zipfile.ZipFile(blank) as zf:
        sheet = zf.read("xl/worksheets/sheet5.xml").decode()
    for text in ("inf", "NaN", "1e999", "-0", "00012"):
        patched = sheet.replace(f'<c r="{ref.a1}"', f'<c r="{ref.a1}" t="n"><v>{text}</v></c><c r="ZZ{ref.row + 1}"', 1)
        path = _replace_member(blank, tmp_path / "nf.xlsx", "xl/worksheets/sheet5.xml", patched.encode())
        try:
            report = read_workbook(path)
        except UnreadableInput as exc:
            assert "无法解析" in exc.message
            continue
        json.loads(report.dumps())


def test_missing_file_and_directory(tmp_path: Path) -> None:
    _unreadable(tmp_path / "nope.xlsx", "不存在")
    folder = tmp_path / "dir.xlsx"
    folder.mkdir()
    _unreadable(folder, "文件夹")


# ----------------------------------------------------------------------------- load_report: json and others
def test_load_report_json(tmp_path: Path) -> None:
    report = Report.empty()
    report.agency = "某局"
    path = tmp_path / "r.json"
    path.write_text(report.dumps(), encoding="utf-8")
    assert load_report(path) == report
    odd = tmp_path / "odd.json"
    data = report.to_json()
    data["tables"]["t2"][0] = [float("nan"), float("inf"), 12.0]
    odd.write_text(json.dumps(data), encoding="utf-8")
    assert load_report(odd).tables["t2"][0] == ["NaN", "Infinity", 12]
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    _unreadable(bad, "JSON")
    shape = tmp_path / "shape.json"
    shape.write_text("[1, 2]", encoding="utf-8")
    _unreadable(shape, "JSON")
    gbk = tmp_path / "gbk.json"
    gbk.write_bytes('{"agency": "某局"}'.encode("gbk"))
    _unreadable(gbk, "UTF-8")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100000 + "]" * 100000, encoding="utf-8")
    _unreadable(deep, "JSON")


def test_load_report_published_formats_dispatch(tmp_path: Path) -> None:

    _unreadable(tmp_path / "missing.txt", "不存在")


# ----------------------------------------------------------------------------- export
def test_run_export_prints_and_writes(blank: Path, tmp_path: Path, capsys) -> None:
    path = fill(blank, tmp_path / "e.xlsx", {INPUTS[0].key: 4, "info_agency": "某局"})
    assert run_export(path, None) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert data["agency"] == "某局"
    target = tmp_path / "out" / "r.json"
    assert run_export(path, target) == 0
    assert Report.load(target) == read_workbook(path)
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".~")]


def test_run_export_errors(blank: Path, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"")
    assert run_export(bad, None) == 2
    err = capsys.readouterr().err
    assert "空" in err and "Traceback" not in err
    formula = fill(blank, tmp_path / "f.xlsx", {INPUTS[0].key: "=A1"})
    assert run_export(formula, tmp_path / "f.json") == 1
    assert "公式" in capsys.readouterr().err
    assert (tmp_path / "f.json").exists()
    report_json = tmp_path / "r.json"
    report_json.write_text(Report.empty().dumps(), encoding="utf-8")
    before = sha256(report_json)
    assert run_export(report_json, report_json) == 2
    assert sha256(report_json) == before
    # -o names a workbook: refused (export writes JSON), nothing written
    assert run_export(formula, tmp_path / "out.xlsx") == 2
    assert ".json" in capsys.readouterr().err and not (tmp_path / "out.xlsx").exists()


def test_cli_export(blank: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from compiler.cli import app

    result = CliRunner().invoke(app, ["export", str(blank), "-o", str(tmp_path / "x.json")])
    assert result.exit_code == 0, result.output
    assert Report.load(tmp_path / "x.json") == read_workbook(blank)
    bad = tmp_path / "x.xls"
    bad.write_bytes(b"x")
    result = CliRunner().invoke(app, ["export", str(bad)])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("padded", [False, True], ids=["prescan", "parser"])
@pytest.mark.parametrize("member", ["xl/worksheets/sheet5.xml", "xl/sharedStrings.xml", "xl/workbook.xml"])
def test_external_entity_not_fetched(blank: Path, tmp_path: Path, member: str, padded: bool) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    with zipfile.ZipFile(blank) as zf:
        body = zf.read(member).split(b"?>", 1)[1]
    root_end = body.index(b">") + 1
    doctype = b'<?xml version="1.0"?>' + (LONG_COMMENT if padded else b"")
    doctype += f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'.encode()
    path = _replace_member(blank, tmp_path / "xxe.xlsx", member, doctype + body[:root_end] + b"&xxe;" + body[root_end:])
    try:
        report = read_workbook(path)
    except UnreadableInput as exc:
        assert "TOP-SECRET" not in exc.message
    else:
        assert "TOP-SECRET" not in report.dumps()
