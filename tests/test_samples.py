"""The bundled samples: in step with their generator, loadable, and saying what they claim."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from pathlib import Path

import pytest

from compiler.model import Report
from compiler.placeholders import find_unknown, format_number, substitute

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEED_TEXT = SAMPLES / "published" / "quzhou-jgsw-2022.txt"


def _load_script():
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_samples = _load_script()
NAMES = tuple(make_samples.BUILDERS)


def _load(name: str) -> Report:
    return Report.load(SAMPLES / f"{name}.json")


def _failing_rules(report: Report, schema) -> set[tuple[str, str]]:
    """(rule code, anchor) of every sum rule that does not hold; text counts as unknown (fails)."""
    failing = set()
    for rule in schema.rules:
        try:
            left = sum(report.number(k) for k in rule.left)
            right = sum(report.number(k) for k in rule.right)
        except ValueError:
            failing.add((rule.code, rule.anchor))
            continue
        if round(left - right, 6) != 0:
            failing.add((rule.code, rule.anchor))
    return failing


# ----------------------------------------------------------------------------- in step with the script
@pytest.mark.parametrize("name", NAMES)
def test_committed_json_is_what_the_script_makes(name: str) -> None:
    assert (SAMPLES / f"{name}.json").read_text(encoding="utf-8") == make_samples.build_json(name)


@pytest.mark.parametrize("name", NAMES)
def test_committed_xlsx_is_what_the_script_makes(name: str, tmp_path: Path) -> None:
    out = make_samples.write_xlsx(_load(name), tmp_path / f"{name}.xlsx")
    assert out.read_bytes() == (SAMPLES / f"{name}.xlsx").read_bytes()


def test_script_writes_every_xlsx(tmp_path: Path) -> None:
    for name in NAMES:
        (tmp_path / f"{name}.json").write_bytes((SAMPLES / f"{name}.json").read_bytes())
    assert make_samples.main(["--dir", str(tmp_path)]) == 0
    for name in NAMES:
        assert (tmp_path / f"{name}.xlsx").read_bytes() == (SAMPLES / f"{name}.xlsx").read_bytes()


# ----------------------------------------------------------------------------- loadable
@pytest.mark.parametrize("name", NAMES)
def test_json_loads_and_round_trips(name: str) -> None:
    report = _load(name)
    assert report.dumps() == (SAMPLES / f"{name}.json").read_text(encoding="utf-8")
    assert report.agency and isinstance(report.year, int) and isinstance(report.date, dt.date)


@pytest.mark.parametrize("name", NAMES)
def test_xlsx_reads_back_as_its_json(name: str, schema) -> None:
    from compiler.inputs import load_report

    expected = _load(name)
    got = load_report(SAMPLES / f"{name}.xlsx")
    assert got.tables == expected.tables
    for field in schema.info:
        assert got.info(field.key) == expected.info(field.key), field.key
    assert got.narrative == expected.narrative
    assert got.titles == expected.titles
    # Totals typed over the formula (errors sample only) are recognised as such.
    assert set(got.origin.overridden) == set(make_samples.typed_totals(expected))


# ----------------------------------------------------------------------------- city sample
def test_city_every_sum_holds(schema) -> None:
    report = _load("city-2024")
    for rule in schema.rules:
        left = sum(report.number(k) for k in rule.left)
        right = sum(report.number(k) for k in rule.right)
        assert left == right, (rule.code, rule.anchor)


def test_city_every_figure_non_zero_and_well_typed(schema) -> None:
    report = _load("city-2024")
    for fig in schema.figures():
        v = report.value(fig.key)
        if fig.kind == "count":
            assert isinstance(v, int) and v > 0, fig.key
        else:
            assert isinstance(v, float) and v > 0 and round(v, 4) == v, fig.key
    assert sum(report.number(f.key) for f in schema.table("t3").rows[0][:-1]) >= 100


def test_city_narrative_numbers_match_tables(schema) -> None:
    report = _load("city-2024")
    text = "\n".join(report.narrative.values())
    assert all(not find_unknown(t, schema) for t in report.narrative.values())
    assert "{新收申请总数}" in text  # placeholders are used...
    for part in schema.narrative:
        assert report.narrative[part.key].strip(), part.key
        assert part.hint not in report.narrative[part.key]
    filled = substitute(text, report)
    new_total = format_number(report.value("t3_r01_c7"))
    assert f"新收政府信息公开申请{new_total}件" in filled  # ...and resolve to the table
    assert f"上年结转{format_number(report.value('t3_r02_c7'))}件" in filled
    assert f"办结{format_number(report.value('t3_r24_c7'))}件" in filled
    assert f"予以公开{format_number(report.value('t3_r03_c7'))}件" in filled
    assert f"结转下年度继续办理{format_number(report.value('t3_r25_c7'))}件" in filled
    assert f"行政复议{format_number(report.value('t4_r01_c5'))}件" in filled
    assert f"行政事业性收费{format_number(report.value('t2_r06_c1'))}万元" in filled
    assert "信息处理费" in report.narrative["narr_s6"]
    assert f"涉及的{format_number(report.value('t3_r22_c7'))}件申请不再处理" in filled


# ----------------------------------------------------------------------------- seed sample
def test_seed_figures_as_published(schema) -> None:
    report = _load("quzhou-jgsw-2022")
    assert report.tables["t2"] == [[1, 0, 0], [0, 0, 0], [0], [0], [0], [0]]
    for tid in ("t3", "t4"):
        assert all(v == 0 and isinstance(v, int) for row in report.tables[tid] for v in row), tid
    assert report.agency == "衢州市机关事务保障中心"
    assert (report.year, report.date) == (2022, dt.date(2023, 1, 28))
    assert (report.contact.phone, report.contact.email) == ("0570-3012273", "1055227255@qq.com")
    # The published 规章 row is inconsistent; no sum rule is broken by it (t2 has no sums).
    assert not _failing_rules(report, schema)


def _full_width(text: str) -> str:
    return text.translate(str.maketrans({"(": "（", ")": "）", ",": "，", ":": "："}))


def _sentences(text: str) -> list[str]:
    return [s + "。" for s in re.split(r"。", text.replace("\n", "")) if s.strip()]


@pytest.mark.skipif(not SEED_TEXT.exists(), reason="seed report text not available")
def test_seed_narrative_keeps_every_published_sentence() -> None:
    report = _load("quzhou-jgsw-2022")
    seed = _full_width(SEED_TEXT.read_text(encoding="utf-8"))
    sec1 = seed.split("一、政府信息公开工作基本情况", 1)[1].split("二、主动公开政府信息情况", 1)[0]
    sec5 = seed.split("五、存在问题及改进措施", 1)[1].split("六、其他报告事项", 1)[0]
    sec6 = seed.split("六、其他报告事项", 1)[1].split("衢州市机关事务保障中心\n", 1)[0]
    published = [s for s in _sentences(sec1) if not s.startswith("（")]  # item headings of section 一
    published += _sentences(sec5) + _sentences(sec6)
    ours = {s for text in report.narrative.values() for s in _sentences(text)}
    assert [s for s in published if s not in ours] == []
    # Nothing invented except the one derived 政府信息管理 sentence; no website preamble.
    derived = set(_sentences(report.narrative["narr_s1_3"]))
    assert [s for s in ours - derived if s not in published] == []
    assert "现公布" not in "".join(report.narrative.values())
    for text in report.narrative.values():
        assert not re.search(r"[(),:]", text), text


# ----------------------------------------------------------------------------- errors sample
def test_errors_sample_carries_each_listed_error(schema) -> None:
    report = _load("errors-2024")
    keys = {key for key, _ in make_samples.ERRORS}
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    assert all(f"`{key}`" in readme for key in keys)
    assert _failing_rules(report, schema) == {
        ("T3_BALANCE", "t3_r25_c2"),
        ("T3_BALANCE", "t3_r25_c7"),
        ("T3_ROW_TOTAL", "t3_r03_c7"),
        ("T3_RESULT_TOTAL", "t3_r24_c7"),
        ("T4_GROUP_TOTAL", "t4_r01_c5"),
    }
    assert report.value("t2_r02_c2") == -2
    assert report.value("t2_r05_c1") == 2.5
    assert isinstance(report.value("t2_r01_c1"), str)
    assert report.value("t2_r06_c1") == 123400
    assert report.narrative["narr_s1_3"] == next(p.hint for p in schema.narrative if p.key == "narr_s1_3")
    assert isinstance(report.date, dt.date) and report.date <= dt.date(report.year, 12, 31)
    # Nothing else is wrong: every other count is a whole number ≥ 0, other narrative filled.
    for fig in schema.figures():
        v = report.value(fig.key)
        if fig.key not in keys and fig.kind == "count":
            assert isinstance(v, int) and v >= 0, fig.key
    for part in schema.narrative:
        if part.key != "narr_s1_3":
            assert report.narrative[part.key].strip() and part.hint not in report.narrative[part.key]


def test_errors_typed_totals_are_the_listed_ones() -> None:
    report = _load("errors-2024")
    assert make_samples.typed_totals(report) == {"t3_r03_c7": 15, "t4_r01_c5": 3}
    assert make_samples.typed_totals(_load("city-2024")) == {}
