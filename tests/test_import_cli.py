"""``nianbao import`` and ``nianbao audit``: outputs, exit codes, and broken sums flagged with the right codes."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from test_import_layouts import SCHEMA, pipe_rows, sample_report

from compiler.compute import recompute_totals
from compiler.imports.cli import run_audit, run_import
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
    from compiler.read import load_report

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


def _checker_reads_unread() -> bool:
    import inspect
    import re

    from compiler.check import rules

    return re.search(r"\bunread\b", inspect.getsource(rules.find_unknown)) is not None


@pytest.mark.xfail(
    not _checker_reads_unread(),
    reason="the checker does not yet count report.origin.unread (cells the importer could not find) as unknown",
    strict=True,
)
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
    assert not codes & {"T3_BALANCE", "T3_RESULT_TOTAL", "T4_GROUP_TOTAL"}, result["findings"]
