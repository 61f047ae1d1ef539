"""Generate N filled sheets (the standard template with a consistent random report) into DIR.

    python bench/make_sheets.py N DIR [--seed S] [--year Y] [--jobs J]

Every sheet is a different agency of the same year, and every check passes,
so a batch compiles all of them. Generation runs in parallel (``--jobs``,
default all cores); the same N and seed always give the same files.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # tests/synth.py
from synth import consistent_report

from compiler.template.writer import write_template


def make_report(i: int, seed: int, year: int):
    """Sheet ``i``: a unique agency, ``year``, carried-in figures from a synthetic year before."""
    rng = random.Random(f"{seed}-{i}")
    last = consistent_report(rng)
    body = last.agency[3:] if last.agency else "人民政府办公室"
    last.agency = f"示例{i + 1:05d}县{body}"
    last.year = year - 1
    return consistent_report(rng, previous=last)


def _one(args: tuple[int, int, int, str]) -> None:
    i, seed, year, out = args
    write_template(Path(out) / f"{i + 1:05d}.xlsx", make_report(i, seed, year))


def make_sheets(n: int, out: Path, *, seed: int = 1, year: int = 2024, jobs: int | None = None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    args = [(i, seed, year, str(out)) for i in range(n)]
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or n < 20:
        for a in args:
            _one(a)
    else:
        with multiprocessing.get_context("forkserver").Pool(jobs) as pool:
            for _ in pool.imap_unordered(_one, args, chunksize=16):
                pass
    return sorted(out.glob("*.xlsx"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("dir", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--year", type=int, default=2024)
    ap.add_argument("--jobs", type=int, default=None)
    a = ap.parse_args(argv)
    start = time.perf_counter()
    files = make_sheets(a.n, a.dir, seed=a.seed, year=a.year, jobs=a.jobs)
    print(f"{len(files)} sheets in {a.dir} ({time.perf_counter() - start:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
