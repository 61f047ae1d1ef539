"""``nianbao check FILE... [--json] [--annotate DIR] [--previous LAST_YEAR]``.

Exit codes (``compiler.commands.check.CheckRun.exit_code``): 2 usage error,
unreadable input or annotated copy not written; 1 some file has errors; 0 none.
With ``--json`` stdout holds exactly one JSON document; other messages go to stderr.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..check import output
from ..commands.check import CheckRun, check_files
from .common import call, err


def run(
    files: Sequence[Path],
    *,
    json_out: bool = False,
    annotate: Path | None = None,
    previous: Path | None = None,
    reporter: str | None = None,
) -> int:
    """Check every file, print the results, optionally write annotated copies; return the exit code."""
    result = call(lambda: check_files(files, previous=previous, annotate=annotate, reporter=reporter))
    if isinstance(result, int):
        return result
    return show_check_run(result, json_out=json_out)


def show_check_run(run: CheckRun, *, json_out: bool) -> int:
    """Print a check or audit run (text, or one JSON document on stdout); its exit code."""
    for problem in run.problems:
        err(problem)
    if json_out:
        for path in run.annotated.values():
            err(f"标注副本：{path}")
        print(output.dumps(run.results))
    else:
        output.print_text(run.results, run.annotated)
    return run.exit_code
