"""The schema against the spec text: labels, layout, keys, rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compiler.compute import formula_order
from compiler.model import Report, ReportFormatError
from compiler.schema import get_schema
from compiler.schema.workbook import cell_map, cell_ref

SPEC = Path(__file__).resolve().parent.parent / "docs" / "spec" / "national-format-2021.md"


def spec_section(number: int) -> str:
    text = SPEC.read_text(encoding="utf-8")
    start = text.index(f"\n## {number}. ")
    return text[start : text.index("\n## ", start + 1)]


def backticked(line: str) -> list[str]:
    return re.findall(r"`([^`]+)`", line)


def covered(table) -> dict[tuple[int, int], object]:
    """(row, col) → the grid cell covering it; asserts no overlap."""
    seen: dict[tuple[int, int], object] = {}
    for cell in table.grid:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                assert (r, c) not in seen, f"{table.id}: overlap at {(r, c)}"
                seen[(r, c)] = cell
    return seen


def test_format_id_and_sizes(schema):
    assert schema.format_id == "gov-2021"
    assert [len(r) for r in schema.table("t2").rows] == [3, 3, 1, 1, 1, 1]
    assert [len(r) for r in schema.table("t3").rows] == [7] * 25
    assert [len(r) for r in schema.table("t4").rows] == [5] * 3
    assert len(schema.figures()) == 10 + 175 + 15
    with pytest.raises(KeyError):
        get_schema("gov-1999")


def test_section_headings_match_spec(schema):
    spec_headings = [
        backticked(line)[0] for line in spec_section(2).splitlines() if re.match(r"\| [一二三四五六] \|", line)
    ]
    assert [s.heading for s in schema.sections] == spec_headings
    assert [s.table for s in schema.sections] == [None, "t2", "t3", "t4", None, None]


def test_table3_row_labels_match_spec(schema):
    rows = [line for line in spec_section(4).splitlines() if re.match(r"\| (R\d|—)", line)]
    spec_paths: list[list[str]] = []
    for line in rows:
        labels = [re.sub(r"`", "", label) for label in backticked(line)]
        spec_paths.append(labels)
    t3 = get_schema().table("t3")
    leaf_labels = [row[0].row_label for row in t3.rows]
    spec_leaves = [p[-1] for p in spec_paths if not p[-1].startswith("三、")]
    assert leaf_labels == spec_leaves
    grid_text = {c.text for c in t3.grid if c.role == "label"}
    for path in spec_paths:
        assert set(path) <= grid_text


def test_table3_columns_and_header_match_spec(schema):
    sec = spec_section(4)
    spec_cols = [m.group(1) for m in re.finditer(r"^\| (?:NP|CE|RI|SW|LS|OT|TOT) \| (\S+) \|", sec, re.M)]
    t3 = schema.table("t3")
    assert [f.col_label for f in t3.rows[0]] == spec_cols
    note = next(c for c in t3.grid if c.role == "note")
    assert note.text in sec and (note.rowspan, note.colspan) == (3, 3)
    spans = {c.text: (c.row, c.col, c.rowspan, c.colspan) for c in t3.grid if c.role in ("header", "label")}
    assert spans["申请人情况"] == (0, 3, 1, 7)
    assert spans["自然人"] == (1, 3, 2, 1)
    assert spans["法人或其他组织"] == (1, 4, 1, 5)
    assert spans["总计"] == (1, 9, 2, 1)
    assert spans["三、本年度办理结果"][2] == 22
    assert spans["（三）不予公开"][2] == 8
    assert spans["（四）无法提供"][2] == 3
    assert spans["（五）不予处理"][2] == 5
    assert spans["（六）其他处理"][2] == 3
    assert spans["一、本年新收政府信息公开申请数量"][3] == 3
    assert spans["（七）总计"][3] == 2


def test_table2_labels_match_spec(schema):
    sec = spec_section(3)
    spec_labels = [
        backticked(line)
        for line in sec.splitlines()
        if line.startswith("| caption") or line.startswith("| header") or line.startswith("| data")
    ]
    t2 = schema.table("t2")
    grid_rows: dict[int, list[str]] = {}
    for cell in sorted(t2.grid, key=lambda c: (c.row, c.col)):
        if cell.text:
            grid_rows.setdefault(cell.row, []).append(cell.text)
    assert list(grid_rows.values()) == [labels for labels in spec_labels]
    fee = schema.figure("t2_r06_c1")
    assert fee.kind == "amount" and "万元" in fee.col_label
    assert all(f.kind == "count" for f in schema.figures() if f.key != "t2_r06_c1")


def test_table4_header_matches_spec(schema):
    sec = spec_section(5)
    t4 = schema.table("t4")
    texts = [c.text for c in t4.grid if c.role == "header"]
    for word in (
        "行政复议",
        "行政诉讼",
        "未经复议直接起诉",
        "复议后起诉",
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "总计",
    ):
        assert word in sec
        assert word in texts
    assert texts.count("结果维持") == 3
    # spec §5, cell by cell: (row, col, rowspan, colspan) of every header cell of the 3-row header
    results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    expected = {
        (0, 0, 1, 5): "行政复议",
        (0, 5, 1, 10): "行政诉讼",
        (1, 5, 1, 5): "未经复议直接起诉",
        (1, 10, 1, 5): "复议后起诉",
        **{(1, i, 2, 1): label for i, label in enumerate(results)},
        **{(2, 5 + g * 5 + i, 1, 1): label for g in range(2) for i, label in enumerate(results)},
    }
    header = {(c.row, c.col, c.rowspan, c.colspan): c.text for c in t4.grid if c.role == "header"}
    assert header == expected
    figures = sorted((c.row, c.col, c.key) for c in t4.grid if c.role == "figure")
    assert figures == [(3, i, f"t4_r{i // 5 + 1:02d}_c{i % 5 + 1}") for i in range(15)]
    assert [row[0].row_label for row in t4.rows] == ["行政复议", "未经复议直接起诉", "复议后起诉"]


@pytest.mark.parametrize("table_id", ["t2", "t3", "t4"])
def test_grid_is_complete_and_figures_placed_once(schema, table_id):
    table = schema.table(table_id)
    seen = covered(table)
    assert set(seen) == {(r, c) for r in range(table.grid_rows) for c in range(table.grid_cols)}
    placed = [c.key for c in table.grid if c.role == "figure"]
    assert sorted(placed) == sorted(f.key for f in table.figures())
    assert len(table.col_widths) == table.grid_cols


def test_keys_are_defined_name_shaped_and_unique(schema):
    keys = [f.key for f in schema.figures()]
    assert len(set(keys)) == len(keys)
    assert all(re.fullmatch(r"t[234]_r\d\d_c[1-7]", k) for k in keys)
    assert (
        schema.figure("t3_r01_c1").row_label.startswith("一、本年新收")
        and schema.figure("t3_r01_c1").col_label == "自然人"
    )
    assert schema.figure("t3_r25_c7").row_label == "四、结转下年度继续办理"
    assert schema.figure("t4_r03_c5").row_label == "复议后起诉" and schema.figure("t4_r03_c5").col_label == "总计"


def test_rules(schema):
    by_code: dict[str, list] = {}
    for rule in schema.rules:
        by_code.setdefault(rule.code, []).append(rule)
    assert {k: len(v) for k, v in by_code.items()} == {
        "T3_BALANCE": 7,
        "T3_RESULT_TOTAL": 7,
        "T3_ROW_TOTAL": 25,
        "T4_GROUP_TOTAL": 3,
    }
    assert all(len(r.right) == 21 for r in by_code["T3_RESULT_TOTAL"])
    assert all(len(r.right) == 6 for r in by_code["T3_ROW_TOTAL"])
    balance = by_code["T3_BALANCE"][0]
    assert balance.left == ("t3_r01_c1", "t3_r02_c1") and balance.right == ("t3_r24_c1", "t3_r25_c1")
    anchors = [r.anchor for r in schema.formula_rules()]
    assert len(anchors) == len(set(anchors)) == 6 + 25 + 3
    assert len(formula_order(schema.formula_rules())) == len(anchors)
    inputs = {f.key for f in schema.figures()} - set(anchors)
    assert len(inputs) == 10 + 21 * 6 + 2 * 6 + 6 + 12  # t2, result lines, 一/二, 四, t4 inputs


def test_placeholders(schema):
    names = [p.name for p in schema.placeholders()]
    assert len(names) == len(set(names))
    vocab = {p.name: p.key for p in schema.placeholders()}
    assert vocab["新收申请总数"] == "t3_r01_c7"
    assert vocab["予以公开总数"] == "t3_r03_c7"
    assert vocab["行政复议总计"] == "t4_r01_c5"


def test_workbook_cells(schema):
    cells = cell_map(schema)
    positions = [(c.sheet, c.row, c.col) for c in cells.values()]
    assert len(positions) == len(set(positions))
    assert cell_ref(schema, "t3_r01_c1").ref == "表三!D6"
    assert cell_ref(schema, "t3_r25_c7").ref == "表三!J30"
    assert set(cells) >= {"info_agency", "info_year", "info_date", "info_phone", "info_email", "info_address"}
    assert {f"narr_s1_{i}" for i in range(6)} | {"narr_s5", "narr_s6"} <= set(cells)


def test_report_json_round_trip():
    report = Report.empty()
    report.agency = "测试局"
    report.year = 2025
    report.set_value("t3_r01_c1", 3)
    report.set_value("t2_r06_c1", 1.2345)
    report.set_value("t3_r02_c2", "12件")
    report.narrative["narr_s1_1"] = "第一段\n第二段"
    data = report.to_json()
    assert data["tables"]["t2"][5] == [1.2345]
    assert data["tables"]["t3"][0][1] is None  # blank stays null
    assert Report.from_json(data) == report


@pytest.mark.parametrize(
    "bad",
    [[], {"tables": []}, {"tables": {"t3": "x"}}, {"narrative": []}, {"contact": 3}, {"format": "nope"}],
)
def test_report_json_shape_errors(bad):
    with pytest.raises(ReportFormatError):
        Report.from_json(bad)


# ----------------------------------------------------------------------------- roles
def test_roles_name_the_figures_other_layers_look_up() -> None:
    from compiler import schema as s

    sch = s.get_schema()
    figures = {f.key for f in sch.figures()}
    label = {role: sch.figure(k).row_label for role in sch.roles if (k := sch.role_total(role)) in figures}
    assert label[s.ROLE_NEW].startswith("一、本年新收")
    assert label[s.ROLE_CARRIED_IN].startswith("二、上年结转")
    assert label[s.ROLE_DISCLOSED] == "（一）予以公开"
    assert label[s.ROLE_RESULT_TOTAL] == "（七）总计"
    assert label[s.ROLE_CARRIED_OUT].startswith("四、结转下年度")
    assert "收费通知" in label[s.ROLE_UNPAID_FEE]
    assert label[s.ROLE_REVIEWS] == "行政复议"
    assert [sch.figure(k).row_label for k in sch.role_totals(s.ROLE_LAWSUITS)] == ["未经复议直接起诉", "复议后起诉"]
    results = sch.role(s.ROLE_RESULTS)
    assert len(results) == 21 and results[0] == sch.role(s.ROLE_DISCLOSED)[0]
    assert all(
        [sch.figure(k).col_label for k in row] == ["本年制发件数", "本年废止件数", "现行有效件数"]
        for row in sch.role(s.ROLE_DOCUMENTS)
    )
    assert sch.role_total(s.ROLE_FEE_STATEMENT) == "narr_s6"
    assert sch.role("no.such.role") == () and sch.role_total("no.such.role") is None


def test_year_links_are_carry_over_and_table2_continuity() -> None:
    from compiler import schema as s

    sch = s.get_schema()
    copies = [link for link in sch.year_links if link.is_copy]
    assert [(link.key, link.previous) for link in copies] == list(
        zip(sch.role(s.ROLE_CARRIED_IN)[0], sch.role(s.ROLE_CARRIED_OUT)[0], strict=True)
    )
    sums = [link for link in sch.year_links if not link.is_copy]
    assert [(link.plus[0], link.minus[0], link.key) for link in sums] == [tuple(r) for r in sch.role(s.ROLE_DOCUMENTS)]
    assert {link.code for link in copies} == {"CARRY_OVER_MISMATCH"} and {link.code for link in sums} == {
        "T2_CONTINUITY"
    }


def test_no_layer_outside_schema_types_a_table_id_or_imports_a_format_module() -> None:
    """Roles, not ``t2``/``t3``/``t4`` or ``gov2021`` constants, outside ``compiler/schema/``."""
    import ast
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "compiler"
    offenders = []
    for path in root.rglob("*.py"):
        if "schema" in path.relative_to(root).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(n.body[0].value)
            for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef) and n.body and isinstance(n.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and "gov2021" in (node.module or ""):
                offenders.append(f"{path.name}:{node.lineno} imports {node.module}")
            text = node.value if isinstance(node, ast.Constant) and id(node) not in docstrings else None
            if isinstance(text, str) and re.fullmatch(r"t[234](_r\d\d_c\d)?", text):
                offenders.append(f"{path.name}:{node.lineno} {text!r}")
    assert offenders == []


def test_one_valid_year_range() -> None:
    from compiler.check.rules import YEAR_RANGE, int_year
    from compiler.schema import VALID_YEARS
    from compiler.template.writer import YEAR_MAX, YEAR_MIN

    assert YEAR_RANGE == (YEAR_MIN, YEAR_MAX) == VALID_YEARS
    assert int_year(VALID_YEARS[0]) == VALID_YEARS[0] and int_year(VALID_YEARS[0] - 1) is None
