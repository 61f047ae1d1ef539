"""Importer accuracy per published layout (issue 6): ≥ 99 % of figures exact, 0 invented, every gap named.

A smaller run of ``bench/bench_import_accuracy.py``: 15 varied consistent
reports published in every layout the importer claims, read back and counted
figure by figure against what the layout shows.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from bench_import_accuracy import AGENCIES, LAYOUTS, TARGET, Tally, measure, pipe_rows, varied_report

from compiler.imports import parse_text

REPORTS = 15
NAMES = [layout.name for layout in LAYOUTS]


#: One expensive measurement (a module fixture) feeds every test here.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tallies() -> dict[str, Tally]:
    return {t.name: t for t in measure(REPORTS)}


@pytest.mark.parametrize("name", NAMES)
def test_no_figure_invented(tallies: dict[str, Tally], name: str) -> None:
    """A number other than the one printed, or a number where nothing was printed, never comes back."""
    tally = tallies[name]
    assert tally.reports == REPORTS and tally.figures == REPORTS * 200
    assert tally.wrong == 0, tally.examples


@pytest.mark.parametrize("name", NAMES)
def test_every_missing_figure_is_named(tallies: dict[str, Tally], name: str) -> None:
    """What cannot be read is null plus a finding naming its cell, never silently dropped."""
    assert tallies[name].silent == 0, tallies[name].examples


@pytest.mark.parametrize("name", NAMES)
def test_figures_exact_to_target(tallies: dict[str, Tally], name: str) -> None:
    tally = tallies[name]
    assert tally.exact_pct >= TARGET, (tally.exact_pct, tally.missing, tally.examples)


def test_real_seed_exact(tallies: dict[str, Tally]) -> None:
    seed = tallies["real seed quzhou-jgsw-2022.txt"]
    assert (seed.figures, seed.exact, seed.info_exact) == (200, 200, 1)


@pytest.mark.parametrize("agency", AGENCIES)
def test_agency_and_year_come_back(agency: str) -> None:
    """Quotes, full-width forms, inner spaces and long names: the agency as printed, and the year."""
    report = varied_report(1)
    report.agency = agency
    parsed = parse_text(pipe_rows(report))
    assert (parsed.agency, parsed.year, parsed.date) == (agency, report.year, report.date)
