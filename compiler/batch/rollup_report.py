"""The roll-up as a report (``--rollup-name``): ``<NAME>政府信息公开申请情况汇总`` in Word and HTML (and PDF).

The names are recorded in the manifest before they are written, and the
previous run's roll-up files that this run did not rewrite (another name, no
``--rollup-name``, a failed write) are removed afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..render.outputs import OutputFailed, write_outputs
from ..util.files import safe_filename
from .cleanup import OutputRemover, outputs_of
from .manifest import Manifest
from .rollup import ROLLUP_TITLE, Rollup, Selection


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
) -> dict[str, str]:
    """Write the roll-up report (when ``name``), drop last run's other roll-up files; the names written by format.

    ``taken(stem)``: whether an input's outputs already use that name.
    """
    old = dict(manifest.rollup_outputs)
    outputs: dict[str, str] = {}
    if name:
        title = ROLLUP_TITLE.format(name=name)
        report = acc.report(name, chosen.year)
        year = f"{chosen.year}年度" if chosen.year is not None else "年度"
        report.narrative[report.schema.narrative[0].key] = (
            f"本汇总由{name}所属 {acc.files} 个单位报送的{year}报告数据逐项相加而成。"
        )
        stem = safe_filename(title)
        while taken(stem):  # an input's fallback name could be the same
            stem += "_"
        wanted = ["docx", "html"] + (["pdf"] if "pdf" in formats else [])
        manifest.record_rollup(old | {f"new-{f}": f"{stem}.{f}" for f in wanted})
        paths = {fmt: out_dir / f"{stem}.{fmt}" for fmt in wanted}
        try:
            written = write_outputs(report, paths, wanted, title=title)
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
