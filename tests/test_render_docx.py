"""The compiled Word document read back: content, merges, typography, footers, determinism, CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from lxml import etree

from compiler.cli.compile import run
from compiler.compute import recompute_totals
from compiler.model import Contact, Report
from compiler.render import docx_bytes, load_style, write_docx
from compiler.render.style import StyleError
from compiler.render.text import text_width
from compiler.schema import get_schema
from compiler.schema.gov2021 import T3_CARRIED_IN, T3_CARRIED_OUT, T3_NEW, T3_RESULT_TOTAL

SCHEMA = get_schema()
FEE = "t2_r06_c1"
T3_ROWS = (T3_NEW, T3_CARRIED_IN, T3_RESULT_TOTAL, T3_CARRIED_OUT)
TEXT_KEY = "t2_r01_c2"


def placeholder_for(key: str) -> str:
    return next(p.name for p in SCHEMA.placeholders() if p.key == key)


def full_report(agency: str = "某市人民政府办公室", date: dt.date | None = dt.date(2025, 1, 5)) -> Report:
    """A consistent report with a distinct figure in every cell (the checker finds no error)."""
    r = Report.empty()
    r.agency, r.year, r.date = agency, 2024, date
    r.contact = Contact("0571-88001234", "zwgk@example.com", "某市人民路1号")
    r.website = "某市人民政府门户网站（www.example.gov.cn）"
    for i, fig in enumerate(SCHEMA.figures()):
        r.set_value(fig.key, (i * 7) % 23 + 1)
    r.set_value(FEE, 12.35)
    recompute_totals(r)
    t3 = SCHEMA.table("t3")
    for c in range(6):  # make 一 + 二 = 三（七） + 四 hold in every applicant column
        new, carried_in, result, carried_out = (t3.rows[row - 1][c].key for row in T3_ROWS)
        r.set_value(carried_in, 1)
        r.set_value(new, r.number(result) + r.number(carried_out) - 1)
    recompute_totals(r)
    new_total = placeholder_for("t3_r01_c7")
    for part in SCHEMA.narrative:
        r.narrative[part.key] = f"{part.title}的情况说明。\n　　第二段：新收申请{{{new_total}}}件。"
    r.narrative["narr_s1_0"] = "总体情况导语。"
    return r


# ---------------------------------------------------------------- helpers
def grid_of(tbl: etree._Element) -> dict[tuple[int, int], tuple[str, int, int]]:
    """Walk ``w:tbl``: (row, col) of every cell that starts there → (text, rowspan, colspan)."""
    starts: dict[tuple[int, int], list] = {}
    open_merge: dict[int, tuple[int, int]] = {}  # grid column → start of the vertical merge
    for r, tr in enumerate(tbl.iter(qn("w:tr"))):
        c = 0
        for tc in tr.iter(qn("w:tc")):
            pr = tc.find(qn("w:tcPr"))
            span_el = pr.find(qn("w:gridSpan"))
            span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
            vm = pr.find(qn("w:vMerge"))
            text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
            if vm is not None and vm.get(qn("w:val")) != "restart":
                start = open_merge[c]
                starts[start][1] += 1
                assert text == ""
            else:
                starts[(r, c)] = [text, 1, span]
                if vm is not None:
                    open_merge[c] = (r, c)
            c += span
    return {k: tuple(v) for k, v in starts.items()}


def expected_text(report: Report, cell) -> str:
    if cell.role != "figure":
        return cell.text
    v = report.value(cell.key)
    if v is None:
        return "0"
    if isinstance(v, float) and not v.is_integer():
        return repr(v)
    return str(int(v)) if isinstance(v, float) else str(v)


def read_zip(data: bytes, name: str) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(name))


@pytest.fixture(scope="module")
def report() -> Report:
    r = full_report()
    r.set_value("t3_r05_c2", None)  # blank prints as 0
    return r


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory, report) -> Path:
    return write_docx(report, tmp_path_factory.mktemp("docx") / "out.docx")


@pytest.fixture(scope="module")
def doc(docx_path):
    return Document(str(docx_path))


# ---------------------------------------------------------------- tables
def test_every_label_number_and_merge_matches_the_schema(doc, report):
    tables = doc.tables
    assert len(tables) == len(SCHEMA.tables)
    for table, spec in zip(tables, SCHEMA.tables, strict=True):
        got = grid_of(table._tbl)
        expected = {
            (cell.row, cell.col): (expected_text(report, cell), cell.rowspan, cell.colspan) for cell in spec.grid
        }
        assert got == expected, spec.id


def test_specific_values_print_as_the_national_format_wants(doc, report):
    cells = {}
    for table, spec in zip(doc.tables, SCHEMA.tables, strict=True):
        got = grid_of(table._tbl)
        for cell in spec.grid:
            if cell.key:
                cells[cell.key] = got[(cell.row, cell.col)][0]
    assert cells[FEE] == "12.35"
    assert cells["t3_r05_c2"] == "0"
    assert all(text.replace(".", "").isdigit() for text in cells.values())


def test_table3_and_table4_merges(doc):
    t3 = grid_of(doc.tables[1]._tbl)
    assert t3[(0, 0)][1:] == (3, 3)  # the corner note spans 3×3
    assert t3[(0, 0)][0].startswith("（本列数据的勾稽关系")
    assert t3[(0, 3)] == ("申请人情况", 1, 7)
    assert t3[(1, 4)] == ("法人或其他组织", 1, 5)
    result = next(v for k, v in t3.items() if v[0] == "三、本年度办理结果")
    assert result[1] == 22
    assert next(v for v in t3.values() if v[0] == "（三）不予公开")[1] == 8
    assert next(v for v in t3.values() if v[0] == "（六）其他处理")[1] == 3
    t4 = grid_of(doc.tables[2]._tbl)
    assert t4[(0, 0)] == ("行政复议", 1, 5)
    assert t4[(0, 5)] == ("行政诉讼", 1, 10)
    assert t4[(1, 5)] == ("未经复议直接起诉", 1, 5)
    assert t4[(1, 10)] == ("复议后起诉", 1, 5)


def test_table_layout_fixed_widths_header_repeat_and_no_split(doc):
    style = load_style()
    text_width_twips = round(210 * 1440 / 25.4) - round(28 * 1440 / 25.4) - round(26 * 1440 / 25.4)
    for table, spec in zip(doc.tables, SCHEMA.tables, strict=True):
        tbl = table._tbl
        assert tbl.find(f"{qn('w:tblPr')}/{qn('w:tblLayout')}").get(qn("w:type")) == "fixed"
        cols = [int(g.get(qn("w:w"))) for g in tbl.iter(qn("w:gridCol"))]
        assert len(cols) == spec.grid_cols and sum(cols) == text_width_twips
        rows = list(tbl.iter(qn("w:tr")))
        assert len(rows) == spec.grid_rows
        for r, tr in enumerate(rows):
            assert tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
            header = tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
            assert header == (r < spec.header_rows)
            c = 0
            for tc in tr.iter(qn("w:tc")):
                span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
                n = int(span.get(qn("w:val"))) if span is not None else 1
                assert int(tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").get(qn("w:w"))) == sum(cols[c : c + n])
                c += n
            assert c == spec.grid_cols
        sizes = {int(sz.get(qn("w:val"))) for sz in tbl.iter(qn("w:sz"))}
        assert sizes == {round(style.table.size_pt * 2)}
        figure_jc = [
            p.find(f"{qn('w:pPr')}/{qn('w:jc')}").get(qn("w:val"))
            for tc in tbl.iter(qn("w:tc"))
            for p in tc.iter(qn("w:p"))
            if "".join(t.text for t in p.iter(qn("w:t"))).isdigit()
        ]
        assert figure_jc and set(figure_jc) == {"center"}


def test_text_values_print_as_typed_and_blank_as_zero():
    r = full_report()
    r.set_value(TEXT_KEY, "不适用")
    r.set_value("t4_r01_c1", None)
    doc = Document(io.BytesIO(docx_bytes(r)))
    t2 = grid_of(doc.tables[0]._tbl)
    t4 = grid_of(doc.tables[2]._tbl)
    fig = SCHEMA.figure(TEXT_KEY)
    cell = next(c for c in SCHEMA.table("t2").grid if c.key == fig.key)
    assert t2[(cell.row, cell.col)][0] == "不适用"
    assert t4[(3, 0)][0] == "0"


# ---------------------------------------------------------------- content
def _paras(doc) -> list:
    return list(doc.paragraphs)


def test_content_in_national_order(doc, report):
    paras = _paras(doc)
    assert paras[0].style.name == "Title"
    assert paras[0].text.replace("\n", "") == "某市人民政府办公室2024年政府信息公开工作年度报告"
    opening = paras[1].text
    for needle in ("《中华人民共和国政府信息公开条例》", "2024年1月1日至12月31日", "门户网站", "0571-88001234"):
        assert needle in opening
    assert "zwgk@example.com" in opening and "某市人民路1号" in opening
    h1 = [p.text for p in paras if p.style.name == "Heading 1"]
    assert h1 == [s.heading for s in SCHEMA.sections]
    h2 = [p.text for p in paras if p.style.name == "Heading 2"]
    assert h2 == [p.title for p in SCHEMA.narrative if p.section == 1][1:]
    # tables sit right after headings 二, 三, 四
    body = doc.element.body
    for spec in SCHEMA.tables:
        heading = next(p for p in paras if p.text == SCHEMA.sections[spec.section - 1].heading)
        assert heading._p.getnext().tag == qn("w:tbl")
    # narrative split into paragraphs, placeholders filled
    number = str(report.value("t3_r01_c7"))
    assert f"第二段：新收申请{number}件。" in [p.text for p in paras]
    assert "总体情况导语。" in [p.text for p in paras]
    assert body[-1].tag == qn("w:sectPr")


def _indent_chars(p, side: str, align: str) -> float:
    assert p._p.find(f"{qn('w:pPr')}/{qn('w:jc')}").get(qn("w:val")) == align
    return int(p._p.find(f"{qn('w:pPr')}/{qn('w:ind')}").get(qn(f"w:{side}Chars"))) / 100


LINE_CHARS = (210 - 28 - 26) / 25.4 * 72 / 16  # type block width in 16 pt characters


def test_signature_block_per_gbt9704(doc):
    paras = _paras(doc)
    name, date = paras[-2], paras[-1]
    assert paras[-3].text == ""  # one blank line
    assert name.text == "某市人民政府办公室"
    assert date.text == "2025年1月5日"
    name_right = _indent_chars(name, "right", "right")
    assert name_right == 2  # 右空二字
    # the date's first character sits two characters right of the name's first character
    name_first = LINE_CHARS - name_right - text_width(name.text)
    assert _indent_chars(date, "left", "left") == pytest.approx(name_first + 2, abs=0.01)


def test_signature_with_a_date_longer_than_the_name():
    doc = Document(io.BytesIO(docx_bytes(full_report(agency="某局", date=dt.date(2025, 12, 31)))))
    name, date = doc.paragraphs[-2], doc.paragraphs[-1]
    name_right = _indent_chars(name, "right", "right")
    date_left = _indent_chars(date, "left", "left")
    # the date ends 右空二字 and still starts two characters right of the name
    assert date_left + text_width("2025年12月31日") == pytest.approx(LINE_CHARS - 2, abs=0.01)
    assert date_left == pytest.approx(LINE_CHARS - name_right - text_width("某局") + 2, abs=0.01)


def test_empty_required_narrative_shows_its_hint_and_bad_characters_are_dropped():
    r = full_report()
    r.narrative["narr_s5"] = ""
    r.narrative["narr_s6"] = "无\x01\x0b。"
    doc = Document(io.BytesIO(docx_bytes(r)))
    texts = [p.text for p in doc.paragraphs]
    hint = next(p.hint for p in SCHEMA.narrative if p.key == "narr_s5")
    assert hint in texts and "无。" in texts


def test_missing_agency_and_date_still_compile():
    r = full_report()
    r.agency, r.date = None, None
    doc = Document(io.BytesIO(docx_bytes(r)))
    assert "【单位名称】" in doc.paragraphs[0].text
    assert doc.paragraphs[-1].text == "【单位名称】"


# ---------------------------------------------------------------- typography
def test_page_setup(doc):
    section = doc.sections[0]
    for got, mm in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert abs(got.mm - mm) < 0.05


def test_fonts_sizes_and_line_spacing(doc, docx_path):
    styles = doc.styles
    for name, font, size in (
        ("Normal", "仿宋_GB2312", 16),
        ("Title", "方正小标宋简体", 22),
        ("Heading 1", "黑体", 16),
        ("Heading 2", "楷体_GB2312", 16),
    ):
        st = styles[name]
        rfonts = st.element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia"):
            assert rfonts.get(qn(slot)) == font, (name, slot)
        assert st.font.size.pt == size
    title = styles["Title"].paragraph_format
    assert title.alignment == 1  # centre
    normal = styles["Normal"].paragraph_format
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.line_spacing.pt == pytest.approx(28.95)
    ind = styles["Normal"].element.find(f"{qn('w:pPr')}/{qn('w:ind')}")
    assert ind.get(qn("w:firstLineChars")) == "200" and int(ind.get(qn("w:firstLine"))) == 640

    data = docx_path.read_bytes()
    styles_xml = read_zip(data, "word/styles.xml")
    theme_attrs = [a for el in styles_xml.iter() for a in el.attrib if "Theme" in a or "theme" in a]
    assert theme_attrs == []
    defaults = styles_xml.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert "ja-JP" not in zipfile.ZipFile(io.BytesIO(data)).read("word/settings.xml").decode()
    # every run names its East Asian font explicitly
    document = read_zip(data, "word/document.xml")
    for r in document.iter(qn("w:r")):
        rfonts = r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert rfonts is not None and rfonts.get(qn("w:eastAsia"))
        assert not [a for a in rfonts.attrib if "Theme" in a]


def test_page_numbers_odd_right_even_left(doc):
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    assert not section.footer.is_linked_to_previous
    assert not section.even_page_footer.is_linked_to_previous
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        xml = footer._element
        instr = "".join(t.text for t in xml.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
        assert [f.get(qn("w:fldCharType")) for f in xml.iter(qn("w:fldChar"))] == ["begin", "separate", "end"]
        p = footer.paragraphs[0]
        assert p.text == "— 1 —"
        ppr = p._p.find(qn("w:pPr"))
        assert ppr.find(qn("w:jc")).get(qn("w:val")) == side
        assert ppr.find(qn("w:ind")).get(qn(f"w:{side}Chars")) == "100"
        fonts = {r.get(qn("w:eastAsia")) for r in xml.iter(qn("w:rFonts"))}
        assert fonts == {"宋体"}
        assert {sz.get(qn("w:val")) for sz in xml.iter(qn("w:sz"))} == {"28"}


# ---------------------------------------------------------------- determinism
def test_byte_identical_output_and_fixed_properties(tmp_path, report):
    a = write_docx(report, tmp_path / "a.docx").read_bytes()
    b = write_docx(report, tmp_path / "b.docx").read_bytes()
    assert a == b
    z = zipfile.ZipFile(io.BytesIO(a))
    assert z.namelist()[0] == "[Content_Types].xml"
    assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    props = Document(io.BytesIO(a)).core_properties
    assert props.author == "nianbao" and props.revision == 1
    assert props.created == props.modified == dt.datetime(2025, 1, 5, tzinfo=dt.UTC)
    core = z.read("docProps/core.xml").decode()
    assert "lastModifiedBy" not in core and "python-docx" not in core
    assert not list(tmp_path.glob(".~nianbao-*"))  # no temporary file left behind


# ---------------------------------------------------------------- style files
def test_partial_json_style_overrides_the_defaults(tmp_path, report):
    path = tmp_path / "style.json"
    path.write_text(json.dumps({"body": {"font": "仿宋"}, "table": {"size_pt": 12}}), encoding="utf-8")
    doc = Document(io.BytesIO(docx_bytes(report, path)))
    assert doc.styles["Normal"].element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}").get(qn("w:eastAsia")) == "仿宋"
    assert doc.styles["Title"].font.size.pt == 22  # untouched keys keep the bundled value
    assert {sz.get(qn("w:val")) for sz in doc.tables[0]._tbl.iter(qn("w:sz"))} == {"24"}


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("missing.toml", None, "找不到版式文件"),
        ("bad.toml", "[body\nfont=", "不是有效的 TOML"),
        ("bad.json", "{", "不是有效的 JSON"),
        ("unknown.toml", "[body]\ncolour = 1\n", "未知的设置项"),
        ("section.toml", "[bodyy]\nfont = 'x'\n", "未知的设置节"),
        ("type.toml", "[body]\nsize_pt = '三号'\n", "应为数字"),
        ("margins.toml", "[page]\nleft_mm = 150\nright_mm = 100\n", "页边距"),
    ],
)
def test_invalid_style_files_raise_a_chinese_message(tmp_path, name, content, needle):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(StyleError, match=needle):
        load_style(path)


# ---------------------------------------------------------------- nianbao compile
def _write_json(path: Path, report: Report) -> Path:
    path.write_text(report.dumps(), encoding="utf-8")
    return path


def test_compile_writes_docx_next_to_the_input(tmp_path, capsys):
    src = _write_json(tmp_path / "in.json", full_report())
    assert run(src, formats="docx,html") == 0
    out = tmp_path / "某市人民政府办公室2024年政府信息公开工作年度报告.docx"
    assert out.exists() and out.with_suffix(".html").exists()
    assert "已生成" in capsys.readouterr().out


def test_compile_with_output_name(tmp_path):
    src = _write_json(tmp_path / "in.json", full_report())
    assert run(src, output=tmp_path / "sub" / "报告.docx", formats="html,docx") == 0
    assert (tmp_path / "sub" / "报告.docx").exists() and (tmp_path / "sub" / "报告.html").exists()


def test_compile_stops_on_errors_unless_forced(tmp_path, capsys):
    bad = full_report()
    bad.set_value("t4_r01_c5", bad.number("t4_r01_c5") + 1)  # 总计 ≠ Σ
    src = _write_json(tmp_path / "bad.json", bad)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert run(src, output=tmp_path / "out.docx") == 1
    err = capsys.readouterr().err
    assert "[错误]" in err and "--force" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert run(src, output=tmp_path / "out.docx", force=True) == 0
    assert (tmp_path / "out.docx").exists()
    assert "[错误]" in capsys.readouterr().err


def test_compile_usage_errors_exit_2(tmp_path, capsys):
    src = _write_json(tmp_path / "in.json", full_report())
    assert run(src, formats="docx,odt") == 2
    assert "不支持的输出格式" in capsys.readouterr().err
    assert run(src, style=tmp_path / "nope.toml") == 2
    assert "找不到版式文件" in capsys.readouterr().err
    assert run(tmp_path / "missing.json") == 2
    assert list(tmp_path.glob("*.docx")) == []


def test_compile_refuses_to_overwrite_its_input(tmp_path, monkeypatch, capsys):
    import compiler.commands.compile

    src = tmp_path / "报告.docx"
    src.write_bytes(b"original")
    monkeypatch.setattr(compiler.commands.compile, "load_report", lambda path: full_report())
    assert run(src, output=src) == 2
    assert "不会覆盖输入" in capsys.readouterr().err
    assert src.read_bytes() == b"original"


def test_compile_pdf_without_libreoffice_still_writes_docx(tmp_path, monkeypatch, capsys):
    import compiler.util.office

    monkeypatch.setattr(compiler.util.office, "find_soffice", lambda: None)
    src = _write_json(tmp_path / "in.json", full_report())
    assert run(src, output=tmp_path / "r.docx", formats="docx,pdf") == 2
    assert (tmp_path / "r.docx").exists() and not (tmp_path / "r.pdf").exists()
    assert "LibreOffice" in capsys.readouterr().err


def test_compile_into_a_directory_and_format_list(tmp_path):
    src = _write_json(tmp_path / "in.json", full_report(agency="某县/教育局"))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    assert run(src, output=out_dir, formats=" HTML，docx ") == 0
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "某县_教育局2024年政府信息公开工作年度报告.docx",
        "某县_教育局2024年政府信息公开工作年度报告.html",
    ]
