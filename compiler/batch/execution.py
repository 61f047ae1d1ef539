"""Running the planned inputs through the supervised pool, placing each result as it arrives.

A task the pool gave up on (crash, time or memory limit) becomes a ``failed``
outcome with its finding; every outcome is placed (outputs renamed into
OUT_DIR, manifest appended) before the next one is taken, and the live log
flags a duplicate agency-and-year as it appears.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import ERRORS, FAILED, UNREADABLE
from . import pool as pool_mod
from .pool_errors import pool_error_code, pool_error_message
from .results import FileOutcome
from .rollup import duplicate_key_of

if TYPE_CHECKING:
    from .discover import Discovery
    from .manifest import Manifest
    from .placing import OutputPlacer
    from .plan import Planned
    from .progress import Progress
    from .tasks import ReportTask, WorkerConfig


def outcome_of(res: dict[str, Any], planned: Planned, timeout: float | None) -> FileOutcome:
    """A worker's result, or the pool's word on a task it had to give up on, as a file outcome."""
    if "pool_error" not in res:
        return FileOutcome.from_json(res)
    outcome = FileOutcome(planned.rel)
    outcome.fail(pool_error_code(res["pool_error"]), pool_error_message(res, timeout))
    return outcome


def run_planned(
    plan: list[Planned],
    found: Discovery,
    *,
    manifest: Manifest,
    placer: OutputPlacer,
    progress: Progress,
    work: Callable[..., Any],
    config: WorkerConfig,
    jobs: int | None,
    timeout: float | None,
) -> pool_mod.PoolStats | None:
    """Process ``plan`` in the pool; the pool's statistics (``None`` when there was nothing to do)."""
    tasks: list[ReportTask] = [
        {"id": i, "kind": "report", "rel": p.rel, "path": str(p.path), "key": f"{i:06d}"} for i, p in enumerate(plan)
    ]
    by_id = {t["id"]: p for t, p in zip(tasks, plan, strict=True)}
    planned = {p.rel for p in plan}
    errors = sum(
        1
        for rel, entry in manifest.entries.items()
        if rel not in planned and entry.result.status in (ERRORS, UNREADABLE, FAILED)
    )
    # The first file seen for each agency and year, so the live log can flag a duplicate when it appears.
    seen: dict[tuple[str, str], str] = {}
    for rel in found.inputs:
        entry = manifest.entries.get(rel)
        key = duplicate_key_of(entry.result) if entry and rel not in planned else None
        if key is not None:
            seen.setdefault(key, rel)
    progress.start(total=len(found.inputs), done=len(found.inputs) - len(plan), errors=errors)
    try:
        if not tasks:
            return None
        jobs = min(jobs or os.cpu_count() or 1, len(tasks))
        with pool_mod.Pool(work, config, jobs=jobs, timeout=timeout) as pool:
            for res in pool.run(tasks):
                item = by_id[res["id"]]
                outcome = placer.place(item, outcome_of(res, item, timeout))
                key = duplicate_key_of(outcome)
                first = seen.setdefault(key, item.rel) if key is not None else item.rel
                progress.advance(outcome, duplicate_of=None if first == item.rel else first)
            return pool.stats
    finally:
        progress.stop()
