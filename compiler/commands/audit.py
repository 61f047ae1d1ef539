"""``audit``: read published reports and run every check that applies to a published report."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..check import FileResult, check_loaded
from ..inputs import READABLE_TEXT, load_report
from .check import CheckRun, checked_reporter, run_checks

if TYPE_CHECKING:
    from ..model import Report


def audit_file(path: str | Path, previous: Report | None = None, *, reporter: str | None = None) -> FileResult:
    """Read and check one published report as published (template-only checks skipped); never raises."""
    return check_loaded(Path(path), load_report, previous=previous, published=True, reporter=reporter)


def audit_files(
    files: Sequence[str | Path],
    *,
    previous: str | Path | None = None,
    annotate: str | Path | None = None,
    reporter: str | None = None,
) -> CheckRun:
    """Audit every file; ``annotate`` writes the standard template filled with each and marked with its findings.

    ``reporter`` as for ``check_files``.
    """
    return run_checks(
        files,
        functools.partial(audit_file, reporter=checked_reporter(reporter)),
        missing=f"请给出要核查的已发布年度报告（{READABLE_TEXT}）。",
        previous=previous,
        annotate=annotate,
    )


__all__ = ["audit_file", "audit_files"]
