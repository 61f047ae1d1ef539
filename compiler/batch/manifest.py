"""The resume manifest: which input (by content hash) produced which outputs.

An append-only JSON-lines file, ``OUT_DIR/.nianbao-manifest.jsonl``. A line is
appended (and flushed to the OS) after each finished file, once its outputs
have been renamed into place, so a SIGKILL at any moment leaves either the old
entry or the new one; a torn last line is ignored on load. The file is
rewritten atomically (compacted) at the start and the end of every run. Disk
syncs (``fsync``) are batched to one per ``sync_interval`` seconds: a killed
process loses nothing already written; a power cut may lose the last second,
and those files are simply compiled again.

Besides one line per input, a ``{"kind": "rollup", "outputs": …}`` line
records the roll-up report files (``--rollup-name``) the last run wrote, so
the next run can remove them when the name changes or is dropped.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..util.files import write_atomic
from .results import FileOutcome

MANIFEST_NAME = ".nianbao-manifest.jsonl"
KIND = "nianbao-batch-manifest"
VERSION = 1
ROLLUP_KIND = "rollup"


@dataclass
class ManifestEntry:
    """One input's line: its path, the content hash and size it had, the run context, and its outcome."""

    rel: str
    sha256: str
    result: FileOutcome
    size: int = 0
    #: What besides the content the result depends on (``plan.run_context``).
    ctx: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "rel": self.rel,
            "sha256": self.sha256,
            "size": self.size,
            "ctx": self.ctx,
            "result": self.result.to_json(),
        }

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> ManifestEntry:
        """From a manifest line (a line of an older or damaged manifest gives what it holds)."""
        size = item.get("size")
        ctx = item.get("ctx")
        return cls(
            rel=item["rel"],
            sha256=str(item.get("sha256") or ""),
            result=FileOutcome.from_json(dict(item["result"], rel=item["rel"])),
            size=size if isinstance(size, int) else 0,
            ctx=ctx if isinstance(ctx, dict) else {},
        )


class Manifest:
    """Entries by input path (relative to IN_DIR, ``/`` separated); the last line for a path wins."""

    def __init__(self, out_dir: Path, *, sync_interval: float = 0.5) -> None:
        self.path = Path(out_dir) / MANIFEST_NAME
        self.entries: dict[str, ManifestEntry] = {}
        #: The roll-up report files written (format → name in OUT_DIR).
        self.rollup_outputs: dict[str, str] = {}
        self.sync_interval = sync_interval
        self._fh: IO[str] | None = None
        self._last_sync = 0.0

    # ------------------------------------------------------------------ load
    def load(self) -> Manifest:
        """Read every intact line; a torn or foreign line is skipped, never fatal."""
        self.entries = {}
        self.rollup_outputs = {}
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return self
        for line in text.split("\n"):  # not splitlines(): U+2028 etc. may sit inside strings
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict) and isinstance(item.get("rel"), str) and isinstance(item.get("result"), dict):
                self.entries[item["rel"]] = ManifestEntry.from_json(item)
            elif isinstance(item, dict) and item.get("kind") == ROLLUP_KIND and isinstance(item.get("outputs"), dict):
                self.rollup_outputs = {str(k): v for k, v in item["outputs"].items() if isinstance(v, str)}
        return self

    def compact(self, keep: set[str] | None = None) -> None:
        """Rewrite the file atomically with one line per entry (only ``keep`` paths when given)."""
        self.close()
        if keep is not None:
            self.entries = {rel: e for rel, e in self.entries.items() if rel in keep}
        header = json.dumps({"kind": KIND, "version": VERSION}, ensure_ascii=False)
        lines = [header] + [_dumps(e.to_json()) for _, e in sorted(self.entries.items())]
        if self.rollup_outputs:
            lines.append(_dumps({"kind": ROLLUP_KIND, "outputs": self.rollup_outputs}))
        write_atomic(self.path, "\n".join(lines) + "\n")

    # ------------------------------------------------------------------ write
    def record(self, entry: ManifestEntry) -> None:
        """Append one entry and flush it to the OS."""
        self._append(entry.to_json())
        self.entries[entry.rel] = entry

    def record_rollup(self, outputs: dict[str, str]) -> None:
        """Append the roll-up report files now on disk (or about to be written)."""
        self._append({"kind": ROLLUP_KIND, "outputs": dict(outputs)})
        self.rollup_outputs = dict(outputs)

    def _append(self, item: dict[str, Any]) -> None:
        if self._fh is None:
            self._fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 -- kept open for the run
        self._fh.write(_dumps(item) + "\n")
        self._fh.flush()
        now = time.monotonic()
        if now - self._last_sync >= self.sync_interval:
            os.fsync(self._fh.fileno())
            self._last_sync = now

    def close(self) -> None:
        if self._fh is not None:
            with contextlib.suppress(OSError):
                self._fh.flush()
                os.fsync(self._fh.fileno())
            self._fh.close()
            self._fh = None

    def get(self, rel: str) -> ManifestEntry | None:
        return self.entries.get(rel)


def _dumps(entry: dict[str, Any]) -> str:
    # One ASCII line: json escapes newlines, and lone surrogates from odd input cannot break the encoding.
    return json.dumps(entry, ensure_ascii=True, separators=(",", ":"), default=str)
