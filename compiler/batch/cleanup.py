"""What a batch removes, and only that: a killed run's leftovers, and outputs the manifest records as ours.

Only names the manifest holds, that look like our outputs (a plain file name
with one of our suffixes, never the summary, manifest or lock) and that no
remaining input or roll-up claims are ever deleted; nothing else in OUT_DIR is
touched.
"""

from __future__ import annotations

import contextlib
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

from ..render.outputs import FORMATS
from ..util.files import TEMP_PREFIX
from ..util.text import display_text
from .lock import LOCK_NAME
from .manifest import MANIFEST_NAME, Manifest, ManifestEntry
from .summary import SUMMARY_NAME

WORK_DIR = ".nianbao-work"


def fresh_staging(out_dir: Path) -> Path:
    """Remove staging folders and temporary files a killed run left behind; a fresh staging folder."""
    work = out_dir / WORK_DIR
    if work.exists():
        shutil.rmtree(work, ignore_errors=True)
    for tmp in out_dir.glob(f"{TEMP_PREFIX}*"):
        with contextlib.suppress(OSError):
            tmp.unlink()
    staging = work / uuid.uuid4().hex[:12]
    staging.mkdir(parents=True)
    return staging


def remove_work_dir(out_dir: Path) -> None:
    shutil.rmtree(out_dir / WORK_DIR, ignore_errors=True)


def outputs_of(entry: ManifestEntry) -> list[str]:
    """The output file names a manifest entry records."""
    return list(entry.result.outputs.values())


def is_output_name(name: object) -> bool:
    """A plain file name in OUT_DIR with one of our output suffixes (never the summary, manifest or a folder)."""
    if not isinstance(name, str) or not name or name.startswith(".") or "/" in name or "\\" in name:
        return False
    if name in (SUMMARY_NAME, MANIFEST_NAME, LOCK_NAME) or "\x00" in name:
        return False
    return Path(name).suffix.lower().lstrip(".") in FORMATS


class OutputRemover:
    """Deletes recorded outputs of ours, remembering what it removed; ``warn`` reports one it could not."""

    def __init__(self, out_dir: Path, warn: Callable[[str], None]) -> None:
        self.out_dir = out_dir
        self.warn = warn
        self.removed: list[str] = []

    def unlink(self, name: str) -> None:
        """Delete one recorded output of ours; anything that does not look like one is left alone."""
        if not is_output_name(name):
            return
        path = self.out_dir / name
        try:
            if path.is_symlink() or path.is_file():
                path.unlink()
                self.removed.append(name)
        except OSError:
            self.warn(f"无法删除过时的输出文件 {display_text(name, 200)}（可能正被打开），请手工删除。")

    def remove_stale(self, manifest: Manifest, present: set[str]) -> None:
        """Remove the outputs the manifest recorded for inputs no longer in IN_DIR (before their entries go).

        A kill in between only repeats this on the next run.
        """
        entries = manifest.entries
        claimed = {n for rel, e in entries.items() if rel in present for n in outputs_of(e)}
        claimed |= set(manifest.rollup_outputs.values())
        for rel, entry in sorted(entries.items()):
            if rel in present:
                continue
            for name in outputs_of(entry):
                if name not in claimed:
                    self.unlink(name)
