"""The standard template: layout, protection, validation, names, formulas, stamp, determinism, a real office."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import openpyxl
import pytest
from conftest import require_tool
from openpyxl.utils.cell import coordinate_from_string, range_boundaries

import compiler.cli.template as template_cli
from compiler.compute import recompute_totals
from compiler.model import Report
from compiler.schema.gov2021 import T3_CARRIED_IN, T3_CARRIED_OUT
from compiler.schema.workbook import (
    GRID_TOP,
    SHEET_INFO,
    SHEET_INSTRUCTIONS,
    SHEET_NARRATIVE,
    SHEET_PLACEHOLDERS,
    SHEET_STAMP,
    TEMPLATE_VERSION,
    cell_map,
    cell_ref,
    col_letter,
)
from compiler.template import BLANK_TEMPLATE_NAME, STAMP_FIELDS, stamp_property
from compiler.template.writer import input_figure_keys, template_bytes, write_template

ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- helpers
def random_report(schema, seed: int = 1) -> Report:
    """Every input figure a random value (some blank), totals recomputed."""
    rng = random.Random(seed)
    report = Report.empty()
    report.agency, report.year, report.date = "测试市测试局", 2025, dt.date(2026, 1, 20)
    report.contact.phone, report.contact.email = "0570-3012273", "gk@example.gov.cn"
    report.narrative = {p.key: f"{p.title}的正文。\n第二段 {{新收申请总数}}。" for p in schema.narrative}
    for key in input_figure_keys(schema):
        fig = schema.figure(key)
        if rng.random() < 0.1:
            continue
        report.set_value(key, round(rng.uniform(0, 500), 4) if fig.kind == "amount" else rng.randint(0, 60))
    recompute_totals(report)
    return report


def cells_of(ref: str) -> set[str]:
    """``D6:D8`` → {D6, D7, D8}."""
    c1, r1, c2, r2 = range_boundaries(ref)
    return {f"{col_letter(c - 1)}{r}" for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}


def sqref_cells(sqref) -> set[str]:
    return set().union(*(cells_of(str(r)) for r in str(sqref).split()))


def input_refs(schema):
    """(key, CellRef) of every cell the clerk types into."""
    keys = input_figure_keys(schema) + [f.key for f in schema.info] + [p.key for p in schema.narrative]
    return [(k, cell_ref(schema, k)) for k in keys]


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    return write_template(tmp_path_factory.mktemp("tpl") / "blank.xlsx")


@pytest.fixture(scope="module")
def blank_wb(blank):
    return openpyxl.load_workbook(blank)


@pytest.fixture(scope="module")
def filled(tmp_path_factory, schema):
    report = random_report(schema)
    path = write_template(tmp_path_factory.mktemp("tpl") / "filled.xlsx", report, lock_info=True)
    return report, path


# --------------------------------------------------------------------------- layout
def test_sheet_order_and_hidden_stamp(blank_wb, schema):
    expected = [SHEET_INSTRUCTIONS, SHEET_INFO, SHEET_NARRATIVE, *(t.sheet for t in schema.tables)]
    expected += [SHEET_PLACEHOLDERS, SHEET_STAMP]
    assert blank_wb.sheetnames == expected
    assert blank_wb[SHEET_STAMP].sheet_state == "veryHidden"
    assert all(blank_wb[n].sheet_state == "visible" for n in expected[:-1])


@pytest.mark.parametrize("table_id", ["t2", "t3", "t4"])
def test_grid_labels_and_merges_equal_schema(blank_wb, schema, table_id):
    table = schema.table(table_id)
    ws = blank_wb[table.sheet]
    assert ws.cell(1, 1).value == table.title
    expected_merges = set()
    covered = set()
    for cell in table.grid:
        row, col = GRID_TOP + cell.row + 1, cell.col + 1
        if cell.role == "figure":
            assert cell_ref(schema, cell.key) == type(cell_ref(schema, cell.key))(table.sheet, row - 1, col - 1)
        else:
            assert ws.cell(row, col).value == cell.text, (row, col)
        if cell.rowspan > 1 or cell.colspan > 1:
            last = f"{col_letter(col + cell.colspan - 2)}{row + cell.rowspan - 1}"
            expected_merges.add(f"{col_letter(col - 1)}{row}:{last}")
            covered |= cells_of(f"{col_letter(col - 1)}{row}:{last}") - {f"{col_letter(col - 1)}{row}"}
    merges = {str(r) for r in ws.merged_cells.ranges if r.min_row > GRID_TOP}
    assert merges == expected_merges
    # Every grid position is either a cell of the schema or covered by a merge: nothing invented.
    starts = {f"{col_letter(c.col)}{GRID_TOP + c.row + 1}" for c in table.grid}
    for r in range(GRID_TOP + 1, GRID_TOP + table.grid_rows + 1):
        for c in range(table.grid_cols):
            a1 = f"{col_letter(c)}{r}"
            assert a1 in starts or a1 in covered, a1
            if a1 in covered:
                assert ws[a1].value is None


def test_every_key_where_cell_ref_says(schema):
    cells = cell_map(schema)
    assert set(cells) == {f.key for f in schema.figures()} | {f.key for f in schema.info} | {
        p.key for p in schema.narrative
    }


# --------------------------------------------------------------------------- protection and validation
def test_protection_and_locking(blank_wb, schema):
    for ws in blank_wb.worksheets:
        assert ws.protection.sheet, ws.title
        assert not ws.protection.password, ws.title
    inputs = input_refs(schema)
    for _key, ref in inputs:
        assert blank_wb[ref.sheet][ref.a1].protection.locked is False, ref.ref
    input_cells = {(ref.sheet, ref.a1) for _k, ref in inputs}
    for table in schema.tables:
        ws = blank_wb[table.sheet]
        # cells covered by a merged input cell share its format
        merged_inputs = {
            a1
            for r in ws.merged_cells.ranges
            for a1 in cells_of(str(r))
            if (table.sheet, str(r).split(":")[0]) in input_cells
        }
        for r in range(GRID_TOP + 1, GRID_TOP + table.grid_rows + 1):
            for c in range(table.grid_cols):
                a1 = f"{col_letter(c)}{r}"
                if (table.sheet, a1) in input_cells or a1 in merged_inputs:
                    continue
                assert ws[a1].protection.locked is not False, f"{table.sheet}!{a1}"


def _validation_for(ws, a1):
    found = [dv for dv in ws.data_validations.dataValidation if a1 in sqref_cells(dv.sqref)]
    assert len(found) == 1, f"{ws.title}!{a1}: {len(found)} validations"
    return found[0]


def test_validation_on_every_input_cell(blank_wb, schema):
    for key, ref in input_refs(schema):
        dv = _validation_for(blank_wb[ref.sheet], ref.a1)
        assert dv.showInputMessage and dv.showErrorMessage, key
        assert dv.prompt and dv.error and dv.errorStyle in (None, "stop"), key
        assert any("\u4e00" <= ch <= "\u9fff" for ch in dv.prompt + dv.error), key
        if key.startswith("t"):
            fig = schema.figure(key)
            if fig.kind == "amount":  # ≥ 0 with at most 4 decimals, as a formula over the cell itself
                a1 = cell_ref(schema, key).a1
                assert dv.type == "custom", key
                assert dv.formula1 == f"AND(ISNUMBER({a1}),{a1}>=0,ROUND({a1},4)={a1})", key
                assert "万元" in dv.prompt and "4" in dv.prompt
            else:
                assert dv.operator == "greaterThanOrEqual" and dv.formula1 == "0", key
                assert dv.type == "whole", key
    info = {f.kind: cell_ref(schema, f.key) for f in schema.info}
    year = _validation_for(blank_wb[SHEET_INFO], info["year"].a1)
    # "between" is the OOXML default operator, so it may be omitted
    assert (year.type, year.operator or "between", year.formula1, year.formula2) == ("whole", "between", "2000", "2100")
    date = _validation_for(blank_wb[SHEET_INFO], info["date"].a1)
    assert date.type == "date" and (date.operator or "between") == "between"
    assert blank_wb[SHEET_INFO][info["date"].a1].number_format == "yyyy-mm-dd"


# --------------------------------------------------------------------------- names, formulas, conditional formats
def test_defined_names_resolve(blank_wb, schema):
    cells = cell_map(schema)
    assert set(blank_wb.defined_names) == set(cells)
    for key, ref in cells.items():
        dn = blank_wb.defined_names[key]
        assert dn.attr_text == ref.absolute
        ((sheet, coord),) = list(dn.destinations)
        assert sheet == ref.sheet and coord.replace("$", "") == ref.a1


def test_totals_are_sum_formulas(blank_wb, schema):
    for rule in schema.formula_rules():
        ref = cell_ref(schema, rule.anchor)
        formula = blank_wb[ref.sheet][ref.a1].value
        assert isinstance(formula, str) and formula.startswith("=SUM(") and formula.endswith(")"), rule.anchor
        summed = set().union(*(cells_of(p) for p in formula[5:-1].split(",")))
        assert summed == {cell_ref(schema, k).a1 for k in rule.right}, rule.anchor
        assert {cell_ref(schema, k).sheet for k in rule.right} == {ref.sheet}


def test_balance_conditional_formatting(blank_wb, schema):
    ws = blank_wb[schema.table("t3").sheet]
    cf_rules = [(str(cf.sqref), rule) for cf in ws.conditional_formatting for rule in cf.rules]
    balance = [r for r in schema.rules if r.code == "T3_BALANCE"]
    assert len(cf_rules) == len(balance)
    for rule in balance:
        cells = {cell_ref(schema, k).a1 for k in (*rule.left, *rule.right)}
        match = [cr for sq, cr in cf_rules if sqref_cells(sq) == cells]
        assert len(match) == 1, rule.anchor
        cr = match[0]
        assert cr.type == "expression"
        for a1 in cells:
            col, row = coordinate_from_string(a1)
            assert f"${col}${row}" in cr.formula[0]
        assert "<>" in cr.formula[0]
        assert cr.dxf.fill is not None


# --------------------------------------------------------------------------- stamp, print, determinism
def test_stamp_blank_and_personalised(blank_wb, filled, schema):
    props = {p.name: p.value for p in blank_wb.custom_doc_props.props}
    assert props[stamp_property("format")] == schema.format_id
    assert props[stamp_property("template_version")] == TEMPLATE_VERSION
    stamp = blank_wb[SHEET_STAMP]
    assert [stamp.cell(i + 1, 1).value for i in range(len(STAMP_FIELDS))] == list(STAMP_FIELDS)
    assert stamp["B1"].value == schema.format_id and stamp["B2"].value == TEMPLATE_VERSION
    report, path = filled
    wb = openpyxl.load_workbook(path)
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props[stamp_property("agency")] == report.agency
    assert props[stamp_property("year")] == str(report.year)
    values = {wb[SHEET_STAMP].cell(i + 1, 1).value: wb[SHEET_STAMP].cell(i + 1, 2).value for i in range(4)}
    assert values == {
        "format": schema.format_id,
        "template_version": TEMPLATE_VERSION,
        "agency": report.agency,
        "year": str(report.year),
    }
    assert wb.properties.created == dt.datetime(2021, 1, 1)


def test_print_setup(blank_wb, schema):
    for table in schema.tables:
        ws = blank_wb[table.sheet]
        assert ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0  # 1 is the default
        assert ws.print_title_rows == f"$1:${GRID_TOP + table.header_rows}"
    assert blank_wb[schema.table("t4").sheet].page_setup.orientation == "landscape"


def test_deterministic_bytes(schema):
    assert template_bytes() == template_bytes()
    report = random_report(schema, seed=7)
    assert template_bytes(report, lock_info=True) == template_bytes(report, lock_info=True)


def test_committed_template_is_current():
    committed = ROOT / "templates" / BLANK_TEMPLATE_NAME
    assert committed.read_bytes() == template_bytes(), "run: .venv/bin/python templates/regenerate.py"


# --------------------------------------------------------------------------- contents
def test_blank_narrative_holds_hints(blank_wb, schema):
    ws = blank_wb[SHEET_NARRATIVE]
    for part in schema.narrative:
        ref = cell_ref(schema, part.key)
        assert ws[ref.a1].value == part.hint
        assert ws.cell(ref.row + 1, 1).value == part.title
    for field in schema.info:
        ref = cell_ref(schema, field.key)
        assert blank_wb[SHEET_INFO][ref.a1].value is None
        assert blank_wb[SHEET_INFO].cell(ref.row + 1, 1).value == field.label


def test_instructions_list_rules_and_vocabulary(blank_wb, schema):
    text = "\n".join(str(c.value) for row in blank_wb[SHEET_INSTRUCTIONS].iter_rows() for c in row if c.value)
    for rule in schema.rules:
        assert rule.title in text
    assert f"“{SHEET_PLACEHOLDERS}”工作表" in text
    listed = "\n".join(str(c.value) for row in blank_wb[SHEET_PLACEHOLDERS].iter_rows() for c in row if c.value)
    for p in schema.placeholders():
        assert "{" + p.name + "}" in listed and p.key in listed
    assert sum(("{" + p.name + "}") in text for p in schema.placeholders()) == 1  # one example; the list is apart
    assert "万元" in text and "件" in text and "无需输入密码" in text
    # the placeholder sheet does not print beyond its title line
    assert blank_wb[SHEET_PLACEHOLDERS].print_area == f"'{SHEET_PLACEHOLDERS}'!$A$1:$D$1"


def test_filled_values_read_back(filled, schema):
    report, path = filled
    wb = openpyxl.load_workbook(path)
    cached = openpyxl.load_workbook(path, data_only=True)
    totals = {r.anchor for r in schema.formula_rules()}
    for fig in schema.figures():
        ref = cell_ref(schema, fig.key)
        if fig.key in totals:
            assert wb[ref.sheet][ref.a1].value.startswith("=SUM(")
            assert cached[ref.sheet][ref.a1].value == report.value(fig.key), fig.key
        else:
            assert wb[ref.sheet][ref.a1].value == report.value(fig.key), fig.key
    info = wb[SHEET_INFO]
    assert info[cell_ref(schema, "info_agency").a1].value == report.agency
    assert info[cell_ref(schema, "info_year").a1].value == report.year
    assert info[cell_ref(schema, "info_date").a1].value == dt.datetime(2026, 1, 20)
    assert info[cell_ref(schema, "info_agency").a1].protection.locked is not False
    assert info[cell_ref(schema, "info_year").a1].protection.locked is not False
    assert info[cell_ref(schema, "info_date").a1].protection.locked is False
    for part in schema.narrative:
        assert wb[SHEET_NARRATIVE][cell_ref(schema, part.key).a1].value == report.narrative[part.key]


def test_hostile_text_stays_text(tmp_path, schema):
    report = Report.empty()
    report.agency = "=1+1"
    report.narrative["narr_s5"] = '=HYPERLINK("http://x")'
    report.set_value("t3_r01_c1", "=2+2")
    report.set_value("t3_r01_c2", "十二")
    report.set_value("t3_r03_c1", 5)
    wb = openpyxl.load_workbook(write_template(tmp_path / "h.xlsx", report))
    for key, expected in (("info_agency", "=1+1"), ("narr_s5", '=HYPERLINK("http://x")'), ("t3_r01_c1", "=2+2")):
        ref = cell_ref(schema, key)
        cell = wb[ref.sheet][ref.a1]
        assert cell.data_type == "s" and cell.value == expected, key
    # cached total ignores text, as a spreadsheet's SUM does
    cached = openpyxl.load_workbook(tmp_path / "h.xlsx", data_only=True)
    ref = cell_ref(schema, "t3_r24_c1")
    assert cached[ref.sheet][ref.a1].value == 5


# --------------------------------------------------------------------------- command
def test_cli_default_and_personalised(tmp_path, monkeypatch, capsys, schema):
    monkeypatch.chdir(tmp_path)
    assert template_cli.run() == 0
    assert (tmp_path / template_cli.DEFAULT_OUTPUT).read_bytes() == template_bytes()
    out = tmp_path / "p.xlsx"
    assert template_cli.run(output=out, agency="某某区财政局", year=2025) == 0
    assert "某某区财政局" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    ref = cell_ref(schema, "info_agency")
    assert wb[ref.sheet][ref.a1].value == "某某区财政局"
    assert wb[ref.sheet][ref.a1].protection.locked is not False
    assert template_cli.run(output=tmp_path / "x.xls") == 2
    assert template_cli.run(output=out, year=1999) == 2
    assert "报告年度" in capsys.readouterr().err


def test_cli_from_last_year(tmp_path, schema, capsys):
    last = random_report(schema, seed=3)
    last.year = 2024
    last_path = tmp_path / "last.json"
    last_path.write_text(last.dumps(), encoding="utf-8")
    out = tmp_path / "next.xlsx"
    assert template_cli.run(output=out, from_=last_path) == 0
    assert "上年结转" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    t3 = schema.table("t3")
    for fig_in, fig_out in zip(t3.rows[T3_CARRIED_IN - 1], t3.rows[T3_CARRIED_OUT - 1], strict=True):
        ref = cell_ref(schema, fig_in.key)
        value = wb[ref.sheet][ref.a1].value
        if fig_in.key in {r.anchor for r in schema.formula_rules()}:
            assert value.startswith("=SUM(")
        else:
            assert value == last.value(fig_out.key)
    info = wb[SHEET_INFO]
    assert info[cell_ref(schema, "info_year").a1].value == 2025
    assert info[cell_ref(schema, "info_agency").a1].value == last.agency
    assert info[cell_ref(schema, "info_phone").a1].value == last.contact.phone
    ref = cell_ref(schema, "t3_r01_c1")  # this year's new requests stay blank
    assert wb[ref.sheet][ref.a1].value is None
    assert template_cli.run(output=out, from_=tmp_path / "missing.json") == 2
    assert template_cli.run(output=last_path.with_suffix(".xlsx"), from_=last_path, year=2025) == 0
    # 二、上年结转 can only come from the year before: another year is refused, nothing written
    wrong = tmp_path / "wrong-year.xlsx"
    assert template_cli.run(output=wrong, from_=last_path, year=2030) == 2
    assert "2029" in capsys.readouterr().err and not wrong.exists()


# --------------------------------------------------------------------------- a real office suite
@pytest.mark.slow
@pytest.mark.office
def test_libreoffice_recalculates_totals(tmp_path, schema, soffice):
    from compiler.util.office import convert

    src = tmp_path / "in" / "filled.xlsx"
    src.parent.mkdir()
    write_template(src)
    wb = openpyxl.load_workbook(src)
    report = Report.empty()
    rng = random.Random(11)
    for key in input_figure_keys(schema):
        fig = schema.figure(key)
        value = round(rng.uniform(0, 99), 2) if fig.kind == "amount" else rng.randint(0, 40)
        if rng.random() < 0.1:
            value = None  # a blank counts as 0 in the spreadsheet
        report.set_value(key, value)
        ((sheet, coord),) = list(wb.defined_names[key].destinations)
        wb[sheet][coord.replace("$", "")].value = value
    wb.save(src)
    recompute_totals(report)
    out = convert(src, "xlsx", tmp_path / "out")
    calc = openpyxl.load_workbook(out, data_only=True)
    for rule in schema.formula_rules():
        ref = cell_ref(schema, rule.anchor)
        assert calc[ref.sheet][ref.a1].value == report.value(rule.anchor), rule.anchor
    # the balance highlight survives the office round trip
    assert len(list(calc[schema.table("t3").sheet].conditional_formatting)) > 0


def _red_pixels(pdf: Path) -> int:
    """Pixels in the conditional-format red fill on every page of ``pdf`` (rendered by poppler)."""
    import subprocess

    require_tool("pdftoppm")
    subprocess.run(["pdftoppm", "-r", "40", str(pdf), str(pdf.with_suffix(""))], check=True, timeout=120)
    count = 0
    for page in sorted(pdf.parent.glob(pdf.stem + "-*.ppm")):
        data = page.read_bytes()
        # binary PPM: "P6\n<w> <h>\n255\n" then RGB triples
        parts = data.split(b"\n", 3)
        pixels = parts[3]
        for i in range(0, len(pixels) - 2, 3):
            r, g, b = pixels[i], pixels[i + 1], pixels[i + 2]
            if r > 240 and 180 < g < 215 and 190 < b < 222:
                count += 1
    return count


@pytest.mark.slow
@pytest.mark.office
def test_libreoffice_shows_broken_balance_red(tmp_path, soffice):
    from compiler.util.office import convert

    balanced, broken = Report.empty(), Report.empty()
    for report in (balanced, broken):
        report.set_value("t3_r01_c1", 5)
        report.set_value("t3_r03_c1", 3)
    balanced.set_value("t3_r25_c1", 2)  # 5 + 0 = 3 + 2
    counts = {}
    for name, report in (("balanced", balanced), ("broken", broken)):
        src = write_template(tmp_path / f"{name}.xlsx", report)
        counts[name] = _red_pixels(convert(src, "pdf", tmp_path / name))
    assert counts["balanced"] == 0
    assert counts["broken"] > 0


def test_reader_round_trip_and_from_xlsx(tmp_path, schema, capsys):
    """What the writer puts in, the reader gets back; last year's filled xlsx prefills next year's."""
    import compiler.inputs as read

    report = random_report(schema, seed=5)
    path = write_template(tmp_path / "last.xlsx", report, lock_info=True)
    back = read.load_report(path)
    assert back.tables == report.tables
    assert (back.agency, back.year, back.date, back.contact) == (
        report.agency,
        report.year,
        report.date,
        report.contact,
    )
    assert back.narrative == report.narrative
    out = tmp_path / "next.xlsx"
    assert template_cli.run(output=out, from_=path) == 0
    nxt = read.load_report(out)
    assert nxt.year == report.year + 1 and nxt.agency == report.agency
    t3 = schema.table("t3")
    for fig_in, fig_out in zip(t3.rows[T3_CARRIED_IN - 1], t3.rows[T3_CARRIED_OUT - 1], strict=True):
        assert nxt.value(fig_in.key) == report.value(fig_out.key)
