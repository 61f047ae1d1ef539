"""``batch``: check and compile a whole folder of returned sheets, resumably, with a summary and a roll-up."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..batch.runner import Batch, BatchAbort, BatchOptions, BatchOutcome
from ..render.outputs import parse_formats
from .errors import UsageError

if TYPE_CHECKING:
    from ..batch.progress import Progress


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
    progress: Progress | None = None,
    work: Callable[..., Any] | None = None,
) -> BatchOutcome:
    """Run a batch; ``progress`` hears of each step and file (``None``: quiet). ``UsageError`` for unusable folders/options.

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
        )
        return Batch(opts, work=work, progress=progress).execute()
    except BatchAbort as exc:
        raise UsageError(str(exc)) from exc


__all__ = ["BatchOutcome", "run_batch"]
