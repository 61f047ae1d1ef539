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
``DUPLICATE_AGENCY`` warning; both are compiled, and the roll-up sums only the
first in path order (see ``rollup.select``). Outputs only ever appear by
rename, and the manifest only ever names files that exist under that name, so
a batch killed at any instant leaves complete outputs and the next run carries
on. What is shown on the console lives in ``display``; printing the final
table and the JSON is the front-end's (``compiler.cli.batch``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..exitcodes import EXIT_INTERRUPTED, EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE
from ..util.files import write_error_message
from . import ERRORS, FAILED, UNREADABLE
from .cleanup import WORK_DIR, OutputRemover, fresh_staging, remove_work_dir
from .discover import Discovery, discover
from .display import BatchProgress, display_text, make_console, plain_text
from .execution import run_planned
from .lock import LOCK_NAME, OutputLock
from .manifest import Manifest
from .options import BatchAbort, BatchOptions, check_options, check_output_dir
from .placing import OutputPlacer
from .plan import BATCH_VERSION, make_plan
from .pool import PoolStats
from .previous import PREVIOUS_CACHE, PreviousYear, load_previous_year
from .rollup import Rollup, select
from .rollup_report import write_rollup_report
from .rows import FileRow, file_rows, flag_duplicates
from .signals import Interrupted, install_sigterm, restore_signals
from .summary import SUMMARY_NAME, write_summary
from .summary_json import RunFacts, summary_json
from .tasks import WorkerConfig


@dataclass
class BatchOutcome:
    """How a run ended: its exit code, the JSON summary (``None`` when interrupted), file rows, discovery."""

    code: int
    summary: dict[str, Any] | None
    files: list[FileRow]
    found: Discovery


def default_work() -> Callable[..., Any]:
    """The worker entry point, imported only when a pool is started (the parent stays light)."""
    from .worker import process

    return process


class Batch:
    """One batch run over IN_DIR → OUT_DIR; ``execute`` checks the folders and options, runs it, returns the outcome.

    ``work`` is the pool's work function (``worker.process``); tests pass a
    module-level wrapper to inject faults into the worker processes.
    """

    def __init__(self, opts: BatchOptions, *, work: Callable[..., Any] | None = None) -> None:
        self.opts = opts
        self.work = work or default_work()
        self.err = make_console(sys.stderr)
        self.started = time.monotonic()
        self.manifest = Manifest(opts.out_dir)
        self.placer = OutputPlacer(opts.out_dir, self.manifest)
        self.remover = OutputRemover(opts.out_dir, lambda text: self.err.print(plain_text(text)))
        self.lock = OutputLock(opts.out_dir)
        self.previous = PreviousYear()
        self.reused = 0
        self.pool_stats: PoolStats | None = None

    # -------------------------------------------------------------- setup
    def _prepare(self) -> Discovery:
        opts = self.opts
        check_options(opts)
        try:
            found = discover(opts.in_dir, exclude=opts.out_dir)
        except OSError as exc:
            raise BatchAbort(f"无法读取输入目录 {display_text(str(opts.in_dir), 300)}：{exc.strerror or exc}") from exc
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
        )

    # -------------------------------------------------------------- main
    def execute(self) -> BatchOutcome:
        opts = self.opts
        found = self._prepare()
        handlers = install_sigterm()
        try:
            self.manifest.load()
            self.remover.remove_stale(self.manifest, set(found.inputs))
            if self.remover.removed:
                self._note(f"已删除 {len(self.remover.removed)} 个过时的输出文件（对应的填报表已不在输入目录中）")
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
                    note=self._note,
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
            progress = BatchProgress(opts.progress, total=len(found.inputs), done=plan.reused, err=self.err)
            if plan.reused:
                progress.note(f"{plan.reused} 个文件自上次运行以来未改变，沿用已有结果（--force 可全部重做）")
            self.pool_stats = run_planned(
                plan.todo,
                found,
                manifest=self.manifest,
                placer=self.placer,
                progress=progress,
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
            self.err.print(
                plain_text(f"已中断：{done}/{len(found.inputs)} 个文件已完成并记录；重新运行同一命令将从中断处继续。")
            )
            return BatchOutcome(EXIT_INTERRUPTED, None, [], found)
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
        files = file_rows(found.inputs, self.manifest)
        chosen = select(files)
        flag_duplicates(chosen.duplicate_groups)
        acc = Rollup()
        with_errors = 0
        for f in chosen.included:
            acc.add(f.tables, f.year)
            with_errors += f.status == ERRORS
        summary_path = opts.out_dir / SUMMARY_NAME
        try:
            write_summary(
                summary_path,
                files,
                rollup=acc,
                rollup_errors=with_errors,
                selection=chosen,
                skipped=[*found.skipped, *self.previous.problems],
                formats=opts.formats,
                name=opts.rollup_name,
            )
        except OSError as exc:  # full disk, folder gone read-only: the reports written so far stay valid
            self.err.print(plain_text(write_error_message(summary_path, exc)))
            summary_failed = True
        else:
            summary_failed = False
        rollup_outputs = write_rollup_report(
            acc,
            chosen,
            name=opts.rollup_name,
            formats=opts.formats,
            out_dir=opts.out_dir,
            manifest=self.manifest,
            taken=self.placer.taken,
            remover=self.remover,
            warn=lambda text: self.err.print(plain_text(text)),
        )
        self.manifest.compact(keep=set(found.inputs))
        code = EXIT_UNUSABLE if summary_failed else exit_code(files, found)
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
        return BatchOutcome(code, doc, files, found)

    def _note(self, text: str) -> None:
        if self.opts.progress:
            self.err.print(plain_text(text))


def exit_code(files: list[FileRow], found: Discovery) -> int:
    """1 when a file has errors, could not be read or failed, or a sheet was in a format we cannot read; else 0."""
    bad = any(f.status in (ERRORS, UNREADABLE, FAILED) for f in files)
    unread_sheets = any(s.spreadsheet for s in found.skipped)
    return EXIT_PROBLEMS if bad or unread_sheets else EXIT_OK


def iter_results(out_dir: Path) -> Iterator[dict[str, Any]]:
    """The manifest's file results (for tools and tests)."""
    for entry in Manifest(out_dir).load().entries.values():
        yield entry["result"]


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
