"""The roll-up as a report (``--rollup-name``): ``<NAME>政府信息公开申请情况汇总`` in Word and HTML (and PDF).

It opens with what it covers: how many agencies, who is left out and why,
whose figures are unverified (``--include-errors``). Its tables are checked
before it is written; one that does not pass is not written without
``force``, and a roll-up with errors or unverified figures says 草稿 on every
page. The names are recorded in the manifest before they are written, and the
previous run's roll-up files that this run did not rewrite (another name, no
``--rollup-name``, a failed write, a roll-up that did not pass) are removed
afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..render.outputs import OutputFailed, write_outputs
from ..util.files import safe_filename
from .cleanup import OutputRemover, outputs_of
from .rollup import DUPLICATE, HAS_ERRORS, OTHER_YEAR, ROLLUP_TITLE, Rollup, Selection

if TYPE_CHECKING:
    from ..findings import Finding
    from ..model import Report
    from .manifest import Manifest


def write_rollup_report(
    acc: Rollup,
    chosen: Selection,
    *,
    name: str | None,
    formats: list[str],
    out_dir: Path,
    manifest: Manifest,
    taken: Callable[[str], bool],
    remover: OutputRemover,
    warn: Callable[[str], None],
    force: bool = False,
) -> dict[str, str]:
    """Write the roll-up report (when ``name``), drop last run's other roll-up files; the names written by format.

    ``taken(stem)``: whether an input's outputs already use that name.
    """
    old = dict(manifest.rollup_outputs)
    outputs: dict[str, str] = {}
    if name:
        title = ROLLUP_TITLE.format(name=name)
        report = acc.report(name, chosen.year)
        report.narrative[report.schema.narrative[0].key] = rollup_coverage(name, acc, chosen)
        problems = rollup_problems(report)
        wanted = ["docx", "html"] + (["pdf"] if "pdf" in formats else [])
        if problems and not force:
            warn(
                f"汇总报告未生成：合计后的表格有 {len(problems)} 处未通过核查（如：{problems[0].message[:120]}）。"
                "请修正有关单位的填报表后重新运行；确需生成请加 --force（将标为草稿）。"
            )
            wanted = []
        stem = safe_filename(title)
        while taken(stem):  # an input's fallback name could be the same
            stem += "_"
        if wanted:
            manifest.record_rollup(old | {f"new-{f}": f"{stem}.{f}" for f in wanted})
        paths = {fmt: out_dir / f"{stem}.{fmt}" for fmt in wanted}
        draft = bool(problems) or bool(chosen.unverified)
        try:
            written = write_outputs(report, paths, wanted, title=title, draft=draft)
        except OutputFailed as exc:  # the summary is written; say what failed
            written = exc.written
            warn(f"生成汇总报告失败：{type(exc.cause).__name__}: {exc.cause}")
        outputs = {fmt: path.name for fmt, path in written.items()}
    keep = set(outputs.values()) | {n for e in manifest.entries.values() for n in outputs_of(e)}
    for stale in sorted(set(old.values()) - keep):
        remover.unlink(stale)
    if old or outputs:
        manifest.record_rollup(outputs)
    return outputs


def rollup_coverage(name: str, acc: Rollup, chosen: Selection) -> str:
    """The roll-up report's opening: what it covers, who is left out and why, whose figures are unverified."""
    year = f"{chosen.year}年度" if chosen.year is not None else "年度"
    text = f"本汇总由{name}所属 {acc.files} 个单位报送的{year}报告数据逐项相加而成。"
    if chosen.excluded:
        kinds = {DUPLICATE: "重复报送", HAS_ERRORS: "有错误未计入", OTHER_YEAR: "非本年度"}
        left = "、".join(f"{e.agency or e.rel}（{kinds.get(e.kind, e.kind)}）" for e in chosen.excluded[:30])
        more = f"等 {len(chosen.excluded)} 份" if len(chosen.excluded) > 30 else ""
        text += f"未计入：{left}{more}。"
    if chosen.unverified:
        names = "、".join(str(f.agency or f.rel) for f in chosen.unverified[:30])
        text += f"以下单位的数字存在错误、未经核实，本汇总为草稿：{names}。"
    return text


def rollup_problems(report: Report) -> list[Finding]:
    """Check errors of the roll-up's figures (a roll-up has no narrative or contact details to check)."""
    from ..check import check_report

    figures = {fig.key for fig in report.schema.figures()}
    return [f for f in check_report(report) if f.severity == "error" and f.key in figures]
