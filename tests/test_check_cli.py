"""``nianbao check``: files in, findings out — text, JSON, exit codes and annotated copies."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest
from openpyxl import load_workbook
from synth import consistent_report
from typer.testing import CliRunner

import compiler.check as check_module
from compiler.check import check_path
from compiler.check.annotate import FILL, SHEET_RESULTS, output_path
from compiler.cli import app
from compiler.cli.check import run
from compiler.inputs import load_report
from compiler.model import Report
from compiler.schema import get_schema
from compiler.schema.workbook import cell_ref
from compiler.template.writer import write_template

SCHEMA = get_schema()
SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def report(seed: int = 11) -> Report:
    return consistent_report(random.Random(seed), scale=3)


def write_json(path: Path, r: Report) -> Path:
    path.write_text(r.dumps(), encoding="utf-8")
    return path


@pytest.fixture
def good_json(tmp_path: Path) -> Path:
    return write_json(tmp_path / "good.json", report())


@pytest.fixture
def warn_json(tmp_path: Path) -> Path:
    r = report()
    r.set_value("t2_r01_c1", 1)
    r.set_value("t2_r01_c2", 0)
    r.set_value("t2_r01_c3", 0)
    return write_json(tmp_path / "warn.json", r)


@pytest.fixture
def bad_json(tmp_path: Path) -> Path:
    r = report()
    r.set_value("t3_r25_c1", r.value("t3_r25_c1") + 1)
    r.set_value("t2_r04_c1", -3)
    return write_json(tmp_path / "bad.json", r)


@pytest.fixture
def garbage(tmp_path: Path) -> Path:
    path = tmp_path / "garbage.xlsx"
    path.write_bytes(bytes(random.Random(1).randrange(256) for _ in range(2000)))
    return path


@pytest.fixture
def bad_xlsx(tmp_path: Path) -> Path:
    """A filled template with a total typed over its formula and text in a number cell."""
    path = write_template(tmp_path / "returned.xlsx", report())
    wb = load_workbook(path)
    total = cell_ref(SCHEMA, "t3_r24_c1")
    wb[total.sheet][total.a1] = 999
    text = cell_ref(SCHEMA, "t4_r01_c1")
    wb[text.sheet][text.a1] = "无"
    wb.save(path)
    return path


# ---------------------------------------------------------------------- check_path
def test_check_path_json_ok(good_json: Path):
    result = check_path(good_json)
    assert (result.status, result.counts) == ("ok", {"error": 0, "warning": 0, "notice": 0})
    assert result.report is not None and result.findings == []


def test_check_path_filled_template_is_clean(tmp_path: Path):
    path = write_template(tmp_path / "filled.xlsx", report())
    result = check_path(path)
    assert result.status == "ok", [(f.code, f.ref, f.message) for f in result.findings]
    assert result.template_version


def test_check_path_returned_sheet_with_typed_total(bad_xlsx: Path):
    result = check_path(bad_xlsx)
    assert result.status == "errors"
    errors = [(f.code, f.ref) for f in result.findings if f.severity == "error"]
    assert ("TOTAL_OVERRIDDEN", "表三!D29") in errors
    assert ("NOT_A_NUMBER", "表四!A6") in errors
    assert not any(code.startswith(("T3_", "T4_")) for code, _ in errors), errors
    typed = next(f for f in result.findings if f.code == "TOTAL_OVERRIDDEN")
    assert typed.actual == 999 and typed.expected == report().value("t3_r24_c1")


def test_check_path_unreadable(garbage: Path, tmp_path: Path):
    for path in (garbage, tmp_path / "missing.xlsx"):
        result = check_path(path)
        assert result.status == "unreadable"
        assert [f.code for f in result.findings] == ["UNREADABLE"]
        assert result.counts["error"] == 1 and result.report is None
        assert result.findings[0].message


def test_check_path_never_raises_on_a_checker_bug(good_json: Path, monkeypatch: pytest.MonkeyPatch):
    def boom(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(check_module, "check_report", boom)
    result = check_path(good_json)
    assert result.status == "errors"
    assert [f.code for f in result.findings] == ["CHECK_FAILED"]


def test_check_path_with_previous(tmp_path: Path):
    rng = random.Random(3)
    last = consistent_report(rng, scale=2)
    this = consistent_report(rng, scale=2, previous=last)
    this.set_value("t3_r02_c1", this.value("t3_r02_c1") + 1)
    this.set_value("t3_r01_c1", this.value("t3_r01_c1") - 1)
    this.set_value("t3_r01_c7", this.value("t3_r01_c7") - 1)
    this.set_value("t3_r02_c7", this.value("t3_r02_c7") + 1)
    prev = write_json(tmp_path / "last.json", last)
    result = check_path(write_json(tmp_path / "this.json", this), prev)
    mismatch = [(f.ref, f.expected, f.actual) for f in result.findings if f.code == "CARRY_OVER_MISMATCH"]
    old = last.value("t3_r25_c1")
    assert ("表三!D7", old, old + 1) in mismatch
    assert result.status == "warnings"


def test_check_path_with_unreadable_previous(good_json: Path, garbage: Path):
    result = check_path(good_json, garbage)
    assert [(f.code, f.severity) for f in result.findings] == [("PREVIOUS_UNREADABLE", "warning")]
    assert result.status == "warnings"


# ---------------------------------------------------------------------- run: exit codes
def test_exit_codes(good_json: Path, warn_json: Path, bad_json: Path, garbage: Path, capsys):
    assert run([good_json]) == 0
    assert run([warn_json]) == 0
    assert run([good_json, bad_json]) == 1
    assert run([bad_json, garbage]) == 2  # unreadable wins over errors
    capsys.readouterr()


def test_usage_errors(good_json: Path, garbage: Path, tmp_path: Path, capsys):
    assert run([]) == 2
    assert run([good_json], annotate=good_json) == 2
    assert run([good_json], previous=garbage) == 2
    err = capsys.readouterr().err
    assert "上年报告" in err and "--annotate" in err


# ---------------------------------------------------------------------- output
def test_text_output(good_json: Path, warn_json: Path, bad_json: Path, capsys):
    run([good_json, warn_json, bad_json])
    out = capsys.readouterr().out
    assert "\x1b[" not in out  # no colour when not a terminal
    assert "✓ 通过，未发现问题" in out
    assert "✓ 无错误，有 1 个警告" in out
    assert "✗ 存在 2 个错误" in out
    assert "【表三】" in out and "T3_BALANCE" in out and "D30" in out
    assert "共核查 3 个文件" in out
    bad_part = out[out.index(str(bad_json)) :]
    assert bad_part.index("【表二】") < bad_part.index("✗")


def test_json_output(good_json: Path, bad_json: Path, garbage: Path, capsys):
    code = run([good_json, bad_json, garbage], json_out=True)
    doc = json.loads(capsys.readouterr().out)
    assert code == 2
    assert list(doc) == ["files"]
    files = doc["files"]
    assert [f["status"] for f in files] == ["ok", "errors", "unreadable"]
    for f in files:
        assert set(f) == {"path", "template_version", "status", "counts", "findings"}
        assert set(f["counts"]) == {"error", "warning", "notice"}
    finding = next(x for x in files[1]["findings"] if x["code"] == "T3_BALANCE")
    expected_keys = {"code", "severity", "sheet", "cell", "ref", "key", "expected", "actual", "message"}
    assert expected_keys <= set(finding)
    assert (finding["sheet"], finding["cell"], finding["ref"], finding["key"]) == (
        "表三",
        "D30",
        "表三!D30",
        "t3_r25_c1",
    )
    assert finding["actual"] - finding["expected"] == 1 == finding["difference"]
    assert files[1]["counts"]["error"] == 2


def test_typer_command(good_json: Path, bad_json: Path):
    runner = CliRunner()
    assert runner.invoke(app, ["check", str(good_json)]).exit_code == 0
    result = runner.invoke(app, ["check", str(bad_json), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["files"][0]["status"] == "errors"
    help_text = runner.invoke(app, ["check", "--help"]).output
    assert "退出码" in help_text


# ---------------------------------------------------------------------- annotate
@pytest.mark.slow
def test_annotate_xlsx_marks_cells_and_never_touches_the_input(bad_xlsx: Path, tmp_path: Path, capsys):
    before = sha256(bad_xlsx)
    out_dir = tmp_path / "out"
    assert run([bad_xlsx], annotate=out_dir) == 1
    assert sha256(bad_xlsx) == before
    copy = out_dir / "returned.核查.xlsx"
    assert f"标注副本：{copy}" in capsys.readouterr().out
    wb = load_workbook(copy)
    assert wb.sheetnames[0] == SHEET_RESULTS and wb.active.title == SHEET_RESULTS
    total = wb["表三"]["D29"]
    assert total.fill.fgColor.rgb == FILL["error"]
    assert "TOTAL_OVERRIDDEN" in total.comment.text and "999" in total.comment.text
    assert wb["表四"]["A6"].fill.fgColor.rgb == FILL["error"]
    results = wb[SHEET_RESULTS]
    refs = {row[2].value: row[2] for row in results.iter_rows(min_row=4) if row[2].value}
    assert refs["表三!D29"].hyperlink.location == "'表三'!D29"
    assert [c.value for c in results[3]][:5] == ["序号", "级别", "位置", "代码", "说明"]
    # the copy is still a readable template with the same figures
    assert load_report(copy).tables == load_report(bad_xlsx).tables


def test_annotate_json_writes_filled_template(bad_json: Path, tmp_path: Path, capsys):
    before = sha256(bad_json)
    out_dir = tmp_path / "out"
    assert run([bad_json], annotate=out_dir, json_out=True) == 1
    assert sha256(bad_json) == before
    assert "标注副本" in capsys.readouterr().err  # stdout stays one JSON document
    copy = out_dir / "bad.核查.xlsx"
    wb = load_workbook(copy)
    assert wb["表三"]["D30"].fill.fgColor.rgb == FILL["error"]
    assert wb["表二"]["B12"].fill.fgColor.rgb == FILL["error"]
    inputs = [f.key for f in SCHEMA.figures() if f.key not in {r.anchor for r in SCHEMA.formula_rules()}]
    read_back = load_report(copy)
    original = Report.load(bad_json)
    assert all(read_back.value(k) == original.value(k) for k in inputs)


def test_annotate_warning_colour_and_clean_file(warn_json: Path, good_json: Path, tmp_path: Path):
    out_dir = tmp_path / "out"
    assert run([warn_json, good_json], annotate=out_dir) == 0
    wb = load_workbook(out_dir / "warn.核查.xlsx")
    assert wb["表二"]["D5"].fill.fgColor.rgb == FILL["warning"]
    clean = load_workbook(out_dir / "good.核查.xlsx")[SHEET_RESULTS]
    assert clean["A4"].value == "未发现问题。"


def test_annotate_names_never_collide_or_hit_the_input(tmp_path: Path):
    taken: set[Path] = set()
    a = output_path(tmp_path / "x" / "r.xlsx", tmp_path, taken)
    b = output_path(tmp_path / "y" / "r.json", tmp_path, taken)
    assert a != b and a.name == "r.核查.xlsx" and b.name == "r-2.核查.xlsx"
    src = tmp_path / "s.核查.xlsx"
    src.write_bytes(b"")
    assert output_path(tmp_path / "s.核查.xlsx", tmp_path) != src


def test_annotate_skips_unreadable(garbage: Path, tmp_path: Path, capsys):
    out_dir = tmp_path / "out"
    assert run([garbage], annotate=out_dir) == 2
    assert not out_dir.exists() or not any(out_dir.iterdir())
    assert "无法读取" in capsys.readouterr().out


def test_seed_sheet_gives_the_regulation_warning_only():
    result = check_path(SAMPLES / "quzhou-jgsw-2022.xlsx")
    assert result.status == "warnings"
    assert [(f.code, f.ref, f.expected, f.actual) for f in result.findings] == [("T2_VALID_ZERO", "表二!D5", 1, 0)]


def test_city_sheet_is_clean():
    assert check_path(SAMPLES / "city-2024.xlsx").status == "ok"


def test_reporter_option_decides_the_deadline(tmp_path: Path):
    """A department's report dated in March is late; the officer may say the agency reports as a government."""
    report = consistent_report(random.Random(31))
    report.agency = "常山县教育局"
    report.date = f"{report.year + 1}年3月20日"
    path = tmp_path / "r.json"
    path.write_text(report.dumps(), encoding="utf-8")
    runner = CliRunner()

    def codes(*extra: str) -> tuple[int, list[str]]:
        result = runner.invoke(app, ["check", "--json", str(path), *extra])
        doc = json.loads(result.stdout) if result.exit_code != 2 else {"files": [{"findings": []}]}
        return result.exit_code, [f["code"] for f in doc["files"][0]["findings"]]

    assert "DATE_OUT_OF_RANGE" in codes()[1]
    assert "DATE_OUT_OF_RANGE" not in codes("--reporter", "government")[1]
    assert "DATE_OUT_OF_RANGE" not in codes("--reporter", "政府")[1]
    assert "DATE_OUT_OF_RANGE" in codes("--reporter", "部门")[1]
    bad = runner.invoke(app, ["check", str(path), "--reporter", "省长"])
    assert bad.exit_code == 2 and "--reporter 应为" in bad.output
