"""Text that converters made from published PDFs: OCR Markdown, PDF text with page numbers, scrambled Markdown.

Each fixture is generated here from a consistent report and reproduces one
family seen in real reports:

* OCR Markdown: ``#`` title, ``##`` section headings, a ``###`` heading that
  repeats a row label above its table, one Markdown table per row group with
  invented heads (类别 | 数据1 … 数据6 | 总计), 表四 as three 5-column tables;
* PDF text (``pdftotext -layout``): ``-N-`` page-number lines between table
  rows, and row labels wrapped over two lines above or around their numbers;
* scrambled Markdown: some row labels printed as loose lines away from their
  numbers, and rows of numbers printed without their label.

What was printed comes back; what cannot be placed comes back null with a
finding; nothing is invented.
"""

from __future__ import annotations

import random
import re

import pytest
from test_import_glued import printed
from test_import_layouts import cell_text, narrative_lines

from compiler.imports import parse_text
from compiler.model import Report
from compiler.schema import get_schema

SCHEMA = get_schema()
T2, T3, T4 = (SCHEMA.table(t) for t in ("t2", "t3", "t4"))


def _row(fig_row, report: Report) -> list[str]:
    return [cell_text(report.value(f.key)) for f in fig_row]


def _label(fig_row) -> str:
    return fig_row[0].row_label


def _heading(n: int) -> str:
    return SCHEMA.sections[n - 1].heading


# --------------------------------------------------------------------------- OCR Markdown
def ocr_markdown(report: Report) -> str:
    _head, s1, s5, s6 = narrative_lines(report)
    out = [f"# {report.agency} {report.year} 年 政府信息公开工作年度报告", "", f"## {s1[0]}", *s1[1:], ""]
    out += [f"## {_heading(2)}", ""]
    for fig_row in T2.rows:
        out += [
            f"### {_label(fig_row)}",
            "| 信息内容 | 数量 |" if len(fig_row) == 1 else "| 信息内容 | 数据1 | 数据2 | 数据3 |",
        ]
        out += [
            "|---|---|" if len(fig_row) == 1 else "|---|---|---|---|",
            f"| {_label(fig_row)} | {' | '.join(_row(fig_row, report))} |",
            "",
        ]
    out += [f"## {_heading(3)}", ""]
    for fig_row in T3.rows:
        heads = " | ".join(f"数据{k}" for k in range(1, 7))
        out += [f"### {_label(fig_row)}", f"| 类别 | {heads} | 总计 |", "|---|---|---|---|---|---|---|---|"]
        out += [f"| {_label(fig_row)} | {' | '.join(_row(fig_row, report))} |", ""]
    out += [f"## {_heading(4)}", ""]
    for name, fig_row in zip(
        ("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"), T4.rows, strict=True
    ):
        out += [f"### {name}", "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |", "|---|---|---|---|---|"]
        out += [f"| {' | '.join(_row(fig_row, report))} |", ""]
    out += [f"## {s5[0]}", *s5[1:], "", f"## {s6[0]}", *s6[1:]]
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("seed", range(1, 6))
def test_ocr_markdown_reads_every_figure(seed: int) -> None:
    report = printed(seed, scale=3.0)
    parsed = parse_text(ocr_markdown(report))
    assert parsed.tables == report.tables
    assert (parsed.agency, parsed.year) == (report.agency, report.year)
    assert not [
        f for f in parsed.origin.findings if f.code.startswith("IMPORT_") and f.code != "IMPORT_NARRATIVE_MERGED"
    ]
    assert parsed.narrative["narr_s5"] and parsed.narrative["narr_s1_0"]


def test_invented_heads_are_never_figures() -> None:
    """``数据1``…``数据6`` hold digits; read as cells they would shift the row. They are column heads."""
    report = printed(7)
    text = ocr_markdown(report).replace("| 类别 | 数据1", "| 类别1 | 数据1", 1)
    parsed = parse_text(text)
    assert parsed.tables["t3"] == report.tables["t3"]


# --------------------------------------------------------------------------- PDF text
def pdf_text(report: Report, *, wrap_around: bool = False) -> str:
    """``pdftotext -layout``-like text: rows of space-separated numbers, page numbers, wrapped labels."""
    head, s1, s5, s6 = narrative_lines(report)
    out = [*head, *s1, "", _heading(2)]
    for fig_row in T2.rows:
        out.append(f"{_label(fig_row)}      {'    '.join(_row(fig_row, report))}")
    out += ["", "-2-", "", _heading(3)]
    for k, fig_row in enumerate(T3.rows):
        label, numbers = _label(fig_row), "    ".join(_row(fig_row, report))
        if len(label) > 14:  # a long label wraps in its cell
            cut = len(label) // 2
            out += [label[:cut], numbers, label[cut:]] if wrap_around else [label[:cut], label[cut:], numbers]
        else:
            out.append(f"{label}     {numbers}")
        if k == 12:
            out += ["", f"                         -{3}-", ""]
    out += [
        "",
        _heading(4),
        "行政复议 行政诉讼",
        "结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉",
    ]
    out += ["结果维持 结果纠正 其他结果 尚未审结 总计 " * 2]
    out.append("   ".join(v for fig_row in T4.rows for v in _row(fig_row, report)))
    out += ["- 4 -", *s5, *s6]
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("wrap_around", [False, True])
@pytest.mark.parametrize("seed", range(1, 4))
def test_pdf_text_page_numbers_and_wrapped_labels(seed: int, wrap_around: bool) -> None:
    report = printed(seed)
    parsed = parse_text(pdf_text(report, wrap_around=wrap_around))
    assert parsed.tables == report.tables
    assert not [f for f in parsed.origin.findings if f.code.startswith("IMPORT_") and f.severity == "error"]


# --------------------------------------------------------------------------- scrambled Markdown
def scrambled_markdown(report: Report, rng: random.Random, *, drop_one: bool = False) -> tuple[str, set[int]]:
    """表三 with some labels displaced: (text, JSON rows printed without their label next to them)."""
    head, s1, s5, s6 = narrative_lines(report)
    out = [*head, *s1, _heading(2)]
    for fig_row in T2.rows:
        out.append(f"| {_label(fig_row)} | {' | '.join(_row(fig_row, report))} |")
    out += ["", _heading(3)]
    rows = list(range(1, len(T3.rows) + 1))
    displaced = set(rng.sample(rows[2:], 6))
    pending: list[int] = []
    for r in rows:
        fig_row = T3.rows[r - 1]
        if r in displaced:
            out.append(_label(fig_row))  # the label alone, as a loose line
            pending.append(r)
            continue
        if pending and rng.random() < 0.6:  # the displaced rows' numbers come later, without labels
            for p in pending:
                out.append(f"| {' | '.join(_row(T3.rows[p - 1], report))} |")
            pending = []
        out.append(f"| {_label(fig_row)} | {' | '.join(_row(fig_row, report))} |")
    out += [f"| {' | '.join(_row(T3.rows[p - 1], report))} |" for p in pending]
    if drop_one:  # the converter lost one row of numbers (a row printed without its label)
        del out[max(k for k, line in enumerate(out) if re.match(r"^\| \d+ \|", line))]
    out += ["", _heading(4), "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | " * 3]
    out.append(f"| {' | '.join(v for fig_row in T4.rows for v in _row(fig_row, report))} |")
    out += [*s5, *s6]
    return "\n".join(out) + "\n", displaced


@pytest.mark.parametrize("seed", range(1, 7))
def test_scrambled_rows_placed_by_order_or_left_null(seed: int) -> None:
    report = printed(seed, scale=2.0)
    text, displaced = scrambled_markdown(report, random.Random(seed))
    parsed = parse_text(text)
    named = {f.key for f in parsed.origin.findings if f.key}
    for fig in T3.figures():
        got = parsed.value(fig.key)
        if got is None:
            assert fig.key in named
        else:
            assert got == report.value(fig.key), fig.key  # never a number from another row
    assert any(f.code == "IMPORT_ROWS_BY_ORDER" for f in parsed.origin.findings) or named & {
        f.key for r in displaced for f in T3.rows[r - 1]
    }


def test_scrambled_rows_without_enough_numbers_stay_null() -> None:
    """One row of numbers lost: the labels cannot all be placed by order; what stays unsure is null and named."""
    for seed in range(1, 6):
        report = printed(seed, scale=2.0)
        text, displaced = scrambled_markdown(report, random.Random(seed), drop_one=True)
        parsed = parse_text(text)
        named = {f.key for f in parsed.origin.findings if f.key}
        for fig in T3.figures():
            got = parsed.value(fig.key)
            assert got == report.value(fig.key) if got is not None else fig.key in named, (seed, fig.key)
        assert not any(f.code == "IMPORT_ROWS_BY_ORDER" for f in parsed.origin.findings)
        assert any(parsed.value(f.key) is None for r in displaced for f in T3.rows[r - 1])


@pytest.mark.parametrize(
    "heading", ["五、存在的主要问题及整改措施", "五、存在的主要问题及改进措施", "## 五、存在的主要问题及改进情况"]
)
def test_section_five_heading_variants(heading: str) -> None:
    report = printed(1)
    text = ocr_markdown(report).replace(f"## {_heading(5)}", heading)
    parsed = parse_text(text)
    assert parsed.narrative["narr_s5"] == report.narrative["narr_s5"]
    assert not any(f.code == "IMPORT_SECTION_MISSING" for f in parsed.origin.findings)


def test_table_present_but_unreadable_is_not_called_missing() -> None:
    """Section 二's heading is there but its table is an image (nothing readable): said as unreadable, not absent."""
    report = printed(2)
    text = ocr_markdown(report)
    start, end = text.index(f"## {_heading(2)}"), text.index(f"## {_heading(3)}")
    text = text[:start] + f"## {_heading(2)}\n\n![表二](image1.png)\n\n" + text[end:]
    parsed = parse_text(text)
    codes = {f.code: f for f in parsed.origin.findings if f.sheet == T2.sheet and f.key is None}
    assert "IMPORT_TABLE_UNREADABLE" in codes and "IMPORT_TABLE_MISSING" not in codes
    assert _heading(2) in codes["IMPORT_TABLE_UNREADABLE"].message
    assert parsed.tables["t3"] == report.tables["t3"]
