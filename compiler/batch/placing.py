"""Final output names, moved into place by rename: ``<单位><年度>年政府信息公开工作年度报告``, numbered on clashes.

Inputs claiming the same name form a group, numbered in the order of their
paths. Renumbering is two-phase (to temporary names, then to the final ones),
each move recorded in the manifest right after it, so the manifest never names
a file that holds another input's report and a kill at any instant leaves
complete outputs.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..util.files import TEMP_PREFIX
from .manifest import Manifest, ManifestEntry
from .names import numbered, stem_key
from .plan import Planned, run_context

if TYPE_CHECKING:
    from .results import FileOutcome


class OutputPlacer:
    """The name groups of one OUT_DIR, and the moves that keep every member's deterministic name."""

    def __init__(self, out_dir: Path, manifest: Manifest) -> None:
        self.out_dir = out_dir
        self.manifest = manifest
        self.groups: dict[str, list[str]] = {}  # stem key → rels holding outputs, sorted
        self.member_of: dict[str, str] = {}  # rel → its group's stem key

    def init_groups(self, inputs: list[str]) -> None:
        """Name groups from the manifest: an entry holds its names while any of its outputs exists."""
        for rel in inputs:
            entry = self.manifest.get(rel)
            if entry and any((self.out_dir / name).is_file() for name in entry.result.outputs.values()):
                self._join(rel, entry.result.stem)
        for key in list(self.groups):
            self._relayout(key)

    def taken(self, stem: str) -> bool:
        """Whether an input's outputs already use this name (the roll-up then takes another)."""
        return stem_key(stem) in self.groups

    def place(self, planned: Planned, outcome: FileOutcome) -> FileOutcome:
        """Move a finished file's staged outputs to their final names, then record it in the manifest."""
        rel = planned.rel
        staged = outcome.outputs
        new_key = stem_key(outcome.stem) if staged else None
        old_outputs = dict(self._outputs(rel)) if rel in self.member_of else {}
        if rel in self.member_of and self.member_of[rel] != new_key:
            # Its old outputs go (recorded at once), and the rest of its old group closes ranks.
            for name in old_outputs.values():
                with contextlib.suppress(OSError):
                    (self.out_dir / name).unlink()
            self._record_outputs(rel, {})
            self._leave(rel)
            old_outputs = {}
        final: dict[str, str] = {}
        if staged:
            if rel not in self.member_of:
                self._join(rel, outcome.stem)
                self._relayout(self.member_of[rel], skip=rel)  # members after it move up first
            stem = numbered(outcome.stem, self.groups[self.member_of[rel]].index(rel))
            for fmt, src in staged.items():
                final[fmt] = f"{stem}.{fmt}"
                os.replace(src, self.out_dir / final[fmt])
        for fmt, name in old_outputs.items():
            if final.get(fmt) != name:
                with contextlib.suppress(OSError):
                    (self.out_dir / name).unlink()
        outcome.outputs = final
        self.manifest.record(ManifestEntry(rel, planned.sha, outcome, planned.size, run_context()))
        return outcome

    # -------------------------------------------------------------- groups
    def _outputs(self, rel: str) -> dict[str, str]:
        return self.manifest.entries[rel].result.outputs

    def _join(self, rel: str, stem: str) -> str:
        key = stem_key(stem)
        members = self.groups.setdefault(key, [])
        if rel not in members:
            members.append(rel)
            members.sort()
        self.member_of[rel] = key
        return key

    def _leave(self, rel: str) -> None:
        key = self.member_of.pop(rel, None)
        if key is None:
            return
        members = self.groups.get(key, [])
        if rel in members:
            members.remove(rel)
        if members:
            self._relayout(key)
        else:
            self.groups.pop(key, None)

    def _relayout(self, key: str, *, skip: str | None = None) -> None:
        """Give every member of a name group its deterministic name, moving files whose name changed (two phases)."""
        moves = []
        for i, rel in enumerate(self.groups.get(key, [])):
            if rel == skip:
                continue
            result = self.manifest.entries[rel].result
            want = numbered(result.stem, i)
            if any(Path(name).stem != want for name in result.outputs.values()):
                moves.append((rel, want))
        staged: list[tuple[str, str, dict[str, str]]] = []
        for n, (rel, want) in enumerate(moves):
            temp = {}
            for fmt, name in self._outputs(rel).items():
                if (self.out_dir / name).is_file():
                    temp[fmt] = f"{TEMP_PREFIX}move-{n}-{uuid.uuid4().hex[:8]}.{fmt}"
                    os.replace(self.out_dir / name, self.out_dir / temp[fmt])
            self._record_outputs(rel, temp)
            staged.append((rel, want, temp))
        for rel, want, temp in staged:
            final = {}
            for fmt, name in temp.items():
                final[fmt] = f"{want}.{fmt}"
                os.replace(self.out_dir / name, self.out_dir / final[fmt])
            self._record_outputs(rel, final)

    def _record_outputs(self, rel: str, outputs: dict[str, str]) -> None:
        entry = self.manifest.entries[rel]
        self.manifest.record(replace(entry, result=replace(entry.result, outputs=dict(outputs))))
