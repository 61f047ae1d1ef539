"""``nianbao import`` and ``nianbao audit``: outputs, exit codes, and broken sums flagged with the right codes."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from test_import_layouts import SCHEMA, pipe_rows, sample_report

from compiler.cli.published import run_audit, run_import
from compiler.compute import recompute_totals
from compiler.model import Report
from compiler.schema.gov2021 import T3_CARRIED_IN, T3_CARRIED_OUT, T3_NEW, T3_RESULT_TOTAL
from compiler.schema.workbook import cell_ref

SEED = Path(__file__).resolve().parent.parent / "samples" / "published" / "quzhou-jgsw-2022.txt"


def consistent_report(seed: int) -> Report:
    """Every sum of tables 3 and 4 holds; table 2 is plausible."""
    rng = random.Random(seed)
    report = sample_report(seed, blank_share=0.0)
    t3 = report.tables["t3"]
    for row in t3:
        for c in range(6):
            row[c] = rng.randint(0, 4)
    for c in range(6):
        t3[T3_CARRIED_OUT - 1][c] = t3[T3_CARRIED_IN - 1][c] + rng.randint(0, 3)
    recompute_totals(report)  # (七) and every 总计 from their parts
    for c in range(6):
        t3[T3_NEW - 1][c] = t3[T3_RESULT_TOTAL - 1][c] + t3[T3_CARRIED_OUT - 1][c] - t3[T3_CARRIED_IN - 1][c]
    recompute_totals(report)
    for row in report.tables["t2"]:
        if len(row) == 3:
            row[2] = row[0] + 10
    report.narrative["narr_s6"] = "本年度未收取信息处理费。"
    return report


def write(tmp_path: Path, report: Report, name: str = "report.txt") -> Path:
    path = tmp_path / name
    path.write_text(pipe_rows(report), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- import
def test_import_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_import(SEED) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["agency"] == "衢州市机关事务保障中心"
    assert data["year"] == 2022 and data["date"] == "2023-01-28"
    assert data["tables"]["t2"][0] == [1, 0, 0]
    assert "IMPORT_NARRATIVE_MERGED" in err


def test_import_writes_json_atomically(tmp_path: Path) -> None:
    report = sample_report(21)
    src = write(tmp_path, report)
    before = src.read_bytes()
    out = tmp_path / "out" / "report.json"
    assert run_import(src, out) == 0
    again = Report.load(out)
    assert again.tables == report.tables
    assert again.narrative == report.narrative
    assert src.read_bytes() == before
    assert [p.name for p in out.parent.iterdir()] == ["report.json"]  # no temporary file left


def test_import_writes_filled_template(tmp_path: Path) -> None:
    from compiler.inputs import load_report

    out = tmp_path / "seed.xlsx"
    assert run_import(SEED, out) == 0
    back = load_report(out)
    assert back.agency == "衢州市机关事务保障中心"
    assert back.year == 2022
    assert back.tables == Report.from_json(json.loads(json.dumps(back.to_json()))).tables
    assert back.tables["t2"][0] == [1, 0, 0]
    assert all(v == 0 for t in ("t3", "t4") for row in back.tables[t] for v in row)


def test_import_usage_and_unreadable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_import(SEED, tmp_path / "x.csv") == 2
    assert ".json" in capsys.readouterr().err
    assert run_import(tmp_path / "nope.txt") == 2
    assert "nope.txt" in capsys.readouterr().err
    src = tmp_path / "same.txt"
    src.write_text("x", encoding="utf-8")
    assert run_import(src, tmp_path / "same.txt") == 2


def test_import_exit_1_when_cells_unreadable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = sample_report(22, blank_share=0.0)
    text = pipe_rows(report)
    line = next(x for x in text.split("\n") if x.startswith("规章"))
    path = tmp_path / "r.txt"
    path.write_text(text.replace(line, "规章 | 无 | 0 | 3"), encoding="utf-8")
    assert run_import(path) == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["tables"]["t2"][0] == [None, 0, 3]
    assert "IMPORT_UNREADABLE" in err and "表二!B5" in err


# --------------------------------------------------------------------------- audit
def test_audit_seed_reports_the_regulation_warning(capsys: pytest.CaptureFixture[str]) -> None:
    code = run_audit([SEED], json_out=True)
    data = json.loads(capsys.readouterr().out)
    [result] = data["files"]
    found = {(f["code"], f["ref"]) for f in result["findings"]}
    assert ("T2_VALID_ZERO", "表二!D5") in found
    sums = {"T3_BALANCE", "T3_RESULT_TOTAL", "T3_ROW_TOTAL", "T4_GROUP_TOTAL", "BLANK_AS_ZERO"}
    assert not {c for c, _ in found} & sums  # no false sum finding
    assert not {c for c, _ in found} & {"NARRATIVE_PLACEHOLDER", "PLACEHOLDER_UNKNOWN", "YEAR_STAMP_MISMATCH"}
    assert code == (1 if result["status"] == "errors" else 0)


def test_audit_consistent_report_has_no_sum_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, consistent_report(31))
    run_audit([path], json_out=True)
    [result] = json.loads(capsys.readouterr().out)["files"]
    assert not [f for f in result["findings"] if f["code"].startswith(("T3_", "T4_"))], result["findings"]


def _break(report: Report, changes: dict[str, int]) -> Report:
    for key, delta in changes.items():
        report.set_value(key, report.number(key) + delta)
    return report


@pytest.mark.parametrize(
    ("changes", "code", "key"),
    [
        # 四、结转下年度 商业企业 and its row total both +2: the printed 勾稽 note fails in two columns
        ({"t3_r25_c2": 2, "t3_r25_c7": 2}, "T3_BALANCE", "t3_r25_c2"),
        # 予以公开 总计 typed one too high
        ({"t3_r03_c7": 1}, "T3_ROW_TOTAL", "t3_r03_c7"),
        # a result line and its row total +1 while (七) stays: (七) no longer sums the 21 lines
        ({"t3_r05_c3": 1, "t3_r05_c7": 1}, "T3_RESULT_TOTAL", "t3_r24_c3"),
        # 行政复议 总计 one too high
        ({"t4_r01_c5": 1}, "T4_GROUP_TOTAL", "t4_r01_c5"),
    ],
)
def test_audit_flags_broken_sums(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], changes: dict[str, int], code: str, key: str
) -> None:
    path = write(tmp_path, _break(consistent_report(32), changes))
    assert run_audit([path], json_out=True) == 1
    [result] = json.loads(capsys.readouterr().out)["files"]
    assert result["status"] == "errors"
    hits = [f for f in result["findings"] if f["code"] == code]
    assert hits, result["findings"]
    assert cell_ref(SCHEMA, key).ref in {f["ref"] for f in hits}


def test_audit_text_output_and_unreadable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, consistent_report(33))
    missing = tmp_path / "missing.html"
    assert run_audit([good, missing]) == 2
    out = capsys.readouterr().out
    assert str(good) in out and "missing.html" in out
    assert "无法读取" in out


def test_audit_truncated_page_no_false_sum_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Rows the page does not hold are unknown to the checker, not zeros that break the sums."""
    text = pipe_rows(consistent_report(34))
    cut = text[: text.index("3.要求提供公开出版物")]
    path = tmp_path / "cut.txt"
    path.write_text(cut, encoding="utf-8")
    assert run_audit([path], json_out=True) == 1  # the missing rows are errors of the import
    [result] = json.loads(capsys.readouterr().out)["files"]
    codes = {f["code"] for f in result["findings"]}
    assert "IMPORT_MISSING" in codes
    # no sum or blank finding at all: the rows the page lacks are unknown, not zeros
    assert not {c for c in codes if c.startswith(("T3_", "T4_"))}, result["findings"]
    assert "BLANK_AS_ZERO" not in codes


# --------------------------------------------------------------------------- audit --previous / --annotate
def _last_year(report: Report, carried_out_delta: int) -> Report:
    """Last year's report whose 四、结转下年度 differs from this year's 二、上年结转 by ``carried_out_delta``."""
    last = Report.from_json(report.to_json())
    last.year = report.year - 1
    for c in range(6):
        last.tables["t3"][T3_CARRIED_OUT - 1][c] = report.tables["t3"][T3_CARRIED_IN - 1][c]
    last.tables["t3"][T3_CARRIED_OUT - 1][1] += carried_out_delta
    recompute_totals(last)
    return last


@pytest.mark.parametrize("delta", [0, 3])
def test_audit_previous_json_carry_over(tmp_path: Path, capsys: pytest.CaptureFixture[str], delta: int) -> None:
    """``audit --previous LAST.json``: 二 ≠ last year's 四 is CARRY_OVER_MISMATCH at this year's 二, as in check."""
    report = consistent_report(35)
    path = write(tmp_path, report)
    last = tmp_path / "last.json"
    last.write_text(_last_year(report, delta).dumps(), encoding="utf-8")
    assert run_audit([path], json_out=True, previous=last) == 0  # a warning, not an error
    [result] = json.loads(capsys.readouterr().out)["files"]
    hits = [f for f in result["findings"] if f["code"] == "CARRY_OVER_MISMATCH"]
    if delta:
        assert hits and hits[0]["severity"] == "warning"
        # the column changed and its 总计
        assert {f["ref"] for f in hits} == {cell_ref(SCHEMA, f"t3_r{T3_CARRIED_IN:02d}_c{c}").ref for c in (2, 7)}
    else:
        assert not hits
    assert "PREVIOUS_YEAR_MISMATCH" not in {f["code"] for f in result["findings"]}


def test_audit_previous_published_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Last year's report as its published web page (imported) serves as well as its JSON."""
    from compiler.render.html import write_html

    report = consistent_report(36)
    path = write(tmp_path, report)
    last = write_html(_last_year(report, 2), tmp_path / "last.html")
    assert run_audit([path], previous=last) == 0
    out = capsys.readouterr().out
    assert "CARRY_OVER_MISMATCH" in out


def test_audit_previous_unreadable_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, consistent_report(37))
    assert run_audit([path], previous=tmp_path / "missing.json") == 2
    assert "上年报告" in capsys.readouterr().err


def test_previous_folder_is_named_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder given for last year's report is said to be a folder, not "a file without a suffix"."""
    from compiler.cli.check import run as run_check
    from compiler.inputs import UnreadableInput, load_report

    folder = tmp_path / "2023"
    folder.mkdir()
    with pytest.raises(UnreadableInput, match="是文件夹，请给出报告文件") as exc:
        load_report(folder)
    assert "扩展名" not in str(exc.value)
    path = write(tmp_path, consistent_report(38))
    assert run_audit([path], previous=folder) == 2
    err = capsys.readouterr().err
    assert "是文件夹" in err and "上年报告文件" in err and "扩展名" not in err
    json_in = tmp_path / "this.json"
    json_in.write_text(consistent_report(38).dumps(), encoding="utf-8")
    assert run_check([json_in], previous=folder) == 2
    err = capsys.readouterr().err
    assert "是文件夹" in err and "扩展名" not in err


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["txt", "html"])
def test_audit_annotate_writes_marked_template(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    """``audit --annotate DIR``: the filled template marked at each finding's cell; the input is untouched."""
    from openpyxl import load_workbook

    from compiler.check.annotate import FILL, SHEET_RESULTS
    from compiler.inputs import load_report
    from compiler.render.html import write_html

    report = _break(consistent_report(39), {"t4_r01_c5": 1})
    path = write(tmp_path, report) if kind == "txt" else write_html(report, tmp_path / "report.html")
    before = _sha256(path)
    out_dir = tmp_path / "marked"
    assert run_audit([path], annotate=out_dir) == 1
    out = capsys.readouterr().out
    target = out_dir / f"{path.stem}.核查.xlsx"
    assert str(target) in out
    assert _sha256(path) == before
    assert [p.name for p in out_dir.iterdir()] == [target.name]
    wb = load_workbook(target)
    assert wb.sheetnames[0] == SHEET_RESULTS
    ref = cell_ref(SCHEMA, "t4_r01_c5")
    cell = wb[ref.sheet][ref.a1]
    assert cell.comment is not None and "T4_GROUP_TOTAL" in cell.comment.text
    assert cell.fill.start_color.rgb == FILL["error"]
    assert "T4_GROUP_TOTAL" in {c.value for c in wb[SHEET_RESULTS]["D"]}
    back = load_report(target)  # the copy is our template, filled with the report as published
    assert back.tables["t2"] == report.tables["t2"]
    assert back.agency == report.agency


def test_audit_annotate_into_a_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, consistent_report(40))
    not_dir = tmp_path / "file.txt"
    not_dir.write_text("x", encoding="utf-8")
    assert run_audit([path], annotate=not_dir) == 2
    assert "--annotate" in capsys.readouterr().err
    assert not_dir.read_text(encoding="utf-8") == "x"


def test_audit_cli_passes_previous_and_annotate(tmp_path: Path) -> None:
    """The ``nianbao audit`` command offers --previous and --annotate and keeps check's exit codes."""
    from typer.testing import CliRunner

    from compiler.cli import app

    report = consistent_report(41)
    path = write(tmp_path, report)
    last = tmp_path / "last.json"
    last.write_text(_last_year(report, 1).dumps(), encoding="utf-8")
    result = CliRunner().invoke(app, ["audit", str(path), "--previous", str(last), "--annotate", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "CARRY_OVER_MISMATCH" in result.output
    assert (tmp_path / "o" / "report.核查.xlsx").is_file()
    result = CliRunner().invoke(app, ["audit", str(path), "--previous", str(tmp_path)])
    assert result.exit_code == 2
