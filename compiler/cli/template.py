"""``nianbao template``: print what the template use case wrote."""

from __future__ import annotations

from pathlib import Path

from ..commands.template import DEFAULT_OUTPUT, DEFAULT_ROSTER_DIR, RosterResult, template
from ..exitcodes import EXIT_OK
from .common import call, err

__all__ = ["DEFAULT_OUTPUT", "DEFAULT_ROSTER_DIR", "run"]

#: Longest agency name echoed (a 100,000-character name must not flood the terminal).
_ECHO_MAX = 60


def run(
    output: Path | None = None,
    agency: str | None = None,
    year: int | None = None,
    roster: Path | None = None,
    from_: Path | None = None,
    *,
    overwrite: bool = False,
    deadline: str | None = None,
    return_to: str | None = None,
) -> int:
    """Run ``nianbao template``; returns the exit code (0 written, 2 usage or unreadable input)."""
    result = call(
        lambda: template(
            output,
            agency=agency,
            year=year,
            roster=roster,
            from_=from_,
            overwrite=overwrite,
            deadline=deadline,
            return_to=return_to,
        )
    )
    if isinstance(result, int):
        return result
    if isinstance(result, RosterResult):
        for problem in result.problems:
            err(f"名单提示：{problem}")
        print(f"已为 {len(result.written)} 个单位生成填报模板，保存在 {result.out_dir}；目录见 {result.index.name}。")
        if result.kept:
            names = "、".join(path.name for _, path in result.kept[:5])
            more = f" 等 {len(result.kept)} 个" if len(result.kept) > 5 else ""
            print(
                f"已存在、未覆盖的文件 {len(result.kept)} 个（可能是已填好报回的表）：{names}{more}。"
                "确需重新生成请加 --overwrite。"
            )
        return EXIT_OK
    what = "填报模板"
    if result.report is not None:
        name = result.report.agency or "未指定"
        name = name if len(name) <= _ECHO_MAX else name[: _ECHO_MAX - 1] + "…"
        what += f"（单位：{name}，年度：{result.report.year or '未指定'}）"
    print(f"已生成{what}：{result.path}" + (f"；{result.note}。" if result.note else ""))
    return EXIT_OK
