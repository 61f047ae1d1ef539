"""``nianbao check FILE... [--json] [--annotate DIR] [--previous LAST_YEAR]``.

Exit codes (also in ``--help`` and the README), by precedence:

* ``2`` — a usage error (no file, ``--annotate`` not a directory, ``--previous``
  unreadable) or any input unreadable, or an annotated copy that could not be
  written. Unreadable wins over errors: a file that was not checked at all
  must not look like "only" a data error.
* ``1`` — every input was read, and at least one has errors.
* ``0`` — no file has errors (warnings and notices allowed).

With ``--json`` stdout holds exactly one JSON document
(``{"files": [...]}``, see ``compiler.check.output``); messages about
``--previous`` and annotated copies go to stderr.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ..model import Report
from ..util.files import write_error_message
from . import FileResult, check_path

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def read_previous(path: Path) -> Report | None:
    from ..read import UnreadableInput, load_report

    try:
        return load_report(path)
    except UnreadableInput as exc:
        _err(f"上年报告 {path} 无法读取：{exc}")
    except Exception as exc:  # never a traceback for a user's file
        _err(f"上年报告 {path} 无法读取（{type(exc).__name__}）。")
    return None


def exit_code(results: Sequence[FileResult], *, failed: bool = False) -> int:
    if failed or any(r.status == "unreadable" for r in results):
        return EXIT_UNREADABLE
    if any(r.status == "errors" for r in results):
        return EXIT_ERRORS
    return EXIT_OK


def run(
    files: Sequence[Path],
    *,
    json_out: bool = False,
    annotate: Path | None = None,
    previous: Path | None = None,
    reporter: str | None = None,
) -> int:
    """Check every file, print the results, optionally write annotated copies; return the exit code.

    ``reporter`` (``government``/``政府`` or ``department``/``部门``) says who reports, for the deadline;
    without it the checker decides from the agency name.
    """
    kind = reporter_kind(reporter)
    if reporter is not None and kind is None:
        _err(f"--reporter 应为 government（本级人民政府）或 department（政府部门），而不是“{reporter}”。")
        return EXIT_UNREADABLE
    return run_checks(
        files,
        functools.partial(check_path, reporter=kind),
        missing="请给出要核查的文件（填报后的 .xlsx 或报告 JSON）。",
        json_out=json_out,
        annotate=annotate,
        previous=previous,
    )


_REPORTER_NAMES = {
    "government": "government",
    "政府": "government",
    "本级政府": "government",
    "本级人民政府": "government",
    "department": "department",
    "部门": "department",
    "政府部门": "department",
}


def reporter_kind(value: str | None) -> str | None:
    """``--reporter`` as ``government`` / ``department``; None when absent or not understood."""
    return _REPORTER_NAMES.get(value.strip().lower()) if isinstance(value, str) else None


def run_checks(
    files: Sequence[Path],
    check_one: Callable[[Path, Report | None], FileResult],
    *,
    missing: str,
    json_out: bool = False,
    annotate: Path | None = None,
    previous: Path | None = None,
) -> int:
    """What ``check`` and ``audit`` share: last year's report, ``check_one`` per file, output, annotated copies."""
    if not files:
        _err(missing)
        return EXIT_UNREADABLE
    if annotate is not None and annotate.exists() and not annotate.is_dir():
        _err(f"--annotate 应为目录，而 {annotate} 是一个文件。")
        return EXIT_UNREADABLE
    prev = None
    if previous is not None:
        prev = read_previous(Path(previous))
        if prev is None:
            return EXIT_UNREADABLE
    results = [check_one(Path(f), prev) for f in files]
    annotated: dict[str, str] = {}
    failed = False
    if annotate is not None:
        failed = annotate_all(results, Path(annotate), annotated, quiet=json_out)
    from . import output

    if json_out:
        print(output.dumps(results))
    else:
        output.print_text(results, annotated)
    return exit_code(results, failed=failed)


def annotate_all(results: Sequence[FileResult], out_dir: Path, annotated: dict[str, str], *, quiet: bool) -> bool:
    """Write one annotated copy per readable file; True when any could not be written."""
    from .annotate import annotate

    failed = False
    taken: set[Path] = set()
    for result in results:
        if result.report is None:
            continue
        try:
            out = annotate(result, out_dir, taken)
        except OSError as exc:  # a read-only folder, a full disk…
            _err(f"无法写出 {result.path} 的标注副本。{write_error_message(out_dir, exc)}")
            failed = True
            continue
        except Exception as exc:  # a file openpyxl cannot re-open
            _err(f"无法写出 {result.path} 的标注副本（{type(exc).__name__}: {exc}）。")
            failed = True
            continue
        if out is not None:
            annotated[result.path] = str(out)
            if quiet:
                _err(f"标注副本：{out}")
    return failed
