"""Property tests of the checker: consistent reports are clean; any single change is caught
where it happened; no cell content makes the checker raise."""

from __future__ import annotations

import json
import math
import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synth import consistent_report

from compiler.check import check_report
from compiler.model import Report
from compiler.schema import get_schema
from compiler.schema.workbook import cell_ref

SCHEMA = get_schema()
T34 = [f for f in SCHEMA.figures() if f.table in ("t3", "t4")]
_A1 = re.compile(r"([A-Z]+)(\d+)")

seeds = st.integers(min_value=0, max_value=2**32 - 1)
scales = st.sampled_from([0.1, 0.5, 1.0, 3.0, 10.0, 60.0])
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _row_col(cell: str) -> tuple[int, int]:
    m = _A1.fullmatch(cell)
    assert m, cell
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


@SETTINGS
@given(seeds, scales)
def test_consistent_reports_have_no_error_or_warning(seed: int, scale: float):
    report = consistent_report(random.Random(seed), scale=scale)
    findings = check_report(report)
    assert [(f.code, f.ref, f.message) for f in findings if f.severity != "notice"] == []


@SETTINGS
@given(seeds, scales)
def test_consistent_following_year_passes_cross_year_checks(seed: int, scale: float):
    rng = random.Random(seed)
    last = consistent_report(rng, scale=scale)
    this = consistent_report(rng, scale=scale, previous=last)
    assert [(f.code, f.ref) for f in check_report(this, last) if f.severity != "notice"] == []


@pytest.mark.slow
@SETTINGS
@given(seeds, st.sampled_from(T34), st.integers(min_value=-30, max_value=30).filter(bool))
def test_any_single_change_in_tables_3_and_4_is_an_error_in_its_row_or_column(seed: int, fig, delta: int):
    """In a report JSON totals are data: changing one figure always breaks a rule through that cell."""
    data = consistent_report(random.Random(seed), scale=2.0).to_json()
    data["tables"][fig.table][fig.row - 1][fig.col - 1] += delta
    report = Report.from_json(json.loads(json.dumps(data)))
    where = cell_ref(SCHEMA, fig.key)
    errors = [f for f in check_report(report) if f.severity == "error"]
    assert errors
    assert any(
        f.sheet == where.sheet and f.cell and (_row_col(f.cell)[0] == where.row or _row_col(f.cell)[1] == where.col)
        for f in errors
    ), [(f.code, f.ref) for f in errors]


cell_values = st.one_of(
    st.none(),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["—", "/", "无", "12件", "#REF!", "=SUM(A1)", "１２", "-0", "1e308"]),
)


@pytest.mark.slow
@SETTINGS
@given(seeds, st.dictionaries(st.sampled_from([f.key for f in SCHEMA.figures()]), cell_values, max_size=12))
def test_any_cell_content_gives_findings_never_an_exception(seed: int, cells: dict):
    report = consistent_report(random.Random(seed))
    for key, value in cells.items():
        report.set_value(key, value)
    findings = check_report(report)
    json.dumps([f.to_json() for f in findings], allow_nan=False)
    refs = {(f.ref, f.severity) for f in findings}
    for key, value in cells.items():
        bad = isinstance(value, str) or (isinstance(value, float) and not math.isfinite(value))
        if bad or (isinstance(value, int | float) and value < 0):
            assert (cell_ref(SCHEMA, key).ref, "error") in refs, (key, value)


@pytest.mark.slow
@SETTINGS
@given(
    seeds,
    st.dictionaries(
        st.sampled_from([p.key for p in SCHEMA.narrative]),
        st.text(
            alphabet=st.sampled_from(
                "收到新申请予以公开行政复议诉讼件元万未无信息处理费十二一百{}０１２3456789，。\n "
            ),
            max_size=80,
        ),
    ),
    st.one_of(st.none(), st.integers(), st.text(max_size=8)),
    st.one_of(st.none(), st.text(max_size=12), st.dates()),
)
def test_any_text_gives_findings_never_an_exception(seed: int, texts: dict, year, date):
    report = consistent_report(random.Random(seed))
    report.narrative.update(texts)
    report.year = year
    report.date = date
    check_report(report)
    check_report(report, published=True)
