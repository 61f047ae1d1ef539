"""The web page parsed back: same figures and merges as the schema, agency text escaped, self-contained."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from test_render_docx import FEE, SCHEMA, expected_text, full_report

from compiler.model import Report
from compiler.render import render_html, write_html


class Page(HTMLParser):
    """Collects tables (cells with spans), text per tag, and every start tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[dict]]] = {}
        self.tags: list[tuple[str, dict]] = []
        self.texts: list[tuple[str, str]] = []
        self._table: str | None = None
        self._cell: dict | None = None
        self._stack: list[str] = []
        self._buf: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "table":
            self._table = a["id"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = {"tag": tag, **a, "text": ""}
        elif tag in ("p", "h1", "h2", "h3", "title", "script"):
            self._stack.append(tag)
            self._buf = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[self._table][-1].append(self._cell)
            self._cell = None
        elif tag == "table":
            self._table = None
        elif self._stack and tag == self._stack[-1]:
            self.texts.append((self._stack.pop(), "".join(self._buf)))

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data
        elif self._stack:
            self._buf.append(data)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def positions(rows: list[list[dict]]) -> dict[tuple[int, int], dict]:
    """Place HTML cells on the grid, skipping columns taken by rowspans from above."""
    taken: set[tuple[int, int]] = set()
    out = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            rs, cs = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            out[(r, c)] = {**cell, "rowspan": rs, "colspan": cs}
            taken |= {(r + i, c + j) for i in range(rs) for j in range(cs)}
            c += cs
    return out


@pytest.fixture(scope="module")
def report() -> Report:
    r = full_report()
    r.set_value("t3_r05_c2", None)
    return r


@pytest.fixture(scope="module")
def page(report) -> Page:
    return parse(render_html(report))


def test_same_figures_labels_and_merges_as_the_schema(page, report):
    assert list(page.tables) == [t.id for t in SCHEMA.tables]
    for spec in SCHEMA.tables:
        got = positions(page.tables[spec.id])
        expected = {(c.row, c.col): (expected_text(report, c), c.rowspan, c.colspan) for c in spec.grid}
        assert {k: (v["text"], v["rowspan"], v["colspan"]) for k, v in got.items()} == expected
        for cell in spec.grid:
            html_cell = got[(cell.row, cell.col)]
            if cell.role == "figure":
                assert html_cell["tag"] == "td" and html_cell["data-key"] == cell.key
            else:
                assert html_cell["tag"] == "th"
    figures = {
        c["data-key"]: c["text"] for rows in page.tables.values() for row in rows for c in row if "data-key" in c
    }
    assert figures[FEE] == "12.35" and figures["t3_r05_c2"] == "0"


def test_header_rows_are_in_thead(report):
    text = render_html(report)
    for spec in SCHEMA.tables:
        table = text[text.index(f'<table id="{spec.id}"') :]
        table = table[: table.index("</table>")]
        thead = re.search(r"<thead>(.*?)</thead>", table, re.S)
        assert (thead.group(1).count("<tr>") if thead else 0) == spec.header_rows


def test_content_in_order(page):
    h2 = [t for tag, t in page.texts if tag == "h2"]
    assert h2 == [s.heading for s in SCHEMA.sections]
    h3 = [t for tag, t in page.texts if tag == "h3"]
    assert h3 == [p.title for p in SCHEMA.narrative if p.section == 1][1:]
    title = next(t for tag, t in page.texts if tag == "h1")
    assert title == "某市人民政府办公室2024年政府信息公开工作年度报告"
    paras = [t for tag, t in page.texts if tag == "p"]
    assert "2024年1月1日至12月31日" in paras[0] and "《中华人民共和国政府信息公开条例》" in paras[0]
    assert paras[-2:] == ["某市人民政府办公室", "2025年1月5日"]


def test_agency_text_is_escaped():
    r = full_report(agency="某局<script>alert(1)</script>&办公室")
    r.narrative["narr_s6"] = '<script>alert("x")</script> A&B <b>粗</b>'
    r.titles["narr_s1_1"] = "（一）<i>主动</i>公开"
    r.contact.phone = "<img src=x onerror=alert(1)>"
    r.set_value("t2_r01_c1", "<script>bad()</script>")
    text = render_html(r)
    assert "<script" not in text.lower()
    assert "<img" not in text and "<b>" not in text and "<i>" not in text
    assert "&lt;script&gt;" in text and "A&amp;B" in text and "&amp;办公室" in text
    page = parse(text)
    assert not [t for t, _ in page.tags if t in ("script", "img", "b", "i")]
    assert '<script>alert("x")</script> A&B <b>粗</b>' in [t for tag, t in page.texts if tag == "p"]
    cells = {c.get("data-key"): c["text"] for row in page.tables["t2"] for c in row}
    assert cells["t2_r01_c1"] == "<script>bad()</script>"


def test_self_contained_html5_with_print_and_phone_css(report):
    text = render_html(report)
    assert text.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in text and '<meta charset="utf-8">' in text
    assert 'name="viewport"' in text
    assert not re.search(r"<(script|link|img|iframe)\b", text)
    assert "http://" not in text and "https://" not in text and "url(" not in text
    assert "@page" in text and "size: 210mm 297mm" in text and "margin: 37mm 26mm 35mm 28mm" in text
    assert "@media print" in text and "@media (max-width" in text
    assert text.count('<div class="table-wrap">') == 3 and "overflow-x: auto" in text


def test_write_html_is_atomic_and_utf8(tmp_path, report):
    path = write_html(report, tmp_path / "r.html")
    assert path.read_text(encoding="utf-8") == render_html(report)
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]
