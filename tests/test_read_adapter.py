"""The openpyxl adapter: same cells as stock openpyxl, our failures said as ours, junk sheets never parsed.

Differential: every cell of every template sheet, as the adapter reads it,
equals what stock ``openpyxl.load_workbook`` (normal mode, public API) reads
from the same file — for files saved by nianbao, by openpyxl and by
LibreOffice — and so do the defined names and the custom properties.
"""

from __future__ import annotations

import sys
import tracemalloc
import warnings
import zipfile
from pathlib import Path

import openpyxl
import openpyxl.reader.excel
import pytest
from lxml import etree
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from compiler.check import check_path
from compiler.read import UnreadableInput
from compiler.read.adapter import CellContent, formula_text, open_book
from compiler.read.container import read_bytes, sniff
from compiler.read.xlsx import read_workbook
from compiler.schema import get_schema
from compiler.schema.workbook import SHEET_STAMP, cell_map
from compiler.template.writer import write_template
from compiler.util.office import convert

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from common import sample_report, with_junk_sheet

SCHEMA = get_schema()
SHEETS = sorted({ref.sheet for ref in cell_map(SCHEMA).values()} | {SHEET_STAMP})


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    # no "\r" (stored as _x000D_): stock openpyxl leaves escapes undecoded, see the test on escapes
    return write_template(tmp_path_factory.mktemp("adapter") / "filled.xlsx", sample_report())


def _openpyxl_saved(src: Path, dst: Path) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(src)
    wb.save(dst)
    return dst


def _stock(path: Path) -> dict[str, dict[tuple[int, int], CellContent]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path, data_only=False, keep_vba=False, keep_links=False)
    cells: dict[str, dict[tuple[int, int], CellContent]] = {}
    for ws in wb.worksheets:
        if ws.title not in SHEETS:
            continue
        found = cells[ws.title] = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                formula = formula_text(c.value, c.data_type)
                found[(c.row, c.column)] = CellContent(None if formula else c.value, formula)
    cells["names"] = {(0, i): CellContent(n, dn.value) for i, (n, dn) in enumerate(sorted(wb.defined_names.items()))}
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    cells["props"] = {(0, i): CellContent(k, v) for i, (k, v) in enumerate(sorted(props.items()))}
    return cells


def _ours(path: Path) -> dict[str, dict[tuple[int, int], CellContent]]:
    book = open_book(sniff(read_bytes(path), path.name), path.name)
    cells = {t: book.cells(t, 1000, 100) for t in book.titles if t in SHEETS}
    cells["names"] = {(0, i): CellContent(n, v) for i, (n, v) in enumerate(sorted(book.names.items()))}
    cells["props"] = {(0, i): CellContent(k, v) for i, (k, v) in enumerate(sorted(book.properties.items()))}
    return cells


def _assert_same_as_stock(path: Path) -> None:
    ours, stock = _ours(path), _stock(path)
    assert set(ours) == set(stock) and len(ours) == len(SHEETS) + 2
    for sheet in stock:
        assert ours[sheet] == stock[sheet], sheet
    assert sum(len(v) for v in ours.values()) > 500  # the comparison saw the figures, names and stamp


def test_same_cells_as_stock_openpyxl_on_a_file_saved_by_nianbao(filled: Path) -> None:
    _assert_same_as_stock(filled)


def test_same_cells_as_stock_openpyxl_on_a_file_saved_by_openpyxl(filled: Path, tmp_path: Path) -> None:
    _assert_same_as_stock(_openpyxl_saved(filled, tmp_path / "openpyxl.xlsx"))


@pytest.mark.office
@pytest.mark.slow
def test_same_cells_as_stock_openpyxl_on_a_file_saved_by_libreoffice(
    filled: Path, tmp_path: Path, soffice: str
) -> None:
    _assert_same_as_stock(convert(filled, "xlsx", tmp_path / "lo"))


def test_escapes_are_decoded_where_stock_openpyxl_leaves_them(tmp_path: Path) -> None:
    """Stock openpyxl gives ``_x000D_`` for a stored carriage return, and drops the escape of a literal one."""
    report = sample_report()
    report.narrative[SCHEMA.narrative[0].key] = "第一段\r\n第二段，字面 _x000D_ 照录"
    text = read_workbook(write_template(tmp_path / "escapes.xlsx", report)).narrative[SCHEMA.narrative[0].key]
    assert text == "第一段\n第二段，字面 _x000D_ 照录"


# ----------------------------------------------------------------------------- our failures are ours
@pytest.mark.parametrize(
    "break_it",
    [
        pytest.param(lambda mp: mp.delattr(openpyxl.reader.excel, "ExcelReader"), id="private-hook-gone"),
        pytest.param(lambda mp: mp.delattr(ReadOnlyWorksheet, "iter_rows"), id="read-only-sheet-changed"),
    ],
)
def test_a_broken_adapter_is_reported_as_ours_not_as_a_damaged_file(filled, monkeypatch, break_it) -> None:
    break_it(monkeypatch)
    result = check_path(filled)
    [finding] = result.findings
    assert (result.status, finding.code, finding.severity) == ("unreadable", "READER_INTERNAL_ERROR", "error")
    assert "不是文件的问题" in finding.message and "请不要修改文件" in finding.message
    assert "损坏" not in finding.message and "另存为" not in finding.message


def test_a_damaged_sheet_is_still_the_files_fault(filled, tmp_path) -> None:
    """With the adapter intact, XML openpyxl cannot parse is the file's problem, as before."""
    bad = tmp_path / "bad.xlsx"
    sheet_part = "xl/worksheets/sheet5.xml"
    with zipfile.ZipFile(filled) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, data[: len(data) // 2] if info.filename == sheet_part else data)
    with pytest.raises(UnreadableInput) as err:
        read_workbook(bad)
    assert err.value.code == "UNREADABLE" and "文件可能已损坏" in err.value.message


# ----------------------------------------------------------------------------- only the template's sheets
@pytest.mark.slow
def test_a_big_junk_sheet_is_never_parsed(filled: Path, tmp_path: Path) -> None:
    """30 MB of junk XML, broken at its end and without ``<dimension>``: any parse of it would fail."""
    junk = with_junk_sheet(filled, tmp_path / "junk.xlsx", 30, broken_tail=True)
    tracemalloc.start()
    try:
        report = read_workbook(junk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    plain = read_workbook(filled)
    assert (report.tables, report.narrative, report.origin.findings) == (plain.tables, plain.narrative, [])
    assert peak < 20 * 1024 * 1024  # the 30 MB sheet is never inflated, let alone parsed
    # and the junk is really there, and really not XML
    with zipfile.ZipFile(junk) as zf:
        sheet = zf.read("xl/worksheets/sheet_junk.xml")
    assert len(sheet) > 29 * 1024 * 1024
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(sheet)


def test_a_sheet_a_defined_name_points_into_is_read_even_if_renamed(filled: Path, tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(filled)
    wb["表三"].title = "表三（改名）"
    for dn in wb.defined_names.values():  # as Excel does on a rename (openpyxl does not)
        dn.value = dn.value.replace("'表三'!", "'表三（改名）'!")
    renamed = tmp_path / "renamed.xlsx"
    wb.save(renamed)
    report = read_workbook(renamed)
    assert report.tables == read_workbook(filled).tables
    assert not any(f.code in ("SHEET_MISSING", "NAMES_MISSING") for f in report.origin.findings)


def test_check_and_batch_say_ours_too(filled, monkeypatch, capsys) -> None:
    """The command line and a batch worker carry the same code and message."""
    from compiler.batch.results import FileOutcome
    from compiler.batch.worker import _load
    from compiler.cli.check import run

    monkeypatch.delattr(openpyxl.reader.excel, "ExcelReader")
    assert run([filled], json_out=True) == 2  # not checked at all: unreadable, as before
    out = capsys.readouterr().out
    assert "READER_INTERNAL_ERROR" in out and "不是文件的问题" in out
    outcome = FileOutcome("filled.xlsx")
    assert _load(filled, outcome) is None
    assert [(f.code, f.severity) for f in outcome.findings] == [("READER_INTERNAL_ERROR", "error")]
