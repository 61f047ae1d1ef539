"""Every checker rule: one report that fails it (code, cell, numbers) and one that passes."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from synth import cn_number, consistent_report

from compiler.catalog import CATALOG, template_only_codes
from compiler.check import check_report
from compiler.compute import recompute_totals
from compiler.findings import Finding
from compiler.model import Report
from compiler.schema import get_schema
from compiler.schema.workbook import cell_ref

SCHEMA = get_schema()
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
BASE_JSON = consistent_report(random.Random(2024), scale=5).to_json()


def base() -> Report:
    """A fresh copy of a realistic consistent report (JSON input: totals are data)."""
    return Report.from_json(json.loads(json.dumps(BASE_JSON)))


def ref(key: str) -> str:
    return cell_ref(SCHEMA, key).ref


def codes(findings: list[Finding], severity: str | None = None) -> list[str]:
    return [f.code for f in findings if severity is None or f.severity == severity]


def one(findings: list[Finding], code: str) -> Finding:
    hits = [f for f in findings if f.code == code]
    assert len(hits) == 1, (code, [(f.code, f.ref) for f in findings])
    return hits[0]


def bump(report: Report, key: str, delta: int | float) -> int | float:
    """Add ``delta`` to a figure; returns the old value."""
    old = report.value(key)
    report.set_value(key, old + delta)
    return old


def t3(row: int, col: int) -> str:
    return f"t3_r{row:02d}_c{col}"


# ---------------------------------------------------------------------- base
def test_base_report_is_clean():
    assert check_report(base()) == []


def test_every_schema_rule_code_is_in_the_catalogue():
    assert {r.code for r in SCHEMA.rules} <= set(CATALOG)


def test_template_only_codes():
    assert template_only_codes() == {
        "NARRATIVE_PLACEHOLDER",
        "PLACEHOLDER_UNKNOWN",
        "YEAR_STAMP_MISMATCH",
        "AGENCY_STAMP_MISMATCH",
    }


# ---------------------------------------------------------------------- cases
@dataclass
class Case:
    """``fail`` breaks the rule; ``ok`` is a near miss that must not trigger it."""

    code: str
    fail: Callable[[Report], dict[str, Any] | None]
    ok: Callable[[Report], dict[str, Any] | None]
    ref: str
    expected: Any = None
    actual: Any = None


def _set(**values: Any) -> Callable[[Report], None]:
    def apply(r: Report) -> None:
        for key, value in values.items():
            if key.startswith(("t2_", "t3_", "t4_")):
                r.set_value(key, value)
            elif key.startswith("narr_"):
                r.narrative[key] = value
            else:
                setattr(r, key, value)

    return apply


def _noop(r: Report) -> None:
    return None


def _with_totals(**values: Any) -> Callable[[Report], None]:
    def apply(r: Report) -> None:
        _set(**values)(r)
        recompute_totals(r)

    return apply


def _drop_table(r: Report, table: str) -> None:
    """As a report JSON without ``tables.<table>`` reads."""
    data = r.to_json()
    del data["tables"][table]
    fresh = Report.from_json(data)
    r.tables, r.origin = fresh.tables, fresh.origin


def _other_previous(r: Report) -> dict[str, Any]:
    """Last year's report of another wording and other figures: nothing copied."""
    prev = consistent_report(random.Random(7), scale=5)
    prev.year = r.year - 1
    prev.agency = r.agency
    prev.narrative = {k: f"上一年度的文字与本年不同：{v[::-1]}" for k, v in prev.narrative.items()}
    return {"previous": prev}


def _followed_up(r: Report) -> dict[str, Any]:
    r.narrative["narr_s5"] += "上年度报告所列问题已全部整改。"
    return _previous()(r)


B = base()
V = B.value
PREV = base()
PREV.year = B.year - 1


def _previous(**changes: Any) -> Callable[[Report], dict[str, Any]]:
    """Check against a last-year report equal to this one except for ``changes`` (carry-over matches)."""

    def apply(r: Report) -> dict[str, Any]:
        prev = base()
        prev.year = r.year - 1
        for col in range(1, 8):
            prev.set_value(t3(25, col), r.value(t3(2, col)))
        for made, repealed, valid in ((1, 2, 3), (4, 5, 6)):
            row = SCHEMA.table("t2").figures()
            last = r.value(row[valid - 1].key) - r.value(row[made - 1].key) + r.value(row[repealed - 1].key)
            prev.set_value(row[valid - 1].key, last)
        _set(**changes)(prev)
        return {"previous": prev}

    return apply


def _overridden(key: str, typed: int) -> Callable[[Report], None]:
    """As the reader leaves a total typed over its formula: later totals use the typed value."""

    def apply(r: Report) -> None:
        r.origin.kind = "xlsx"
        r.set_value(key, typed)
        recompute_totals(r, keep={key})
        r.origin.overridden = {key: V(key)}

    return apply


_NEW_TOTAL = V(t3(1, 7))

_DISCLOSED = V(t3(3, 7))
_REVIEWS = V("t4_r01_c5")
_LAWSUITS = V("t4_r02_c5") + V("t4_r03_c5")

CASES = [
    # ---- sums
    Case("T3_BALANCE", _set(t3_r25_c2=V(t3(25, 2)) + 1), _noop, "表三!E30", V(t3(25, 2)), V(t3(25, 2)) + 1),
    Case("T3_RESULT_TOTAL", _set(t3_r24_c3=V(t3(24, 3)) + 2), _noop, "表三!F29", V(t3(24, 3)), V(t3(24, 3)) + 2),
    Case("T3_ROW_TOTAL", _set(t3_r05_c7=V(t3(5, 7)) - 1), _noop, "表三!J10", V(t3(5, 7)), V(t3(5, 7)) - 1),
    Case("T4_GROUP_TOTAL", _set(t4_r02_c5=V("t4_r02_c5") + 3), _noop, "表四!J6", V("t4_r02_c5"), V("t4_r02_c5") + 3),
    Case(
        "TOTAL_OVERRIDDEN",
        _overridden(t3(24, 1), V(t3(24, 1)) + 2),
        _overridden(t3(24, 1), V(t3(24, 1))),
        "表三!D29",
        V(t3(24, 1)),
        V(t3(24, 1)) + 2,
    ),
    # ---- types
    Case("NOT_A_NUMBER", _set(t3_r05_c1="无"), _set(t3_r05_c1=V(t3(5, 1))), "表三!D10", None, "无"),
    Case("NOT_FINITE", _set(t4_r01_c1=math.inf), _set(t4_r01_c1=0), "表四!A6", None, "inf"),
    Case("NEGATIVE", _set(t2_r04_c1=-1), _set(t2_r04_c1=0), "表二!B12", None, -1),
    Case("NOT_WHOLE", _set(t2_r03_c1=2.5), _set(t2_r03_c1=2.0), "表二!B9", 2, 2.5),
    Case("FEE_DECIMALS", _set(t2_r06_c1=1.23456), _set(t2_r06_c1=1.2345), "表二!B16", 1.2346, 1.23456),
    # ---- basic information and narrative
    Case("INFO_MISSING", _set(agency="  "), _set(agency="某市某局"), "基本信息!B2"),
    Case("NARRATIVE_EMPTY", _set(narr_s5=" \n"), _set(narr_s5="无。"), "文字内容!B8"),
    Case(
        "NARRATIVE_PLACEHOLDER",
        _set(narr_s1_3=SCHEMA.narrative[3].hint),
        _set(narr_s1_3="按规定做好信息管理。"),
        "文字内容!B5",
    ),
    Case(
        "PLACEHOLDER_UNKNOWN",
        _set(narr_s1_1="本年主动公开{主动公开条数}条。"),
        _set(narr_s1_1="本年新收申请{新收申请总数}件。"),
        "文字内容!B3",
        None,
        "主动公开条数",
    ),
    Case(
        "NARRATIVE_PART_MISSING",
        lambda r: (r.narrative.update(narr_s1_3=""), {"published": True})[1],
        lambda r: {"published": True},
        "文字内容!B5",
    ),
    # ---- table 2
    Case(
        "T2_VALID_ZERO",
        _set(t2_r01_c1=1, t2_r01_c2=0, t2_r01_c3=0),
        _set(t2_r01_c1=1, t2_r01_c2=1, t2_r01_c3=0),
        "表二!D5",
        1,
        0,
    ),
    Case(
        "T2_VALID_LOW",
        _set(t2_r02_c1=5, t2_r02_c2=1, t2_r02_c3=2),
        _set(t2_r02_c1=5, t2_r02_c2=1, t2_r02_c3=4),
        "表二!D6",
        4,
        2,
    ),
    Case("FEE_IN_YUAN", _set(t2_r06_c1=123400), _set(t2_r06_c1=12.34), "表二!B16", 12.34, 123400),
    # ---- dates and stamp
    Case("DATE_MISSING", _set(date=None), _set(date=dt.date(B.year + 1, 1, 20)), "基本信息!B4"),
    Case(
        "DATE_INVALID",
        _set(date="2025年13月1日"),
        _set(date=dt.date(B.year + 1, 1, 31)),
        "基本信息!B4",
        None,
        "2025年13月1日",
    ),
    Case(
        "DATE_OUT_OF_RANGE",
        _set(date=dt.date(B.year, 12, 31)),
        _set(date=dt.date(B.year + 1, 1, 1)),
        "基本信息!B4",
        f"{B.year}-12-31 之后至 {B.year + 1}-01-31",
        f"{B.year}-12-31",
    ),
    Case(
        "YEAR_STAMP_MISMATCH",
        lambda r: setattr(r.origin, "stamp", {"year": str(r.year - 1)}),
        lambda r: setattr(r.origin, "stamp", {"year": str(r.year)}),
        "基本信息!B3",
        B.year - 1,
        B.year,
    ),
    Case(
        "AGENCY_STAMP_MISMATCH",
        lambda r: setattr(r.origin, "stamp", {"agency": "别的单位"}),
        lambda r: setattr(r.origin, "stamp", {"agency": r.agency}),
        "基本信息!B2",
        "别的单位",
        B.agency,
    ),
    # ---- narrative vs tables
    Case(
        "NARR_APPLICATIONS",
        _set(narr_s1_2=f"本年度共收到政府信息公开申请{_NEW_TOTAL + 5}件。"),
        _set(narr_s1_2=f"本年度共收到政府信息公开申请{_NEW_TOTAL}件，较上年收到申请{_NEW_TOTAL + 5}件有所下降。"),
        "文字内容!B4",
        _NEW_TOTAL,
        _NEW_TOTAL + 5,
    ),
    Case(
        "NARR_DISCLOSED",
        _set(narr_s1_2=f"予以公开{_DISCLOSED - 1}件。"),
        _set(narr_s1_2=f"予以公开{_DISCLOSED}件。"),
        "文字内容!B4",
        _DISCLOSED,
        _DISCLOSED - 1,
    ),
    Case(
        "NARR_REVIEWS",
        _set(narr_s6="本年度被申请行政复议十二件。未收取信息处理费。"),
        _set(narr_s6=f"本年度被申请行政复议{cn_number(_REVIEWS)}件，其中结果维持12件。未收取信息处理费。"),
        "文字内容!B9",
        _REVIEWS,
        12,
    ),
    Case(
        "NARR_LAWSUITS",
        _set(narr_s1_5=f"被提起行政诉讼{_LAWSUITS + 1}起。"),
        _set(narr_s1_5=f"被提起行政诉讼{_LAWSUITS}起。"),
        "文字内容!B7",
        _LAWSUITS,
        _LAWSUITS + 1,
    ),
    Case(
        "NARR_CARRY_OVER",
        _set(narr_s1_2=f"结转下年度继续办理{V(t3(25, 7)) + 3}件。"),
        _set(narr_s1_2=f"结转下年度继续办理{V(t3(25, 7))}件，较上年减少{V(t3(25, 7)) + 3}件。"),
        "文字内容!B4",
        V(t3(25, 7)),
        V(t3(25, 7)) + 3,
    ),
    Case(
        "NARR_RESULTS",
        _set(narr_s1_2=f"全年共办结申请{V(t3(24, 7)) - 2}件。"),
        _set(narr_s1_2=f"均在法定期限内答复，全年共办结申请{V(t3(24, 7))}件。"),
        "文字内容!B4",
        V(t3(24, 7)),
        V(t3(24, 7)) - 2,
    ),
    Case(
        "NARR_APPLICANTS",
        _set(narr_s1_2=f"本年度新收申请{_NEW_TOTAL}件，其中自然人申请{V(t3(1, 1)) + 1}件。"),
        _set(narr_s1_2=f"本年度新收申请{_NEW_TOTAL}件，其中自然人申请{V(t3(1, 1))}件。"),
        "文字内容!B4",
        V(t3(1, 1)),
        V(t3(1, 1)) + 1,
    ),
    Case(
        "NARR_TABLE2",
        _set(narr_s1_1=f"本年度制发行政规范性文件{V('t2_r02_c1') + 4}件。"),
        _set(narr_s1_1=f"本年度制发行政规范性文件{V('t2_r02_c1')}件，清理规范性文件{V('t2_r02_c1') + 4}件。"),
        "文字内容!B3",
        V("t2_r02_c1"),
        V("t2_r02_c1") + 4,
    ),
    Case(
        "NARR_NO_APPLICATIONS",
        _set(narr_s1_2="本年度未收到政府信息公开申请。"),
        _set(narr_s1_2="本年度未收到行政复议申请。"),
        "文字内容!B4",
        0,
        _NEW_TOTAL,
    ),
    Case(
        "NARR_FEE_CHARGED",
        _with_totals(
            t3_r22_c1=2,
            t3_r24_c1=V(t3(24, 1)) + 2,
            t3_r01_c1=V(t3(1, 1)) + 2,
            narr_s1_2=f"本年度共收到政府信息公开申请{_NEW_TOTAL + 2}件。",
            narr_s6="本年度未发出收费通知，未收取信息处理费。",
        ),
        _with_totals(t3_r22_c1=0, narr_s6="本年度未发出收费通知，未收取信息处理费。"),
        "文字内容!B9",
        None,
        2,
    ),
    Case(
        "FEE_NOT_MENTIONED",
        _set(narr_s6="无其他需要报告的事项。"),
        _set(narr_s6="本年度未收取信息处理费。"),
        "文字内容!B9",
    ),
    # ---- across years
    Case(
        "CARRY_OVER_MISMATCH",
        _previous(t3_r25_c1=V(t3(2, 1)) + 4),
        _previous(),
        "表三!D7",
        V(t3(2, 1)) + 4,
        V(t3(2, 1)),
    ),
    Case(
        "T2_CONTINUITY",
        _previous(t2_r02_c3=V("t2_r02_c3") - V("t2_r02_c1") + V("t2_r02_c2") + 3),
        _previous(),
        "表二!D6",
        V("t2_r02_c3") + 3,
        V("t2_r02_c3"),
    ),
    Case(
        "PREVIOUS_YEAR_MISMATCH",
        lambda r: {"previous": Report.from_json({**BASE_JSON, "year": B.year - 2})},
        _previous(),
        "基本信息!B3",
        B.year - 1,
        B.year - 2,
    ),
    # ---- notices
    Case(
        "LARGE_CARRY_OVER",
        _with_totals(t3_r25_c1=V(t3(25, 1)) + 40, t3_r01_c1=V(t3(1, 1)) + 40),
        _noop,
        "表三!J30",
        round(0.3 * (_NEW_TOTAL + 40 + V(t3(2, 7))), 6),
        V(t3(25, 7)) + 40,
    ),
    Case("BLANK_AS_ZERO", _set(t4_r01_c1=None, t4_r01_c2=None), _noop, "表四!A6", None, 2),
    Case(
        "YOY_JUMP",
        _previous(t2_r04_c1=6 * V("t2_r04_c1") + 30),
        _previous(),
        "表二!B12",
        6 * V("t2_r04_c1") + 30,
        V("t2_r04_c1"),
    ),
    # ---- issue 12 error classes
    Case("TABLE_MISSING", lambda r: _drop_table(r, "t4"), _noop, ref("t4_r01_c1")),
    Case(
        "MANY_BLANKS",
        _set(t4_r01_c1=None, t4_r01_c2=None, t4_r02_c1=None, t4_r02_c2=None),
        _noop,
        ref("t4_r01_c1"),
        None,
        4,
    ),
    Case(
        "WRONG_YEAR",
        _set(narr_s1_0=f"本报告中所列数据的统计期限自{B.year - 1}年1月1日起至{B.year - 1}年12月31日止。"),
        _set(narr_s1_0=f"本报告中所列数据的统计期限自{B.year}年1月1日起至{B.year}年12月31日止。"),
        "文字内容!B2",
        B.year,
        B.year - 1,
    ),
    Case(
        "S5_PERFUNCTORY",
        _set(narr_s5="无。"),
        _set(narr_s5="一是政策解读形式较为单一；二是栏目更新不够及时。下一步将加强培训，完善栏目更新机制。"),
        "文字内容!B8",
    ),
    Case("COPIED_TEXT", _previous(), _other_previous, "文字内容!B2", None, 1.0),
    Case("COPIED_TABLES", _previous(), _other_previous, "表三!J6"),
    Case(
        "S5_NO_FOLLOW_UP",
        _previous(),
        _followed_up,
        "文字内容!B8",
    ),
    Case("SUM_UNCHECKABLE", _set(t4_r03_c2="—"), _noop, "表四!O6"),
]
# Formatting by hand above keeps each case on a few lines; the ids below name them in pytest output.
_IDS = [c.code for c in CASES]


def _run(case_fn: Callable[[Report], dict[str, Any] | None]) -> list[Finding]:
    r = base()
    kwargs = case_fn(r) or {}
    return check_report(r, **kwargs)


def test_every_catalogue_code_has_a_case():
    file_level = {"UNREADABLE", "CHECK_FAILED", "PREVIOUS_UNREADABLE"}  # through check_path: test_check_cli.py
    checker_codes = {code for code, entry in CATALOG.items() if entry.raised_by == "check"}
    assert checker_codes - file_level == set(_IDS)  # reader/importer codes: test_read.py, test_import*.py


@pytest.mark.parametrize("case", CASES, ids=_IDS)
def test_rule_fails(case: Case):
    findings = _run(case.fail)
    f = next((f for f in findings if f.code == case.code), None)
    assert f is not None, [(x.code, x.ref) for x in findings]
    assert f.ref == case.ref
    assert f.severity == CATALOG[case.code].severity
    assert f.expected == case.expected
    assert f.actual == case.actual
    if isinstance(case.expected, int | float) and isinstance(case.actual, int | float):
        assert f.difference == pytest.approx(case.actual - case.expected)
    assert f.message and any("\u4e00" <= ch <= "\u9fff" for ch in f.message)
    json.dumps(f.to_json(), allow_nan=False)


@pytest.mark.parametrize("case", CASES, ids=_IDS)
def test_rule_passes(case: Case):
    findings = _run(case.ok)
    assert case.code not in codes(findings), [(f.code, f.ref, f.message) for f in findings]
    assert codes(findings, "error") == []


# ---------------------------------------------------------------------- precise behaviour
def test_single_wrong_cell_gives_one_error_at_that_cell():
    r = base()
    bump(r, t3(24, 3), 2)
    errors = [f for f in check_report(r) if f.severity == "error"]
    assert [(f.code, f.ref) for f in errors] == [("T3_RESULT_TOTAL", "表三!F29")]


def test_wrong_input_cell_breaks_its_row_and_its_column():
    r = base()
    old = bump(r, t3(1, 1), 1)
    errors = [(f.code, f.ref, f.expected, f.actual) for f in check_report(r) if f.severity == "error"]
    assert ("T3_ROW_TOTAL", "表三!J6", V(t3(1, 7)) + 1, V(t3(1, 7))) in errors
    assert ("T3_BALANCE", "表三!D30", V(t3(25, 1)) + 1, V(t3(25, 1))) in errors
    assert len(errors) == 2 and old == V(t3(1, 1))


def test_balance_of_total_column_reported_at_J30():
    r = base()
    bump(r, t3(25, 7), 1)
    found = {(f.code, f.ref) for f in check_report(r) if f.severity == "error"}
    assert ("T3_BALANCE", "表三!J30") in found


def test_total_column_echo_is_not_reported():
    """四 wrong in one column with the row total following it: only that column's balance is an error."""
    r = base()
    bump(r, t3(25, 2), 2)
    recompute_totals(r)
    errors = [(f.code, f.ref) for f in check_report(r) if f.severity == "error"]
    assert errors == [("T3_BALANCE", "表三!E30")]


def test_overridden_total_reports_both_values_and_nothing_else():
    r = base()
    _overridden(t3(24, 1), V(t3(24, 1)) + 2)(r)
    findings = check_report(r)
    assert codes(findings, "error") == ["TOTAL_OVERRIDDEN"]
    f = findings[0]
    assert (f.expected, f.actual, f.difference) == (V(t3(24, 1)), V(t3(24, 1)) + 2, 2)


def test_text_in_sum_is_uncheckable_not_wrong():
    r = base()
    r.set_value(t3(5, 1), "无")
    findings = check_report(r)
    assert codes(findings, "error") == ["NOT_A_NUMBER"]
    unchecked = {f.ref for f in findings if f.code == "SUM_UNCHECKABLE"}
    assert unchecked == {"表三!D29", "表三!J10"}  # (七)总计 of its column, 总计 of its row
    assert all(f.severity == "notice" for f in findings if f.code == "SUM_UNCHECKABLE")


def test_text_in_sheet_with_formula_totals_never_blames_a_total():
    """As read from a workbook: the totals over the text cell are blank (unknown), not 0."""
    r = base()
    r.origin.kind = "xlsx"
    r.set_value(t3(5, 1), "—")
    recompute_totals(r)
    assert r.value(t3(24, 1)) is None
    findings = check_report(r)
    assert codes(findings, "error") == ["NOT_A_NUMBER"]
    assert "表三!D30" in {f.ref for f in findings if f.code == "SUM_UNCHECKABLE"}


def test_unreadable_reader_cell_is_not_blamed_on_the_total():
    r = base()
    r.set_value("t4_r01_c1", None)
    r.origin.findings = [Finding("CELL_UNREADABLE", "error", "无法读取", "表四", "A6", "t4_r01_c1")]
    findings = check_report(r)
    assert codes(findings) == ["CELL_UNREADABLE"]  # said once, by the reader; the sum is not called wrong


def test_unread_sheet_gives_no_sum_or_blank_findings():
    """A sheet the reader could not find: its cells are unknown, not blanks counted as 0."""
    r = base()
    for f in SCHEMA.table("t3").figures():
        r.set_value(f.key, None)
    r.origin.kind = "xlsx"
    r.origin.unread = {f.key for f in SCHEMA.table("t3").figures()}
    r.origin.findings = [Finding("SHEET_MISSING", "error", "找不到工作表“表三”", sheet="表三")]
    r.narrative["narr_s1_2"] = "依申请公开工作规范有序。"
    assert codes(check_report(r)) == ["SHEET_MISSING"]


def test_uncheckable_names_the_input_cell_not_the_total():
    r = base()
    r.origin.kind = "xlsx"
    r.set_value(t3(5, 1), "—")
    recompute_totals(r)
    balance = next(f for f in check_report(r) if f.code == "SUM_UNCHECKABLE" and f.ref == "表三!D30")
    assert "D10（“—”）" in balance.message


def test_blanks_are_one_finding_per_table():
    """A few blanks are a notice; more than a few a warning naming them (the template says 没有的填 0)."""
    r = Report.empty()
    blanks = [f for f in check_report(r) if f.code == "MANY_BLANKS"]
    assert [(f.sheet, f.actual, f.severity) for f in blanks] == [
        ("表二", 10, "warning"),
        ("表三", 175, "warning"),
        ("表四", 15, "warning"),
    ]
    assert "D6、E6、F6、G6、H6、I6、J6、D7、E7、F7 等" in blanks[1].message
    r = base()
    _set(t4_r01_c1=None, t4_r01_c2=None, t4_r01_c3=None)(r)
    assert [(f.code, f.actual) for f in check_report(r) if "BLANK" in f.code] == [("BLANK_AS_ZERO", 3)]
    assert "BLANK_AS_ZERO" in codes(check_report(r, published=True))


def test_blank_total_with_nonzero_parts_is_an_error():
    r = base()
    r.set_value("t4_r02_c5", None)
    f = one(check_report(r), "T4_GROUP_TOTAL")
    assert (f.ref, f.expected, f.actual) == ("表四!J6", V("t4_r02_c5"), 0)
    assert "空白" in f.message


def test_seed_like_table2_row_gives_exactly_one_finding():
    r = base()
    _set(t2_r01_c1=1, t2_r01_c2=0, t2_r01_c3=0)(r)
    assert [(f.code, f.ref) for f in check_report(r)] == [("T2_VALID_ZERO", "表二!D5")]


def test_invalid_year_text():
    r = base()
    r.year = "二〇二四"
    f = one(check_report(r), "INFO_MISSING")
    assert (f.ref, f.actual) == ("基本信息!B3", "二〇二四")


def test_implausible_year_number():
    r = base()
    r.year = 3000
    assert one(check_report(r), "INFO_MISSING").actual == "3000"


def test_published_report_missing_a_whole_section_is_an_error():
    r = base()
    r.narrative["narr_s6"] = ""
    f = one(check_report(r, published=True), "NARRATIVE_EMPTY")
    assert (f.severity, f.ref) == ("error", "文字内容!B9")


def test_no_applications_phrases():
    r = base()
    for text, hit in (
        ("本年度无依申请公开。", True),
        ("本年度无政府信息公开申请。", True),
        ("对无正当理由大量反复提出的政府信息公开申请依法处理。", False),
        ("未收到行政复议申请。", False),
    ):
        r.narrative["narr_s1_2"] = text
        assert ("NARR_NO_APPLICATIONS" in codes(check_report(r))) is hit, text


def test_year_as_digit_text_is_accepted():
    r = base()
    r.year = str(B.year)
    assert check_report(r) == []


def test_date_range_boundaries():
    r = base()
    for day, bad in ((dt.date(B.year + 1, 1, 31), False), (dt.date(B.year + 1, 2, 1), True)):
        r.date = day
        assert ("DATE_OUT_OF_RANGE" in codes(check_report(r))) is bad


def test_placeholder_hint_prefix_alone_is_caught():
    r = base()
    r.narrative["narr_s5"] = "【请填写：问题】"
    assert one(check_report(r), "NARRATIVE_PLACEHOLDER").ref == "文字内容!B8"


def test_published_skips_template_only_checks():
    r = base()
    r.narrative["narr_s5"] = SCHEMA.narrative[6].hint + "{乱写}"
    r.origin.stamp = {"year": "2019", "agency": "别的单位"}
    assert {"NARRATIVE_PLACEHOLDER", "PLACEHOLDER_UNKNOWN", "YEAR_STAMP_MISMATCH", "AGENCY_STAMP_MISMATCH"} <= set(
        codes(check_report(r))
    )
    assert check_report(r, published=True) == []


def test_known_placeholders_are_substituted_before_comparing():
    r = base()
    r.narrative["narr_s1_2"] = "共收到政府信息公开申请{新收申请总数}件，予以公开{予以公开总数}件。"
    assert check_report(r) == []


def test_chinese_and_fullwidth_numbers_in_narrative():
    r = base()
    r.narrative["narr_s1_5"] = "被申请行政复议２件，被提起行政诉讼十五件。"
    assert (_REVIEWS, _LAWSUITS) == (2, 15)
    assert check_report(r) == []
    r.narrative["narr_s1_5"] = "被申请行政复议一百零五件。"
    f = one(check_report(r), "NARR_REVIEWS")
    assert (f.expected, f.actual) == (2, 105)


def test_fee_digits_before_yuan_in_narrative():
    r = base()
    r.set_value("t2_r06_c1", 1200)
    r.narrative["narr_s1_1"] = "全年行政事业性收费1200元。"
    f = one(check_report(r), "FEE_IN_YUAN")
    assert (f.ref, f.expected, f.actual) == ("表二!B16", 0.12, 1200)
    r.narrative["narr_s1_1"] = "全年行政事业性收费1200万元。"
    assert "FEE_IN_YUAN" not in codes(check_report(r))


def test_reader_findings_are_included_and_sorted():
    r = base()
    r.origin.findings = [Finding("MACROS_IGNORED", "notice", "宏已忽略"), Finding("X", "error", "坏", "表三", "D6")]
    r.set_value("t2_r04_c1", -1)
    findings = check_report(r)
    assert [f.code for f in findings] == ["NEGATIVE", "X", "MACROS_IGNORED"]


def test_malformed_tables_do_not_raise():
    r = base()
    r.tables["t3"] = r.tables["t3"][:3]
    r.tables["t4"] = "nonsense"  # type: ignore[assignment]
    findings = check_report(r)
    assert "MANY_BLANKS" in codes(findings)


def test_with_consistent_previous_year_no_findings():
    rng = random.Random(5)
    last = consistent_report(rng, scale=3)
    this = consistent_report(rng, scale=3, previous=last)
    assert check_report(this, last) == []


def test_findings_are_sorted_errors_first():
    r = base()
    _set(t2_r01_c1=1, t2_r01_c2=0, t2_r01_c3=0, t4_r01_c1=None)(r)
    bump(r, t3(5, 7), 1)
    severities = [f.severity for f in check_report(r)]
    assert severities == sorted(severities, key=["error", "warning", "notice"].index)


# ---------------------------------------------------------------------- samples
@pytest.mark.parametrize("published", [False, True])
def test_seed_sample_gives_the_regulation_warning_only(published: bool):
    report = Report.load(SAMPLES / "quzhou-jgsw-2022.json")
    findings = check_report(report, published=published)
    assert [(f.code, f.severity, f.ref, f.expected, f.actual) for f in findings] == [
        ("T2_VALID_ZERO", "warning", "表二!D5", 1, 0)
    ]


def test_large_consistent_sample_gives_no_error():
    findings = check_report(Report.load(SAMPLES / "city-2024.json"))
    assert codes(findings, "error") == []
    assert codes(findings, "warning") == []


def test_errors_sample_finds_each_deliberate_error():
    findings = check_report(Report.load(SAMPLES / "errors-2024.json"))
    found = {(f.code, f.key) for f in findings}
    assert {
        ("T3_BALANCE", "t3_r25_c2"),
        ("T3_ROW_TOTAL", "t3_r03_c7"),
        ("T4_GROUP_TOTAL", "t4_r01_c5"),
        ("NEGATIVE", "t2_r02_c2"),
        ("NOT_WHOLE", "t2_r05_c1"),
        ("NOT_A_NUMBER", "t2_r01_c1"),
        ("FEE_IN_YUAN", "t2_r06_c1"),
        ("NARRATIVE_PLACEHOLDER", "narr_s1_3"),
        ("DATE_OUT_OF_RANGE", "info_date"),
    } <= found
    assert len(codes(findings, "error")) == 7


def test_imported_seed_audit_gives_the_regulation_warning_only():
    """The published seed through the importer (``audit``): no error, the 规章 warning, nothing else but notices."""
    import compiler.imports as imports

    seed = SAMPLES / "published" / "quzhou-jgsw-2022.txt"
    findings = check_report(imports.parse_file(seed), published=True)
    assert [(f.code, f.ref) for f in findings if f.severity != "notice"] == [("T2_VALID_ZERO", "表二!D5")]
