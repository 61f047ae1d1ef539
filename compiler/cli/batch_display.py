"""What ``nianbao batch`` shows on the console: live progress (a ``batch.progress.Progress``) and the final table.

All console wording of a batch sits here, in the front-end. Every piece of
user-supplied text (file paths, agency names, reader messages) reaches the
terminal through ``display_text`` (control, format and bidi characters
replaced, cut to a length) and ``plain_text`` (never parsed as rich markup).
``rich`` is imported only when something is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..batch import ERRORS, FAILED, OK, UNREADABLE, WARNINGS
from ..batch.rollup import DUPLICATE, HAS_ERRORS, OTHER_YEAR
from ..batch.summary import STATUS_LABEL
from ..util.text import display_text

if TYPE_CHECKING:
    from ..batch.discover import Discovery
    from ..batch.results import FileOutcome
    from ..batch.rows import FileRow

#: Problem files listed under the final table (all of them are in the summary workbook).
TABLE_LIMIT = 30


class BatchProgress:
    """A rich progress bar on a terminal (``mode="rich"``), one plain line per file otherwise (``"plain"``)."""

    def __init__(self, mode: str, err: Any) -> None:
        self.mode, self.err = mode, err
        self.total = self.done = self.errors = 0
        self._bar: Any = None
        self._task: Any = None

    def note(self, text: str) -> None:
        self.err.print(plain_text(text))

    def start(self, *, total: int, done: int, errors: int) -> None:
        self.total, self.done, self.errors = total, done, errors
        if self.mode != "rich":
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._bar = Progress(
            SpinnerColumn(),
            TextColumn("处理中"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("错误 {task.fields[errors]}"),
            TextColumn("剩余"),
            TimeRemainingColumn(),
            TimeElapsedColumn(),
            console=self.err,
            refresh_per_second=4,
        )
        self._bar.start()
        self._task = self._bar.add_task("batch", total=self.total, completed=self.done, errors=self.errors)

    def advance(self, result: FileOutcome, *, duplicate_of: str | None = None) -> None:
        """One file done; ``duplicate_of``: an earlier file of the same agency and year (a warning)."""
        self.done += 1
        status = result.status
        if status in (ERRORS, UNREADABLE, FAILED):
            self.errors += 1
        if duplicate_of is not None and status == OK:
            status = WARNINGS  # as the final table will say (DUPLICATE_AGENCY)
        if self.mode == "rich":
            self._bar.update(self._task, advance=1, errors=self.errors)
        elif self.mode == "plain":
            line = f"[{self.done}/{self.total}] {STATUS_LABEL.get(status, status)} {display_text(result.rel)}"
            if result.outputs:
                line += " → " + "、".join(display_text(v) for v in result.outputs.values())
            elif result.message:
                line += "：" + display_text(result.message, 200)
            if duplicate_of is not None:
                line += f"（与 {display_text(duplicate_of)} 是同一单位同一年度的报告）"
            self.err.print(plain_text(line), soft_wrap=True)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def final_table(console: Any, doc: dict[str, Any], files: list[FileRow], found: Discovery) -> None:
    """The end-of-run report: counts by status, the files needing attention, skips, roll-up notes, where things are."""
    from rich.table import Table

    table = Table(title="批处理结果", show_lines=False)
    table.add_column("状态")
    table.add_column("文件数", justify="right")
    for status, n in doc["counts"].items():
        if n:
            table.add_row(STATUS_LABEL[status], str(n))
    table.add_row("合计", str(doc["total"]))
    console.print(table)
    problems = [f for f in files if f.status in (ERRORS, UNREADABLE, FAILED)]
    if problems:
        # One line per file, never a table cell: a file name is never broken across lines (it can be copied).
        console.print(plain_text("需要处理的文件："))
        for f in problems[:TABLE_LIMIT]:
            agency = f"（{display_text(f.agency, 30)}）" if f.agency else ""
            line = f"  {STATUS_LABEL[f.status]} {display_text(f.rel, 200)}{agency}：{display_text(f.message, 160)}"
            console.print(plain_text(line))
        if len(problems) > TABLE_LIMIT:
            console.print(plain_text(f"……另有 {len(problems) - TABLE_LIMIT} 个，详见汇总表“问题清单”。"))
    for line in round_lines(doc):
        console.print(plain_text(line))
    for s in found.skipped:
        console.print(plain_text(f"跳过 {display_text(s.rel, 80)}：{s.reason}"), soft_wrap=True)
    for line in rollup_lines(doc["rollup"]):
        console.print(plain_text(line), soft_wrap=True)
    if doc["removed_stale_outputs"]:
        removed = doc["removed_stale_outputs"]
        console.print(plain_text(f"已删除过时的输出文件 {len(removed)} 个：" + list_some(removed)), soft_wrap=True)
    console.print(plain_text(f"汇总表：{doc['summary']}"), soft_wrap=True)
    outputs = doc["rollup"]["outputs"]
    if outputs:
        console.print(plain_text("汇总报告：" + "、".join(outputs.values())), soft_wrap=True)
    reused = f"，沿用上次结果 {doc['reused']} 个" if doc["reused"] else ""
    console.print(plain_text(f"共 {doc['total']} 个文件{reused}，用时 {doc['elapsed_s']:.1f} 秒。"))


def round_lines(doc: dict[str, Any]) -> list[str]:
    """The round's status (with ``--roster``) and where the feedback packets are."""
    lines = []
    status = doc.get("round")
    if status:
        counts = "，".join(f"{label} {n}" for label, n in status["counts"].items() if n)
        lines.append(f"报送情况（名单 {len(status['agencies'])} 个单位）：{counts}。")
        missing = [a["agency"] for a in status["agencies"] if a["status"] == "missing"]
        if missing:
            lines.append(f"未报送：{list_some(missing, 20)}（联系方式见汇总表“报送情况”）")
        strangers = [a["agency"] or a["file"] for a in status["not_on_roster"]]
        if strangers:
            lines.append(f"不在名单中的单位：{list_some(strangers)}（请核对单位名称或名单）")
    feedback = doc.get("feedback") or {}
    if feedback.get("folders"):
        lines.append(
            f"反馈材料：{len(feedback['folders'])} 个单位，每个单位一个文件夹（标注表和核查意见），"
            f"邮件合并名单 {feedback['mail_merge']}"
        )
    lines += [f"反馈材料问题：{p}" for p in feedback.get("problems") or []]
    return lines


def rollup_lines(rollup: dict[str, Any]) -> list[str]:
    """What the roll-up left out, for the final table (the full list is in the JSON and the workbook)."""
    lines = []
    groups = rollup["duplicate_groups"]
    if groups:
        shown = "；".join("、".join(display_text(rel, 80) for rel in same) for same in groups[:10])
        more = f" 等 {len(groups)} 组" if len(groups) > 10 else ""
        lines.append(f"同一单位同一年度有多份报告（已标为有警告）：{shown}{more}")
    dups = [e["path"] for e in rollup["excluded"] if e["kind"] == DUPLICATE]
    if dups:
        lines.append(
            f"重复报告 {len(dups)} 份未计入合计（每组保留成文日期较晚、其次文件时间较晚的一份）：{list_some(dups)}"
        )
    bad = [e["path"] for e in rollup["excluded"] if e["kind"] == HAS_ERRORS]
    if bad:
        lines.append(
            f"有错误的报告 {len(bad)} 份未计入合计（--include-errors 可计入，合计将标为草稿）：{list_some(bad)}"
        )
    others = [e["path"] for e in rollup["excluded"] if e["kind"] == OTHER_YEAR]
    if others:
        lines.append(f"不是 {rollup['year']} 年度的报告 {len(others)} 份未计入合计：{list_some(others)}")
    return lines


def list_some(items: list[str], limit: int = 10) -> str:
    """The first ``limit`` items, terminal-safe, and how many there are in all when cut."""
    shown = "、".join(display_text(i, 80) for i in items[:limit])
    return shown + (f" 等 {len(items)} 个" if len(items) > limit else "")


def make_console(stream: Any) -> Any:
    """A rich console that never interprets markup, emoji or highlighting in user text."""
    from rich.console import Console

    # soft_wrap: lines are never broken by us (the terminal wraps them), so no file name is ever split.
    return Console(file=stream, highlight=False, markup=False, emoji=False, soft_wrap=True)


def plain_text(text: str) -> Any:
    """``text`` as a rich ``Text``, printed as is (square brackets in a file name are not markup)."""
    from rich.text import Text

    return Text(text)


def isatty(stream: Any) -> bool:
    """Whether to draw a progress bar: a terminal, and not a closed or fake stream."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
