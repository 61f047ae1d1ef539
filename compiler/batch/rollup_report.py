"""The roll-up as a report (``--rollup-name``): ``<NAME>政府信息公开申请情况汇总`` in Word and HTML (and PDF).

The names are recorded in the manifest before they are written, and the
previous run's roll-up files that this run did not rewrite (another name, no
``--rollup-name``, a failed write) are removed afterwards — only while they
still have the hash we wrote (``ownership``): a roll-up the officer edited is
neither overwritten nor removed. A failed write (a full disk) is reported in
Chinese and makes the run's exit code 2.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..render.outputs import OutputFailed, write_outputs
from ..util.files import safe_filename, write_error_message
from .cleanup import OutputRemover, outputs_of
from .ownership import sha256_of
from .rollup import ROLLUP_TITLE, Rollup, Selection

if TYPE_CHECKING:
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
) -> tuple[dict[str, str], bool]:
    """Write the roll-up report (when ``name``), drop last run's other roll-up files.

    ``taken(stem)``: whether an input's outputs already use that name.
    Returns the names written by format, and whether writing failed.
    """
    failed = False
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
        ownership = remover.ownership
        edited = [p.name for p in paths.values() if not (p.name in old.values() and p.name not in manifest.written)]
        edited = [n for n in edited if not ownership.ours(n)]
        written: dict[str, Path] = {}
        if edited:
            for n in edited:
                ownership.keep(n)
            warn(f"汇总报告 {'、'.join(edited)} 在生成后被修改过，为免覆盖，本次未更新；请改名或移走后重新运行。")
            failed = True
        else:
            try:
                written = write_outputs(report, paths, wanted, title=title)
            except OutputFailed as exc:  # the summary is written; say what failed, in Chinese
                written, failed = exc.written, True
                if isinstance(exc.cause, OSError):
                    warn(f"未能生成汇总报告。{write_error_message(exc.path, exc.cause)}")
                else:
                    warn(f"生成汇总报告时发生内部错误（{type(exc.cause).__name__}），汇总报告未生成。")
        for path in written.values():
            with contextlib.suppress(OSError):
                manifest.record_written(path.name, sha256_of(path))
        outputs = {fmt: path.name for fmt, path in written.items()}
    keep = set(outputs.values()) | {n for e in manifest.entries.values() for n in outputs_of(e)}
    for stale in sorted(set(old.values()) - keep):
        remover.unlink(stale)
    if old or outputs:
        manifest.record_rollup(outputs)
    return outputs, failed
