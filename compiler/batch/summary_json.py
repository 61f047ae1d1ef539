"""The ``--json`` document of a batch run (also what the final table is printed from)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import ERRORS, FAILED, OK, UNREADABLE, WARNINGS
from . import pool as pool_mod
from .rollup import DUPLICATE, OTHER_YEAR, Rollup, Selection

if TYPE_CHECKING:
    from .discover import Discovery
    from .previous import PreviousProblem
    from .rows import FileRow


@dataclass
class RunFacts:
    """What the run itself did, beside the files' results."""

    in_dir: Path
    out_dir: Path
    rollup_name: str | None
    reused: int
    elapsed_s: float
    removed: list[str]
    previous_problems: list[PreviousProblem]
    pool_stats: pool_mod.PoolStats | None


def summary_json(
    facts: RunFacts,
    files: list[FileRow],
    found: Discovery,
    acc: Rollup,
    chosen: Selection,
    *,
    with_errors: int,
    rollup_outputs: dict[str, str],
    summary_path: Path,
    code: int,
) -> dict[str, Any]:
    counts = {s: sum(1 for f in files if f.status == s) for s in (OK, WARNINGS, ERRORS, UNREADABLE, FAILED)}
    stats = facts.pool_stats
    included = chosen.included_rels
    return {
        "in_dir": str(facts.in_dir),
        "out_dir": str(facts.out_dir),
        "total": len(files),
        "processed": len(files) - facts.reused,
        "reused": facts.reused,
        "counts": counts,
        "exit_code": code,
        "elapsed_s": round(facts.elapsed_s, 3),
        "summary": str(summary_path),
        "removed_stale_outputs": list(facts.removed),
        "files": [f.to_json(in_rollup=f.rel in included) for f in files],
        "skipped": [{"path": s.rel, "reason": s.reason, "spreadsheet": s.spreadsheet} for s in found.skipped],
        "previous_problems": [p.to_json() for p in facts.previous_problems],
        "rollup": {
            "name": facts.rollup_name,
            "year": chosen.year,
            "files": acc.files,
            "files_with_errors": with_errors,
            "duplicate_groups": [[f.rel for f in same] for same in chosen.duplicate_groups],
            "duplicates_left_out": chosen.count(DUPLICATE),
            "other_years_left_out": chosen.count(OTHER_YEAR),
            "excluded": [e.to_json() for e in chosen.excluded],
            "text_values_skipped": acc.text_count,
            "years": {str(k): v for k, v in acc.years.items()},
            "tables": acc.tables(),
            "outputs": rollup_outputs,
        },
        "workers": {
            "spawned": stats.spawned if stats else 0,
            "crashed": stats.crashed if stats else 0,
            "timed_out": stats.timed_out if stats else 0,
            "peak_rss_sum_kb": stats.peak_rss_sum_kb if stats else 0,
            "cpu_s": round(stats.cpu_s, 2) if stats else 0.0,
            "memory_limit_mb": pool_mod.memory_limit_mb(),
        },
    }
