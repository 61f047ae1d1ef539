"""Property-based fuzzing: random cell contents never raise, and every unusable number is a finding.

Two routes:

* a returned sheet: random contents (text with any printable Unicode, numbers
  typed as text, huge/tiny/negative/non-finite floats, ints, booleans, dates,
  times, formulas, text that looks like a formula) typed with openpyxl into
  the clean base sheet's input cells, then read, checked, compiled to Word and
  HTML, and written back through the template writer;
* a report JSON / in-memory ``Report``: the same and worse (control
  characters, NaN, ±∞, 10**30, bools) in every figure and text field.

Nothing may raise, the sheet must stay readable, and every count cell given a
value that is not a plain whole number ≥ 0 (or a blank) must be named by a
finding whose key is that cell.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hostile import make_corpus as corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from typer.testing import CliRunner

from compiler.check import check_path, check_report
from compiler.cli import app
from compiler.model import Report
from compiler.render.docx import write_docx
from compiler.render.html import render_html
from compiler.schema import get_schema
from compiler.template.writer import write_template

SCHEMA = get_schema()
TOTALS = corpus.TOTALS
INPUTS = [f for f in SCHEMA.figures() if f.key not in TOTALS]
COUNT_INPUTS = [f.key for f in INPUTS if f.kind == "count"]
AMOUNT_INPUTS = [f.key for f in INPUTS if f.kind != "count"]
TEXT_KEYS = [f.key for f in SCHEMA.info] + [p.key for p in SCHEMA.narrative]
#: Examples per property; ``NIANBAO_FUZZ_EXAMPLES=500`` for a deeper run by hand.
FUZZ = settings(
    max_examples=int(os.environ.get("NIANBAO_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# ----------------------------------------------------------------------------- strategies
def _printable(s: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", s)


#: Any Unicode except lone surrogates (no file can hold them; the JSON loader replaces them).
unicode_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
numberish_text = st.one_of(
    st.from_regex(r"[ +\-−－]?[0-9０-９,]{0,9}(\.[0-9]{0,5})?[ 件元%]?", fullmatch=True),
    st.sampled_from(
        [
            "—",
            "/",
            "无",
            "12件",
            "#REF!",
            "#DIV/0!",
            "TRUE",
            "1e308",
            "NaN",
            "-0",
            "00012",
            " 12 ",
            "１２",
            "1,234",
            "0x1F",
        ]
    ),
)
formulas = st.sampled_from(
    [
        "=SUM(A1:A3)",
        "=1+2",
        "=3-5",
        "=1.5+1",
        "=A1",
        "=#REF!",
        "=1/0",
        "=[1]Sheet1!$A$1",
        '=HYPERLINK("http://127.0.0.1:9/","x")',
        "=+",
        "=1e3",
        "=TABLE()",
    ]
)
floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 5e-324, -0.0, 0.5, 1e15, 999999999999999.0, 2.00001]),
)


@st.composite
def sheet_values(draw: Any) -> tuple[str, Any]:
    """(kind, value): kind "value" stores as is, "text" forces a text cell, "formula" a formula cell."""
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return "value", None
    if choice == 1:
        return "value", draw(st.integers(min_value=-(10**20), max_value=10**20))
    if choice == 2:
        return "value", draw(floats)
    if choice == 3:
        return "value", draw(st.booleans())
    if choice == 4:
        return "value", draw(
            st.one_of(
                st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)),
                st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(9999, 12, 31)),
                st.times(),
            )
        )
    if choice == 5:
        return "formula", draw(formulas)
    if choice == 6:
        return "text", draw(st.sampled_from(["=", "+", "-", "@"])) + _printable(draw(unicode_text))
    if choice == 7:
        return "text", draw(numberish_text)
    if choice == 8:
        return "text", str(draw(st.one_of(st.integers(-(10**18), 10**18), floats)))
    return "text", _printable(draw(unicode_text))


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate({0x2212: "-", 0xFE63: "-", 0xFF0D: "-"}).strip()


def must_flag_sheet(kind: str, value: Any) -> bool:
    """True when a count cell holding this must be named by a finding (an independent, conservative oracle).

    Conservative: only values that are certainly not a whole number ≥ 0 are
    claimed (anything that might be read as one is left alone).
    """
    if kind == "formula":
        return True  # FORMULA_IN_INPUT, or FORMULA_EVALUATED for constant arithmetic
    if value is None:
        return False
    if isinstance(value, bool | dt.date | dt.time):
        return True
    if isinstance(value, int):
        return value < 0 or value >= 1e15
    if isinstance(value, float):
        if not math.isfinite(value):
            return False  # openpyxl writes an empty <v/>: a blank
        return (value < 0) or not value.is_integer() or abs(value) >= 1e15
    text = _normal(str(value))
    if not text:
        return False
    return not re.fullmatch(r"[+-]?[\d,]*(\.\d*)?", text)


def _store(cell: Any, kind: str, value: Any) -> None:
    cell.value = value
    if kind == "text":
        cell.data_type = "s"


# ----------------------------------------------------------------------------- the sheet route
@pytest.mark.slow
@FUZZ
@given(
    figures=st.dictionaries(st.sampled_from(COUNT_INPUTS + AMOUNT_INPUTS), sheet_values(), min_size=1, max_size=8),
    texts=st.dictionaries(st.sampled_from(TEXT_KEYS), sheet_values(), max_size=4),
)
def test_fuzzed_sheet(figures: dict[str, tuple[str, Any]], texts: dict[str, tuple[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        wb = corpus._load(corpus._filled_base())
        for key, (kind, value) in {**texts, **figures}.items():
            _store(corpus.named_cell(wb, key), kind, value)
        path = folder / "fuzz.xlsx"
        wb.save(path)

        result = check_path(path)  # reads and checks; never raises
        assert result.status != "unreadable", [f.message for f in result.findings]
        keyed = {f.key for f in result.findings if f.key}
        for key, (kind, value) in figures.items():
            if key in COUNT_INPUTS and must_flag_sheet(kind, value):
                assert key in keyed, (key, kind, value, [(f.code, f.key) for f in result.findings])
        for f in result.findings:
            assert f.message and re.search(r"[\u4e00-\u9fff]", f.message)
            json.dumps(f.to_json(), allow_nan=False)
        _write_everything(result.report, folder)


def _write_everything(report: Report, folder: Path) -> None:
    """Word, HTML and the template writer accept whatever the reader produced; the template reads back."""
    write_docx(report, folder / "out.docx")
    page = render_html(report)
    assert "<script" not in page.lower()
    filled = write_template(folder / "back.xlsx", report)
    back = check_path(filled)
    assert back.status != "unreadable"


# ----------------------------------------------------------------------------- the report route
json_values = st.one_of(
    st.none(),
    st.integers(min_value=-(10**30), max_value=10**30),
    floats,
    st.booleans(),
    numberish_text,
    unicode_text,
    formulas,
)


def must_flag_report(value: Any, kind: str) -> bool:
    """In a report (JSON), a figure is data: anything but a finite number ≥ 0 (whole for counts) is a finding."""
    if value is None:
        return False
    if isinstance(value, bool | str):
        return True
    if isinstance(value, float) and not math.isfinite(value):
        return True
    if value < 0:
        return True
    return kind == "count" and not float(value).is_integer()


@pytest.mark.slow
@FUZZ
@given(
    figures=st.dictionaries(st.sampled_from([f.key for f in SCHEMA.figures()]), json_values, min_size=1, max_size=10),
    texts=st.dictionaries(st.sampled_from(TEXT_KEYS), st.one_of(st.none(), unicode_text, formulas), max_size=6),
    date=st.one_of(st.none(), st.dates(), unicode_text),
)
def test_fuzzed_report(figures: dict[str, Any], texts: dict[str, Any], date: Any) -> None:
    report = corpus.report_copy()
    for key, value in figures.items():
        report.set_value(key, value)
    for key, value in texts.items():
        if key.startswith("narr_"):
            report.narrative[key] = value or ""
        elif key != "info_date":
            report.set_info(key, value)
    report.date = date

    findings = check_report(report)  # never raises
    keyed = {f.key for f in findings if f.key}
    kinds = {f.key: f.kind for f in SCHEMA.figures()}
    for key, value in figures.items():
        if must_flag_report(value, kinds[key]):
            assert key in keyed, (key, value, [(f.code, f.key) for f in findings])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write_everything(report, folder)
        # the same report as a JSON file, through the command line
        path = folder / "report.json"
        path.write_text(report.dumps(), encoding="utf-8")
        result = CliRunner().invoke(app, ["check", "--json", str(path)])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert result.exit_code in (0, 1)
        json.loads(result.stdout)
        exported = CliRunner().invoke(app, ["export", str(path)])
        assert exported.exit_code in (0, 1) and json.loads(exported.stdout)


@pytest.mark.slow
@FUZZ
@given(agency=unicode_text, narrative=st.text(max_size=2000), year=st.one_of(st.none(), st.integers(-5, 10**6)))
def test_fuzzed_template_writer(agency: str, narrative: str, year: int | None) -> None:
    """``write_template(path, report)`` with any agency, year and prose gives a readable sheet holding them as text."""
    report = Report.empty()
    report.agency, report.year = agency or None, year
    report.narrative["narr_s5"] = narrative
    with tempfile.TemporaryDirectory() as tmp:
        path = write_template(Path(tmp) / "t.xlsx", report, lock_info=True)
        result = check_path(path)
        assert result.status != "unreadable"
        read = result.report
        assert isinstance(read.agency, str | None)
        if agency.strip() and not ILLEGAL_CHARACTERS_RE.search(agency):
            assert read.agency == agency.strip()
