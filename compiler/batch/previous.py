"""Last year's reports for ``--previous``: read once in the pool, cached as report JSON by content hash.

The cache (``OUT_DIR/.nianbao-previous/<sha256>.json``) survives between runs,
so an unchanged folder of last year's reports is read only once; cache files
for reports no longer in the folder are removed.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import pool as pool_mod
from .discover import PREVIOUS_READABLE, discover
from .names import agency_key
from .options import BatchAbort
from .plan import sha256
from .pool_errors import pool_error_message
from .tasks import PreviousEntry, PreviousTask, WorkerConfig

PREVIOUS_CACHE = ".nianbao-previous"


@dataclass
class PreviousProblem:
    """One of last year's files that could not be used, and why (shown with the skipped files)."""

    rel: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"rel": self.rel, "reason": self.reason}


@dataclass
class PreviousYear:
    """Last year's reports by agency key, and the files that could not be used."""

    index: dict[str, list[PreviousEntry]] = field(default_factory=dict)
    problems: list[PreviousProblem] = field(default_factory=list)


def load_previous_year(
    prev_dir: Path,
    out_dir: Path,
    config: WorkerConfig,
    *,
    work: Callable[..., Any],
    jobs: int | None,
    timeout: float | None,
    note: Callable[[str], None],
) -> PreviousYear:
    """Read (or take from the cache) every report in ``prev_dir``; ``BatchAbort`` when the folder is unusable."""
    if not prev_dir.is_dir():
        from ..util.text import display_text

        raise BatchAbort(f"--previous 应为上年报告所在的目录：{display_text(str(prev_dir), 300)}")
    try:
        found = discover(prev_dir, exclude=out_dir, readable=PREVIOUS_READABLE, list_others=False)
    except OSError as exc:
        raise BatchAbort(f"无法读取上年报告目录：{exc.strerror or exc}") from exc
    cache = out_dir / PREVIOUS_CACHE
    cache.mkdir(exist_ok=True)
    year = PreviousYear()
    tasks: list[PreviousTask] = []
    known: dict[str, tuple[str, Path]] = {}
    for i, rel in enumerate(found.inputs):
        path = found.path(rel)
        try:
            sha = sha256(path)
        except OSError as exc:
            year.problems.append(PreviousProblem(f"（上年）{rel}", f"无法读取：{exc.strerror or exc}"))
            continue
        target = cache / f"{sha}.json"
        known[rel] = (sha, target)
        if not target.exists():
            tasks.append({"id": i, "kind": "previous", "rel": rel, "path": str(path), "cache": str(target)})
    if tasks:
        note(f"读取上年报告 {len(tasks)} 份…")
        with pool_mod.Pool(work, config, jobs=jobs, timeout=timeout) as pool:
            by_id = {t["id"]: t for t in tasks}
            for res in pool.run(tasks):
                if not res.get("ok"):
                    reason = res.get("message") or pool_error_message(res, timeout)
                    year.problems.append(PreviousProblem(f"（上年）{by_id[res['id']]['rel']}", reason))
    wanted = {target for _, target in known.values()}
    for stale in cache.glob("*.json"):  # last year's files no longer in PREV_DIR
        if stale not in wanted:
            with contextlib.suppress(OSError):
                stale.unlink()
    for rel, (sha, target) in known.items():
        try:
            data = json.loads(target.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        agency = data.get("agency")
        if not agency_key(agency):
            year.problems.append(PreviousProblem(f"（上年）{rel}", "没有单位名称，无法与今年的报告对应"))
            continue
        valid_year = data.get("year") if isinstance(data.get("year"), int) else None
        year.index.setdefault(agency_key(agency), []).append(PreviousEntry(valid_year, str(target), sha, rel))
    return year
