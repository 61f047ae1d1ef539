"""Importer accuracy per published layout: how many figures come back exact, missing or wrong.

Run: ``.venv/bin/python bench/bench_import_accuracy.py [--reports N] [--seed S]``.
Target (issue 6): at least 99 % of figures exact in each layout, and 0 figures
invented. N varied, fully consistent reports (``tests/synth.py``) — agency
names with quotes, full-width forms and great length, blank and all-zero
reports, large counts, fees with 0–4 decimals — are published in every layout
the importer claims and read back with ``compiler.imports``. The generators
of hand-made layouts are the import tests' own (``tests/test_import_layouts.py``,
``tests/test_import_html_docx.py``); our pages and Word files come from
``compiler.render``. The real seed is measured too.

What a layout shows decides what must come back (its convention): a blank
cell comes back as null, a ``/`` cell as null (not applicable), and our own
writers print a blank figure as 0. Per figure the outcome is *exact* (the
convention's value), *missing* (null or text, with a finding naming the cell;
*silent* when no finding names it) or *wrong* (a number other than the one
printed, or a number where nothing was printed: an invented figure).
Times are the median of the import call alone (warm process, one core).

Real reports (issue 11): when ``../shared/real-reports`` (or ``--real DIR``)
holds published reports with a hand-read ground truth next to each
(``NNN.json``: agency, year, ``tables``), every file is imported and scored
per figure cell: *exact* (as printed, null where nothing is printed),
*wrong* (another number), *invented* (a number where the truth has none),
*missed* (null where a number is printed); and whether agency and year are
right. Target: ≥ 99 % exact, 0 wrong, 0 invented, agency and year right.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from synth import consistent_report
from test_import_html_docx import docx_file, html_page
from test_import_layouts import (
    cell_then_pipe,
    grid_lines,
    narrative_lines,
    one_cell_per_line,
    pipe_rows,
    space_separated,
)

from compiler.imports import parse_file, parse_html, parse_text
from compiler.model import Report
from compiler.render.docx import docx_bytes
from compiler.render.html import render_html
from compiler.schema import get_schema

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = get_schema()
SEED = ROOT / "samples" / "published" / "quzhou-jgsw-2022.txt"
TARGET = 99.0
#: Real published reports with hand-read truths, kept outside the repository (not ours to commit).
REAL_REPORTS = ROOT.parent / "shared" / "real-reports"

#: Agency names as real sites print them: quotes of every style, full-width forms, inner spaces, great length.
AGENCIES = (
    "衢州市“两山”转化办",
    "某县「数字」改革办（ＡＢＣ）",
    "Ａ市 人民政府办公室",
    "‘甲’乙县 民政局",
    '衢州市"大花园"建设办公室',
    "浙江省衢州市柯城区人民政府信息公开与政务服务数据管理和营商环境优化提升工作领导小组办公室",
    "杭州市西湖区人民政府北山街道办事处",
    "中共衢州市委机构编制委员会办公室（衢州市机构编制研究中心）",
    "龙游县『共富』工坊服务中心",
)

#: What a layout hands the importer: plain text or a page as text, page bytes, or a file.
Source = str | bytes | Path


# --------------------------------------------------------------------------- reports
def varied_report(seed: int) -> Report:
    """A consistent report from ``tests/synth.py``, varied the ways real ones vary."""
    rng = random.Random(seed)
    scale = rng.choice((0.2, 1.0, 1.0, 1.0, 3.0, 50.0, 4000.0))  # from near-empty to very large offices
    report = consistent_report(rng, scale=scale)
    if rng.random() < 0.5:
        report.agency = rng.choice(AGENCIES)
    figures = SCHEMA.figures()
    shape = rng.random()
    if shape < 0.08:  # a quiet office: every figure 0, as the seed nearly is
        for fig in figures:
            report.set_value(fig.key, 0)
        report.set_value(figures[0].key, rng.randint(0, 3))
    elif shape < 0.30:  # the clerk left some cells blank
        share = rng.uniform(0.05, 0.4)
        for fig in figures:
            if rng.random() < share:
                report.set_value(fig.key, None)
    for fig in figures:
        if fig.kind == "amount" and report.value(fig.key) is not None:
            decimals = rng.randint(0, 4)
            fee = round(rng.uniform(0, 10 ** rng.randint(0, 5)), decimals)
            report.set_value(fig.key, int(fee) if decimals == 0 else fee)
    return report


def copy_report(report: Report) -> Report:
    return Report.from_json(report.to_json())


# --------------------------------------------------------------------------- conventions
def as_written(report: Report, rng: random.Random) -> tuple[Report, Report]:
    """The layout prints every figure as it is (blank stays blank): what it shows must come back."""
    return report, report


def zeros_blank(report: Report, rng: random.Random) -> tuple[Report, Report]:
    """Every 0 printed as a blank cell: it comes back as null."""
    shown = copy_report(report)
    for fig in SCHEMA.figures():
        if shown.value(fig.key) == 0:
            shown.set_value(fig.key, None)
    return shown, shown


def some_slashes(report: Report, rng: random.Random) -> tuple[Report, Report]:
    """Some zero or blank figures printed as ``/`` (not applicable): they come back as null."""
    shown, expected = copy_report(report), copy_report(report)
    for fig in SCHEMA.figures():
        if shown.value(fig.key) in (0, None) and rng.random() < 0.4:
            shown.set_value(fig.key, "/")
            expected.set_value(fig.key, None)
    return shown, expected


def printed_zeros(report: Report, rng: random.Random) -> tuple[Report, Report]:
    """Our writers print a blank figure as 0 (spec §6.1 rule 10)."""
    expected = copy_report(report)
    for fig in SCHEMA.figures():
        if expected.value(fig.key) is None:
            expected.set_value(fig.key, 0)
    return report, expected


def blanks_as_zeros(report: Report, rng: random.Random) -> tuple[Report, Report]:
    """A layout that cannot show a blank cell (space-separated) is given 0 for every blank figure."""
    _, expected = printed_zeros(report, rng)
    return expected, expected


# --------------------------------------------------------------------------- layouts written here
def _split_header(text: str, sep: str) -> str:
    """``商业企业`` → ``商业 企业``: a column head broken by the page width."""
    if 4 <= len(text) <= 8 and not any(ch.isdigit() for ch in text):
        half = len(text) // 2
        return text[:half] + sep + text[half:]
    return text


def pipe_rows_split_headers(report: Report) -> str:
    """`` | `` rows whose column heads are split into two words (``商业 企业``)."""
    head, s1, s5, s6 = narrative_lines(report)
    lines = [*head, *s1]
    for table in SCHEMA.tables:
        lines.append(SCHEMA.sections[table.section - 1].heading)
        for r, row in enumerate(grid_lines(table, report)):
            cells = [_split_header(t, " ") for t in row] if r < table.header_rows else row
            lines.append(" | ".join(cells))
    lines += [*s5, *s6]
    return "\n".join(lines) + "\n"


def _gbk_page(page: str) -> bytes:
    """Our page as a site re-saves it: GBK bytes declaring their charset."""
    page = page.replace('<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=gbk">')
    return page.encode("gbk", errors="xmlcharrefreplace")


@dataclass(frozen=True)
class Layout:
    name: str
    #: Report shown → what the importer is given (text, page bytes, or a file written to ``tmp``).
    publish: Callable[[Report, random.Random, Path], Source]
    convention: Callable[[Report, random.Random], tuple[Report, Report]] = as_written


def _docx_ours(report: Report, rng: random.Random, tmp: Path) -> Path:
    path = tmp / "ours.docx"
    path.write_bytes(docx_bytes(report))
    return path


def _html_hand(report: Report, rng: random.Random, tmp: Path) -> bytes:
    return html_page(report, charset=rng.choice(("gbk", "gb2312")), nested=rng.random() < 0.3).encode(
        "gbk", errors="xmlcharrefreplace"
    )


LAYOUTS: tuple[Layout, ...] = (
    Layout("one cell per line, heads split", lambda r, g, t: one_cell_per_line(r)),
    Layout("one cell per line, heads whole", lambda r, g, t: one_cell_per_line(r, split_labels=False)),
    Layout("` | ` rows, group label once", lambda r, g, t: pipe_rows(r)),
    Layout("` | ` rows, framed", lambda r, g, t: pipe_rows(r, covered_as_empty=True, border=True)),
    Layout("cell then `|` line", lambda r, g, t: cell_then_pipe(r)),
    Layout("cell then `|`, no row gap", lambda r, g, t: cell_then_pipe(r, row_gap=False)),
    Layout("blank for 0, cell per line", lambda r, g, t: one_cell_per_line(r), zeros_blank),
    Layout("blank for 0, ` | ` rows", lambda r, g, t: pipe_rows(r), zeros_blank),
    Layout("blank for 0, cell then `|`", lambda r, g, t: cell_then_pipe(r), zeros_blank),
    Layout("`/` cells, cell per line", lambda r, g, t: one_cell_per_line(r), some_slashes),
    Layout("`/` cells, ` | ` rows", lambda r, g, t: pipe_rows(r), some_slashes),
    Layout("`/` cells, cell then `|`", lambda r, g, t: cell_then_pipe(r), some_slashes),
    Layout("group label as empty cells", lambda r, g, t: pipe_rows(r, covered_as_empty=True)),
    Layout("empty leading, cell then `|`", lambda r, g, t: cell_then_pipe(r, covered_as_empty=True)),
    Layout("heads split in cells (商业 企业)", lambda r, g, t: pipe_rows_split_headers(r)),
    Layout("space-separated rows", lambda r, g, t: space_separated(r), blanks_as_zeros),
    Layout("hand HTML rowspan, GBK", _html_hand),
    Layout("hand HTML, `/` cells", _html_hand, some_slashes),
    Layout("our HTML (render_html)", lambda r, g, t: render_html(r), printed_zeros),
    Layout("our HTML saved as GBK", lambda r, g, t: _gbk_page(render_html(r)), printed_zeros),
    Layout("our Word (docx_bytes)", _docx_ours, printed_zeros),
    Layout("python-docx, merged cells", lambda r, g, t: docx_file(r, t / "merged.docx")),
    Layout("python-docx merged, `/`", lambda r, g, t: docx_file(r, t / "merged.docx"), some_slashes),
)


def import_source(source: Source) -> Report:
    """The importer entry point for what a layout produced."""
    if isinstance(source, Path):
        return parse_file(source)
    if isinstance(source, bytes):
        return parse_html(source)
    if source.lstrip().startswith("<!DOCTYPE"):
        return parse_html(source)
    return parse_text(source)


# --------------------------------------------------------------------------- counting
@dataclass
class Tally:
    name: str
    reports: int = 0
    figures: int = 0
    exact: int = 0
    missing: int = 0
    #: Missing figures no finding names (a subset of ``missing``).
    silent: int = 0
    wrong: int = 0
    #: Agency, year and date all as printed.
    info_exact: int = 0
    ms: list[float] = field(default_factory=list)
    #: (report seed, key, expected, got) of the first few figures not exact.
    examples: list[tuple[int, str, object, object]] = field(default_factory=list)

    @property
    def exact_pct(self) -> float:
        return 100.0 * self.exact / self.figures if self.figures else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.ms) if self.ms else 0.0

    def meets_target(self) -> bool:
        return self.exact_pct >= TARGET and self.wrong == 0


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def count(tally: Tally, seed: int, expected: Report, parsed: Report) -> None:
    """Add one import's outcome per figure to ``tally``."""
    named = {f.key for f in parsed.origin.findings if f.key}
    tally.reports += 1
    for fig in SCHEMA.figures():
        want = expected.value(fig.key)
        try:
            got = parsed.value(fig.key)
        except (KeyError, IndexError, TypeError):
            got = None
        tally.figures += 1
        if (want is None and got is None) or (_is_number(want) and _is_number(got) and want == got):
            tally.exact += 1
            continue
        if _is_number(got):
            tally.wrong += 1
        else:
            tally.missing += 1
            tally.silent += fig.key not in named
        if len(tally.examples) < 5:
            tally.examples.append((seed, fig.key, want, got))


def measure(reports: int = 200, first_seed: int = 1, layouts: tuple[Layout, ...] = LAYOUTS) -> list[Tally]:
    """Publish ``reports`` varied reports in every layout, import each, count per layout; the seed last."""
    tallies = [Tally(layout.name) for layout in layouts]
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(first_seed, first_seed + reports):
            report = varied_report(seed)
            for layout, tally in zip(layouts, tallies, strict=True):
                rng = random.Random(f"{seed}/{layout.name}")
                shown, expected = layout.convention(report, rng)
                source = layout.publish(shown, rng, Path(tmp))
                start = time.perf_counter()
                parsed = import_source(source)
                tally.ms.append((time.perf_counter() - start) * 1000)
                count(tally, seed, expected, parsed)
                tally.info_exact += (parsed.agency, parsed.year, parsed.date) == (
                    report.agency,
                    report.year,
                    report.date,
                )
    tallies.append(measure_seed())
    return tallies


def seed_expected() -> Report:
    """The real seed's figures, read by hand: table 2 规章 = 1, 0, 0; every other figure 0."""
    expected = Report.empty()
    for fig in SCHEMA.figures():
        expected.set_value(fig.key, 0)
    expected.set_value(SCHEMA.table("t2").rows[0][0].key, 1)
    return expected


def measure_seed() -> Tally:
    tally = Tally("real seed quzhou-jgsw-2022.txt")
    start = time.perf_counter()
    parsed = parse_file(SEED)
    tally.ms.append((time.perf_counter() - start) * 1000)
    count(tally, 0, seed_expected(), parsed)
    tally.info_exact += (parsed.agency, parsed.year) == ("衢州市机关事务保障中心", 2022)
    return tally


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    """Left-align in a monospace terminal, where a CJK character takes two columns."""
    return text + " " * (width - _width(text))


def print_table(tallies: list[Tally]) -> None:
    width = max(_width(t.name) for t in tallies) + 2
    print(
        f"{'layout':<{width}}{'reports':>8}{'figures':>9}{'exact %':>9}{'missing':>9}"
        f"{'silent':>8}{'wrong':>7}{'info ok':>9}{'ms':>7}  target"
    )
    for t in tallies:
        print(
            f"{_pad(t.name, width)}{t.reports:>8}{t.figures:>9}{t.exact_pct:>9.2f}{t.missing:>9}"
            f"{t.silent:>8}{t.wrong:>7}{t.info_exact:>9}{t.median_ms:>7.1f}  {'ok' if t.meets_target() else 'BELOW'}"
        )
    below = [t for t in tallies if t.examples]
    for t in below:
        print(f"\n{t.name}: first figures not exact (report seed, key, expected, got)")
        for seed, key, want, got in t.examples:
            print(f"  seed {seed:<5} {key:<12} expected {want!r:<12} got {got!r}")


# --------------------------------------------------------------------------- real reports
@dataclass
class RealScore:
    name: str
    exact: int = 0
    wrong: int = 0
    invented: int = 0
    missed: int = 0
    agency: bool = False
    year: bool = False
    ms: float = 0.0
    error: str = ""
    #: (key, truth, read) of the cells not exact.
    examples: list[tuple[str, object, object]] = field(default_factory=list)

    @property
    def cells(self) -> int:
        return self.exact + self.wrong + self.invented + self.missed

    def meets_target(self) -> bool:
        exact = 100.0 * self.exact / self.cells if self.cells else 0.0
        return exact >= TARGET and not self.wrong and not self.invented and self.agency and self.year


def score_real(source: Path, truth: dict) -> RealScore:
    """Import one real report and compare every figure cell with its hand-read truth."""
    score = RealScore(source.name)
    start = time.perf_counter()
    try:
        parsed = parse_file(source)
    except Exception as exc:  # a bench reports, it does not stop
        score.error = str(exc)[:80]
        return score
    score.ms = (time.perf_counter() - start) * 1000
    for fig in SCHEMA.figures():
        want = truth["tables"][fig.table][fig.row - 1][fig.col - 1]
        got = parsed.value(fig.key)
        if (want is None and got is None) or (_is_number(want) and _is_number(got) and want == got):
            score.exact += 1
            continue
        if not _is_number(got):
            score.missed += 1
        elif want is None:
            score.invented += 1
        else:
            score.wrong += 1
        score.examples.append((fig.key, want, got))
    score.agency = parsed.agency == truth.get("agency")
    score.year = parsed.year == truth.get("year")
    return score


def measure_real(folder: Path) -> list[RealScore]:
    """Every report in ``folder`` that has a ``.json`` truth of the same stem."""
    scores = []
    for source in sorted(folder.iterdir()):
        truth_path = source.with_suffix(".json")
        if source.suffix.lower() in (".json", "") or source.name.lower() == "readme.md" or not truth_path.exists():
            continue
        scores.append(score_real(source, json.loads(truth_path.read_text(encoding="utf-8"))))
    return scores


def print_real(scores: list[RealScore], folder: Path) -> None:
    print(f"\nreal published reports in {folder} (target ≥ {TARGET:g} % exact, 0 wrong, 0 invented, agency/year right)")
    print(f"{'file':<12}{'cells':>7}{'exact':>7}{'exact %':>9}{'wrong':>7}{'invented':>10}{'missed':>8}"
          f"{'agency':>8}{'year':>6}{'ms':>8}  target")  # fmt: skip
    for s in scores:
        if s.error:
            print(f"{s.name:<12} could not be read: {s.error}")
            continue
        pct = 100.0 * s.exact / s.cells if s.cells else 0.0
        print(
            f"{s.name:<12}{s.cells:>7}{s.exact:>7}{pct:>9.1f}{s.wrong:>7}{s.invented:>10}{s.missed:>8}"
            f"{'ok' if s.agency else 'NO':>8}{'ok' if s.year else 'NO':>6}{s.ms:>8.1f}  "
            f"{'ok' if s.meets_target() else 'BELOW'}"
        )
    for s in scores:
        if s.examples:
            shown = ", ".join(f"{k} {w!r}→{g!r}" for k, w, g in s.examples[:6])
            print(f"  {s.name}: {shown}{' …' if len(s.examples) > 6 else ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=200, help="varied reports per layout (default 200)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the first report")
    parser.add_argument("--real", type=Path, default=REAL_REPORTS, help="folder of real reports with truths")
    parser.add_argument("--real-only", action="store_true", help="only the real reports")
    args = parser.parse_args()
    if args.real.is_dir():
        print_real(measure_real(args.real), args.real)
    if args.real_only:
        return
    start = time.perf_counter()
    tallies = measure(args.reports, args.seed)
    print(f"importer accuracy, {args.reports} varied reports per layout (target ≥ {TARGET:g} % exact, 0 wrong)")
    print_table(tallies)
    print(f"\ntotal {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
