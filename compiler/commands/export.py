"""``export``: any input as the report JSON (the interchange format)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..exitcodes import EXIT_OK, EXIT_PROBLEMS
from ..findings import Finding, sort_key
from ..inputs import load_report
from ..read import UnreadableInput
from ..util.files import write_atomic, write_error_message
from .errors import InputError, OutputError, UsageError

if TYPE_CHECKING:
    from ..model import Report


@dataclass
class ReadResult:
    """A report read from a file, the reader's findings (sorted), and where its JSON/template was written."""

    report: Report
    findings: list[Finding] = field(default_factory=list)
    #: The file written (``None``: the caller prints ``report.dumps()``).
    output: Path | None = None

    @property
    def exit_code(self) -> int:
        return EXIT_PROBLEMS if any(f.severity == "error" for f in self.findings) else EXIT_OK


def same_file(a: Path, b: Path) -> bool:
    try:
        return b.exists() and a.resolve() == b.resolve()
    except OSError:
        return False


def read_input(file: Path, output: Path | None) -> ReadResult:
    """Read ``file`` for a command that writes it elsewhere (``output`` must not be the input)."""
    if output is not None and same_file(file, output):
        raise UsageError(f"输出文件“{output}”就是输入文件，不会覆盖输入；请用 -o 指定另一个文件。")
    try:
        report = load_report(file)
    except UnreadableInput as exc:
        raise InputError(exc.message) from exc
    return ReadResult(report, sorted(report.origin.findings, key=sort_key), output)


def export(file: str | Path, output: str | Path | None = None) -> ReadResult:
    """Read ``file`` and, with ``output`` (a .json), write its report JSON there atomically."""
    out = Path(output) if output is not None else None
    if out is not None and out.suffix.lower() != ".json":
        raise UsageError(f"export 输出的是报告 JSON，-o 应以 .json 结尾：{out}")
    result = read_input(Path(file), out)
    if out is not None:
        try:
            write_atomic(out, result.report.dumps())
        except OSError as exc:
            raise OutputError(write_error_message(out, exc)) from exc
    return result


__all__ = ["ReadResult", "export", "read_input", "same_file"]
