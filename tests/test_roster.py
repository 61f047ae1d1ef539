"""Roster distribution: encodings, xlsx, skipped rows, hostile names, bad rosters."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest

import compiler.cli.template as template_cli
from compiler.schema.workbook import SHEET_INFO, SHEET_STAMP, cell_ref
from compiler.template.roster import (
    INDEX_NAME,
    RosterError,
    read_roster,
    template_filename,
    write_roster_templates,
)

HEADER = ["序号", "单位名称", "联系电话", "电子邮箱", "地址"]
ROWS = [
    ["1", "衢州市机关事务管理中心", "0570-3012273", "jgsw@qz.gov.cn", "衢州市柯城区"],
    ["2", "衢州市财政局", "0570-3012000", "", ""],
    ["3", "衢州市教育局", "", "", ""],
]
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def csv_text(rows) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def write_xlsx(path: Path, rows) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.create_sheet("第二张")["A1"] = "单位名称"  # only the first sheet counts
    wb.save(path)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings(tmp_path, encoding):
    path = tmp_path / "名单.csv"
    path.write_bytes(csv_text([HEADER, *ROWS]).encode(encoding))
    roster = read_roster(path)
    assert [e.agency for e in roster.entries] == [r[1] for r in ROWS]
    first = roster.entries[0]
    assert (first.phone, first.email, first.address) == tuple(ROWS[0][2:])
    assert roster.entries[2].phone is None
    assert roster.problems == []


def test_xlsx_roster_with_title_row_and_numbers(tmp_path):
    rows = [["2025年政府信息公开年报填报单位名单"], HEADER, *ROWS, [4, "衢州市民政局", 5703012111, None, None]]
    roster = read_roster(write_xlsx(tmp_path / "名单.xlsx", rows))
    assert [e.agency for e in roster.entries][-1] == "衢州市民政局"
    assert roster.entries[-1].phone is None  # 0570-3012111 typed as a number: reported, never printed wrong
    assert "5703012111" in roster.problems[0]
    assert roster.entries[0].line == 3


def test_duplicates_and_blank_rows_reported(tmp_path):
    rows = [
        HEADER,
        ROWS[0],
        ["", "", "", "", ""],
        ROWS[1],
        ["9", " 衢州市财政局 ", "", "", ""],
        ["10", "", "123", "", ""],
    ]
    rows += [ROWS[2], ["", "", "", "", ""]]  # a trailing empty row is formatting, not reported
    path = tmp_path / "名单.csv"
    path.write_text(csv_text(rows), encoding="utf-8-sig")
    roster = read_roster(path)
    assert [e.agency for e in roster.entries] == [r[1] for r in ROWS]
    assert len(roster.problems) == 3
    assert "第 3 行是空行" in roster.problems[0]
    assert "第 5 行" in roster.problems[1] and "重复" in roster.problems[1] and "第 4 行" in roster.problems[1]
    assert "第 6 行没有填写单位名称" in roster.problems[2]


def test_templates_written_locked_with_index(tmp_path, schema):
    path = tmp_path / "名单.csv"
    path.write_text(csv_text([HEADER, *ROWS]), encoding="utf-8")
    out = tmp_path / "out"
    result = write_roster_templates(read_roster(path), out, 2025)
    assert len(result.written) == len(ROWS)
    for (agency, file), row in zip(result.written, ROWS, strict=True):
        assert file.parent == out and file.name == f"{agency}2025年政府信息公开工作年度报告填报表.xlsx"
        wb = openpyxl.load_workbook(file)
        info = wb[SHEET_INFO]
        for key, expected in (("info_agency", row[1]), ("info_year", 2025), ("info_phone", row[2] or None)):
            assert info[cell_ref(schema, key).a1].value == expected, key
        assert info[cell_ref(schema, "info_agency").a1].protection.locked is not False
        assert info[cell_ref(schema, "info_year").a1].protection.locked is not False
        assert info[cell_ref(schema, "info_phone").a1].protection.locked is False
        assert wb[SHEET_STAMP]["B3"].value == agency
    raw = result.index.read_bytes()
    assert result.index.name == INDEX_NAME and raw.startswith(b"\xef\xbb\xbf")
    listed = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert listed[0][:3] == ["序号", "单位名称", "文件名"]
    assert [(r[1], r[2]) for r in listed[1:]] == [(a, p.name) for a, p in result.written]


def test_hostile_names_stay_inside_and_distinct(tmp_path):
    hostile = [
        "../../etc/x",
        "CON",
        "nul.doc",
        "AUX.txt",
        'a/b\\c:*?"<>|',
        "a_b_c_",
        "=1+1",
        "..",
        "名称\u202e反转",
        "x" * 300,
    ]
    path = tmp_path / "名单.csv"
    path.write_text(csv_text([["单位名称"], *([h] for h in hostile)]), encoding="utf-8")
    out = tmp_path / "out"
    result = write_roster_templates(read_roster(path), out, 2025)
    assert len(result.written) == len(hostile)
    names = [p.name for _, p in result.written]
    assert len({n.casefold() for n in names}) == len(names)
    for agency, p in result.written:
        assert p.resolve().parent == out.resolve(), agency
        assert p.is_file()
        assert not re.search(r'[<>:"/\\|?*\x00-\x1f\u202e]', p.name), p.name
        assert p.name.split(".")[0].upper() not in _WINDOWS_RESERVED and len(p.name.encode()) <= 255
        assert not p.name.startswith(".")
    assert sorted(f.name for f in out.iterdir()) == sorted([*names, INDEX_NAME])
    assert list(tmp_path.iterdir()) == [out] or set(tmp_path.iterdir()) == {out, path}
    index = list(csv.reader(io.StringIO(result.index.read_text(encoding="utf-8-sig"))))
    row = index[[r[2] for r in index].index("'" + template_filename("=1+1", 2025))]  # a file-name cell too
    assert row[1] == "'=1+1"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("名单.csv", "名称,电话\r\n某局,1\r\n", "单位名称"),
        ("名单.csv", "单位名称\r\n\r\n", "没有任何单位"),
        ("名单.xlsx", "这不是 xlsx", "无法作为 .xlsx 打开"),
        ("名单.xls", "whatever", "另存为"),
        ("名单.txt", "单位名称\n某局\n", ".xlsx 或 .csv"),
    ],
)
def test_bad_roster_exit_2(tmp_path, capsys, name, content, message):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8"))
    with pytest.raises(RosterError):
        read_roster(path)
    assert template_cli.run(output=tmp_path / "out", roster=path, year=2025) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_undecodable_csv(tmp_path):
    path = tmp_path / "名单.csv"
    path.write_bytes(b"\xff\xfe\x00\x81\x30\x81\xff" * 5)
    with pytest.raises(RosterError, match="编码"):
        read_roster(path)


def test_cli_roster(tmp_path, capsys):
    path = write_xlsx(tmp_path / "名单.xlsx", [HEADER, *ROWS, ROWS[0]])
    out = tmp_path / "分发"
    assert template_cli.run(output=out, roster=path, year=2025) == 0
    captured = capsys.readouterr()
    assert f"已为 {len(ROWS)} 个单位生成填报模板" in captured.out
    assert "重复" in captured.err
    assert len(list(out.glob("*.xlsx"))) == len(ROWS) and (out / INDEX_NAME).is_file()
    assert template_cli.run(output=path, roster=path, year=2025) == 2  # -o is a file
    assert template_cli.run(output=out, roster=path, agency="某局") == 2


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_fifo_roster_named_as_not_a_regular_file(tmp_path, capsys, suffix):
    """A pipe named like a roster is refused at once and called what it is, not "cannot find"."""
    import os

    path = tmp_path / f"名单{suffix}"
    os.mkfifo(path)
    with pytest.raises(RosterError, match="命名管道"):
        read_roster(path)
    assert template_cli.run(output=tmp_path / "out", roster=path, year=2025) == 2
    err = capsys.readouterr().err
    assert "命名管道（FIFO），不是普通文件" in err and "找不到" not in err
    assert not (tmp_path / "out").exists()


def test_missing_roster_still_says_not_found(tmp_path, capsys):
    assert template_cli.run(output=tmp_path / "out", roster=tmp_path / "无此名单.xlsx", year=2025) == 2
    assert "找不到名单文件" in capsys.readouterr().err


def test_phone_that_lost_its_leading_zero_is_reported_not_used(tmp_path):
    """Excel turns 0570-3011001 typed as 05703011001 into the number 5703011001: never print that in a report."""
    rows = [
        HEADER,
        ["1", "甲局", 5703011001, "", ""],  # area code lost its 0
        ["2", "乙局", 13800001111, "", ""],  # a mobile number is fine as a number
        ["3", "丙局", 4008001234, "", ""],  # so is a 400 service number
        ["4", "丁局", 3011001, "", ""],  # and a local number without area code
        ["5", "戊局", "0570-3011005", "", ""],
    ]
    roster = read_roster(write_xlsx(tmp_path / "名单.xlsx", rows))
    phones = {e.agency: e.phone for e in roster.entries}
    assert phones == {
        "甲局": None,
        "乙局": "13800001111",
        "丙局": "4008001234",
        "丁局": "3011001",
        "戊局": "0570-3011005",
    }
    [problem] = roster.problems
    assert "第 2 行“甲局”的联系电话 5703011001" in problem and "开头“0”" in problem
