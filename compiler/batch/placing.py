"""Final output names, moved into place by rename: ``<单位><年度>年政府信息公开工作年度报告``, numbered on clashes.

Inputs claiming the same name form a group, numbered in the order of their
paths. Renumbering is two-phase (to temporary names, then to the final ones),
each move recorded in the manifest right after it, so the manifest never names
a file that holds another input's report and a kill at any instant leaves
complete outputs.

Nothing that is not ours is ever replaced or moved (``ownership``): a report
the clerk edited after we wrote it stays where it is, its input's new report
is not written (``OUTPUT_EDITED``), and a member whose new name is held by
someone else's file keeps its old name.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..util.files import TEMP_PREFIX
from . import OK, WARNINGS
from .manifest import Manifest, ManifestEntry
from .names import numbered, stem_key
from .ownership import Ownership, hash_of, own_hash, sha256_of
from .plan import Planned, run_context
from .results import batch_finding

if TYPE_CHECKING:
    from .results import FileOutcome


class OutputPlacer:
    """The name groups of one OUT_DIR, and the moves that keep every member's deterministic name."""

    def __init__(self, out_dir: Path, manifest: Manifest, ownership: Ownership) -> None:
        self.out_dir = out_dir
        self.manifest = manifest
        self.ownership = ownership
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
        old_entry = self.manifest.entries.get(rel)
        old_outputs = dict(self._outputs(rel)) if rel in self.member_of else {}
        if rel in self.member_of and self.member_of[rel] != new_key:
            # Its old outputs go (recorded at once), and the rest of its old group closes ranks.
            for fmt, name in old_outputs.items():
                self._discard(name, hash_of(old_entry, fmt))
            self._record_outputs(rel, {})
            self._leave(rel)
            old_outputs = {}
        final: dict[str, str] = {}
        hashes: dict[str, str] = {}
        if staged:
            if rel not in self.member_of:
                self._join(rel, outcome.stem)
                self._relayout(self.member_of[rel], skip=rel)  # members after it move up first
            stem = numbered(outcome.stem, self.groups[self.member_of[rel]].index(rel))
            targets = {fmt: f"{stem}.{fmt}" for fmt in staged}
            edited = sorted(n for fmt, n in targets.items() if not self.ownership.ours(n, own_hash(old_entry, fmt, n)))
            if edited:  # the clerk changed a report we wrote: keep it, write nothing over it
                for name in edited:
                    self.ownership.keep(name)
                _warn_edited(outcome, edited)
                staged = {}
            for fmt, src in staged.items():
                hashes[fmt] = sha256_of(Path(src))
                final[fmt] = targets[fmt]
                os.replace(src, self.out_dir / final[fmt])
        for fmt, name in old_outputs.items():
            if final.get(fmt) != name and name not in self.ownership.kept_edited:
                self._discard(name, hash_of(old_entry, fmt))
        outcome.outputs, outcome.hashes = final, hashes
        # The hash of what the worker actually read; the planning hash only if it could not say.
        sha, size = outcome.sha256 or planned.sha, outcome.size or planned.size
        outcome.sha256 = outcome.size = None  # recorded beside the result, not inside it
        self.manifest.record(ManifestEntry(rel, sha, outcome, size, run_context()))
        return outcome

    def _discard(self, name: str, sha: str | None) -> None:
        """Remove an old output of ours that nothing records any more (an edited one is left alone)."""
        path = self.out_dir / name
        if not path.is_file():
            return
        if not self.ownership.ours(name, sha):
            self.ownership.keep(name)
            return
        with contextlib.suppress(OSError):
            path.unlink()

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
        was: dict[str, str] = {}  # temporary name → the name it had
        for n, (rel, want) in enumerate(moves):
            temp = {}
            entry = self.manifest.entries[rel]
            for fmt, name in self._outputs(rel).items():
                if not (self.out_dir / name).is_file():
                    continue
                if not self.ownership.ours(name, hash_of(entry, fmt)):  # edited by the clerk: stays, theirs now
                    self.ownership.keep(name)
                    continue
                temp[fmt] = f"{TEMP_PREFIX}move-{n}-{uuid.uuid4().hex[:8]}.{fmt}"
                was[temp[fmt]] = name
                os.replace(self.out_dir / name, self.out_dir / temp[fmt])
            self._record_outputs(rel, temp)
            staged.append((rel, want, temp))
        for rel, want, temp in staged:
            final = {}
            for fmt, name in temp.items():
                final[fmt] = f"{want}.{fmt}"
                if (self.out_dir / final[fmt]).exists() or (self.out_dir / final[fmt]).is_symlink():
                    final[fmt] = was[name]  # someone else's file holds the name: never clobbered, ours goes back
                os.replace(self.out_dir / name, self.out_dir / final[fmt])
            self._record_outputs(rel, final)

    def _record_outputs(self, rel: str, outputs: dict[str, str]) -> None:
        """Record where ``rel``'s outputs now are (by format; their hashes travel with them)."""
        entry = self.manifest.entries[rel]
        hashes = {fmt: h for fmt, h in entry.result.hashes.items() if fmt in outputs}
        self.manifest.record(replace(entry, result=replace(entry.result, outputs=dict(outputs), hashes=hashes)))


def _warn_edited(outcome: FileOutcome, names: list[str]) -> None:
    """The file's outcome when its report could not be written because the clerk edited the old one."""
    shown = "、".join(names)
    message = (
        f"输出目录中的 {shown} 在生成后被修改过（如盖章、签字），为免覆盖，未写入新生成的报告。"
        "如需新报告，请先把修改过的文件改名或移走，再重新运行。"
    )
    outcome.findings = [batch_finding("OUTPUT_EDITED", message), *outcome.findings]
    if outcome.status == OK:
        outcome.status = WARNINGS
    outcome.outputs = {}
