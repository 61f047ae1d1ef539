"""Crawler text whose table cells are glued together (``规章000行政规范性文件77132470…``).

The fixture is a report saved the way a site crawler saves a page: a
``标题:`` line and metadata, then the whole body on one line with every cell
of every table joined without a separator. A digit run is split only when
exactly one cut satisfies the sum rules; everything else is null with a
finding naming the row — never a wrong number.
"""

from __future__ import annotations

import random

import pytest
from synth import consistent_report
from test_import_layouts import grid_lines, narrative_lines

from compiler.imports import parse_text
from compiler.imports.glued import GluedRun, resolve, splits, unglue
from compiler.model import Report
from compiler.schema import get_schema

SCHEMA = get_schema()


def printed(seed: int, scale: float = 1.0) -> Report:
    """A consistent report as sites print it: every figure shown (blank figures as 0)."""
    report = consistent_report(random.Random(seed), scale=scale)
    for fig in SCHEMA.figures():
        if report.value(fig.key) is None:
            report.set_value(fig.key, 0)
    return report


def crawler_text(report: Report) -> str:
    head, s1, s5, s6 = narrative_lines(report)
    body = "".join(s1)
    for table in SCHEMA.tables:
        body += SCHEMA.sections[table.section - 1].heading
        body += "".join("".join(row) for row in grid_lines(table, report))
    body += "".join(s5) + "".join(s6)
    return f"标题: {head[0]}\n发布时间: 2025-01-20 10:00\n发布机构: {report.agency}\n==== 正文 ====\n{body}\n"


@pytest.mark.parametrize("seed", range(1, 9))
def test_glued_tables_never_wrong_and_mostly_read(seed: int) -> None:
    report = printed(seed, scale=random.Random(seed).choice((0.2, 1.0, 5.0)))
    parsed = parse_text(crawler_text(report))
    named = {f.key for f in parsed.origin.findings if f.key}
    read = 0
    for fig in SCHEMA.figures():
        got = parsed.value(fig.key)
        if got is None:
            assert fig.key in named, fig.key  # every cell left null is named by a finding
            continue
        assert got == report.value(fig.key), fig.key
        read += 1
    assert read >= 150  # 表三 rows are pinned by their totals, 表四 by its group totals
    assert parsed.agency == report.agency and parsed.year == report.year
    assert not any(f.code == "IMPORT_TABLE_MISSING" for f in parsed.origin.findings)


def test_glued_rows_split_by_their_totals() -> None:
    report = printed(3)
    parsed = parse_text(crawler_text(report))
    t3, t4 = SCHEMA.table("t3"), SCHEMA.table("t4")
    for fig in (*t3.rows[0], *t3.rows[23], *[f for row in t4.rows for f in row]):
        assert parsed.value(fig.key) == report.value(fig.key), fig.key


def test_ambiguous_glued_row_is_null_and_named() -> None:
    """表二 has no sum rule: ``77132470`` could be 77/132/470 or 771/32/470…, so it stays null."""
    report = printed(1)
    row = SCHEMA.table("t2").rows[1]
    for fig, value in zip(row, (77, 132, 470), strict=True):
        report.set_value(fig.key, value)
    parsed = parse_text(crawler_text(report))
    assert [parsed.value(f.key) for f in row] == [None, None, None]
    said = [f for f in parsed.origin.findings if f.key == row[0].key]
    assert said and "77132470" in said[0].message and "没有勾稽关系" in said[0].message


def test_unglue_cuts_labels_and_headings_only_in_glued_lines() -> None:
    text = crawler_text(printed(2))
    cut = unglue(text, SCHEMA).split("\n")
    assert "二、主动公开政府信息情况" in cut and "规章" in cut and "一、本年新收政府信息公开申请数量" in cut
    prose = "全年共受理政府信息公开申请12件，其他处理3件，总计15件。"
    assert unglue(prose, SCHEMA) == prose  # a line that is not a glued table is left alone


def test_splits_keep_whole_numbers_without_leading_zeros() -> None:
    assert list(splits("000", 3)) == [(0, 0, 0)]
    assert (80, 1, 0, 0, 0, 0, 81) in set(splits("801000081", 7))
    assert all(len(cut) == 7 for cut in splits("801000081", 7))
    assert list(splits("0812", 2)) == [(0, 812)]
    assert list(splits("12", 3)) == []


def test_resolve_takes_only_the_single_cut_the_rules_allow() -> None:
    row = SCHEMA.table("t3").rows[0]
    keys = tuple(f.key for f in row)
    run = GluedRun("801000081", keys)
    assert resolve([run], {}, SCHEMA.rules) == dict(zip(keys, (80, 1, 0, 0, 0, 0, 81), strict=True))
    two = GluedRun("11000011", keys)  # 11,0,0,0,0,0,11 and 1,10,0,0,0,0,11 both add up
    assert resolve([two], {}, SCHEMA.rules) == {}
