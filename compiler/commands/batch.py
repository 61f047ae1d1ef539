"""``batch``: check and compile a whole folder of returned sheets, resumably, with a summary and a roll-up."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..batch.runner import Batch, BatchAbort, BatchOptions, BatchOutcome
from ..render.outputs import parse_formats

if TYPE_CHECKING:
    from ..batch.status import RoundStatus
from .errors import InputError, UsageError

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
    roster: str | Path | None = None,
    include_errors: bool = False,
    deadline: str | None = None,
    return_to: str | None = None,
) -> BatchOutcome:
    """Run a batch; ``progress`` hears of each step and file (``None``: quiet). ``UsageError`` for unusable folders/options.

    The outcome holds the exit code, the JSON summary (``--json``'s document)
    and the file rows; the summary workbook and reports are in ``output``.
    ``work`` replaces the worker processes' function (tests inject faults with it).
    ``roster``: the round's status of every agency (``outcome.summary["round"]``,
    ``batch.status.round_status``); ``include_errors``: sheets with errors are
    summed too (the roll-up is then a draft); ``deadline``/``return_to``: for
    the feedback letters.
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
            roster=Path(roster) if roster else None,
            include_errors=include_errors,
            deadline=deadline,
            return_to=return_to,
        )
        return Batch(opts, work=work, progress=progress).execute()
    except BatchAbort as exc:
        raise UsageError(str(exc)) from exc


def round_status_of(output: str | Path, roster: str | Path, *, in_dir: str | Path | None = None) -> RoundStatus:
    """The round's status (``batch.status.round_status``) from a batch output folder and the roster, without a run.

    Reads what the last batch into ``output`` recorded (its manifest); ``in_dir``
    gives the file times. ``InputError`` when the roster cannot be used.
    """
    from ..batch.manifest import Manifest
    from ..batch.rollup import select
    from ..batch.rows import file_rows, flag_duplicates
    from ..batch.status import round_status
    from ..template.roster import RosterError, read_roster

    try:
        entries = read_roster(Path(roster)).entries
    except RosterError as exc:
        raise InputError(str(exc)) from exc
    manifest = Manifest(Path(output)).load()
    rels = sorted(manifest.entries)
    source = Path(in_dir) if in_dir is not None else None
    rows = file_rows(rels, manifest, (lambda rel: source / rel) if source is not None else None)
    flag_duplicates(select(rows))  # as the run did: a second sheet of one agency is a warning
    return round_status(entries, rows)


__all__ = ["BatchOutcome", "round_status_of", "run_batch"]
