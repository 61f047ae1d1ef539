"""Which inputs this run must (re)compile: hash each one and keep what the manifest shows is still good.

An input is reused when its content hash and the program's version are those
recorded, it did not fail last time, last year's report it was checked
against is unchanged, and every output of the requested formats still exists.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import ERRORS, FAILED, UNREADABLE
from .names import choose_previous

if TYPE_CHECKING:
    from .discover import Discovery
    from .manifest import Manifest, ManifestEntry
    from .tasks import PreviousEntry

#: Bump when a change of this program should recompile unchanged inputs.
BATCH_VERSION = "1"


@dataclass
class Planned:
    """An input to (re)compile this run: its path, and the content hash and size the manifest will record."""

    rel: str
    path: Path
    sha: str
    size: int


@dataclass
class Plan:
    todo: list[Planned]
    #: How many inputs keep last run's result.
    reused: int


def run_context() -> dict[str, Any]:
    """What, besides the input's content, its recorded result depends on (formats: see ``reusable``)."""
    return {"v": BATCH_VERSION}


def sha256(path: Path) -> str:
    """An input's content hash, read in blocks (the manifest's key for "unchanged")."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def make_plan(
    found: Discovery,
    manifest: Manifest,
    *,
    force: bool,
    formats: list[str],
    previous: Mapping[str, list[PreviousEntry]],
    out_dir: Path,
) -> Plan:
    todo = []
    reused = 0
    for rel in found.inputs:
        path = found.path(rel)
        try:
            sha, size = sha256(path), path.stat().st_size
        except OSError:
            sha, size = "", 0  # the worker will report it unreadable
        entry = manifest.get(rel)
        if not force and sha and entry and reusable(entry, sha, formats=formats, previous=previous, out_dir=out_dir):
            reused += 1
            continue
        todo.append(Planned(rel, path, sha, size))
    return Plan(todo, reused)


def reusable(
    entry: ManifestEntry,
    sha: str,
    *,
    formats: list[str],
    previous: Mapping[str, list[PreviousEntry]],
    out_dir: Path,
) -> bool:
    result = entry.result
    if entry.sha256 != sha or entry.ctx != run_context():
        return False
    if result.status == FAILED:
        return False  # crashes and timeouts are tried again
    expected = choose_previous(previous, result.agency, result.year)
    if (expected.sha if expected else None) != result.prev:
        return False
    outputs = result.outputs
    if outputs and not all(f in outputs and (out_dir / outputs[f]).is_file() for f in formats):
        return False
    return bool(outputs) or result.status in (ERRORS, UNREADABLE)
