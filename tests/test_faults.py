"""Issue 14: faults found by an adversarial pass — nothing lost, no wrong figure, no hang, no crash.

Each test covers a class of input (not one file): outputs the clerk edited,
another input folder, files replaced while read, resource failures, …
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from fault_hooks import inject
from test_batch import make_sheet, run_batch

from compiler.batch.manifest import Manifest
from compiler.batch.summary import SUMMARY_NAME

REPORT = "甲局2024年政府信息公开工作年度报告"


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


# ---------------------------------------------------------------------- item 1: outputs of another run, edited outputs
def test_batch_from_another_input_folder_touches_nothing(tmp_path, capsys):
    in_a, in_b, out = tmp_path / "a", tmp_path / "b", tmp_path / "out"
    make_sheet(in_a / "甲.xlsx", "甲局", 1)
    make_sheet(in_b / "乙.xlsx", "乙局", 2)
    assert run_batch(in_a, out, rollup_name="甲市")[0] == 0
    before = _digests(out)
    capsys.readouterr()
    code = run_batch(in_b, out)[0]
    err = capsys.readouterr().err.replace("\n", "")
    assert code == 2
    assert "另选一个输出目录" in err and str(in_a.resolve()) in err
    assert _digests(out) == before  # nothing deleted, nothing rewritten
    assert run_batch(in_a, out)[0] == 0  # the folder it belongs to carries on


@pytest.mark.parametrize("change", ["input_changed", "input_removed", "duplicate_added"])
def test_edited_report_is_never_deleted_or_overwritten(tmp_path, capsys, change):
    inp, out = tmp_path / "in", tmp_path / "out"
    make_sheet(inp / "b.xlsx", "甲局", 1)
    run_batch(inp, out, formats="docx,html")
    edited = out / f"{REPORT}.docx"
    stamped = edited.read_bytes() + b"stamp"  # the clerk stamped and saved it
    edited.write_bytes(stamped)
    if change == "input_changed":
        make_sheet(inp / "b.xlsx", "甲局", 9)
    elif change == "input_removed":
        make_sheet(inp / "c.xlsx", "乙局", 3)
        (inp / "b.xlsx").unlink()
    else:  # a.xlsx sorts first and claims the plain name: b's outputs would move to （2）
        make_sheet(inp / "a.xlsx", "甲局", 5)
    _code, doc = run_batch(inp, out, capsys, json_out=True, formats="docx,html")
    assert edited.read_bytes() == stamped
    assert f"{REPORT}.docx" not in doc["removed_stale_outputs"]
    if change == "input_changed":
        (row,) = doc["files"]
        assert row["findings"][0]["code"] == "OUTPUT_EDITED" and row["outputs"] == {}
        assert "被修改过" in row["findings"][0]["message"]
        assert not (out / f"{REPORT}.html").exists()  # our own stale copy of the old figures goes
    # A second run leaves it alone as well, and still says why.
    _code, doc = run_batch(inp, out, capsys, json_out=True, formats="docx,html")
    assert edited.read_bytes() == stamped


def test_edited_summary_and_rollup_are_not_overwritten(tmp_path, capsys):
    inp, out = tmp_path / "in", tmp_path / "out"
    make_sheet(inp / "a.xlsx", "甲局", 1)
    run_batch(inp, out, rollup_name="甲市")
    rollup = out / "甲市政府信息公开申请情况汇总.docx"
    for path in (out / SUMMARY_NAME, rollup):
        path.write_bytes(path.read_bytes() + b"notes")
    before = _digests(out)
    make_sheet(inp / "a.xlsx", "甲局", 2)  # new figures: summary and roll-up would be rewritten
    capsys.readouterr()
    code = run_batch(inp, out, rollup_name="乙市")[0]  # and the old roll-up would be removed
    err = capsys.readouterr().err
    assert code == 2 and "被修改过" in err
    after = _digests(out)
    assert after[SUMMARY_NAME] == before[SUMMARY_NAME] and after[rollup.name] == before[rollup.name]
    # Unchanged outputs are still ours: the roll-up under its new name is written.
    assert (out / "乙市政府信息公开申请情况汇总.docx").is_file()


def test_manifest_records_input_folder_and_output_hashes(tmp_path):
    inp, out = tmp_path / "in", tmp_path / "out"
    make_sheet(inp / "a.xlsx", "甲局", 1)
    run_batch(inp, out, formats="docx,html", rollup_name="甲市")
    manifest = Manifest(out).load()
    assert manifest.in_dir == str(inp.resolve())
    result = manifest.entries["a.xlsx"].result
    for fmt, name in result.outputs.items():
        assert result.hashes[fmt] == hashlib.sha256((out / name).read_bytes()).hexdigest()
    assert manifest.written[SUMMARY_NAME] == hashlib.sha256((out / SUMMARY_NAME).read_bytes()).hexdigest()


# ---------------------------------------------------------------------- item 7: disk full while the roll-up is written
@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EDQUOT, errno.EIO])
def test_rollup_write_failure_is_chinese_and_exit_2(tmp_path, capsys, monkeypatch, err):
    import compiler.render.html as html_mod

    def full(*_a, **_k):
        raise OSError(err, "No space left on device")

    inp, out = tmp_path / "in", tmp_path / "out"
    make_sheet(inp / "a.xlsx", "甲局", 1)
    monkeypatch.setattr(html_mod, "write_html", full)
    capsys.readouterr()
    code = run_batch(inp, out, rollup_name="甲市")[0]
    text = capsys.readouterr().err
    assert code == 2
    assert "未能生成汇总报告" in text and "No space" not in text and "Errno" not in text
    assert not list(out.glob(".~nianbao-*"))
    assert not (out / "甲市政府信息公开申请情况汇总.html").exists()
    assert json.loads(json.dumps(Manifest(out).load().rollup_outputs)) is not None


# ---------------------------------------------------------------------- item 6: hash what was actually read
def test_sheet_replaced_after_planning_is_recorded_with_the_hash_of_what_was_read(tmp_path, capsys, monkeypatch):
    from compiler.batch import runner

    inp, out = tmp_path / "in", tmp_path / "out"
    make_sheet(inp / "a.xlsx", "甲局", 1)
    original = (inp / "a.xlsx").read_bytes()
    make_sheet(tmp_path / "new.xlsx", "乙局", 2)
    plan = runner.make_plan

    def plan_then_replace(*args, **kwargs):
        todo = plan(*args, **kwargs)
        (tmp_path / "new.xlsx").replace(inp / "a.xlsx")  # the clerk drops the corrected sheet in now
        return todo

    monkeypatch.setattr(runner, "make_plan", plan_then_replace)
    run_batch(inp, out)
    monkeypatch.setattr(runner, "make_plan", plan)
    entry = Manifest(out).load().entries["a.xlsx"]
    read = (inp / "a.xlsx").read_bytes()
    assert entry.sha256 == hashlib.sha256(read).hexdigest() and entry.result.agency == "乙局"
    # The original content back: its report must be made again, never the replacement's reused.
    (inp / "a.xlsx").write_bytes(original)
    _code, doc = run_batch(inp, out, capsys, json_out=True)
    assert doc["reused"] == 0 and doc["files"][0]["agency"] == "甲局"


def test_sheet_changed_while_being_read_is_a_failure_never_reused(tmp_path, monkeypatch):
    from compiler.batch import worker

    make_sheet(tmp_path / "a.xlsx", "甲局", 1)
    make_sheet(tmp_path / "b.xlsx", "乙局", 2)
    load = worker.load_report

    def load_then_replace(path):
        report = load(path)
        (tmp_path / "b.xlsx").replace(path)
        return report

    monkeypatch.setattr(worker, "load_report", load_then_replace)
    result = worker.process_report(_task(tmp_path), _config(tmp_path)).to_json()
    assert result["status"] == "failed" and result["findings"][-1]["code"] == "INPUT_CHANGED"
    assert "sha256" not in result and result["outputs"] == {}


def _task(folder: Path) -> dict:
    return {"id": 1, "kind": "report", "rel": "a.xlsx", "path": str(folder / "a.xlsx"), "key": "000001"}


def _config(folder: Path):
    from compiler.batch.tasks import WorkerConfig

    return WorkerConfig(formats=["docx"], force=False, staging=str(folder))


# ---------------------------------------------------------------------- item 12: a resource failure is never cached
@pytest.mark.parametrize("cause", [MemoryError(), OSError(errno.EIO, "Input/output error"), OSError(errno.ENOMEM, "x")])
def test_resource_failure_while_reading_is_retried_next_run(tmp_path, capsys, monkeypatch, cause):
    from compiler.batch import worker
    from compiler.read import UnreadableInput

    make_sheet(tmp_path / "a.xlsx", "甲局", 1)

    def starved(_path):
        try:
            raise cause
        except BaseException as exc:
            raise UnreadableInput("无法读取“a.xlsx”：内存不足") from exc

    monkeypatch.setattr(worker, "load_report", starved)
    result = worker.process_report(_task(tmp_path), _config(tmp_path)).to_json()
    assert result["status"] == "failed" and result["findings"][-1]["code"] == "RESOURCE_FAILURE"
    monkeypatch.undo()
    ok = worker.process_report(_task(tmp_path), _config(tmp_path)).to_json()
    assert ok["status"] == "ok" and ok["sha256"] == hashlib.sha256((tmp_path / "a.xlsx").read_bytes()).hexdigest()


def test_batch_retries_a_file_that_failed_for_want_of_memory(tmp_path, capsys, monkeypatch):
    inp, out = tmp_path / "in", tmp_path / "out"
    make_sheet(inp / "hog.xlsx", "甲局", 1)
    inject(monkeypatch, hog="hog")
    _code, doc = run_batch(inp, out, capsys, json_out=True)
    assert doc["files"][0]["status"] == "failed"
    monkeypatch.undo()
    _code, doc = run_batch(inp, out, capsys, json_out=True)
    assert doc["reused"] == 0 and doc["files"][0]["status"] == "ok"


# ---------------------------------------------------------------------- item 3: --annotate never writes over an input
@pytest.mark.parametrize("order", ["original_first", "corrected_first"])
def test_annotate_never_overwrites_an_input_of_the_same_run(tmp_path, order):
    from compiler.cli.check import run as check_run

    original, corrected = tmp_path / "a.xlsx", tmp_path / "a.核查.xlsx"
    make_sheet(original, "甲局", 1, broken=True)
    make_sheet(corrected, "甲局", 1)  # the annotated copy, corrected by the clerk and sent back
    hard = tmp_path / "b.核查.xlsx"
    make_sheet(tmp_path / "b.xlsx", "乙局", 2, broken=True)
    os.link(tmp_path / "b.xlsx", hard)  # the same file under the name its copy would take
    before = _digests(tmp_path)
    files = [original, corrected] if order == "original_first" else [corrected, original]
    check_run([*files, tmp_path / "b.xlsx"], annotate=tmp_path)
    after = _digests(tmp_path)
    assert {n: after[n] for n in before} == before
    made = sorted(set(after) - set(before))
    assert len(made) == 3 and all(n.endswith(".核查.xlsx") for n in made), made


# ---------------------------------------------------------------------- item 4: long names keep the year, stay unique
@pytest.mark.parametrize("length", [61, 70, 200, 5000])
def test_long_agency_names_keep_the_year_and_stay_unique(length):
    from compiler.batch.names import output_stem
    from compiler.util.files import safe_filename

    agency = "某" * (length - 1) + "局"
    stems = {output_stem(agency, year, "x") for year in (2023, 2024)}
    assert len(stems) == 2 and all(len(s.encode()) <= 180 for s in stems)
    for year in (2023, 2024):
        assert output_stem(agency, year, "x").endswith(f"局{year}年政府信息公开工作年度报告")
    # Two long names that differ only in the middle never share a file name.
    other = "某" * (length // 2) + "乙" + "某" * (length - length // 2 - 2) + "局"
    assert output_stem(other, 2024, "x") != output_stem(agency, 2024, "x")
    for cut in (150, 60, 20):
        short = safe_filename(agency + "2024年", max_bytes=cut)
        assert len(short.encode()) <= cut and short.encode().decode() == short


def test_compile_of_a_long_named_agency_does_not_overwrite_last_years_report(tmp_path):
    from compiler.cli.compile import run as compile_run

    agency = "某" * 60 + "局"
    paths = []
    for year in (2023, 2024):
        src = tmp_path / f"{year}.xlsx"
        report = make_sheet(src, agency, year, year=year)
        assert compile_run(src) == 0, report.year
        paths.append(sorted(tmp_path.glob("*.docx")))
    assert len(paths[-1]) == 2


# ---------------------------------------------------------------------- item 10: FIFOs and devices never hang batch
def test_batch_skips_fifos_and_device_links_with_a_finding(tmp_path, capsys):
    inp, out = tmp_path / "in", tmp_path / "out"
    make_sheet(inp / "a.xlsx", "甲局", 1)
    os.mkfifo(inp / "管道.xlsx")
    (inp / "无底.xlsx").symlink_to("/dev/zero")
    (inp / "循环.xlsx").symlink_to("循环.xlsx")
    prev = tmp_path / "prev"
    prev.mkdir()
    os.mkfifo(prev / "上年.json")
    code, doc = run_batch(inp, out, capsys, json_out=True, timeout=5, previous=prev)
    assert code == 1
    skipped = {s["path"]: s["reason"] for s in doc["skipped"]}
    assert "普通文件" in skipped["管道.xlsx"] and "普通文件" in skipped["无底.xlsx"]
    rows = {f["rel"]: f for f in doc["files"]}
    assert rows["a.xlsx"]["status"] == "ok"
    assert "符号链接" in rows["循环.xlsx"]["message"] and "Too many" not in json.dumps(doc, ensure_ascii=False)


def test_every_reader_refuses_a_fifo_without_opening_it(tmp_path):
    """The shared guard: every input kind goes through ``read_input`` (a blocking open would hang this test)."""
    from compiler.inputs import READABLE_SUFFIXES, load_report
    from compiler.read import UnreadableInput

    for suffix in READABLE_SUFFIXES:
        fifo = tmp_path / f"p{suffix}"
        os.mkfifo(fifo)
        with pytest.raises(UnreadableInput, match="命名管道"):
            load_report(fifo)


# ---------------------------------------------------------------------- item 14: LibreOffice never outlives a timeout
FAKE_SOFFICE = """#!/bin/sh
# Like soffice: a wrapper whose grandchild does the work, leaves temp files and never finishes.
sh -c 'echo $$ > "{pids}/grandchild"; : > "$TMPDIR/lu12345.tmp"; echo "$TMPDIR" > "{pids}/tmpdir"; exec sleep 300' &
echo $$ > "{pids}/wrapper"
wait
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[1].startswith("Z"))


@pytest.mark.parametrize("interrupt", ["timeout", "keyboard"])
def test_pdf_timeout_kills_libreoffice_and_its_temp_files(tmp_path, monkeypatch, interrupt):
    import threading
    import time

    from compiler.render.pdf import PdfError, write_pdf

    bindir, pids = tmp_path / "bin", tmp_path / "pids"
    bindir.mkdir()
    pids.mkdir()
    fake = bindir / "soffice"
    fake.write_text(FAKE_SOFFICE.format(pids=pids), encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    docx = tmp_path / "a.docx"
    docx.write_bytes(b"x")
    if interrupt == "timeout":
        with pytest.raises(PdfError, match="超过 1 秒"):
            write_pdf(docx, tmp_path / "a.pdf", timeout=1)
    else:  # Ctrl-C while LibreOffice runs
        import signal

        threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()
        with pytest.raises(KeyboardInterrupt):
            write_pdf(docx, tmp_path / "a.pdf", timeout=60)
    time.sleep(0.2)
    grandchild = int((pids / "grandchild").read_text())
    assert not _alive(grandchild), "soffice.bin stand-in still running"
    assert not Path((pids / "tmpdir").read_text().strip()).exists(), "LibreOffice's temporary files left behind"
    assert not (tmp_path / "a.pdf").exists()


# ---------------------------------------------------------------------- items 15 and 20: GBK consoles, closed pipes
@pytest.fixture(scope="module")
def emoji_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("emoji")
    make_sheet(folder / "in" / "a.xlsx", "😀测试局\u2028🏛", 1, broken=True)
    make_sheet(folder / "in" / "b.xlsx", "𝟙𝟚局", 2)
    make_sheet(folder / "clean.xlsx", "测试局😀", 3)
    return folder


GBK_RUNS = [
    (["check", "in/a.xlsx", "in/b.xlsx"], 1),
    (["check", "--json", "in/a.xlsx"], 1),
    (["audit", "in/a.xlsx"], 1),
    (["compile", "in/a.xlsx", "-o", "out-c/"], 1),
    (["compile", "clean.xlsx", "-o", "out-ok/"], 0),
    (["export", "clean.xlsx"], 0),
    (["batch", "in", "-o", "out-b"], 1),
]


@pytest.mark.parametrize(("args", "code"), GBK_RUNS, ids=[" ".join(a[:2]) for a, _ in GBK_RUNS])
@pytest.mark.parametrize("encoding", ["gbk", "ascii"])
def test_console_that_cannot_encode_a_character_degrades_never_crashes(emoji_folder, args, code, encoding):
    import subprocess
    import sys

    env = dict(os.environ, PYTHONIOENCODING=encoding, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    proc = subprocess.run(
        [sys.executable, "-m", "compiler.cli", *args], cwd=emoji_folder, capture_output=True, env=env, timeout=300
    )
    err = proc.stderr.decode(encoding, "replace")
    assert proc.returncode == code, err[-2000:]
    assert "Traceback" not in err and "UnicodeEncodeError" not in err
    # What was written is valid in the console's encoding (export's JSON is UTF-8 by design, whatever the console).
    proc.stdout.decode("utf-8" if args[0] == "export" else encoding)


PIPE_RUNS = [
    ["check", *["clean.xlsx"] * 40],
    ["check", "--json", *["clean.xlsx"] * 40],
    ["audit", "--json", *["clean.xlsx"] * 40],
    ["export", "clean.xlsx"],
    ["batch", "in", "-o", "out-pipe", "--json"],
]


@pytest.mark.parametrize("args", PIPE_RUNS, ids=[" ".join(a[:2]) for a in PIPE_RUNS])
def test_closed_pipe_ends_quietly_with_141(emoji_folder, args):
    """``nianbao check --json | head -c 10``: not "1 (errors)", not a message about a file named None."""
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    read, write = os.pipe()
    os.close(read)  # the reader is gone before we write a byte
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "compiler.cli", *args],
            cwd=emoji_folder,
            stdout=write,
            stderr=subprocess.PIPE,
            env=env,
            timeout=300,
        )
    finally:
        os.close(write)
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 141, err[-2000:]
    for english in ("Traceback", "None", "Broken pipe", "Errno", "错误码 32"):
        assert english not in err, err[-2000:]


# ---------------------------------------------------------------------- items 16 and 19: no traceback, folders as typed
def _invoke(args: list[str], cwd: Path):
    from typer.testing import CliRunner

    from compiler.cli import app

    here = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, args)
    finally:
        os.chdir(here)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


LONG = "长" * 90  # 270 bytes of UTF-8: over the 255-byte file-name limit


@pytest.mark.parametrize(
    "args",
    [
        ["compile", "a.xlsx", "-o", f"{LONG}.docx"],
        ["compile", "a.xlsx", "-o", f"{LONG}/"],
        ["template", "-o", f"{LONG}.xlsx"],
        ["template", "--roster", "r.csv", "--year", "2024", "-o", LONG],
        ["check", "--annotate", LONG, "a.xlsx"],
        ["batch", "in", "-o", LONG],
        ["export", "a.xlsx", "-o", f"{LONG}.json"],
        ["compile", "a.xlsx", "-o", f"x/{LONG}/y.docx"],
    ],
    ids=["compile", "compile-dir", "template", "roster", "annotate", "batch", "export", "compile-mid"],
)
def test_output_name_over_255_bytes_is_a_chinese_usage_error(tmp_path, args):
    make_sheet(tmp_path / "a.xlsx", "甲局", 1)
    make_sheet(tmp_path / "in" / "b.xlsx", "乙局", 2)
    (tmp_path / "r.csv").write_text("单位名称\n甲局\n", encoding="utf-8")
    before = set(tmp_path.rglob("*"))
    result = _invoke(args, tmp_path)
    assert result.exit_code == 2, result.output
    assert "过长" in result.output and "Errno" not in result.output
    assert {p for p in set(tmp_path.rglob("*")) - before if not p.name.startswith(".")} <= {tmp_path / "x"}


@pytest.mark.parametrize("value", [{"id": "gov-2021"}, ["gov-2021"], 2021, True])
@pytest.mark.parametrize("command", ["compile", "export", "template", "check"])
def test_report_json_with_a_format_of_the_wrong_type(tmp_path, value, command):
    report = make_sheet(tmp_path / "a.xlsx", "甲局", 1)
    doc = json.loads(report.dumps())
    doc["format"] = value
    (tmp_path / "r.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    args = {
        "compile": ["compile", "r.json", "-o", "out/"],
        "export": ["export", "r.json"],
        "template": ["template", "--from", "r.json", "-o", "t.xlsx"],
        "check": ["check", "r.json"],
    }[command]
    result = _invoke(args, tmp_path)
    assert result.exit_code == 2
    assert "format 应为" in result.output and "dict" not in result.output and "list" not in result.output


@pytest.mark.parametrize(
    "font", ["宋体\\u0007", "宋体\\u0000", "宋\\u001b[2K", 'a\\"}body{x', "体" * 200, "宋体\\u202e"]
)
def test_style_font_name_with_control_characters_is_refused_in_chinese(tmp_path, font):
    make_sheet(tmp_path / "a.xlsx", "甲局", 1)
    (tmp_path / "s.toml").write_text(f'[body]\nfont = "{font}"\n', encoding="utf-8")
    result = _invoke(["compile", "a.xlsx", "-o", "out/", "--style", "s.toml", "--format", "docx,html"], tmp_path)
    assert result.exit_code == 2 and "版式文件" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", ["1e308", "nan", "inf", "-inf", "0", "-1", "1e6"])
def test_batch_timeout_out_of_range_is_refused(tmp_path, value):
    make_sheet(tmp_path / "in" / "a.xlsx", "甲局", 1)
    result = _invoke(["batch", "in", "-o", "out", "--timeout", value], tmp_path)
    assert result.exit_code == 2 and "--timeout 应为" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("folder", ["新文件夹/", "a/b/c/", "已有/"])
def test_compile_into_a_folder_named_with_a_trailing_separator(tmp_path, folder):
    make_sheet(tmp_path / "a.xlsx", "甲局", 1)
    (tmp_path / "已有").mkdir()
    result = _invoke(["compile", "a.xlsx", "-o", folder, "--format", "docx,html"], tmp_path)
    assert result.exit_code == 0, result.output
    inside = sorted(p.name for p in (tmp_path / folder).iterdir())
    assert inside == [f"{REPORT}.docx", f"{REPORT}.html"]
    assert not list(tmp_path.glob("*.docx")) and not list((tmp_path / folder).parent.glob("*.docx"))


# ---------------------------------------------------------------------- item 18: annotate what can be, say what cannot
def _annotated_copy(folder: Path) -> Any:
    import openpyxl

    (copy,) = folder.glob("*.核查.xlsx")
    return openpyxl.load_workbook(copy)


@pytest.mark.parametrize("span", ["B5:C5", "B5:C6", "A5:D5"])
def test_annotate_marks_a_finding_in_merged_cells_at_the_top_left(tmp_path, span):
    import openpyxl

    from compiler.cli.check import run as check_run

    report = make_sheet(tmp_path / "src.xlsx", "甲局", 1)
    wb = openpyxl.load_workbook(tmp_path / "src.xlsx")
    wb["表二"]["C5"] = "十二"  # an error in C5, then the clerk merges it away
    wb["表二"].merge_cells(span)
    wb.save(tmp_path / "a.xlsx")
    before = _digests(tmp_path)
    assert report is not None
    code = check_run([tmp_path / "a.xlsx"], annotate=tmp_path / "out")
    assert code in (0, 1)  # an annotated copy was written (exit 2 would mean it was not)
    assert _digests(tmp_path) == before
    copy = _annotated_copy(tmp_path / "out")
    anchor = copy["表二"][span.split(":")[0]]
    assert anchor.comment is not None and "合并单元格" in anchor.comment.text


@pytest.mark.parametrize("text", ["1\ufffe2", "\uffff", "a\x1b[2Kb", "x\u202ey"])
def test_annotate_with_characters_xml_cannot_hold(tmp_path, text):
    from compiler.cli.check import run as check_run

    report = make_sheet(tmp_path / "a.xlsx", "甲局\ufffe", 1)
    report.set_value("t2_r01_c1", text)
    from compiler.template.writer import write_template

    write_template(tmp_path / "a.xlsx", report)
    assert check_run([tmp_path / "a.xlsx"], annotate=tmp_path / "out") == 1
    copy = _annotated_copy(tmp_path / "out")
    assert any(c.comment is not None for row in copy["表二"].iter_rows() for c in row)


def test_annotate_saves_a_copy_when_a_cell_holds_a_string_xml_cannot(tmp_path, monkeypatch):
    from compiler.check import annotate as annotate_mod
    from compiler.cli.check import run as check_run

    make_sheet(tmp_path / "a.xlsx", "甲局", 1, broken=True)
    load = annotate_mod._load

    def load_with_a_lone_surrogate(path):
        wb = load(path)
        wb["表二"]["A1"].value = "x\ud800y"  # what no XML file can carry, anywhere in the workbook
        return wb

    monkeypatch.setattr(annotate_mod, "_load", load_with_a_lone_surrogate)
    assert check_run([tmp_path / "a.xlsx"], annotate=tmp_path / "out") == 1
    copy = _annotated_copy(tmp_path / "out")
    assert "无法保存的字符" in copy["核查结果"]["A2"].value and "表二!A1" in copy["核查结果"]["A2"].value


# ---------------------------------------------------------------------- item 21: 目录.csv and Windows device names
WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"} | {
    f"{dev}{d}" for dev in ("COM", "LPT") for d in "0123456789¹²³"
}


@pytest.mark.parametrize(
    "names",
    [
        ["COM¹", "LPT³", "CONIN$", "conout$", "CLOCK$", "com².txt", "LPT0"],
        ["=1+1", "=cmd|' /C calc'!A0", "@SUM(A1)", "+1", "-1", "＝1+1", "%0A"],
    ],
    ids=["devices", "formulas"],
)
def test_roster_file_names_and_index_are_safe(tmp_path, names):
    import csv

    roster = tmp_path / "名单.csv"
    roster.write_text("单位名称\n" + "\n".join(f'"{n}"' for n in names) + "\n", encoding="utf-8")
    result = _invoke(["template", "--roster", str(roster), "--year", "2024", "-o", "out"], tmp_path)
    assert result.exit_code == 0, result.output
    files = [p for p in (tmp_path / "out").iterdir() if p.suffix == ".xlsx"]
    assert len(files) == len(names)
    for p in files:
        assert p.name.split(".")[0].rstrip(" ").upper() not in WINDOWS_DEVICES, p.name
    with open(tmp_path / "out" / "目录.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    for row in rows:
        for cell in row[1:3]:  # agency and file name: never a formula when the officer opens it in Excel
            assert cell[:1] not in "=+-@＝＋－＠\t\r|%", row


# ---------------------------------------------------------------------- item 5: never a silently cut cell
LONG_TEXT = "长文" * 20_000  # 40,000 characters: past Excel's 32,767 per cell


@pytest.mark.parametrize("where", ["narr_s5", "info_agency", "info_address", "t2_r01_c1"])
def test_import_to_xlsx_refuses_text_a_cell_cannot_hold(tmp_path, where):
    report = make_sheet(tmp_path / "a.xlsx", "甲局", 1)
    if where.startswith("narr_"):
        report.narrative[where] = LONG_TEXT
    elif where.startswith("info_"):
        report.set_info(where, LONG_TEXT)
    else:
        report.set_value(where, LONG_TEXT)
    (tmp_path / "r.json").write_text(report.dumps(), encoding="utf-8")
    result = _invoke(["import", "r.json", "-o", "x.xlsx"], tmp_path)
    assert result.exit_code == 2 and "32,767" in result.output and "截断" in result.output
    assert not (tmp_path / "x.xlsx").exists()
    assert _invoke(["import", "r.json", "-o", "x.json"], tmp_path).exit_code in (0, 1)  # JSON holds it whole


def test_annotated_copy_of_a_report_json_says_what_it_cut(tmp_path):
    import openpyxl

    from compiler.schema import get_schema
    from compiler.schema.workbook import cell_ref
    from compiler.template.writer import CUT_MARK

    report = make_sheet(tmp_path / "a.xlsx", "甲局", 1)
    report.narrative["narr_s5"] = LONG_TEXT
    (tmp_path / "r.json").write_text(report.dumps(), encoding="utf-8")
    result = _invoke(["check", "r.json", "--annotate", "out"], tmp_path)
    assert result.exit_code == 0, result.output
    (copy,) = (tmp_path / "out").glob("*.xlsx")
    wb = openpyxl.load_workbook(copy)
    assert "32,767" in wb["核查结果"]["A2"].value and "原文件完整" in wb["核查结果"]["A2"].value
    ref = cell_ref(get_schema(), "narr_s5")
    assert wb[ref.sheet][ref.a1].value.endswith(CUT_MARK)


def test_template_from_a_report_with_an_overlong_agency_is_refused(tmp_path):
    report = make_sheet(tmp_path / "a.xlsx", "甲局", 1)
    report.agency = LONG_TEXT
    (tmp_path / "r.json").write_text(report.dumps(), encoding="utf-8")
    result = _invoke(["template", "--from", "r.json", "-o", "t.xlsx"], tmp_path)
    assert result.exit_code == 2 and "32,767" in result.output
    assert not (tmp_path / "t.xlsx").exists()
