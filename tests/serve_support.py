"""Shared by the ``serve`` tests and bench: a round in a folder, and sheets to upload."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from synth import consistent_report

from compiler.model import Report
from compiler.template.writer import write_template

#: A figure in table 3's balance (本年新收 · 自然人): adding to it alone breaks 一 + 二 = 总计 + 四.
BROKEN_KEY = "t3_r01_c1"


@dataclass
class Round:
    root: Path
    admin: str
    #: Agency name → private path ``/r/<token>``.
    links: dict[str, str]
    #: ``None`` (SQLite in the folder) or a PostgreSQL URL.
    database: str | None = None


def make_round(
    tmp: Path,
    names: list[str],
    *,
    year: int = 2025,
    deadline: str | None = "2026-01-31",
    database: str | None = None,
    **options: str,
) -> Round:
    """``nianbao serve init`` into ``tmp/round``; the admin token read from what it printed."""
    from compiler.cli.serve import run_init

    roster = tmp / "名单.csv"
    with roster.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["单位名称"])
        writer.writerows([n] for n in names)
    root = tmp / "round"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = run_init(root, roster, year, deadline, options.get("return_to"), database, options.get("rollup_name"))
    assert code == 0, out.getvalue()
    admin = out.getvalue().split("服务器只保存它的哈希值）：\n", 1)[1].split("\n", 1)[0].strip()
    with (root / "links.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return Round(root, admin, {r["单位名称"]: r["链接"] for r in rows}, database)


#: A PostgreSQL server for the tests (``postgresql://user@127.0.0.1:5432/``, ending in ``/``); unset: SQLite only.
POSTGRES = os.environ.get("NIANBAO_TEST_POSTGRES_URL")


@contextlib.contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty database on the ``NIANBAO_TEST_POSTGRES_URL`` server, dropped afterwards."""
    import psycopg

    assert POSTGRES
    name = "nianbao_test_" + os.urandom(6).hex()
    with psycopg.connect(POSTGRES + "postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield POSTGRES + name
    finally:
        with psycopg.connect(POSTGRES + "postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def report_for(agency: str, year: int = 2025, seed: int = 1) -> Report:
    report = consistent_report(random.Random(seed))
    drawn = report.year
    report.agency = agency
    report.year = year
    # the narrative speaks of the drawn year: say the year the report is for (else WRONG_YEAR, rightly)
    report.narrative = {k: v.replace(f"{drawn}年", f"{year}年") for k, v in report.narrative.items()}
    report.date = dt.date(year + 1, 1, 20)
    return report


def good_sheet(path: Path, agency: str, year: int = 2025, seed: int = 1) -> Path:
    """A filled template in which every check passes."""
    return write_template(path, report_for(agency, year, seed))


def bad_sheet(path: Path, agency: str, year: int = 2025, seed: int = 1) -> Path:
    """The same sheet with table 3's balance broken by 5 (a check error naming 表三)."""
    report = report_for(agency, year, seed)
    report.set_value(BROKEN_KEY, (report.number(BROKEN_KEY) or 0) + 5)
    return write_template(path, report)
