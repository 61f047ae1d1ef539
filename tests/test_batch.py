"""``nianbao batch`` end to end: a mixed folder, the summary workbook, the roll-up, resume and faults."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest
from docx import Document
from fault_hooks import inject
from synth import consistent_report

from compiler.batch.feedback import FEEDBACK_DIR
from compiler.batch.manifest import MANIFEST_NAME, Manifest, ManifestEntry
from compiler.batch.results import FileOutcome
from compiler.batch.summary import (
    SHEET_CHART_DATA,
    SHEET_EXCLUDED,
    SHEET_FILES,
    SHEET_FINDINGS,
    SHEET_ROLLUP,
    SHEET_SKIPPED,
    SUMMARY_NAME,
    key_figures,
    rollup_cell,
)
from compiler.cli.batch import run
from compiler.inputs import load_report
from compiler.model import Report
from compiler.template.writer import write_template

YEAR = 2024
#: What an OS error's ``strerror`` says in English (must never reach the clerk).
ENGLISH_OS_ERROR = re.compile(r"No such file|Permission denied|File exists|Not a directory|Errno|Read-only|No space")
HOSTILE = ["../../etc/x", "CON", '=HYPERLINK("http://x")', "=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)"]


def make_report(agency: str, seed: int, year: int = YEAR) -> Report:
    """A consistent report of ``agency`` for ``year`` (carried-in figures from a synthetic year before)."""
    rng = random.Random(seed)
    last = consistent_report(rng)
    last.agency, last.year = agency, year - 1
    return consistent_report(rng, previous=last)


def make_sheet(
    path: Path, agency: str, seed: int, *, year: int = YEAR, broken: bool = False, date: str | None = None
) -> Report:
    report = make_report(agency, seed, year)
    if date is not None:  # the 成文日期 decides between two sheets of one agency
        report.date = dt.date.fromisoformat(date)
    if broken:  # one more application carried out than the balance allows
        key = "t3_r25_c1"
        report.set_value(key, report.number(key) + 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_template(path, report)
    return report


def run_batch(in_dir: Path, out_dir: Path, capsys=None, **kw) -> tuple[int, dict | None]:
    kw.setdefault("jobs", 2)
    kw.setdefault("quiet", True)
    if capsys is not None:
        capsys.readouterr()  # drop what earlier runs printed
    code = run(in_dir, out_dir, **kw)
    doc = None
    if capsys is not None and kw.get("json_out"):
        doc = json.loads(capsys.readouterr().out)
    return code, doc


def rows_by_file(wb) -> dict[str, dict]:
    ws = wb[SHEET_FILES]
    header = [c.value for c in ws[1]]
    out = {}
    for row in ws.iter_rows(min_row=2):
        item = {h: c for h, c in zip(header, row, strict=True)}
        out[item["文件"].value] = item
    return out


# ---------------------------------------------------------------------- the mixed folder
@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A folder as it comes back from agencies, batched once (output folder inside the input folder)."""
    root = tmp_path_factory.mktemp("mixed")
    inp = root / "in"
    reports = {
        "good1.xlsx": make_sheet(inp / "good1.xlsx", "衢州市民政局", 1),
        "sub/good2.xlsx": make_sheet(inp / "sub" / "good2.xlsx", "衢州市财政局", 2),
        "errors.xlsx": make_sheet(inp / "errors.xlsx", "衢州市教育局", 3, broken=True),
        "dup/a.xlsx": make_sheet(inp / "dup" / "a.xlsx", "衢州市公安局", 4, date=f"{YEAR + 1}-01-10"),
        "dup/b.xlsx": make_sheet(inp / "dup" / "b.xlsx", "衢州市 公安局", 5, date=f"{YEAR + 1}-01-20"),
    }
    for i, name in enumerate(HOSTILE):
        reports[f"hostile/h{i}.xlsx"] = make_sheet(inp / "hostile" / f"h{i}.xlsx", name, 10 + i)
    (inp / "corrupt.xlsx").write_bytes(random.Random(0).randbytes(5000))
    (inp / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(600))
    (inp / "~$good1.xlsx").write_bytes(b"lock")
    (inp / ".hidden").mkdir()
    make_sheet(inp / ".hidden" / "ghost.xlsx", "幽灵局", 99)
    (inp / "notes.txt").write_text("说明", encoding="utf-8")
    out = inp / "输出"
    before = {p: p.read_bytes() for p in inp.rglob("*") if p.is_file()}
    code = run(inp, out, jobs=2, quiet=True, json_out=False, rollup_name="衢州市")
    after = {p: p.read_bytes() for p in inp.rglob("*") if p.is_file() and out not in p.parents}
    return {
        "in": inp,
        "out": out,
        "code": code,
        "reports": reports,
        "inputs_unchanged": before == {p: b for p, b in after.items() if p in before} and set(after) == set(before),
    }


@pytest.mark.slow
def test_mixed_exit_code_and_inputs_untouched(mixed):
    assert mixed["code"] == 1
    assert mixed["inputs_unchanged"]


@pytest.mark.slow
def test_mixed_summary_rows(mixed):
    wb = openpyxl.load_workbook(mixed["out"] / SUMMARY_NAME)
    rows = rows_by_file(wb)
    expected_files = {*mixed["reports"], "corrupt.xlsx"}
    assert set(rows) == expected_files  # no lock file, hidden file, .xls or our own outputs
    status = {f: r["状态"].value for f, r in rows.items()}
    assert status["good1.xlsx"] == "通过"
    assert status["sub/good2.xlsx"] == "通过"
    assert status["errors.xlsx"] == "有错误"
    assert status["corrupt.xlsx"] == "无法读取"
    # a duplicate is a warning: both files are compiled, the roll-up takes the later 成文日期 (dup/b.xlsx) only
    assert status["dup/a.xlsx"] == status["dup/b.xlsx"] == "有警告"
    assert rows["dup/a.xlsx"]["错误"].value == rows["dup/b.xlsx"]["错误"].value == 0
    said = rows["dup/a.xlsx"]["说明"].value
    assert rows["dup/a.xlsx"]["警告"].value >= 1 and f"保留 dup/b.xlsx（成文日期（{YEAR + 1}-01-20）较晚）" in said
    for rel in ("dup/a.xlsx", "dup/b.xlsx"):
        assert (mixed["out"] / unquote(rows[rel]["Word"].hyperlink.target)).is_file()  # xlsxwriter writes " " as %20
    assert rows["errors.xlsx"]["错误"].value >= 1
    # key figures come from the file's own table 3 / table 4
    new_label = key_figures()[0].label
    good = mixed["reports"]["good1.xlsx"]
    assert rows["good1.xlsx"][new_label].value == good.value(key_figures()[0].keys[0])
    lawsuits = key_figures()[-1]
    assert rows["good1.xlsx"][lawsuits.label].value == sum(good.number(k) for k in lawsuits.keys)
    # the Word link is relative and points at a file that exists beside the summary
    link = rows["good1.xlsx"]["Word"].hyperlink
    assert link is not None and not os.path.isabs(link.target)
    assert (mixed["out"] / link.target).is_file()
    assert rows["errors.xlsx"]["Word"].value is None  # not compiled without --force


def test_mixed_findings_sheet(mixed):
    wb = openpyxl.load_workbook(mixed["out"] / SUMMARY_NAME)
    ws = wb[SHEET_FINDINGS]
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:G")
    findings = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    codes = {(f[0], f[4], f[5]) for f in findings}
    assert ("dup/a.xlsx", "DUPLICATE_AGENCY", "警告") in codes and ("dup/b.xlsx", "DUPLICATE_AGENCY", "警告") in codes
    assert ("corrupt.xlsx", "UNREADABLE", "错误") in codes
    assert any(f[0] == "errors.xlsx" and f[5] == "错误" and f[2] and f[3] for f in findings)
    skipped = {row[0].value: row[1].value for row in wb[SHEET_SKIPPED].iter_rows(min_row=2)}
    assert "另存为" in skipped["old.xls"]
    assert "notes.txt" in skipped and not any("~$" in k or "ghost" in k for k in skipped)


def test_outputs_safe_names_and_open(mixed):
    out = mixed["out"]
    docx = sorted(p for p in out.iterdir() if p.suffix == ".docx")
    compiled = [f for f in mixed["reports"] if f != "errors.xlsx"]
    assert len(docx) == len(compiled) + 1  # + the roll-up report
    for p in docx:
        Document(str(p))  # opens
        assert p.parent == out
    names = {p.name for p in docx}
    assert "衢州市民政局2024年政府信息公开工作年度报告.docx" in names
    assert "衢州市政府信息公开申请情况汇总.docx" in names
    # the only folder besides our hidden bookkeeping is the feedback packets' (names made safe inside it)
    assert [p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")] == [FEEDBACK_DIR]
    assert any(n.startswith("CON") and not n.startswith("CON.") for n in names)
    assert not any(p.name.startswith(".~") for p in out.iterdir())  # no temporary file left


def test_formula_injection_stays_text(mixed):
    wb = openpyxl.load_workbook(mixed["out"] / SUMMARY_NAME)
    rows = rows_by_file(wb)
    for i, name in enumerate(HOSTILE):
        cell = rows[f"hostile/h{i}.xlsx"]["单位名称"]
        assert cell.data_type == "s" and cell.value == name
    for ws in (wb[SHEET_FINDINGS], wb[SHEET_CHART_DATA], wb[SHEET_FILES]):
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f" and not (
                    isinstance(cell.value, str) and cell.value.startswith("=") and cell.data_type != "s"
                )
    chart_agencies = {c.value for c in wb[SHEET_CHART_DATA]["A"][1:] if c.value}
    assert chart_agencies & set(HOSTILE)


def test_rollup_equals_sum_of_inputs(mixed, schema):
    wb = openpyxl.load_workbook(mixed["out"] / SUMMARY_NAME)
    ws = wb[SHEET_ROLLUP]
    # once per agency (the later dup/b.xlsx), and without the sheet that has errors
    summed = [load_report(mixed["in"] / rel) for rel in mixed["reports"] if rel not in ("dup/a.xlsx", "errors.xlsx")]
    assert len(summed) == len(mixed["reports"]) - 2
    for fig in schema.figures():
        expected = sum(r.number(fig.key) for r in summed)
        row, col = rollup_cell(schema, fig.key)
        assert ws.cell(row + 1, col + 1).value == pytest.approx(expected), fig.key
    note = ws.cell(2, 1).value
    assert f"合计 {len(summed)} 份核查无错误的{YEAR}年度报告" in note and "草稿" not in note
    assert "重复报告 1 份未计入" in note and "dup/a.xlsx" in note
    assert "有错误的报告 1 份未计入：errors.xlsx" in note
    excluded = [[c.value for c in row] for row in wb[SHEET_EXCLUDED].iter_rows(min_row=2)]
    assert [(e[0], e[2]) for e in excluded] == [("dup/a.xlsx", YEAR), ("errors.xlsx", YEAR)]
    assert "保留 dup/b.xlsx" in excluded[0][3] and "有 " in excluded[1][3] and "个错误" in excluded[1][3]
    labels = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {cell.text for t in schema.tables for cell in t.grid if cell.text} <= labels
    assert len(ws._charts) == 2


def test_rollup_report_compiled(mixed, schema):
    path = mixed["out"] / "衢州市政府信息公开申请情况汇总.docx"
    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "衢州市政府信息公开申请情况汇总" in text
    assert "【请填写" not in text and "年度报告" not in text.splitlines()[0]
    # A roll-up holds the three tables and their headings, no narrative sections and no signature.
    assert len(doc.tables) == 3
    headings = [s.heading for s in schema.sections]
    assert [h for h in headings if h in text] == [s.heading for s in schema.sections if s.table]
    assert (mixed["out"] / "衢州市政府信息公开申请情况汇总.html").is_file()


def test_json_summary(tmp_path, capsys):
    inp = tmp_path / "in"
    make_sheet(inp / "a.xlsx", "甲局", 1)
    make_sheet(inp / "b.xlsx", "乙局", 2, broken=True)
    code, doc = run_batch(inp, tmp_path / "out", capsys, json_out=True)
    assert code == 1
    assert doc["total"] == 2 and doc["counts"]["ok"] == 1 and doc["counts"]["errors"] == 1
    files = {f["rel"]: f for f in doc["files"]}
    assert files["a.xlsx"]["outputs"]["docx"].endswith(".docx") and not files["b.xlsx"]["outputs"]
    assert any(f["code"] for f in files["b.xlsx"]["findings"])
    assert doc["rollup"]["files"] == 1 and not files["b.xlsx"]["in_rollup"]  # a sheet with errors is left out


# ---------------------------------------------------------------------- duplicates and years in the roll-up
def _rollup_cell(doc: dict, schema, key: str):
    fig = schema.figure(key)
    return doc["rollup"]["tables"][fig.table][fig.row - 1][fig.col - 1]


@pytest.mark.slow
def test_duplicate_is_a_warning_compiled_and_summed_once(tmp_path, capsys, schema):
    inp, out = tmp_path / "in", tmp_path / "out"
    first = make_sheet(inp / "a.xlsx", "甲局", 1, date=f"{YEAR + 1}-01-20")
    make_sheet(inp / "b.xlsx", "甲 局", 2, date=f"{YEAR + 1}-01-10")  # the same agency, spelt with a space
    other = make_sheet(inp / "c.xlsx", "乙局", 3)
    capsys.readouterr()
    code = run(inp, out, jobs=2, quiet=False, json_out=True)  # not a terminal: the plain live log
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert code == 0  # a warning, not an error
    files = {f["rel"]: f for f in doc["files"]}
    for rel in ("a.xlsx", "b.xlsx"):
        assert files[rel]["status"] == "warnings" and files[rel]["errors"] == 0
        assert [f["severity"] for f in files[rel]["findings"] if f["code"] == "DUPLICATE_AGENCY"] == ["warning"]
        Document(str(out / files[rel]["outputs"]["docx"]))  # compiled, without --force
    assert files["a.xlsx"]["in_rollup"] and not files["b.xlsx"]["in_rollup"] and files["c.xlsx"]["in_rollup"]
    rollup = doc["rollup"]
    assert rollup["files"] == 2 and rollup["duplicates_left_out"] == 1
    assert [(e["path"], e["kind"]) for e in rollup["excluded"]] == [("b.xlsx", "duplicate")]
    for fig in schema.figures():
        assert _rollup_cell(doc, schema, fig.key) == pytest.approx(first.number(fig.key) + other.number(fig.key))
    # The live log agrees with the final table: no 有错误, and the later of the pair is flagged as it finishes.
    log = captured.err
    assert "有错误" not in log
    assert len(re.findall(r"有警告 [ab]\.xlsx.*同一单位同一年度", log)) == 1
    assert "重复报告 1 份未计入合计" in log and "同一单位同一年度有多份报告（已标为有警告）：a.xlsx、b.xlsx" in log
    assert rollup["duplicate_groups"] == [["a.xlsx", "b.xlsx"]]
    wb = openpyxl.load_workbook(out / SUMMARY_NAME)
    assert {rows_by_file(wb)[r]["状态"].value for r in ("a.xlsx", "b.xlsx")} == {"有警告"}
    assert "重复报告 1 份未计入" in wb[SHEET_ROLLUP].cell(2, 1).value


@pytest.mark.slow
def test_rollup_sums_only_the_rollup_year(tmp_path, capsys, schema):
    inp, out = tmp_path / "in", tmp_path / "out"
    a = make_sheet(inp / "a.xlsx", "甲局", 1)
    b = make_sheet(inp / "b.xlsx", "乙局", 2)
    make_sheet(inp / "old.xlsx", "丙局", 3, year=YEAR - 1)
    code, doc = run_batch(inp, out, capsys, json_out=True, rollup_name="某县")
    assert code == 0
    rollup = doc["rollup"]
    assert rollup["year"] == YEAR and rollup["files"] == 2 and rollup["years"] == {str(YEAR): 2}
    assert rollup["other_years_left_out"] == 1 and rollup["duplicates_left_out"] == 0
    [excluded] = rollup["excluded"]
    assert excluded["path"] == "old.xlsx" and excluded["kind"] == "other_year" and excluded["year"] == YEAR - 1
    assert f"{YEAR - 1} 年" in excluded["reason"] and f"{YEAR} 年" in excluded["reason"]
    files = {f["rel"]: f for f in doc["files"]}
    assert files["old.xlsx"]["status"] == "ok" and files["old.xlsx"]["outputs"] and not files["old.xlsx"]["in_rollup"]
    for fig in schema.figures():
        assert _rollup_cell(doc, schema, fig.key) == pytest.approx(a.number(fig.key) + b.number(fig.key))
    wb = openpyxl.load_workbook(out / SUMMARY_NAME)
    ws = wb[SHEET_ROLLUP]
    note = ws.cell(2, 1).value
    assert f"合计 2 份核查无错误的{YEAR}年度报告" in note
    assert f"其他年度的报告 1 份未计入（{YEAR - 1}年 1 份）：old.xlsx" in note
    row, col = rollup_cell(schema, "t3_r01_c7")
    assert ws.cell(row + 1, col + 1).value == a.number("t3_r01_c7") + b.number("t3_r01_c7")
    assert [c.value for c in next(wb[SHEET_EXCLUDED].iter_rows(min_row=2))][:3] == ["old.xlsx", "丙局", YEAR - 1]
    rolled_docx = out / "某县政府信息公开申请情况汇总.docx"
    assert f"报送的{YEAR}年度报告" in "\n".join(p.text for p in Document(str(rolled_docx)).paragraphs)
    assert load_report(rolled_docx).number("t3_r01_c7") == a.number("t3_r01_c7") + b.number("t3_r01_c7")


# ---------------------------------------------------------------------- stale outputs
@pytest.mark.slow
def test_outputs_of_a_removed_input_are_removed_and_nothing_else(tmp_path, capsys):
    inp, out = tmp_path / "in", tmp_path / "out"
    make_sheet(inp / "a.xlsx", "甲局", 1)
    make_sheet(inp / "b.xlsx", "甲局", 2)
    make_sheet(inp / "c.xlsx", "乙局", 3)
    run_batch(inp, out, formats="docx,html")
    plain, second = "甲局2024年政府信息公开工作年度报告", "甲局2024年政府信息公开工作年度报告（2）"
    assert all((out / f"{n}.{ext}").is_file() for n in (plain, second) for ext in ("docx", "html"))
    plain_bytes = (out / f"{plain}.docx").read_bytes()
    # The clerk's own files in OUT_DIR, one with a name we might have written: never touched.
    mine = [out / "甲局2024年政府信息公开工作年度报告（3）.docx", out / "说明.docx", out / "notes.txt"]
    for path in mine:
        path.write_text("mine", encoding="utf-8")
    (inp / "b.xlsx").unlink()  # the duplicate is removed
    code, doc = run_batch(inp, out, capsys, json_out=True, formats="docx,html")
    assert code == 0 and doc["reused"] == 2
    assert sorted(doc["removed_stale_outputs"]) == [f"{second}.docx", f"{second}.html"]
    assert not (out / f"{second}.docx").exists() and not (out / f"{second}.html").exists()
    assert (out / f"{plain}.docx").read_bytes() == plain_bytes
    assert all(p.read_text(encoding="utf-8") == "mine" for p in mine)
    assert set(Manifest(out).load().entries) == {"a.xlsx", "c.xlsx"}
    assert doc["rollup"]["duplicates_left_out"] == 0


def test_removing_the_first_of_a_pair_leaves_the_second_under_the_plain_name(tmp_path, capsys):
    inp, out = tmp_path / "in", tmp_path / "out"
    make_sheet(inp / "a.xlsx", "甲局", 1)
    make_sheet(inp / "b.xlsx", "甲局", 2)
    run_batch(inp, out)
    second = out / "甲局2024年政府信息公开工作年度报告（2）.docx"
    b_bytes = second.read_bytes()
    (inp / "a.xlsx").unlink()
    _code, doc = run_batch(inp, out, capsys, json_out=True)
    assert [p.name for p in out.glob("*.docx")] == ["甲局2024年政府信息公开工作年度报告.docx"]
    assert (out / "甲局2024年政府信息公开工作年度报告.docx").read_bytes() == b_bytes  # b's report, not a's
    assert doc["files"][0]["outputs"]["docx"] == "甲局2024年政府信息公开工作年度报告.docx"


def test_stale_removal_only_deletes_names_the_manifest_holds_as_ours(tmp_path, capsys):
    inp, out = tmp_path / "in", tmp_path / "out"
    make_sheet(inp / "a.xlsx", "甲局", 1)
    run_batch(inp, out)
    a_doc = out / "甲局2024年政府信息公开工作年度报告.docx"
    victim = tmp_path / "victim.docx"
    keep = out / "keep.txt"
    old = out / "旧报告.docx"
    for path in (victim, keep, old):
        path.write_text("x", encoding="utf-8")
    manifest = Manifest(out).load()
    bad = {"docx": "../victim.docx", "html": "keep.txt", "pdf": ".nianbao-manifest.jsonl"}
    for rel, outputs in (("gone1.xlsx", bad), ("gone2.xlsx", {"docx": a_doc.name}), ("gone3.xlsx", {"docx": old.name})):
        manifest.record(ManifestEntry(rel, "0", FileOutcome(rel, status="ok", outputs=outputs)))
    manifest.close()
    _code, doc = run_batch(inp, out, capsys, json_out=True)
    assert doc["removed_stale_outputs"] == [old.name]
    assert not old.exists()
    assert victim.is_file() and keep.is_file() and a_doc.is_file()  # outside, not ours, or still claimed
    assert set(Manifest(out).load().entries) == {"a.xlsx"}


def test_rollup_report_removed_when_its_name_changes_or_is_dropped(tmp_path, capsys):
    inp, out = tmp_path / "in", tmp_path / "out"
    make_sheet(inp / "a.xlsx", "甲局", 1)
    run_batch(inp, out, rollup_name="甲市")
    first = [out / f"甲市政府信息公开申请情况汇总.{ext}" for ext in ("docx", "html")]
    assert all(p.is_file() for p in first)
    mine = out / "丙市政府信息公开申请情况汇总.docx"  # not written by us
    mine.write_text("mine", encoding="utf-8")
    _code, doc = run_batch(inp, out, capsys, json_out=True, rollup_name="乙市")
    second = [out / f"乙市政府信息公开申请情况汇总.{ext}" for ext in ("docx", "html")]
    assert not any(p.exists() for p in first) and all(p.is_file() for p in second)
    assert sorted(doc["removed_stale_outputs"]) == sorted(p.name for p in first)
    assert Manifest(out).load().rollup_outputs == {"docx": second[0].name, "html": second[1].name}
    run_batch(inp, out)  # --rollup-name dropped
    assert not any(p.exists() for p in second)
    assert mine.read_text(encoding="utf-8") == "mine"
    assert (out / "甲局2024年政府信息公开工作年度报告.docx").is_file() and (out / SUMMARY_NAME).is_file()
    assert Manifest(out).load().rollup_outputs == {}


@pytest.mark.parametrize("below", [False, True])
def test_output_path_that_is_a_file_is_refused_in_chinese(tmp_path, capsys, below):
    inp = tmp_path / "in"
    make_sheet(inp / "a.xlsx", "甲局", 1)
    target = tmp_path / "out.txt"
    target.write_text("x", encoding="utf-8")
    capsys.readouterr()
    assert run(inp, target / "sub" if below else target, quiet=True) == 2
    err = capsys.readouterr().err.replace("\n", "")
    assert ("路径中有一段是文件而不是文件夹" if below else "该路径是一个文件，不是文件夹") in err
    assert not ENGLISH_OS_ERROR.search(err), err
    assert target.read_text(encoding="utf-8") == "x"


# ---------------------------------------------------------------------- resume and names
@pytest.mark.slow
def test_rerun_skips_unchanged_and_redoes_changed(tmp_path, capsys):
    inp, out = tmp_path / "in", tmp_path / "out"
    make_sheet(inp / "a.xlsx", "甲局", 1)
    make_sheet(inp / "b.xlsx", "乙局", 2)
    assert run_batch(inp, out)[0] == 0
    a_doc = out / "甲局2024年政府信息公开工作年度报告.docx"
    b_doc = out / "乙局2024年政府信息公开工作年度报告.docx"
    mtimes = {p: p.stat().st_mtime_ns for p in (a_doc, b_doc)}
    make_sheet(inp / "b.xlsx", "丙局", 3)  # b now holds another agency
    code, doc = run_batch(inp, out, capsys, json_out=True)
    assert code == 0 and doc["reused"] == 1 and doc["processed"] == 1
    assert a_doc.stat().st_mtime_ns == mtimes[a_doc]
    assert not b_doc.exists()  # its stale output went
    assert (out / "丙局2024年政府信息公开工作年度报告.docx").is_file()
    code, doc = run_batch(inp, out, capsys, json_out=True, force=True)
    assert doc["reused"] == 0 and doc["processed"] == 2


@pytest.mark.slow
def test_same_name_numbered_by_path_order(tmp_path, capsys):
    inp, out = tmp_path / "in", tmp_path / "out"
    make_sheet(inp / "b.xlsx", "甲局", 1)
    run_batch(inp, out, force=True)
    plain = out / "甲局2024年政府信息公开工作年度报告.docx"
    b_bytes = plain.read_bytes()
    make_sheet(inp / "a.xlsx", "甲局", 2)  # sorts first: takes the plain name, b moves to （2）
    _code, doc = run_batch(inp, out, capsys, json_out=True, force=True)
    files = {f["rel"]: f for f in doc["files"]}
    assert files["a.xlsx"]["outputs"]["docx"] == plain.name
    assert files["b.xlsx"]["outputs"]["docx"] == "甲局2024年政府信息公开工作年度报告（2）.docx"
    assert (out / files["b.xlsx"]["outputs"]["docx"]).read_bytes() == b_bytes
    assert plain.read_bytes() != b_bytes
    entries = Manifest(out).load().entries
    assert entries["b.xlsx"].result.outputs["docx"] == files["b.xlsx"]["outputs"]["docx"]


@pytest.mark.slow
def test_killed_batch_leaves_complete_outputs_and_resumes(tmp_path):
    inp, out = tmp_path / "in", tmp_path / "out"
    n = 60
    for i in range(n):
        make_sheet(inp / f"{i:03d}.xlsx", f"第{i:03d}号测试局", 100 + i)
    cmd = [sys.executable, "-m", "compiler.cli", "batch", str(inp), "-o", str(out), "--jobs", "2", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list(out.glob("*.docx"))) >= 5:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(0.5)  # workers die with the forkserver; let them go
    finished = Manifest(out).load().entries
    assert 0 < len(finished) < n, "the batch should have been killed mid-run"
    for p in out.glob("*.docx"):
        Document(str(p))  # every visible .docx is complete
    for rel, entry in finished.items():
        for name in entry.result.outputs.values():
            assert (out / name).is_file(), (rel, name)
    mtimes = {name: (out / name).stat().st_mtime_ns for e in finished.values() for name in e.result.outputs.values()}
    result = subprocess.run([*cmd, "--json"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["reused"] == len(finished) and doc["processed"] == n - len(finished)
    assert len(list(out.glob("*.docx"))) == n
    for name, mtime in mtimes.items():
        assert (out / name).stat().st_mtime_ns == mtime, f"{name} was redone"
    assert not [p for p in out.iterdir() if p.name.startswith(".~")]
    assert not (out / ".nianbao-work").exists()


# ---------------------------------------------------------------------- faults
@pytest.mark.slow
def test_worker_crash_does_not_stop_batch(tmp_path, capsys, monkeypatch):
    inp = tmp_path / "in"
    for i in range(6):
        make_sheet(inp / f"f{i}.xlsx", f"第{i}局", i)
    inject(monkeypatch, crash="f2.xlsx")
    code, doc = run_batch(inp, tmp_path / "out", capsys, json_out=True)
    files = {f["rel"]: f for f in doc["files"]}
    assert code == 1
    assert files["f2.xlsx"]["status"] == "failed"
    assert files["f2.xlsx"]["findings"][0]["code"] == "WORKER_CRASH"
    assert all(files[f"f{i}.xlsx"]["status"] == "ok" for i in range(6) if i != 2)


@pytest.mark.slow
def test_hanging_file_hits_time_limit(tmp_path, capsys, monkeypatch):
    inp = tmp_path / "in"
    for i in range(4):
        make_sheet(inp / f"f{i}.xlsx", f"第{i}局", i)
    inject(monkeypatch, hang="f1.xlsx")
    code, doc = run_batch(inp, tmp_path / "out", capsys, json_out=True, timeout=3)
    files = {f["rel"]: f for f in doc["files"]}
    assert code == 1
    assert files["f1.xlsx"]["findings"][0]["code"] == "TIMEOUT"
    assert "超时" in files["f1.xlsx"]["message"]
    assert sum(f["status"] == "ok" for f in doc["files"]) == 3


@pytest.mark.slow
def test_memory_hog_is_stopped(tmp_path, capsys, monkeypatch):
    inp = tmp_path / "in"
    for i in range(3):
        make_sheet(inp / f"f{i}.xlsx", f"第{i}局", i)
    inject(monkeypatch, hog="f0.xlsx")
    monkeypatch.setenv("NIANBAO_BATCH_MEMORY_MB", "700")
    _code, doc = run_batch(inp, tmp_path / "out", capsys, json_out=True)
    files = {f["rel"]: f for f in doc["files"]}
    assert files["f0.xlsx"]["findings"][0]["code"] in ("MEMORY_LIMIT", "WORKER_CRASH")
    assert files["f1.xlsx"]["status"] == files["f2.xlsx"]["status"] == "ok"


@pytest.mark.slow
def test_previous_year_matched_by_agency(tmp_path, capsys):
    inp, prev = tmp_path / "in", tmp_path / "prev"
    this = make_sheet(inp / "a.xlsx", "衢州市民政局", 1)
    last = make_report("衢州市 民政局", 7, YEAR - 1)
    carried = this.number("t3_r02_c7")
    last.set_value("t3_r25_c1", (last.number("t3_r25_c1") or 0) + carried + 5)  # does not match this year's 上年结转
    prev.mkdir()
    (prev / "last.json").write_text(last.dumps(), encoding="utf-8")
    _code, doc = run_batch(inp, tmp_path / "out", capsys, json_out=True, previous=prev)
    codes = {f["code"] for f in doc["files"][0]["findings"]}
    assert "CARRY_OVER_MISMATCH" in codes
    _code, doc = run_batch(inp, tmp_path / "out2", capsys, json_out=True)
    assert "CARRY_OVER_MISMATCH" not in {f["code"] for f in doc["files"][0]["findings"]}


@pytest.mark.parametrize("case", ["missing", "same", "empty", "format"])
def test_unusable_folder_exit_2(tmp_path, case):
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "x.xls").write_bytes(b"old")
    if case == "missing":
        code = run(tmp_path / "nope", tmp_path / "out", quiet=True)
    elif case == "same":
        make_sheet(inp / "a.xlsx", "甲局", 1)
        code = run(inp, inp, quiet=True)
    elif case == "empty":
        code = run(inp, tmp_path / "out", quiet=True)
    else:
        make_sheet(inp / "a.xlsx", "甲局", 1)
        code = run(inp, tmp_path / "out", quiet=True, formats="docx,rtf")
    assert code == 2


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_read_only_output_folder(tmp_path):
    inp, out = tmp_path / "in", tmp_path / "out"
    make_sheet(inp / "a.xlsx", "甲局", 1)
    out.mkdir()
    out.chmod(0o500)
    try:
        assert run(inp, out, quiet=True) == 2
    finally:
        out.chmod(0o700)
    assert not list(out.iterdir())


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc (Linux)")
def test_unwritable_output_folder_exit_2(tmp_path, capsys):
    inp = tmp_path / "in"
    make_sheet(inp / "a.xlsx", "甲局", 1)
    assert run(inp, Path("/proc/nianbao-batch/out"), quiet=True) == 2  # cannot be created, even by root
    err = capsys.readouterr().err
    assert "无法使用输出目录" in err and not ENGLISH_OS_ERROR.search(err)


def test_manifest_survives_torn_line(tmp_path):
    m = Manifest(tmp_path)
    m.record(ManifestEntry("a.xlsx", "1", FileOutcome("a.xlsx", status="ok")))
    m.record(ManifestEntry("b.xlsx", "2", FileOutcome("b.xlsx", status="ok")))
    m.close()
    with open(tmp_path / MANIFEST_NAME, "a", encoding="utf-8") as fh:
        fh.write('{"rel": "c.xlsx", "sha2')  # killed mid-write
    loaded = Manifest(tmp_path).load()
    assert set(loaded.entries) == {"a.xlsx", "b.xlsx"}
    loaded.compact(keep={"a.xlsx"})
    assert set(Manifest(tmp_path).load().entries) == {"a.xlsx"}


def test_markup_and_odd_file_names_print_verbatim(tmp_path, capsys):
    inp = tmp_path / "in"
    make_sheet(inp / "a.xlsx", "[bold red]局[/]\u202e", 1, broken=True)
    odd = Path(os.fsdecode(bytes(inp) + b"/\xff\xfe.xlsx"))
    make_sheet(odd, "乙局", 2)
    code = run(inp, tmp_path / "out", jobs=2, quiet=False)
    captured = capsys.readouterr()
    assert code == 1
    assert "[bold red]局[/]" in captured.out  # rich markup not interpreted
    assert "\u202e" not in captured.out + captured.err  # bidi override not sent to the terminal
    wb = openpyxl.load_workbook(tmp_path / "out" / SUMMARY_NAME)
    assert {r["状态"].value for r in rows_by_file(wb).values()} == {"有错误", "通过"}


@pytest.mark.slow
def test_sigterm_stops_cleanly_and_resumes(tmp_path):
    inp, out = tmp_path / "in", tmp_path / "out"
    n = 40
    for i in range(n):
        make_sheet(inp / f"{i:03d}.xlsx", f"第{i:03d}号局", 200 + i)
    cmd = [sys.executable, "-m", "compiler.cli", "batch", str(inp), "-o", str(out), "--jobs", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and len(list(out.glob("*.docx"))) < 3:
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "已中断" in err
    assert not (out / ".nianbao-work").exists()
    finished = Manifest(out).load().entries
    assert all((out / n).is_file() for e in finished.values() for n in e.result.outputs.values())
    assert subprocess.run(cmd, capture_output=True, timeout=300).returncode == 0
    assert len(list(out.glob("*.docx"))) == n


@pytest.mark.slow
def test_previous_published_report_and_cache(tmp_path, capsys):
    """Last year's published report (.txt) is parsed once, cached, and matched by agency."""
    seed = Path(__file__).resolve().parent.parent / "samples" / "published" / "quzhou-jgsw-2022.txt"
    inp, prev, out = tmp_path / "in", tmp_path / "prev", tmp_path / "out"
    prev.mkdir()
    (prev / seed.name).write_bytes(seed.read_bytes())
    (prev / "broken.xlsx").write_bytes(b"not a workbook")
    make_sheet(inp / "a.xlsx", "衢州市机关事务保障中心", 3, year=2023)
    _code, doc = run_batch(inp, out, capsys, json_out=True, previous=prev)
    codes = {f["code"] for f in doc["files"][0]["findings"]}
    assert codes & {"CARRY_OVER_MISMATCH", "T2_CONTINUITY"}
    assert any("broken.xlsx" in p["rel"] for p in doc["previous_problems"])
    entry = Manifest(out).load().entries["a.xlsx"]
    assert entry.result.prev
    assert len(list((out / ".nianbao-previous").glob("*.json"))) == 1
    _code, doc = run_batch(inp, out, capsys, json_out=True, previous=prev)
    assert doc["reused"] == 1  # same previous report: nothing to redo
