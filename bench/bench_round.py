"""The round's extra cost in a batch: roster status and feedback packets (annotated workbook + letter per agency).

    python bench/bench_round.py [N]      (default 40 returned sheets, every other one with an error)

Runs the same folder twice with ``--quiet --jobs 2``: without a roster, then with a roster of N + 5 agencies
(5 never report), and prints wall time for each and the time per feedback packet.
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # tests/synth.py
from synth import consistent_report

from compiler.commands.batch import run_batch
from compiler.template.writer import write_template


def make_folder(root: Path, n: int) -> list[str]:
    agencies = []
    for i in range(n):
        rng = random.Random(i)
        report = consistent_report(rng)
        report.agency, report.year = f"第{i:03d}局", 2024
        if i % 2:  # one more carried out than the balance allows: an error, so a packet
            report.set_value("t3_r25_c1", (report.number("t3_r25_c1") or 0) + 1)
        write_template(root / f"{i:03d}.xlsx", report)
        agencies.append(report.agency)
    return agencies


def main(n: int = 40) -> None:
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-round-") as tmp:
        root = Path(tmp)
        inp = root / "in"
        inp.mkdir()
        agencies = make_folder(inp, n)
        roster = root / "名单.csv"
        with open(roster, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["单位名称", "联系人", "联系电话"])
            for a in [*agencies, *(f"未报送{i}局" for i in range(5))]:
                w.writerow([a, "张三", "0570-1"])
        start = time.perf_counter()
        run_batch(inp, root / "plain", jobs=2)
        plain = time.perf_counter() - start
        start = time.perf_counter()
        outcome = run_batch(inp, root / "round", jobs=2, roster=roster, deadline="2026-01-20")
        with_round = time.perf_counter() - start
        assert outcome.summary is not None
        packets = len(outcome.summary["feedback"]["folders"])
        extra = with_round - plain
        print(
            f"{n} sheets ({packets} with problems), roster of {n + 5}: batch {plain:.1f} s; "
            f"with roster and feedback {with_round:.1f} s (+{extra:.1f} s, {1000 * extra / max(packets, 1):.0f} ms "
            "per feedback packet)"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
