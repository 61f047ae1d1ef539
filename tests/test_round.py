"""The officer's collection round: roster status, feedback packets, a roll-up that is right."""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from test_batch import YEAR, make_sheet

from compiler.batch.feedback import FEEDBACK_DIR, MAIL_MERGE_HEADER, MAIL_MERGE_NAME
from compiler.batch.rows import FileRow
from compiler.batch.status import round_status
from compiler.batch.summary import (
    SHEET_CHART_DATA,
    SHEET_EXCLUDED,
    SHEET_FILES,
    SHEET_FINDINGS,
    SHEET_ROLLUP,
    SHEET_STATUS,
    SUMMARY_NAME,
)
from compiler.check.annotate import SHEET_RESULTS
from compiler.cli.batch import run
from compiler.render.draft import DRAFT_NOTE
from compiler.template.roster import read_roster, template_filename
from compiler.template.writer import write_template

#: Every test here runs real batches (worker processes): the module is slow.
pytestmark = pytest.mark.slow

ROSTER = [
    # 单位名称, 联系人, 联系电话, 电子邮箱
    ("甲局", "张三", "0570-1000001", "jia@example.cn"),
    ("乙局", "李四", "0570-1000002", "yi@example.cn"),
    ("丙局", "王五", "0570-1000003", ""),
    ("丁局", "赵六", "0570-1000004", "ding@example.cn"),
    ("戊局", "钱七", "0570-1000005", "wu@example.cn"),
]


def _write_roster(path: Path) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["单位名称", "联系人", "联系电话", "电子邮箱"])
    w.writerows(ROSTER)
    path.write_text(buf.getvalue(), encoding="utf-8-sig")
    return path


@pytest.fixture(scope="module")
def round_dir(tmp_path_factory):
    """甲 clean, 乙 errors, 丙 a warning (no 成文日期), 丁 unreadable under its template name, 戊 nothing,
    己 not on the roster."""
    root = tmp_path_factory.mktemp("round")
    inp = root / "in"
    reports = {
        "甲.xlsx": make_sheet(inp / "甲.xlsx", "甲局", 1),
        "乙.xlsx": make_sheet(inp / "乙.xlsx", "乙局", 2, broken=True),
        "己.xlsx": make_sheet(inp / "己.xlsx", "己局", 6),
    }
    third = make_sheet(inp / "丙.xlsx", "丙局", 3)
    third.date = None  # a missing 成文日期 is a warning only
    write_template(inp / "丙.xlsx", third)
    reports["丙.xlsx"] = third
    (inp / template_filename("丁局", YEAR)).write_bytes(random.Random(0).randbytes(3000))
    roster = _write_roster(root / "名单.csv")
    return {"root": root, "in": inp, "roster": roster, "reports": reports}


def _batch(round_dir, out: Path, capsys, **kw) -> tuple[int, dict]:
    capsys.readouterr()
    code = run(round_dir["in"], out, jobs=2, quiet=True, json_out=True, roster=round_dir["roster"], **kw)
    return code, json.loads(capsys.readouterr().out)


def test_every_roster_agency_has_the_right_status(round_dir, tmp_path, capsys):
    out = tmp_path / "out"
    code, doc = _batch(round_dir, out, capsys, deadline="2025-02-15", return_to="gk@example.cn", rollup_name="某县")
    assert code == 1
    status = {a["agency"]: a for a in doc["round"]["agencies"]}
    assert [a["agency"] for a in doc["round"]["agencies"]] == [r[0] for r in ROSTER]  # roster order
    assert {k: v["label"] for k, v in status.items()} == {
        "甲局": "通过",
        "乙局": "有错误",
        "丙局": "有警告",
        "丁局": "无法读取",
        "戊局": "未报送",
    }
    missing = status["戊局"]
    assert (missing["person"], missing["phone"], missing["email"]) == ("钱七", "0570-1000005", "wu@example.cn")
    assert missing["file"] is None and missing["problems"] == 0
    assert status["乙局"]["errors"] >= 1 and status["乙局"]["file"] == "乙.xlsx" and status["乙局"]["file_time"]
    assert status["丙局"]["errors"] == 0 and status["丙局"]["warnings"] >= 1
    assert status["丁局"]["file"] == template_filename("丁局", YEAR)  # matched by its file name
    assert [a["agency"] for a in doc["round"]["not_on_roster"]] == ["己局"]
    assert doc["round"]["counts"]["未报送"] == 1 and doc["round"]["counts"]["通过"] == 1

    # the same status is the first sheet of 汇总.xlsx
    wb = openpyxl.load_workbook(out / SUMMARY_NAME)
    assert wb.sheetnames[0] == SHEET_STATUS
    ws = wb[SHEET_STATUS]
    header = [c.value for c in ws[3]]
    rows = {r[1]: dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=4, values_only=True) if r[1]}
    assert rows["戊局"]["状态"] == "未报送" and rows["戊局"]["联系电话"] == "0570-1000005"
    assert rows["戊局"]["联系人"] == "钱七" and rows["乙局"]["状态"] == "有错误"
    assert "己局" in rows  # listed apart, below the roster
    assert ws.print_title_rows == "$1:$3" and ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage
    for sheet in (SHEET_FILES, SHEET_FINDINGS, SHEET_EXCLUDED):  # every summary sheet prints the same way
        other = wb[sheet]
        assert other.print_title_rows == "$1:$1" and other.page_setup.orientation == "landscape", sheet
        assert other.page_setup.fitToWidth in (None, 1) and other.page_setup.fitToHeight == 0, sheet  # 1 wide
        assert other.sheet_properties.pageSetUpPr.fitToPage, sheet


def test_feedback_packets_and_mail_merge(round_dir, tmp_path, capsys):
    out = tmp_path / "out"
    _batch(round_dir, out, capsys, deadline="2025-02-15", return_to="gk@example.cn")
    root = out / FEEDBACK_DIR
    folders = sorted(p.name for p in root.iterdir() if p.is_dir())
    assert folders == sorted(["乙局", "丙局", "丁局"])  # errors, warnings, unreadable; not 甲 (passed) nor 戊
    for agency in ("乙局", "丙局"):
        [annotated] = list((root / agency).glob("*.核查.xlsx"))
        wb = openpyxl.load_workbook(annotated)
        assert wb.sheetnames[0] == SHEET_RESULTS
    [letter] = list((root / "乙局").glob("*.docx"))
    text = "\n".join(p.text for p in Document(str(letter)).paragraphs)
    assert "乙局：" in text and "2025-02-15" in text and "gk@example.cn" in text and "乙.xlsx" in text
    assert "表三!" in text and "【错误】" in text
    assert not list((root / "丁局").glob("*.xlsx")) and list((root / "丁局").glob("*.docx"))
    with open(root / MAIL_MERGE_NAME, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == MAIL_MERGE_HEADER
    merged = {r[0]: r for r in rows[1:]}
    assert set(merged) == {"乙局", "丙局", "丁局"}
    assert merged["乙局"][1:5] == ["李四", "0570-1000002", "yi@example.cn", "有错误"]
    assert int(merged["乙局"][5]) >= 1 and merged["乙局"][6] == f"{FEEDBACK_DIR}/乙局"


def test_feedback_packet_of_an_agency_that_passed_later_is_removed_unless_edited(round_dir, tmp_path, capsys):
    out = tmp_path / "out"
    _batch(round_dir, out, capsys)
    root = out / FEEDBACK_DIR
    [letter] = list((root / "丙局").glob("*.docx"))
    edited = root / "乙局" / "我的备注.txt"
    edited.write_text("officer's own note", encoding="utf-8")
    corrected = round_dir["in"] / "丙.xlsx"
    saved = corrected.read_bytes()
    try:
        make_sheet(corrected, "丙局", 3)  # 丙 sends back a sheet with its date filled in
        _batch(round_dir, out, capsys)
    finally:
        corrected.write_bytes(saved)
    assert not letter.exists()  # 丙 now passes: its packet (ours, unchanged) is gone
    assert edited.exists()  # the officer's file stays


def test_feedback_files_edited_by_the_officer_are_never_overwritten_or_deleted(round_dir, tmp_path, capsys):
    out = tmp_path / "out"
    _batch(round_dir, out, capsys)
    root = out / FEEDBACK_DIR
    [letter] = list((root / "乙局").glob("*.docx"))
    [annotated] = list((root / "乙局").glob("*.核查.xlsx"))
    [other_letter] = list((root / "丙局").glob("*.docx"))
    signed = letter.read_bytes() + b"signed"  # the officer edited and signed the letter
    letter.write_bytes(signed)
    wb = openpyxl.load_workbook(annotated)
    wb[SHEET_RESULTS]["A1"] = "已电话沟通"
    wb.save(annotated)
    noted = annotated.read_bytes()
    merge = root / MAIL_MERGE_NAME
    merge.write_bytes(merge.read_bytes() + "乙局,已催\r\n".encode())
    merged = merge.read_bytes()
    other_letter.unlink()  # a removed packet file is ours to write again
    corrected = round_dir["in"] / "丙.xlsx"
    saved = corrected.read_bytes()
    try:
        make_sheet(corrected, "丙局", 3)  # a changed input: a real new run, not a reused one
        capsys.readouterr()
        code = run(round_dir["in"], out, jobs=2, quiet=True, roster=round_dir["roster"])
        err = capsys.readouterr().err
        code = run(round_dir["in"], out, jobs=2, quiet=True, roster=round_dir["roster"])  # and once more
        err2 = capsys.readouterr().err
    finally:
        corrected.write_bytes(saved)
    assert code == 1
    assert letter.read_bytes() == signed and annotated.read_bytes() == noted and merge.read_bytes() == merged
    for text in (err, err2):
        assert f"{FEEDBACK_DIR}/乙局/{letter.name} 在生成后被修改过，未覆盖" in text
        assert f"{FEEDBACK_DIR}/{MAIL_MERGE_NAME} 在生成后被修改过" in text
    assert not (root / "丙局").exists() or not list((root / "丙局").glob("*.docx"))  # 丙 passes now


def test_rollup_sums_only_clean_sheets_and_include_errors_makes_a_draft(round_dir, tmp_path, capsys):
    out = tmp_path / "out"
    _, doc = _batch(round_dir, out, capsys, rollup_name="某县")
    included = {f["rel"] for f in doc["files"] if f["in_rollup"]}
    assert included == {"甲.xlsx", "丙.xlsx", "己.xlsx"}  # not 乙 (errors)
    rollup_docx = out / "某县政府信息公开申请情况汇总.docx"
    text = "\n".join(p.text for p in Document(str(rollup_docx)).paragraphs)
    assert "3 个单位" in text and "乙局（有错误未计入）" in text
    # a roll-up says what it covers: the roster's silent and unreadable agencies are named too
    assert "戊局（未报送）" in text and "丁局（无法读取）" in text
    with zipfile.ZipFile(rollup_docx) as zf:
        assert not [n for n in zf.namelist() if n.startswith("word/header")]  # clean: no draft mark
    wb = openpyxl.load_workbook(out / SUMMARY_NAME)
    assert "草稿" not in wb[SHEET_ROLLUP].cell(1, 1).value
    assert "名单中另有未计入的单位：丁局（无法读取）、戊局（未报送）" in wb[SHEET_ROLLUP].cell(2, 1).value
    # the chart of applications by agency shows exactly the agencies the roll-up sums
    charted = {row[0] for row in wb[SHEET_CHART_DATA].iter_rows(min_row=2, max_col=1, values_only=True) if row[0]}
    assert charted == {"甲局", "丙局", "己局"}

    # --include-errors: the roll-up does not balance, so no report without --force
    out2 = tmp_path / "out2"
    _, doc = _batch(round_dir, out2, capsys, rollup_name="某县", include_errors=True)
    assert {f["rel"] for f in doc["files"] if f["in_rollup"]} == included | {"乙.xlsx"}
    assert doc["rollup"]["outputs"] == {}
    assert not (out2 / "某县政府信息公开申请情况汇总.docx").exists()
    ws = openpyxl.load_workbook(out2 / SUMMARY_NAME)[SHEET_ROLLUP]
    assert "草稿" in ws.cell(1, 1).value and "草稿" in ws.cell(2, 1).value
    # with --force it is written, marked 草稿 on every page, naming the unverified agency
    out3 = tmp_path / "out3"
    _, doc = _batch(round_dir, out3, capsys, rollup_name="某县", include_errors=True, force=True)
    forced = out3 / "某县政府信息公开申请情况汇总.docx"
    with zipfile.ZipFile(forced) as zf:
        headers = [zf.read(n).decode() for n in zf.namelist() if n.startswith("word/header")]
    assert headers and all(DRAFT_NOTE in h for h in headers)
    text = "\n".join(p.text for p in Document(str(forced)).paragraphs)
    assert "未经核实" in text and "乙局" in text
    assert DRAFT_NOTE in (out3 / "某县政府信息公开申请情况汇总.html").read_text(encoding="utf-8")


def test_an_xls_saved_from_our_template_makes_the_agency_unreadable_not_missing(round_dir, tmp_path, capsys):
    """戊局 saved its template as .xls: it did send something; the officer must ask for .xlsx, not chase it."""
    import shutil

    inp = tmp_path / "in"
    shutil.copytree(round_dir["in"], inp)
    (inp / template_filename("戊局", YEAR).replace(".xlsx", ".xls")).write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    capsys.readouterr()
    run(inp, tmp_path / "out", jobs=2, quiet=True, json_out=True, roster=round_dir["roster"])
    doc = json.loads(capsys.readouterr().out)
    status = {a["agency"]: a for a in doc["round"]["agencies"]}
    assert status["戊局"]["label"] == "无法读取" and status["戊局"]["file"].endswith(".xls")
    assert "另存为" in status["戊局"]["message"]
    assert doc["round"]["counts"]["未报送"] == 0
    # and it gets a letter saying so, and a line of the mail merge
    [letter] = list((tmp_path / "out" / FEEDBACK_DIR / "戊局").glob("*.docx"))
    text = "\n".join(p.text for p in Document(str(letter)).paragraphs)
    assert "戊局：" in text and "另存为" in text and ".xls" in text and "重新报送" in text
    assert "重新运行" not in text and "附件" not in text  # the clerk runs nothing; nothing is attached
    with open(tmp_path / "out" / FEEDBACK_DIR / MAIL_MERGE_NAME, encoding="utf-8-sig", newline="") as fh:
        assert "戊局" in {r[0] for r in csv.reader(fh)}


def test_round_status_is_a_plain_function(tmp_path):
    roster = read_roster(_write_roster(tmp_path / "r.csv")).entries
    files = [
        FileRow("x/甲局2024年填报表.xlsx", None, None, "unreadable", errors=1),
        FileRow("b.xlsx", "乙 局", 2024, "ok", mtime=1.7e9, contact={"phone": "sheet-phone"}),
    ]
    status = round_status(roster, files)
    by = {a.agency: a for a in status.agencies}
    assert by["甲局"].label == "无法读取" and by["甲局"].file == "x/甲局2024年填报表.xlsx"
    assert by["乙局"].label == "通过" and by["乙局"].phone == "0570-1000002"  # the roster's contact wins
    assert by["乙局"].file_time and by["丙局"].label == "未报送" and by["丙局"].email is None
    assert status.not_on_roster == []
    assert json.dumps(status.to_json(), ensure_ascii=False)


def test_console_never_breaks_a_file_name_at_80_columns(tmp_path):
    """Progress and final lines of a batch run in an 80-column, non-terminal console keep each file name whole."""
    import os
    import subprocess
    import sys

    inp = tmp_path / "in"
    long_name = "衢州市某某某某某某县人民政府办公室关于政府信息公开工作年度报告的填报表第二次修改稿.xlsx"
    make_sheet(inp / long_name, "某县办公室", 1, broken=True)
    (inp / ("损坏的文件" * 8 + ".xlsx")).write_bytes(b"not a workbook" * 50)
    env = dict(os.environ, COLUMNS="80", TERM="dumb")
    program = "import sys; sys.argv[0] = 'nianbao'; from compiler.cli import main; main()"
    result = subprocess.run(
        [sys.executable, "-c", program, "batch", str(inp), "-o", str(tmp_path / "out"), "--jobs", "1"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 1, result.stderr
    for text in (result.stdout, result.stderr):
        for name in (long_name, "损坏的文件" * 8 + ".xlsx"):
            assert any(name in line for line in text.splitlines()), text


def test_round_status_of_an_output_folder(round_dir, tmp_path, capsys):
    """The web service's entry: the status from the last batch's folder and the roster, without running again."""
    from compiler.commands.batch import round_status_of

    out = tmp_path / "out"
    _, doc = _batch(round_dir, out, capsys)
    status = round_status_of(out, round_dir["roster"], in_dir=round_dir["in"])
    assert status.to_json()["counts"] == doc["round"]["counts"]
    assert [a.label for a in status.agencies] == [a["label"] for a in doc["round"]["agencies"]]
    assert all(a.file_time for a in status.agencies if a.file)
