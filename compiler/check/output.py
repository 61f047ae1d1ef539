"""Showing check results: readable Chinese text for a clerk, or one JSON document.

Text: per file, findings grouped by sheet (sheets holding errors first,
errors first within a sheet), then one verdict line. Colour only when the
output is a terminal (rich turns styles off otherwise, and honours NO_COLOR).

JSON (``--json``): ``{"files": [{"path", "template_version", "status",
"counts": {"error", "warning", "notice"}, "findings": [Finding.to_json()]}]}``.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable, Sequence
from typing import IO, Any

from ..findings import SEVERITY_LABEL, SEVERITY_ORDER, Finding
from ..util.visible import visible
from . import FileResult

_STYLE = {"error": "bold red", "warning": "yellow", "notice": "cyan"}
_NO_SHEET = "（整个文件）"


def verdict(result: FileResult) -> str:
    """One line: ✗/✓ and the counts, in Chinese."""
    c = result.counts
    if result.status == "unreadable":
        return "✗ 无法读取"
    parts = [f"{c.get(s, 0)} 个{SEVERITY_LABEL[s]}" for s in ("error", "warning", "notice") if c.get(s)]
    if result.status == "errors":
        return "✗ 存在 " + "、".join(parts)
    if result.status == "warnings":
        return "✓ 无错误，有 " + "、".join(parts) + "，请核对"
    return "✓ 通过" + (f"（{'、'.join(parts)}）" if parts else "，未发现问题")


def grouped(findings: Sequence[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings by sheet; sheets with the most severe findings first, order otherwise kept."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.sheet or _NO_SHEET, []).append(f)
    order = list(groups)

    def rank(sheet: str) -> tuple[int, int, int]:
        worst = min(SEVERITY_ORDER.get(f.severity, 3) for f in groups[sheet])
        return (worst, 0 if sheet == _NO_SHEET else 1, order.index(sheet))

    return [(s, sorted(groups[s], key=lambda f: SEVERITY_ORDER.get(f.severity, 3))) for s in sorted(order, key=rank)]


def print_text(
    results: Sequence[FileResult], annotated: dict[str, str] | None = None, file: IO[str] | None = None
) -> None:
    """The human report; styles only on a terminal."""
    from rich.console import Console
    from rich.text import Text

    console = Console(file=file or sys.stdout, highlight=False, soft_wrap=True, emoji=False)
    for n, result in enumerate(results):
        if n:
            console.print()
        head = Text(f"文件：{visible(str(result.path))}", style="bold")
        if result.template_version:
            head.append(f"（模板版本 {result.template_version}）")
        console.print(head)
        for sheet, findings in grouped(result.findings):
            console.print(Text(f"  【{sheet}】", style="bold"))
            for f in findings:
                line = Text("    ")
                line.append(f"{SEVERITY_LABEL.get(f.severity, f.severity)}", style=_STYLE.get(f.severity, ""))
                line.append(f"  {f.cell or '-':<5} {f.code}  ")
                line.append(f.message)
                console.print(line)
        if annotated and result.path in annotated:
            console.print(Text(f"  标注副本：{visible(str(annotated[result.path]))}"))
        style = "bold red" if result.status in ("errors", "unreadable") else "bold green"
        console.print(Text("  " + verdict(result), style=style))
    if len(results) > 1:
        console.print()
        console.print(Text(summary(results), style="bold"))


def summary(results: Sequence[FileResult]) -> str:
    n = len(results)
    by = {s: sum(1 for r in results if r.status == s) for s in ("errors", "unreadable", "warnings", "ok")}
    parts = [f"{by['errors']} 个有错误"] if by["errors"] else []
    if by["unreadable"]:
        parts.append(f"{by['unreadable']} 个无法读取")
    if by["warnings"]:
        parts.append(f"{by['warnings']} 个仅有警告")
    if by["ok"]:
        parts.append(f"{by['ok']} 个通过")
    return f"共核查 {n} 个文件：" + "，".join(parts) + "。"


def to_json(results: Iterable[FileResult]) -> dict[str, Any]:
    return {"files": [_json_safe(r.to_json()) for r in results]}


def dumps(results: Iterable[FileResult]) -> str:
    return json.dumps(to_json(results), ensure_ascii=False, indent=2, allow_nan=False)


def _json_safe(obj: Any) -> Any:
    """Only JSON values: non-finite floats and unknown objects (dates…) become text."""
    if isinstance(obj, dict):
        return {str(k): _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_json_safe(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return str(obj)
    if obj is None or isinstance(obj, str | int | float | bool):
        return obj
    return str(obj)
