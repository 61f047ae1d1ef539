"""Published layouts generated from a Report (and the schema's printed grid), and their round trip.

The generators write what real sites produce (issue 6): one cell per line as
in the seed, one row per line joined by `` | ``, each cell followed by a
``|`` line, merged group labels only on their first row or as empty leading
cells, header words split over lines. Other import tests reuse them.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from compiler.imports import parse_text
from compiler.model import Report
from compiler.schema import Table, get_schema

SCHEMA = get_schema()
AGENCY = "某县交通运输局"
YEAR = 2024
DATE = dt.date(2025, 1, 20)


# --------------------------------------------------------------------------- reports
def sample_report(seed: int = 1, *, blank_share: float = 0.15) -> Report:
    """A report with random figures, some blank (None), and a fee with decimals."""
    rng = random.Random(seed)
    report = Report.empty()
    report.agency, report.year, report.date = AGENCY, YEAR, DATE
    for fig in SCHEMA.figures():
        if rng.random() < blank_share:
            value = None
        elif fig.kind == "amount":
            value = round(rng.randint(0, 99999) / 100, 2)
        else:
            value = rng.randint(0, 60)
        report.set_value(fig.key, value)
    texts = {
        "narr_s1_0": "本年度，本局认真贯彻落实《中华人民共和国政府信息公开条例》。",
        "narr_s1_1": "全年主动公开政府信息120条。\n其中政策文件12件。",
        "narr_s1_2": "全年收到政府信息公开申请5件。",
        "narr_s1_3": "加强政府信息管理，规范发布流程。",
        "narr_s1_4": "持续优化政府信息公开平台建设。",
        "narr_s1_5": "将政府信息公开工作纳入年度考核。",
        "narr_s5": "一是公开内容不够丰富。\n二是解读形式较为单一。",
        "narr_s6": "本年度未收取信息处理费。",
    }
    report.narrative.update(texts)
    return report


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --------------------------------------------------------------------------- grids
def grid_lines(table: Table, report: Report, *, covered_as_empty: bool = False) -> list[list[str]]:
    """The table as printed: per grid row, the texts of the cells that start there, left to right.

    With ``covered_as_empty`` the positions under a merged cell are empty cells
    (a merged group label shown as empty leading cells).
    """
    starts = {(c.row, c.col): c for c in table.grid}
    covered: set[tuple[int, int]] = set()
    for c in table.grid:
        for dr in range(c.rowspan):
            for dc in range(c.colspan):
                if dr or dc:
                    covered.add((c.row + dr, c.col + dc))
    rows: list[list[str]] = []
    for r in range(table.grid_rows):
        row: list[str] = []
        for col in range(table.grid_cols):
            cell = starts.get((r, col))
            if cell is None:
                # a position under a cell merged from the row above (not from the left)
                if (
                    covered_as_empty
                    and (r, col) in covered
                    and not any((r, col - k) in starts and starts[(r, col - k)].colspan > k for k in range(1, col + 1))
                ):
                    row.append("")
                continue
            row.append(cell_text(report.value(cell.key)) if cell.key else cell.text)
        rows.append(row)
    return rows


def narrative_lines(report: Report) -> tuple[list[str], list[str], list[str], list[str]]:
    """(head, section 一, section 五, section 六 + signature) as paragraphs."""
    parts = {p.key: p for p in SCHEMA.narrative}
    head = [f"{report.agency}{report.year}年政府信息公开工作年度报告", "", "根据条例要求，现公布本年度报告。"]
    s1 = [SCHEMA.sections[0].heading, report.narrative["narr_s1_0"]]
    for key in ("narr_s1_1", "narr_s1_2", "narr_s1_3", "narr_s1_4", "narr_s1_5"):
        s1 += [parts[key].title, *report.narrative[key].split("\n")]
    s5 = [SCHEMA.sections[4].heading, *report.narrative["narr_s5"].split("\n")]
    date = report.date
    assert isinstance(date, dt.date)
    s6 = [SCHEMA.sections[5].heading, *report.narrative["narr_s6"].split("\n"), "", str(report.agency)]
    s6.append(f"{date.year}年{date.month}月{date.day}日")
    return head, s1, s5, s6


# --------------------------------------------------------------------------- layouts
def one_cell_per_line(report: Report, *, split_labels: bool = True) -> str:
    """The seed's layout: each cell on its own line, one blank line between cells, two between rows."""
    head, s1, s5, s6 = narrative_lines(report)
    out = ["\n\n".join(head), "\n\n".join(s1)]
    for table in SCHEMA.tables:
        out.append(SCHEMA.sections[table.section - 1].heading)
        for row in grid_lines(table, report):
            cells = []
            for text in row:
                if split_labels and text.startswith("（") and "）" in text and len(text) < 12:
                    text = text.replace("）", "）\n", 1)  # "(三)\n不予公开", as in the seed
                if split_labels and text in ("商业企业", "科研机构"):
                    text = text[:2] + "\n" + text[2:]
                cells.append(text)
            out.append("\n\n".join(cells) + "\n")
    out += ["\n\n".join(s5), "\n\n".join(s6)]
    return "\n\n".join(out) + "\n"


def pipe_rows(report: Report, *, covered_as_empty: bool = False, border: bool = False) -> str:
    """One row per line, cells joined by `` | `` (optionally with border pipes)."""
    head, s1, s5, s6 = narrative_lines(report)
    lines = [*head, *s1]
    for table in SCHEMA.tables:
        lines.append(SCHEMA.sections[table.section - 1].heading)
        for row in grid_lines(table, report, covered_as_empty=covered_as_empty):
            line = " | ".join(row)
            lines.append(f"| {line} |" if border else line)
    lines += [*s5, *s6]
    return "\n".join(lines) + "\n"


def cell_then_pipe(report: Report, *, covered_as_empty: bool = False, row_gap: bool = True) -> str:
    """Each cell followed by a line holding only ``|``."""
    head, s1, s5, s6 = narrative_lines(report)
    lines = [*head, *s1]
    for table in SCHEMA.tables:
        lines.append(SCHEMA.sections[table.section - 1].heading)
        for row in grid_lines(table, report, covered_as_empty=covered_as_empty):
            if row_gap:
                lines.append("")
            for text in row:
                lines += [text, "|"]
    lines += ["", *s5, *s6]
    return "\n".join(lines) + "\n"


def space_separated(report: Report) -> str:
    """One row per line, cells separated by spaces (text copied from a PDF); blanks cannot show here."""
    head, s1, s5, s6 = narrative_lines(report)
    lines = [*head, *s1]
    for table in SCHEMA.tables:
        lines.append(SCHEMA.sections[table.section - 1].heading)
        lines += [" ".join(row) for row in grid_lines(table, report)]
    lines += [*s5, *s6]
    return "\n".join(lines) + "\n"


LAYOUTS = {
    "one-cell-per-line": one_cell_per_line,
    "one-cell-per-line-unsplit": lambda r: one_cell_per_line(r, split_labels=False),
    "pipe-rows": pipe_rows,
    "pipe-rows-empty-leading": lambda r: pipe_rows(r, covered_as_empty=True),
    "pipe-rows-border": lambda r: pipe_rows(r, covered_as_empty=True, border=True),
    "cell-then-pipe": cell_then_pipe,
    "cell-then-pipe-empty-leading": lambda r: cell_then_pipe(r, covered_as_empty=True),
    "cell-then-pipe-no-row-gap": lambda r: cell_then_pipe(r, row_gap=False),
}


def assert_same_report(parsed: Report, report: Report) -> None:
    assert parsed.tables == report.tables
    assert parsed.agency == report.agency
    assert parsed.year == report.year
    assert parsed.date == report.date
    assert parsed.narrative == report.narrative
    assert parsed.titles == {}


# --------------------------------------------------------------------------- tests
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_layout_round_trip(layout: str, seed: int) -> None:
    report = sample_report(seed)
    parsed = parse_text(LAYOUTS[layout](report))
    assert_same_report(parsed, report)
    codes = {f.code for f in parsed.origin.findings}
    assert not codes & {"IMPORT_UNREADABLE", "IMPORT_MISSING", "IMPORT_DUPLICATE"}, parsed.origin.findings
    assert parsed.origin.kind == "txt"
    assert parsed.origin.unread == set()


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_layout_all_blank_and_all_zero(layout: str) -> None:
    """Whole rows blank (→ None) and whole rows of 0 come back as they were."""
    report = sample_report(4, blank_share=0.0)
    for i, fig in enumerate(SCHEMA.figures()):
        if fig.table == "t3" and fig.row in (5, 6):
            report.set_value(fig.key, None)
        elif fig.table == "t3" and fig.row == 7:
            report.set_value(fig.key, 0)
        elif fig.table == "t4" and i % 4 == 0:
            report.set_value(fig.key, None)
    parsed = parse_text(LAYOUTS[layout](report))
    assert parsed.tables == report.tables


@pytest.mark.parametrize("seed", [1, 2])
def test_space_separated_rows(seed: int) -> None:
    """Group and row label in one cell, numbers after spaces, table 4 as a bare line of numbers."""
    report = sample_report(seed, blank_share=0.0)
    parsed = parse_text(space_separated(report))
    assert_same_report(parsed, report)
    assert parsed.origin.unread == set()
