"""``check``: check every figure of returned sheets (or report JSONs), optionally writing annotated copies."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..check import FileResult, check_path
from ..check.agency import reporter_kind
from ..exitcodes import EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE
from ..inputs import READABLE_TEXT, load_previous
from ..read import UnreadableInput
from ..util.files import write_error_message
from ..util.visible import visible
from .errors import InputError, UsageError

if TYPE_CHECKING:
    from ..model import Report


@dataclass
class CheckRun:
    """The results of checking (or auditing) some files, and the annotated copies written."""

    results: list[FileResult]
    #: Input path → annotated copy written.
    annotated: dict[str, str] = field(default_factory=dict)
    #: Chinese messages about annotated copies that could not be written.
    problems: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """2 when a file was unreadable or a copy not written (unread wins over errors), 1 errors, else 0."""
        if self.problems or any(r.status == "unreadable" for r in self.results):
            return EXIT_UNUSABLE
        if any(r.status == "errors" for r in self.results):
            return EXIT_PROBLEMS
        return EXIT_OK


def check_files(
    files: Sequence[str | Path],
    *,
    previous: str | Path | None = None,
    annotate: str | Path | None = None,
    reporter: str | None = None,
) -> CheckRun:
    """Check every file (``previous``: last year's report for the cross-year rules).

    ``reporter`` (``government``/``政府`` or ``department``/``部门``) says who reports, for the
    deadline (条例第四十九条); without it the checker decides from each agency's name.
    """
    return run_checks(
        files,
        functools.partial(check_path, reporter=checked_reporter(reporter)),
        missing=f"请给出要核查的文件（{READABLE_TEXT}）。",
        previous=previous,
        annotate=annotate,
    )


def checked_reporter(reporter: str | None) -> str | None:
    """``--reporter`` as ``government``/``department`` (None: decide from the agency name); a usage error if unknown."""
    kind = reporter_kind(reporter)
    if reporter is not None and kind is None:
        raise UsageError(f"--reporter 应为“政府”（本级人民政府的报告）或“部门”（政府部门的报告），而不是“{reporter}”。")
    return kind


def run_checks(
    files: Sequence[str | Path],
    check_one: Callable[[Path, Report | None], FileResult],
    *,
    missing: str,
    previous: str | Path | None = None,
    annotate: str | Path | None = None,
) -> CheckRun:
    """What ``check`` and ``audit`` share: last year's report, ``check_one`` per file, annotated copies."""
    if not files:
        raise UsageError(missing)
    out_dir = Path(annotate) if annotate is not None else None
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--annotate 应为目录，而 {out_dir} 是一个文件。")
    prev = None
    if previous is not None:
        try:
            prev = load_previous(previous)
        except UnreadableInput as exc:
            raise InputError(exc.message) from exc
    run = CheckRun([check_one(Path(f), prev) for f in files])
    if out_dir is not None:
        annotate_all(run, out_dir)
    return run


def annotate_all(run: CheckRun, out_dir: Path) -> None:
    """Write one annotated copy per readable file into ``out_dir`` (inputs are never touched)."""
    from ..check.annotate import annotate, reserve_inputs

    taken = reserve_inputs(r.path for r in run.results)  # never written over an input of this run
    for result in run.results:
        if result.report is None:
            continue
        try:
            out = annotate(result, out_dir, taken)
        except OSError as exc:  # a read-only folder, a full disk…
            run.problems.append(f"无法写出 {result.path} 的标注副本。{write_error_message(out_dir, exc)}")
            continue
        except Exception as exc:  # a file openpyxl cannot re-open: our limit, said as ours (no English detail)
            run.problems.append(
                f"无法写出 {visible(str(result.path))} 的标注副本：nianbao 内部错误（{type(exc).__name__}），原文件未改动。"
            )
            continue
        if out is not None:
            run.annotated[result.path] = str(out)


__all__ = ["CheckRun", "check_files", "run_checks"]
