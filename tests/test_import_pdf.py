"""Published PDFs: text PDFs with ruled tables, as Word and WPS export them, read back cell by cell.

The fixtures are written here: a Word file built the way real offices lay
out the report (title over two lines, ``-N-`` page numbers in the footer, a
running header, a label column wider than its label, a numbered label misprinted, table 3's
（六）其他处理 printed as one row as in the 2019 format), turned into a PDF by
LibreOffice (and once without ruling lines, for the text fallback). What was
printed must come back; what was not printed comes back null with a finding;
nothing is invented.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from synth import consistent_report
from test_import_layouts import cell_text, narrative_lines

from compiler.imports import parse_file
from compiler.imports.pdffile import is_page_number
from compiler.model import Report
from compiler.render.pdf import write_pdf
from compiler.schema import get_schema
from compiler.schema.types import GridCell

SCHEMA = get_schema()
T3 = SCHEMA.table("t3")
#: The row whose label WPS reports misprint (``2.其他法律行政法规禁止公开``), and the misprint.
TYPO_ROW = next(r for r in T3.rows if r[0].row_label.startswith("2.其他法律"))
TYPO = "2.其他法律行政止公开"
#: 表三（六）其他处理: its group cell and the JSON rows (0-based) under it.
OTHER = next(c for c in T3.grid if c.role == "label" and c.text.startswith("（六）"))
_FIRST = next(f.row for f in T3.figures() if f.key == next(c.key for c in T3.grid if c.row == OTHER.row and c.key))
OTHER_ROWS = slice(_FIRST - 1, _FIRST - 1 + OTHER.rowspan)


#: A running header printed at the top of every page.
RUNNING_HEADER = "某市某区人民政府信息公开工作年度报告（公开版）"


def _report(seed: int) -> Report:
    report = consistent_report(random.Random(seed), scale=3.0)
    report.agency = "某市某区人民政府"
    report.year, report.date = 2024, dt.date(2025, 1, 20)
    return report


def _one_row_other(grid: list[GridCell], report: Report) -> tuple[list[GridCell], dict[str, int | float | None]]:
    """Table 3 as the 2019 format prints （六）其他处理: one row with the sums, no sub-rows."""
    first, last = OTHER.row, OTHER.row + OTHER.rowspan - 1
    sums: dict[str, int | float | None] = {}
    out: list[GridCell] = []
    for c in grid:
        if first < c.row <= last:
            continue  # the sub-rows vanish
        if c.row == first and c.role == "label" and c.col > OTHER.col:
            continue  # so does the sub-row label
        if c is OTHER:
            c = dataclasses.replace(c, rowspan=1, colspan=2)
        elif c.row == first and c.key:
            fig = next(f for f in T3.figures() if f.key == c.key)
            keys = [T3.rows[r - 1][fig.col - 1].key for r in range(fig.row, fig.row + OTHER.rowspan)]
            sums[c.key] = sum(report.number(k) or 0 for k in keys)
        if c.row > last:
            c = dataclasses.replace(c, row=c.row - (last - first))
        elif c.row < first <= c.row + c.rowspan - 1:
            c = dataclasses.replace(c, rowspan=c.rowspan - (last - first))
        out.append(c)
    return out, sums


def _footer_page_number(document: docx.Document) -> None:
    """``-N-`` centred in the footer, N the PAGE field: extracted text puts it between table rows."""
    footer = document.sections[0].footer.paragraphs[0]
    footer.alignment = 1
    footer.add_run("-")
    footer._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    footer.add_run("-")


def wps_docx(
    report: Report, path: Path, *, one_row_other: bool = False, typo: bool = False, ruled: bool = True
) -> Path:
    """The report laid out as real offices do it in Word/WPS (see the module docstring)."""
    head, s1, s5, s6 = narrative_lines(report)
    document = docx.Document()
    _footer_page_number(document)
    document.sections[0].header.paragraphs[0].text = RUNNING_HEADER  # on every page, above the tables too
    document.add_paragraph(str(report.agency)).alignment = 1
    document.add_paragraph(f"{report.year}年政府信息公开工作年度报告").alignment = 1
    for p in (*head[1:], *s1):
        document.add_paragraph(p)
    sums: dict[str, int | float | None] = {}
    for table in SCHEMA.tables:
        document.add_paragraph(SCHEMA.sections[table.section - 1].heading)
        grid = list(table.grid)
        if table is T3 and one_row_other:
            grid, sums = _one_row_other(grid, report)
        rows = max(c.row + c.rowspan for c in grid)
        sheet = document.add_table(rows=rows, cols=table.grid_cols)
        if ruled:
            sheet.style = "Table Grid"
        cols = table.grid_cols
        cells = sheet._cells
        for c in grid:
            cell = cells[c.row * cols + c.col]
            if c.rowspan > 1 or c.colspan > 1:
                cell = cell.merge(cells[(c.row + c.rowspan - 1) * cols + c.col + c.colspan - 1])
            text = cell_text(sums.get(c.key, report.value(c.key)) if c.key else c.text)
            if typo and c.text == TYPO_ROW[0].row_label:
                text = TYPO
            cell.text = text
    for p in (*s5, *s6):
        document.add_paragraph(p)
    document.save(str(path))
    return path


@pytest.fixture(scope="module")
def pdfs(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Report, Path]]:
    """Each layout once per module (LibreOffice takes seconds)."""
    tmp = tmp_path_factory.mktemp("pdf")
    out: dict[str, tuple[Report, Path]] = {}
    for name, options, seed in (
        ("plain", {}, 1),
        ("typo", {"typo": True}, 2),
        ("one_row_other", {"one_row_other": True}, 3),
        ("unruled", {"ruled": False}, 4),
    ):
        report = _report(seed)
        source = wps_docx(report, tmp / f"{name}.docx", **options)
        out[name] = (report, write_pdf(source, tmp / f"{name}.pdf"))
    return out


def _figures(parsed: Report, report: Report, skip: set[str] = frozenset()) -> list[tuple[str, object, object]]:
    """Figures that did not come back as printed (a blank cell prints as nothing and comes back null)."""
    return [
        (f.key, report.value(f.key), parsed.value(f.key))
        for f in SCHEMA.figures()
        if f.key not in skip and parsed.value(f.key) != report.value(f.key)
    ]


@pytest.mark.slow
@pytest.mark.office
def test_ruled_tables_read_cell_by_cell(pdfs) -> None:
    report, path = pdfs["plain"]
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    assert "-2-" in text.replace(" ", "")  # the fixture does print page numbers, and tables span pages
    before = path.read_bytes()
    parsed = parse_file(path)
    assert _figures(parsed, report) == []
    assert (parsed.agency, parsed.year, parsed.date) == ("某市某区人民政府", 2024, dt.date(2025, 1, 20))
    assert parsed.origin.kind == "pdf"
    assert [f for f in parsed.origin.findings if f.severity == "error"] == []
    assert not any(f.code == "IMPORT_MISSING" for f in parsed.origin.findings)  # every section found
    for key in ("narr_s1_0", "narr_s5", "narr_s6"):
        assert parsed.narrative[key], key
    assert "-2-" not in "".join(parsed.narrative.values())
    assert RUNNING_HEADER not in "".join(parsed.narrative.values())
    assert path.read_bytes() == before


@pytest.mark.slow
@pytest.mark.office
def test_misprinted_numbered_label_is_still_its_row(pdfs) -> None:
    report, path = pdfs["typo"]
    parsed = parse_file(path)
    assert _figures(parsed, report) == []
    assert [parsed.value(f.key) for f in TYPO_ROW] == [report.value(f.key) for f in TYPO_ROW]


@pytest.mark.slow
@pytest.mark.office
def test_other_processing_as_one_row_stays_null_and_is_said(pdfs) -> None:
    report, path = pdfs["one_row_other"]
    parsed = parse_file(path)
    sub_rows = {f.key for r in T3.rows[OTHER_ROWS] for f in r}
    assert _figures(parsed, report, skip=sub_rows) == []
    assert {parsed.value(k) for k in sub_rows} == {None}
    trial = [f for f in parsed.origin.findings if f.code == "TRIAL_FORMAT_2019"]
    assert trial and "（六）其他处理" in trial[0].message


@pytest.mark.slow
@pytest.mark.office
def test_table_without_rules_is_never_misread(pdfs) -> None:
    """No ruling lines and labels wrapped in narrow columns: the text fallback reads what lines up, the rest is null
    with a finding for its row — never a number from another cell."""
    report, path = pdfs["unruled"]
    parsed = parse_file(path)
    rows_named = {f.key for f in parsed.origin.findings if f.key}
    for table in SCHEMA.tables:
        for row in table.rows:
            got = [parsed.value(f.key) for f in row]
            assert all(g is None or g == report.value(f.key) for f, g in zip(row, got, strict=True)), row[0].key
            if any(g is None and report.value(f.key) is not None for f, g in zip(row, got, strict=True)):
                assert {f.key for f in row} & rows_named, row[0].key
    assert parsed.tables["t2"] == report.tables["t2"]  # short rows fit on one line: read by the text fallback


@pytest.mark.parametrize(
    ("line", "page_number"),
    [
        ("-2-", True),
        ("— 12 —", True),
        ("- 3 -", True),
        ("第 2 页", True),
        ("第2页 共5页", True),
        ("2/5", True),
        ("2", False),  # a bare number may be a cell
        ("-2-3", False),
        ("2024年", False),
        ("行政许可 9487", False),
    ],
)
def test_page_number_lines(line: str, page_number: bool) -> None:
    assert is_page_number(line) is page_number
