"""Which files in OUT_DIR are ours to replace or delete: recorded by the manifest, and unchanged since we wrote them.

Every output is recorded with the sha256 of the bytes we wrote (a report's
``hashes`` by format; ``written`` lines for the roll-up and the summary). A
report the clerk opened and stamped, signed or edited afterwards no longer
has that hash: it is never deleted, moved or overwritten — its input's new
report is not written and the file gets an ``OUTPUT_EDITED`` warning
instead. Entries recorded before hashes were kept are trusted as written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..util.files import hash_regular_file

if TYPE_CHECKING:
    from .manifest import Manifest, ManifestEntry


def sha256_of(path: Path) -> str:
    """The hash recorded for an output we just wrote."""
    return hash_regular_file(path)[0]


def hash_of(entry: ManifestEntry | None, fmt: str) -> str:
    """The hash recorded for an entry's output of format ``fmt`` (``""``: recorded before hashes were kept)."""
    return entry.result.hashes.get(fmt, "") if entry is not None else ""


def own_hash(entry: ManifestEntry | None, fmt: str, name: str) -> str | None:
    """The recorded hash when ``name`` is the entry's own output of format ``fmt``; else ``None`` (look it up)."""
    if entry is None or entry.result.outputs.get(fmt) != name:
        return None
    return hash_of(entry, fmt)


class Ownership:
    """Answers "may we replace or delete this file?" for one OUT_DIR, and lists the files it had to leave alone."""

    def __init__(self, out_dir: Path, manifest: Manifest) -> None:
        self.out_dir = out_dir
        self.manifest = manifest
        #: Outputs changed since we wrote them, left alone this run.
        self.kept_edited: list[str] = []

    def ours(self, name: str, sha: str | None = None) -> bool:
        """Absent, or a regular file we wrote that still has the hash we wrote (``sha``, else the manifest's)."""
        path = self.out_dir / name
        if not path.is_symlink() and not path.exists():
            return True
        if path.is_symlink() or not path.is_file():
            return False
        recorded = sha if sha is not None else self.manifest.recorded_sha(name)
        if recorded is None:
            return False
        if not recorded:
            return True  # recorded before hashes were kept: trusted as written
        try:
            return sha256_of(path) == recorded
        except OSError:
            return False

    def keep(self, name: str) -> None:
        """Note an output left alone because it was edited."""
        if name not in self.kept_edited:
            self.kept_edited.append(name)
