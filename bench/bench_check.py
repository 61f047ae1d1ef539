"""What checking adds to reading a sheet (target ≤ 10 ms): medians of ``check_report``.

Measures ``check_report`` on a consistent city-scale report (the common case),
on a report with errors (the echo analysis runs), on the bundled samples when
present, and on a filled template: ``load_report`` beside ``check_report`` of
the report it read (what checking adds to reading, measured directly rather
than as a difference of two noisy medians).

Run: ``.venv/bin/python bench/bench_check.py``
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from compiler.check import check_report
from compiler.inputs import load_report
from compiler.model import Report

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # tests/synth.py
from synth import consistent_report

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm caches (schema layout, regexes)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(runs: int = 300) -> None:
    consistent = consistent_report(random.Random(1), scale=20)
    broken = Report.from_json(consistent.to_json())
    for key, delta in (("t3_r25_c2", 1), ("t3_r05_c7", -2), ("t4_r02_c1", 1), ("t3_r10_c1", 3)):
        broken.set_value(key, broken.value(key) + delta)
    rows = [
        ("check_report, consistent city-scale report", median_ms(lambda: check_report(consistent), runs)),
        ("check_report, same report with 4 wrong cells", median_ms(lambda: check_report(broken), runs)),
        ("check_report + previous year", median_ms(lambda: check_report(consistent, consistent), runs)),
    ]
    pasted = Report.from_json(consistent.to_json())  # 1 MB of narrative dense with figures: bounded, not 10 ms
    pasted.narrative["narr_s1_2"] = (
        "全年共收到政府信息公开申请12件，其中自然人申请10件，较上年增加3件，均在20个工作日内答复。" * 20000
    )
    rows.append(("check_report, 1 MB of figures pasted into one part", median_ms(lambda: check_report(pasted), 5)))
    for name in ("quzhou-jgsw-2022", "city-2024", "errors-2024"):
        path = SAMPLES / f"{name}.json"
        if path.exists():
            sample = Report.load(path)
            rows.append((f"check_report, samples/{name}.json", median_ms(lambda s=sample: check_report(s), runs)))
    with tempfile.TemporaryDirectory() as tmp:
        from compiler.template.writer import write_template

        sheet = write_template(Path(tmp) / "filled.xlsx", consistent)
        read = median_ms(lambda: load_report(sheet), 30)
        loaded = load_report(sheet)
        rows.append(("load_report, filled template (.xlsx)", read))
        rows.append(("→ checking adds to reading: check_report of it", median_ms(lambda: check_report(loaded), runs)))
    width = max(len(name) for name, _ in rows)
    for name, ms in rows:
        print(f"{name:<{width}}  {ms:7.2f} ms")


if __name__ == "__main__":
    main()
