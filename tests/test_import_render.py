"""Reports rendered by our own HTML and Word writers parse back exactly, and audit finds the planted errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_import_layouts import SCHEMA, assert_same_report, sample_report

from compiler.cli.published import run_audit
from compiler.imports import parse_docx, parse_file, parse_html
from compiler.model import Report
from compiler.render.docx import docx_bytes, write_docx
from compiler.render.html import render_html, write_html
from compiler.schema.workbook import cell_ref

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def as_printed(report: Report) -> Report:
    """Our writers print a blank figure as 0 (spec §6.1 rule 10)."""
    printed = Report.from_json(report.to_json())
    for fig in SCHEMA.figures():
        if printed.value(fig.key) is None:
            printed.set_value(fig.key, 0)
    return printed


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_our_html_round_trip(tmp_path: Path, seed: int) -> None:
    report = sample_report(seed, blank_share=0.0)
    assert_same_report(parse_html(render_html(report)), report)
    path = write_html(report, tmp_path / "report.html")
    parsed = parse_file(path)
    assert_same_report(parsed, report)
    assert parsed.origin.findings == [] and parsed.origin.unread == set()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_our_docx_round_trip(tmp_path: Path, seed: int) -> None:
    report = sample_report(seed, blank_share=0.0)
    path = write_docx(report, tmp_path / "report.docx")
    parsed = parse_docx(path)
    assert_same_report(parsed, report)
    assert parsed.origin.findings == [] and parsed.origin.unread == set()


def test_blank_figures_come_back_as_printed_zeros(tmp_path: Path) -> None:
    report = sample_report(4, blank_share=0.3)
    assert parse_html(render_html(report)).tables == as_printed(report).tables
    assert parse_docx(write_docx(report, tmp_path / "r.docx")).tables == as_printed(report).tables


@pytest.mark.parametrize("name", ["quzhou-jgsw-2022", "city-2024"])
@pytest.mark.parametrize("kind", ["html", "docx"])
def test_samples_round_trip(tmp_path: Path, name: str, kind: str) -> None:
    report = Report.load(SAMPLES / f"{name}.json")
    path = (write_html if kind == "html" else write_docx)(report, tmp_path / f"{name}.{kind}")
    parsed = parse_file(path)
    assert parsed.tables == as_printed(report).tables
    assert (parsed.agency, parsed.year, parsed.date) == (report.agency, report.year, report.date)
    if name == "quzhou-jgsw-2022":  # no {占位符} in its text: the narrative comes back word for word
        assert parsed.narrative == report.narrative


@pytest.mark.parametrize("kind", ["html", "docx"])
def test_audit_finds_the_planted_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    """samples/errors-2024 published through our writers: audit names each planted error at its cell."""
    report = Report.load(SAMPLES / "errors-2024.json")
    path = (write_html if kind == "html" else write_docx)(report, tmp_path / f"errors.{kind}")
    assert run_audit([path], json_out=True) == 1
    [result] = json.loads(capsys.readouterr().out)["files"]
    found = {(f["code"], f["ref"]) for f in result["findings"]}
    for code, key in [
        ("T3_BALANCE", "t3_r25_c2"),
        ("T3_ROW_TOTAL", "t3_r03_c7"),
        ("T4_GROUP_TOTAL", "t4_r01_c5"),
        ("NEGATIVE", "t2_r02_c2"),
        ("NOT_WHOLE", "t2_r05_c1"),
        ("FEE_IN_YUAN", "t2_r06_c1"),
        ("IMPORT_UNREADABLE", "t2_r01_c1"),  # “不适用” printed where a number belongs
    ]:
        assert (code, cell_ref(SCHEMA, key).ref) in found, (code, key)
    assert "DATE_OUT_OF_RANGE" in {c for c, _ in found}


#: Agency names the normalised label form would change: quotes, inner spaces, full-width forms, a formula.
AGENCIES = [
    "衢州市“两山”转化办",
    '=HYPERLINK("x")',
    "某县「数字」改革办（ＡＢＣ）",
    "Ａ市 人民政府办公室",
    "‘甲’乙县 民政局",
]


@pytest.mark.parametrize("agency", AGENCIES)
@pytest.mark.parametrize("kind", ["html", "docx"])
def test_agency_comes_back_as_written(tmp_path: Path, kind: str, agency: str) -> None:
    """The agency is matched normalised but kept as printed: quotes, spaces and full-width forms survive."""
    report = sample_report(5, blank_share=0.0)
    report.agency = agency
    if kind == "html":
        parsed = parse_html(render_html(report))
    else:
        path = tmp_path / "report.docx"
        path.write_bytes(docx_bytes(report))
        parsed = parse_docx(path)
    assert_same_report(parsed, report)
    assert parsed.agency == agency
