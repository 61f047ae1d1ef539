"""``nianbao batch``: check and compile a whole folder of returned sheets, resumably.

The command layer only: ``compiler/cli.py`` parses the options and calls
``run``, which turns them into a ``runner.Batch`` and maps a ``BatchAbort`` to
its message and exit code. The pipeline itself is in ``runner`` (flow, stale
outputs, duplicates, output names), the console output in ``display`` and the
SIGTERM handling in ``signals``.

Exit codes: 0 all passed (warnings allowed); 1 some file has errors, could not
be read or failed, or a sheet was in a format we cannot read; 2 the input or
output folder is unusable (or bad options); 130 stopped by Ctrl-C / SIGTERM.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .display import TABLE_LIMIT, isatty, make_console, plain_text
from .runner import (
    BATCH_VERSION,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_UNUSABLE,
    FORMATS,
    LOCK_NAME,
    PREVIOUS_CACHE,
    WORK_DIR,
    Batch,
    BatchAbort,
    iter_results,
)


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
    """Run a batch; returns the exit code (see the module docstring)."""
    err = make_console(sys.stderr)
    try:
        batch = Batch(
            Path(in_dir),
            Path(output),
            jobs=jobs,
            formats=_parse_formats(formats),
            force=force,
            previous=Path(previous) if previous else None,
            rollup_name=(rollup_name or "").strip() or None,
            timeout=timeout,
            progress=None if quiet else ("rich" if isatty(sys.stderr) else "plain"),
            roster=Path(roster) if roster else None,
            include_errors=include_errors,
            deadline=deadline,
            return_to=(return_to or "").strip() or None,
        )
        return batch.execute(json_out=json_out)
    except BatchAbort as exc:
        err.print(plain_text(f"错误：{exc}"))
        return EXIT_UNUSABLE


def _parse_formats(text: str) -> list[str]:
    """``--format docx,html`` → the formats in the order given, once each; anything else is a ``BatchAbort``."""
    formats = []
    for part in (text or "").split(","):
        name = part.strip().lower()
        if not name:
            continue
        if name not in FORMATS:
            raise BatchAbort(f"不支持的输出格式：{name}（可选：{', '.join(FORMATS)}）")
        if name not in formats:
            formats.append(name)
    if not formats:
        raise BatchAbort("--format 至少指定一种格式：docx、html 或 pdf")
    return formats


# The runner's names stay importable from here, as before the runner moved out of this module.
__all__ = [
    "BATCH_VERSION",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_UNUSABLE",
    "FORMATS",
    "LOCK_NAME",
    "PREVIOUS_CACHE",
    "TABLE_LIMIT",
    "WORK_DIR",
    "Batch",
    "BatchAbort",
    "iter_results",
    "run",
]
