"""What every CLI command shares: stderr messages, findings as lines, the use-case error → exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import TypeVar

from ..commands.errors import CommandError
from ..findings import SEVERITY_LABEL, Finding

T = TypeVar("T")


def err(message: str) -> None:
    print(message, file=sys.stderr)


def finding_line(f: Finding, *, with_code: bool = False) -> str:
    """``[错误] 表三!D6：…`` (``with_code``: the code after the severity, as ``import`` shows it)."""
    where = f"{f.ref}：" if f.ref else ""
    code = f" {f.code}" if with_code else ""
    return f"[{SEVERITY_LABEL.get(f.severity, f.severity)}]{code} {where}{f.message}"


def print_findings(findings: Iterable[Finding], *, with_code: bool = False) -> None:
    for f in findings:
        err(finding_line(f, with_code=with_code))


def call(use_case: Callable[[], T]) -> T | int:
    """Run a use case; a ``CommandError`` is printed to stderr and becomes its exit code."""
    try:
        return use_case()
    except CommandError as exc:
        err(exc.message)
        return exc.exit_code


def print_utf8(text: str) -> None:
    """JSON is UTF-8 whatever the console's code page (a GBK pipe cannot encode every character)."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()
