"""``nianbao batch``: run the batch use case, then show the final table (and the JSON summary with ``--json``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..commands.batch import run_batch
from ..commands.errors import CommandError
from .batch_display import BatchProgress, final_table, isatty, make_console, plain_text


def run(
    in_dir: Path,
    output: Path,
    *,
    jobs: int | None = None,
    formats: str = "docx",
    force: bool = False,
    previous: Path | None = None,
    rollup_name: str | None = None,
    json_out: bool = False,
    quiet: bool = False,
    timeout: float = 60.0,
    roster: Path | None = None,
    include_errors: bool = False,
    deadline: str | None = None,
    return_to: str | None = None,
) -> int:
    """Run a batch; returns the exit code (``compiler.exitcodes``)."""
    err = make_console(sys.stderr)
    try:
        outcome = run_batch(
            in_dir,
            output,
            jobs=jobs,
            formats=formats,
            force=force,
            previous=previous,
            rollup_name=rollup_name,
            timeout=timeout,
            progress=None if quiet else BatchProgress("rich" if isatty(sys.stderr) else "plain", err),
            roster=roster,
            include_errors=include_errors,
            deadline=deadline,
            return_to=return_to,
        )
    except CommandError as exc:
        err.print(plain_text(f"错误：{exc}"))
        return exc.exit_code
    for warning in outcome.warnings:
        err.print(plain_text(warning))
    if outcome.summary is None:  # interrupted
        return outcome.code
    out = make_console(sys.stderr if json_out else sys.stdout)
    final_table(out, outcome.summary, outcome.files, outcome.found)
    if json_out:
        text = json.dumps(outcome.summary, ensure_ascii=False, indent=2, default=str) + "\n"
        sys.stdout.write(text.encode("utf-8", "replace").decode("utf-8"))
        sys.stdout.flush()
    return outcome.code
