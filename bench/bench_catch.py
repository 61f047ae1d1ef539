"""Catch rate and false alarms of the checker on the report-variant corpus (``tests/check_corpus.py``).

Fine variants (real wording: time limits, other years, comparisons, breakdowns, “含上年结转”, unpaid fee
notices, a government's report dated in March, Chinese dates) must give no warning and no error; each
error variant must be named by its class's code. Prints the false alarms, the catch rate per class and
overall, and the median time of ``check_report`` per report (target ≤ 10 ms).

Run: ``.venv/bin/python bench/bench_catch.py [--fine N] [--per-class K]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from check_corpus import error_variants, fine_variants

from compiler.check import check_report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fine", type=int, default=60, help="fine variants (plus a third as many with --previous)")
    parser.add_argument("--per-class", type=int, default=6, help="error variants per class")
    args = parser.parse_args()
    fine, errors = fine_variants(args.fine), error_variants(args.per_class)
    times: list[float] = []

    def run(v):
        start = time.perf_counter()
        found = check_report(v.report, v.previous, reporter=v.reporter)
        times.append(time.perf_counter() - start)
        return found

    alarms = 0
    for v in fine:
        bad = [(f.code, f.ref) for f in run(v) if f.severity != "notice"]
        if bad:
            alarms += 1
            print(f"误报 {v.name}: {bad}")
    caught: dict[str, list[bool]] = defaultdict(list)
    for v in errors:
        hit = v.expect in {f.code for f in run(v)}
        caught[v.error_class].append(hit)
        if not hit:
            print(f"漏报 {v.name}（应有 {v.expect}）")
    print(f"fine reports: {len(fine)}, with a warning or error: {alarms}")
    for cls, hits in caught.items():
        print(f"  {cls:22s} {sum(hits)}/{len(hits)}")
    variants = [h for hits in caught.values() for h in hits]
    classes = [all(hits) for hits in caught.values()]
    print(f"error variants caught: {sum(variants)}/{len(variants)} ({100 * sum(variants) / len(variants):.1f} %)")
    print(f"error classes caught on every variant: {sum(classes)}/{len(classes)}")
    ms = sorted(t * 1000 for t in times)
    print(f"check_report per report: median {statistics.median(ms):.2f} ms, p95 {ms[int(0.95 * len(ms))]:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
