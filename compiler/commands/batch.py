"""``batch``: check and compile a whole folder of returned sheets, resumably, with a summary and a roll-up."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from ..batch.runner import Batch, BatchAbort, BatchOptions, BatchOutcome
from ..render.outputs import parse_formats
from .errors import UsageError


def run_batch(
    in_dir: str | Path,
    output: str | Path,
    *,
    jobs: int | None = None,
    formats: str | list[str] = "docx",
    force: bool = False,
    previous: str | Path | None = None,
    rollup_name: str | None = None,
    timeout: float | None = 60.0,
    progress: Literal["rich", "plain"] | None = None,
    work: Callable[..., Any] | None = None,
) -> BatchOutcome:
    """Run a batch; ``progress`` shows live progress on stderr. ``UsageError`` for unusable folders or options.

    The outcome holds the exit code, the JSON summary (``--json``'s document)
    and the file rows; the summary workbook and reports are in ``output``.
    ``work`` replaces the worker processes' function (tests inject faults with it).
    """
    try:
        fmts = parse_formats(formats)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    try:
        opts = BatchOptions(
            Path(in_dir),
            Path(output),
            jobs=jobs,
            formats=fmts,
            force=force,
            previous=Path(previous) if previous else None,
            rollup_name=(rollup_name or "").strip() or None,
            timeout=timeout,
            progress=progress,
        )
        return Batch(opts, work=work).execute()
    except BatchAbort as exc:
        raise UsageError(str(exc)) from exc


__all__ = ["BatchOutcome", "run_batch"]
