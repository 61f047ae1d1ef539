"""The batch runner: one ``Batch`` carries a folder of returned sheets through the pipeline.

Flow (``Batch.execute``), each step in its own module: check the options
(``options``) → discover inputs (``discover``) → take the folder's lock
(``lock``) → remove the outputs the manifest recorded for inputs no longer in
IN_DIR and a killed run's leftovers (``cleanup``) → (``--previous``: read last
year's reports, ``previous``) → hash every input and skip those the manifest
shows unchanged with their outputs present (``plan``) → run the rest in the
supervised pool (``execution``, ``pool``, ``worker``) → move each file's
outputs to its final name and append the manifest (``placing``) → flag
duplicates (``rows``) → write ``汇总.xlsx`` (``summary``) and the roll-up
report (``rollup_report``) → the JSON summary (``summary_json``).

Duplicates (two readable files of one agency and year) get a
``DUPLICATE_AGENCY`` warning saying which file was kept and why; both are
compiled, and the roll-up sums only the kept one (later 成文日期, then later
file time: see ``rollup.select``). The roll-up sums only sheets without errors
unless ``include_errors`` (``rollup_report`` checks the roll-up before writing
it). With a roster, the round's status (``status.round_status``) is the first
sheet of 汇总.xlsx and ``round`` in the JSON; every agency with problems gets a
feedback packet (``feedback``). Outputs only ever appear by
rename, and the manifest only ever names files that exist under that name, so
a batch killed at any instant leaves complete outputs and the next run carries
on. What is shown on the console lives in ``display``; printing the final
table and the JSON is the front-end's (``compiler.cli.batch``).

Nothing lost: OUT_DIR belongs to the input folder recorded in its manifest (a
run from another folder is refused before anything is touched), and a file
is replaced or deleted only while it has the hash we wrote (``ownership``):
a report, summary or roll-up the clerk edited is left alone and said so.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..exitcodes import EXIT_INTERRUPTED, EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE
from ..util.files import os_reason, write_error_message
from ..util.text import display_text
from . import ERRORS, FAILED, UNREADABLE
from .cleanup import WORK_DIR, OutputRemover, fresh_staging, remove_work_dir
from .discover import Discovery, discover
from .execution import run_planned
from .feedback import Packets, write_feedback
from .lock import LOCK_NAME, OutputLock
from .manifest import Manifest
from .options import BatchAbort, BatchOptions, check_options, check_output_dir, read_roster_entries
from .ownership import Ownership, sha256_of
from .placing import OutputPlacer
from .plan import BATCH_VERSION, make_plan
from .previous import PREVIOUS_CACHE, PreviousYear, load_previous_year
from .progress import Progress, Quiet
from .rollup import Rollup, select
from .rollup_report import write_rollup_report
from .rows import FileRow, file_rows, flag_duplicates, skipped_row
from .signals import Interrupted, install_sigterm, restore_signals
from .status import NO_SHEET, RoundStatus, round_status
from .summary import SUMMARY_NAME, write_summary
from .summary_json import RunFacts, summary_json
from .tasks import WorkerConfig

if TYPE_CHECKING:
    from .pool import PoolStats
    from .results import FileOutcome


@dataclass
class BatchOutcome:
    """How a run ended: its exit code, the JSON summary (``None`` when interrupted), file rows, discovery."""

    code: int
    summary: dict[str, Any] | None
    files: list[FileRow]
    found: Discovery
    #: Chinese messages for the user beside the summary (an output that could not be removed or written,
    #: the interruption); the front-end shows them.
    warnings: list[str] = field(default_factory=list)


def default_work() -> Callable[..., Any]:
    """The worker entry point, imported only when a pool is started (the parent stays light)."""
    from .worker import process

    return process


class Batch:
    """One batch run over IN_DIR → OUT_DIR; ``execute`` checks the folders and options, runs it, returns the outcome.

    ``work`` is the pool's work function (``worker.process``); tests pass a
    module-level wrapper to inject faults into the worker processes.
    ``progress`` hears about each step (the CLI shows it); the batch itself never prints.
    """

    def __init__(
        self, opts: BatchOptions, *, work: Callable[..., Any] | None = None, progress: Progress | None = None
    ) -> None:
        self.opts = opts
        self.work = work or default_work()
        self.progress: Progress = progress or Quiet()
        self.started = time.monotonic()
        self.manifest = Manifest(opts.out_dir)
        self.ownership = Ownership(opts.out_dir, self.manifest)
        self.placer = OutputPlacer(opts.out_dir, self.manifest, self.ownership)
        self.warnings: list[str] = []
        self.remover = OutputRemover(opts.out_dir, self.warnings.append, self.ownership)
        self._legacy = False  # the manifest predates recorded hashes
        self.lock = OutputLock(opts.out_dir)
        self.previous = PreviousYear()
        self.reused = 0
        self.pool_stats: PoolStats | None = None
        self.roster_entries: list[Any] | None = None

    # -------------------------------------------------------------- setup
    def _prepare(self) -> Discovery:
        opts = self.opts
        check_options(opts)
        if opts.roster is not None:
            self.roster_entries = read_roster_entries(opts.roster)
        if "pdf" in opts.formats:
            from ..util.fonts import substitution_notice

            notice = substitution_notice()
            if notice:
                self.warnings.append(notice)
        try:
            found = discover(opts.in_dir, exclude=opts.out_dir)
        except OSError as exc:
            raise BatchAbort(f"无法读取输入目录 {display_text(str(opts.in_dir), 300)}：{os_reason(exc)}") from exc
        if not found.inputs:
            lines = [f"输入目录中没有找到 .xlsx 填报表：{display_text(str(opts.in_dir), 300)}"]
            lines += [f"  跳过 {display_text(s.rel)}：{s.reason}" for s in found.skipped[:50]]
            raise BatchAbort("\n".join(lines))
        check_output_dir(opts.out_dir)
        try:
            opts.out_dir.mkdir(parents=True, exist_ok=True)
            self.lock.acquire()
        except OSError as exc:
            raise BatchAbort(f"无法使用输出目录。{write_error_message(opts.out_dir, exc)}") from exc
        return found

    def _config(self, staging: Path) -> WorkerConfig:
        return WorkerConfig(
            formats=list(self.opts.formats),
            force=self.opts.force,
            staging=str(staging),
            previous=self.previous.index,
            timeout=self.opts.timeout,
        )

    # -------------------------------------------------------------- main
    def execute(self) -> BatchOutcome:
        opts = self.opts
        found = self._prepare()
        handlers = install_sigterm()
        try:
            self.manifest.load()
            self._claim_out_dir()
            self.remover.remove_stale(self.manifest, set(found.inputs))
            if self.remover.removed:
                self.progress.note(
                    f"已删除 {len(self.remover.removed)} 个过时的输出文件（对应的填报表已不在输入目录中）"
                )
            self.manifest.compact(keep=set(found.inputs))
            staging = fresh_staging(opts.out_dir)
            self.placer.init_groups(found.inputs)
            if opts.previous is not None:
                self.previous = load_previous_year(
                    opts.previous,
                    opts.out_dir,
                    self._config(staging),
                    work=self.work,
                    jobs=opts.jobs,
                    timeout=opts.timeout,
                    note=self.progress.note,
                )
            plan = make_plan(
                found,
                self.manifest,
                force=opts.force,
                formats=opts.formats,
                previous=self.previous.index,
                out_dir=opts.out_dir,
            )
            self.reused = plan.reused
            if plan.reused:
                self.progress.note(f"{plan.reused} 个文件自上次运行以来未改变，沿用已有结果（--force 可全部重做）")
            self.pool_stats = run_planned(
                plan.todo,
                found,
                manifest=self.manifest,
                placer=self.placer,
                progress=self.progress,
                work=self.work,
                config=self._config(staging),
                jobs=opts.jobs,
                timeout=opts.timeout,
            )
            restore_signals(handlers)
            handlers = None
            return self._finish(found)
        except (KeyboardInterrupt, Interrupted):
            done = sum(1 for rel in found.inputs if rel in self.manifest.entries)
            self.warnings.append(
                f"已中断：{done}/{len(found.inputs)} 个文件已完成并记录；重新运行同一命令将从中断处继续。"
            )
            return BatchOutcome(EXIT_INTERRUPTED, None, [], found, self.warnings)
        except BrokenPipeError:
            raise  # our reader (``| head``) went away: not a problem of OUT_DIR
        except OSError as exc:
            raise BatchAbort(
                f"{write_error_message(opts.out_dir, exc)}已完成的文件不受影响，解决后重新运行即可继续。"
            ) from exc
        finally:
            restore_signals(handlers)
            self.manifest.close()
            remove_work_dir(opts.out_dir)
            self.lock.release()

    # -------------------------------------------------------------- finish
    def _finish(self, found: Discovery) -> BatchOutcome:
        opts = self.opts
        files = file_rows(found.inputs, self.manifest, found.path)
        chosen = select(files, include_errors=opts.include_errors)
        flag_duplicates(chosen)
        sent = [skipped_row(s.rel, s.reason) for s in found.skipped if s.spreadsheet]
        status = round_status(self.roster_entries or [], files, sent)
        acc = Rollup()
        with_errors = 0
        for f in chosen.included:
            acc.add(f.tables, f.year)
            with_errors += f.status == ERRORS
        summary_path = opts.out_dir / SUMMARY_NAME
        try:
            if not self._summary_ours():
                raise _EditedError(SUMMARY_NAME)
            write_summary(
                summary_path,
                files,
                rollup=acc,
                rollup_errors=with_errors,
                selection=chosen,
                skipped=[*found.skipped, *self.previous.problems],
                formats=opts.formats,
                name=opts.rollup_name,
                status=status if self.roster_entries is not None else None,
            )
        except _EditedError:
            self.warnings.append(
                f"{SUMMARY_NAME} 在上次生成后被修改过，为免覆盖，本次未更新汇总表。请把它改名或移走后重新运行。"
            )
            summary_failed = True
        except OSError as exc:  # full disk, folder gone read-only: the reports written so far stay valid
            self.warnings.append(write_error_message(summary_path, exc))
            summary_failed = True
        else:
            summary_failed = False
            with contextlib.suppress(OSError):
                self.manifest.record_written(SUMMARY_NAME, sha256_of(summary_path))
        rollup_outputs, rollup_failed = write_rollup_report(
            acc,
            chosen,
            name=opts.rollup_name,
            formats=opts.formats,
            out_dir=opts.out_dir,
            manifest=self.manifest,
            taken=self.placer.taken,
            remover=self.remover,
            warn=self.warnings.append,
            force=opts.force,
            absent=[(a.agency, a.label) for a in status.agencies if a.status in NO_SHEET],
        )
        packets = self._feedback(status, [*files, *sent], found)
        self.warnings.extend(packets.problems)
        self.manifest.compact(keep=set(found.inputs))
        code = EXIT_UNUSABLE if summary_failed or rollup_failed else exit_code(files, found)
        facts = RunFacts(
            in_dir=opts.in_dir,
            out_dir=opts.out_dir,
            rollup_name=opts.rollup_name,
            reused=self.reused,
            elapsed_s=time.monotonic() - self.started,
            removed=self.remover.removed,
            previous_problems=self.previous.problems,
            pool_stats=self.pool_stats,
        )
        doc = summary_json(
            facts,
            files,
            found,
            acc,
            chosen,
            with_errors=with_errors,
            rollup_outputs=rollup_outputs,
            summary_path=summary_path,
            code=code,
        )
        if self.roster_entries is not None:
            doc["round"] = status.to_json()
        doc["feedback"] = {"folders": packets.folders, "mail_merge": packets.mail_merge, "problems": packets.problems}
        return BatchOutcome(code, doc, files, found, self.warnings)

    def _feedback(self, status: RoundStatus, files: list[FileRow], found: Discovery) -> Packets:
        """Feedback packets for every agency with problems (see ``feedback``); a failure is reported, not raised."""
        import datetime as dt

        today = dt.date.today()
        try:
            return write_feedback(
                self.opts.out_dir,
                status,
                files,
                found.path,
                deadline=self.opts.deadline,
                return_to=self.opts.return_to,
                sender=self.opts.rollup_name,
                date=f"{today.year}年{today.month}月{today.day}日",
                ownership=self.ownership,
            )
        except OSError as exc:
            self.warnings.append(f"反馈材料未能全部生成：{write_error_message(self.opts.out_dir, exc)}")
            return Packets()

    def _claim_out_dir(self) -> None:
        """OUT_DIR's outputs belong to the input folder recorded in its manifest; another folder may not touch them."""
        mine = str(self.opts.in_dir.resolve())
        recorded = self.manifest.in_dir
        self._legacy = recorded is None and bool(self.manifest.entries)
        if recorded is not None and recorded != mine and (self.manifest.entries or self.manifest.rollup_outputs):
            raise BatchAbort(
                f"输出目录 {display_text(str(self.opts.out_dir), 300)} 中是输入目录 {display_text(recorded, 300)} "
                "的处理结果；为免删除或覆盖这些报告，本次未做任何处理。请为这个输入目录另选一个输出目录"
                "（或先把原有结果移走，再删除输出目录中的 .nianbao-manifest.jsonl）。"
            )
        self.manifest.in_dir = mine

    def _summary_ours(self) -> bool:
        """The summary workbook may be rewritten: absent, unchanged since we wrote it, or from a run before hashes."""
        if SUMMARY_NAME not in self.manifest.written:
            path = self.opts.out_dir / SUMMARY_NAME
            return (not path.exists() and not path.is_symlink()) or self._legacy
        return self.ownership.ours(SUMMARY_NAME)


class _EditedError(Exception):
    """An output we would rewrite was changed by someone since we wrote it."""


def exit_code(files: list[FileRow], found: Discovery) -> int:
    """1 when a file has errors, could not be read or failed, or a sheet was in a format we cannot read; else 0."""
    bad = any(f.status in (ERRORS, UNREADABLE, FAILED) for f in files)
    unread_sheets = any(s.spreadsheet for s in found.skipped)
    return EXIT_PROBLEMS if bad or unread_sheets else EXIT_OK


def iter_results(out_dir: Path) -> Iterator[FileOutcome]:
    """The manifest's file results (for tools and tests)."""
    for entry in Manifest(out_dir).load().entries.values():
        yield entry.result


__all__ = [
    "BATCH_VERSION",
    "LOCK_NAME",
    "PREVIOUS_CACHE",
    "SUMMARY_NAME",
    "WORK_DIR",
    "Batch",
    "BatchAbort",
    "BatchOptions",
    "BatchOutcome",
    "iter_results",
]
