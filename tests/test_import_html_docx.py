"""Web pages (rowspan/colspan, GBK) and Word files (merged cells) parse back exactly."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import docx
import pytest
from test_import import _check_truncated
from test_import_layouts import assert_same_report, cell_text, narrative_lines, sample_report

from compiler.imports import parse_docx, parse_file, parse_html
from compiler.model import Report
from compiler.schema import Table, get_schema

SCHEMA = get_schema()
FIXTURES = Path(__file__).parent / "fixtures" / "published"


# --------------------------------------------------------------------------- HTML
def html_table(table: Table, report: Report, *, blank: str = "&nbsp;") -> str:
    rows = []
    for r in range(table.grid_rows):
        cells = []
        for c in sorted((c for c in table.grid if c.row == r), key=lambda c: c.col):
            text = cell_text(report.value(c.key)) if c.key else c.text
            attrs = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (
                f' colspan="{c.colspan}"' if c.colspan > 1 else ""
            )
            body = html.escape(text) if text else blank
            if text in ("商业企业", "科研机构"):
                body = text[:2] + "<br>" + text[2:]  # header words split over lines
            cells.append(f'<td{attrs}><p style="text-align:center"><span>{body}</span></p></td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return '<table border="1" cellspacing="0">\n' + "\n".join(rows) + "\n</table>"


def html_page(report: Report, *, charset: str = "gbk", nested: bool = False, blank: str = "&nbsp;") -> str:
    head, s1, s5, s6 = narrative_lines(report)
    body = [f'<h1 class="title">{head[0]}</h1>', "<div class='info'>发布时间：2025-01-20 浏览次数：12</div>"]
    body += [f"<p>{html.escape(p)}</p>" for p in head[1:] if p]
    body += [f"<p>{html.escape(p)}</p>" for p in s1]
    for table in SCHEMA.tables:
        body.append(f"<p><strong>{SCHEMA.sections[table.section - 1].heading}</strong></p>")
        body.append(html_table(table, report, blank=blank))
    body += [f"<p>{html.escape(p)}</p>" if p else "<p>&nbsp;</p>" for p in (*s5, *s6)]
    body.append("<div class='footer'><p>【打印本页】【关闭窗口】</p><p>主办单位：某县人民政府办公室</p></div>")
    article = "\n".join(body)
    if nested:  # the page lays itself out with a table around the article
        article = f'<table width="100%"><tr><td class="nav">首页 &gt; 政府信息公开</td></tr><tr><td>{article}</td></tr></table>'
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    return (
        f"<!DOCTYPE html>\n<html><head>{meta}<title>{head[0]}_某县人民政府</title>"
        f"<script>var x = '<td>9</td>';</script><style>td{{border:1px}}</style></head>\n"
        f"<body><div class='nav'><a href='/'>首页</a></div>\n{article}\n</body></html>\n"
    )


@pytest.mark.parametrize("charset", ["gbk", "gb2312", "utf-8"])
@pytest.mark.parametrize("seed", [1, 2])
def test_html_round_trip_in_declared_encoding(charset: str, seed: int) -> None:
    report = sample_report(seed)
    raw = html_page(report, charset=charset).encode("gbk" if charset != "utf-8" else "utf-8")
    parsed = parse_html(raw)
    assert_same_report(parsed, report)
    assert parsed.origin.kind == "html"
    assert parsed.origin.unread == set()
    assert not [f for f in parsed.origin.findings if f.severity != "notice"]


def test_html_meta_charset_short_form_and_empty_cells(tmp_path: Path) -> None:
    report = sample_report(3)
    page = html_page(report, blank="").replace(
        '<meta http-equiv="Content-Type" content="text/html; charset=gbk">', '<meta charset="GBK">'
    )
    path = tmp_path / "report.htm"
    path.write_bytes(page.encode("gbk"))
    parsed = parse_file(path)
    assert_same_report(parsed, report)
    assert parsed.origin.path == str(path)


def test_html_inside_layout_table() -> None:
    report = sample_report(4)
    parsed = parse_html(html_page(report, nested=True).encode("gbk"))
    assert_same_report(parsed, report)


@pytest.mark.slow
def test_html_truncated_nothing_invented() -> None:
    report = sample_report(5)
    raw = html_page(report).encode("gbk")
    counts = []
    for k in range(0, len(raw), 97):
        cut = parse_html(raw[:k].decode("gbk", errors="ignore").encode("gbk"))
        counts.append(_check_truncated(report, cut))
    assert max(counts) > 150


def test_html_cut_inside_a_number() -> None:
    report = sample_report(6, blank_share=0.0)
    report.set_value("t3_r01_c1", 4321)
    page = html_page(report)
    end = page.index("<span>4321</span>") + len("<span>43")
    parsed = parse_html(page[:end])
    assert parsed.value("t3_r01_c1") is None
    assert "t3_r01_c1" in parsed.origin.unread
    assert parsed.tables["t2"] == report.tables["t2"]


def test_gbk_fixture_page() -> None:
    """Hand-written page saved as GBK: rowspan/colspan, blank cells, a “/” cell, half-width labels."""
    parsed = parse_file(FIXTURES / "gbk-page.html")
    assert parsed.agency == "某县卫生健康局"
    assert parsed.year == 2022
    assert parsed.date == dt.date(2023, 1, 30)
    assert parsed.tables["t2"] == [[0, 0, 6], [2, 1, 9], [1350], [41], [None], [0]]
    t3 = parsed.tables["t3"]
    assert t3[0] == [7, None, None, None, None, None, 7]
    assert t3[2] == [4, None, None, None, None, None, 4]
    assert t3[12] == [2, None, None, None, None, None, 2]
    assert t3[23] == [6, None, None, None, None, None, 6]
    assert t3[24] == [1, None, None, None, None, None, 1]
    assert parsed.tables["t4"] == [[1, 0, 0, 0, 1], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]
    na = [f for f in parsed.origin.findings if f.code == "IMPORT_NOT_APPLICABLE"]
    assert [f.key for f in na] == ["t2_r05_c1"]
    assert parsed.narrative["narr_s1_1"] == "全年主动公开政府信息326条。"
    assert parsed.narrative["narr_s6"] == "本年度未收取信息处理费。"
    assert parsed.contact.phone == "0571-6543210"


# --------------------------------------------------------------------------- Word
def docx_file(report: Report, path: Path) -> Path:
    """A Word table built with python-docx, merged cells really merged (gridSpan, vMerge)."""
    head, s1, s5, s6 = narrative_lines(report)
    document = docx.Document()
    for p in (*head, *s1):
        document.add_paragraph(p)
    for table in SCHEMA.tables:
        document.add_paragraph(SCHEMA.sections[table.section - 1].heading)
        grid = document.add_table(rows=table.grid_rows, cols=table.grid_cols)
        cols = table.grid_cols
        cells = grid._cells  # before any merge: one cell per grid position (``Table.cell`` is quadratic)
        for c in table.grid:
            cell = cells[c.row * cols + c.col]
            if c.rowspan > 1 or c.colspan > 1:
                cell = cell.merge(cells[(c.row + c.rowspan - 1) * cols + c.col + c.colspan - 1])
            text = cell_text(report.value(c.key)) if c.key else c.text
            if text in ("商业企业", "科研机构"):
                cell.text = text[:2]
                cell.add_paragraph(text[2:])  # header words split over two paragraphs
            else:
                cell.text = text
    for p in (*s5, *s6):
        document.add_paragraph(p)
    document.save(str(path))
    return path


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_docx_with_merged_cells_round_trip(tmp_path: Path, seed: int) -> None:
    report = sample_report(seed)
    path = docx_file(report, tmp_path / "report.docx")
    before = path.read_bytes()
    parsed = parse_docx(path)
    assert_same_report(parsed, report)
    assert parsed.origin.kind == "docx"
    assert parsed.origin.unread == set()
    assert parse_file(path).tables == report.tables
    assert path.read_bytes() == before  # the input is never changed


def test_docx_merged_cells_really_merged(tmp_path: Path) -> None:
    """The generated file holds gridSpan and vMerge, so the test exercises their expansion."""
    path = docx_file(sample_report(1), tmp_path / "r.docx")
    xml = docx.Document(str(path)).element.xml
    assert "w:gridSpan" in xml and "w:vMerge" in xml


def test_broken_docx_is_unreadable(tmp_path: Path) -> None:
    from compiler.read import UnreadableInput

    path = tmp_path / "bad.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UnreadableInput) as exc:
        parse_file(path)
    assert "bad.docx" in exc.value.message


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "Word 97-2003"),
        ("report.pdf", b"%PDF-1.7\n", "PDF"),
        ("disguised.txt", b"%PDF-1.4\n", "PDF"),
        ("sheet.xlsx", b"PK\x03\x04", "nianbao export"),
    ],
)
def test_unreadable_formats_say_what_they_are(tmp_path: Path, name: str, data: bytes, words: str) -> None:
    from compiler.read import UnreadableInput

    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnreadableInput) as exc:
        parse_file(path)
    assert words in exc.value.message and name in exc.value.message
