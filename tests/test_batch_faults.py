"""Batch faults (issue 7): SIGKILL at random points many times, and a disk that fills up.

Each kill must leave only complete reports and a manifest that names only
files that exist; the next run must finish the work without redoing what
was done.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

import pytest
from docx import Document
from synth import consistent_report

from compiler.batch.manifest import Manifest
from compiler.template.writer import write_template
from compiler.util.files import TEMP_PREFIX

N_FILES = 40
N_KILLS = 8


def _make_inputs(folder: Path, n: int) -> None:
    rng = random.Random(7)
    for i in range(n):
        report = consistent_report(rng)
        report.agency = f"第{i:03d}号测试局"
        write_template(folder / f"{i:03d}.xlsx", report)


def _batch_cmd(inp: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "compiler.cli", "batch", str(inp), "-o", str(out), "--jobs", "2", "--quiet"]


def _assert_consistent(out: Path) -> dict:
    """Every visible .docx opens; every manifest entry's outputs exist."""
    for path in out.glob("*.docx"):
        Document(str(path))
    entries = Manifest(out).load().entries
    for rel, entry in entries.items():
        for name in entry.result.outputs.values():
            assert (out / name).is_file(), (rel, name)
    return entries


@pytest.mark.slow
def test_sigkill_at_random_points_many_times(tmp_path):
    inp, out = tmp_path / "in", tmp_path / "out"
    _make_inputs(inp, N_FILES)
    rng = random.Random(2026)
    done_counts = []
    for _ in range(N_KILLS):
        proc = subprocess.Popen(_batch_cmd(inp, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 1.5))  # start-up, mid-file, mid-write: wherever it is
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        time.sleep(0.3)  # workers notice their parent is gone and exit
        done_counts.append(len(_assert_consistent(out)))
    assert done_counts == sorted(done_counts), "a kill lost finished work"
    finished = _assert_consistent(out)
    mtimes = {n: (out / n).stat().st_mtime_ns for e in finished.values() for n in e.result.outputs.values()}

    result = subprocess.run([*_batch_cmd(inp, out), "--json"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["reused"] == len(finished) and summary["processed"] == N_FILES - len(finished)
    assert len(_assert_consistent(out)) == N_FILES
    assert len(list(out.glob("*.docx"))) == N_FILES
    for name, mtime in mtimes.items():
        assert (out / name).stat().st_mtime_ns == mtime, f"{name} was redone"
    assert not [p for p in out.rglob("*") if p.name.startswith(TEMP_PREFIX)]


@cache
def _can_mount() -> bool:
    if not shutil.which("unshare") or os.geteuid() != 0:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        probe = subprocess.run(
            ["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=16k tmpfs '{tmp}'"], capture_output=True, timeout=30
        )
    return probe.returncode == 0


@pytest.mark.slow
def test_full_disk_gives_a_clear_error_and_no_partial_reports(tmp_path):
    """OUT_DIR on a 96 KB tmpfs (a private mount namespace): the reports do not all fit."""
    if not _can_mount():
        pytest.skip("needs root and unshare -m to mount a small tmpfs")
    inp, out = tmp_path / "in", tmp_path / "out"
    _make_inputs(inp, 12)
    out.mkdir()
    script = (
        'mount -t tmpfs -o size=96k tmpfs "$OUT"\n'
        '"$PY" -m compiler.cli batch "$IN" -o "$OUT" --jobs 2 --quiet > "$LOG" 2>&1\n'
        'echo "rc=$?"\n'
        'for f in "$OUT"/*.docx; do [ -e "$f" ] && cp "$f" "$KEEP"/; done\n'
        'ls -A "$OUT"\n'
    )
    keep = tmp_path / "keep"
    keep.mkdir()
    log = tmp_path / "log.txt"
    env = {**os.environ, "PY": sys.executable, "IN": str(inp), "OUT": str(out), "LOG": str(log), "KEEP": str(keep)}
    proc = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    rc = int(next(line for line in lines if line.startswith("rc="))[3:])
    left = lines[lines.index(f"rc={rc}") + 1 :]
    text = log.read_text(encoding="utf-8")
    assert rc in (1, 2), text
    assert "磁盘空间已满" in text or "空间" in text, text
    assert "Traceback" not in text
    assert not [name for name in left if name.startswith(TEMP_PREFIX)], left
    for path in keep.glob("*.docx"):  # whatever did fit is complete
        Document(str(path))
