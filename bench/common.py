"""Shared by the benchmark scripts: the report they measure and a median timer."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable

from compiler.compute import recompute_totals
from compiler.model import Report
from compiler.schema import get_schema


def sample_report() -> Report:
    """Every figure filled (totals consistent), narrative of realistic length with a placeholder."""
    schema = get_schema()
    totals = {r.anchor for r in schema.formula_rules()}
    report = Report.empty()
    report.agency, report.year = "某市人民政府办公室", 2024
    report.date = dt.date(2025, 1, 20)
    report.contact.phone = "0570-3012273"
    for i, fig in enumerate(schema.figures()):
        if fig.key not in totals:
            report.set_value(fig.key, 12.35 if fig.kind == "amount" else (i * 37) % 1000)
    recompute_totals(report)
    for part in schema.narrative:
        report.narrative[part.key] = "\n".join(
            ["本年度依法依规做好政府信息公开工作，{新收申请总数}件申请均按时答复。" * 6] * 3
        )
    return report


def medians(fn: Callable[[], object], runs: int, before: Callable[[], object] | None = None) -> tuple[float, float]:
    """(wall ms, CPU ms) medians over ``runs`` after one warm-up call; ``before`` runs untimed each time."""
    fn()
    wall, cpu = [], []
    for _ in range(runs):
        if before:
            before()
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - w) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return statistics.median(wall), statistics.median(cpu)
