"""Write faults: a read-only folder, a path through a file, a full disk, a failed rename.

For ``compile``, ``check --annotate``, ``export -o``, ``template -o`` (and
``template --roster``, ``import -o``) every fault gives a clear Chinese
message and exit code 2, no traceback, no temporary or partial file, and an
older output of the same name left exactly as it was.

Faults are produced three ways:

* for real where the kernel allows it for everyone: an output path running
  through a regular file;
* by monkeypatching the write path (``tempfile.mkstemp`` refusing with
  EACCES, the writer filling the disk half-way with ENOSPC, ``os.replace``
  refused): meaningful as root, which CI is (root ignores ``chmod``);
* for real in a private mount namespace (``unshare -m``): a read-only mount
  (EROFS) and a 64 KB tmpfs that fills up. Skipped where mounting is not
  permitted; the mount disappears with the process.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from synth import consistent_report
from typer.testing import CliRunner

import compiler.util.files as files_module
from compiler.cli import app
from compiler.template.writer import write_template
from compiler.util.files import TEMP_PREFIX

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "samples" / "published" / "quzhou-jgsw-2022.txt"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# ----------------------------------------------------------------------------- inputs and commands
@dataclass
class Inputs:
    xlsx: Path
    json: Path
    roster: Path
    published: Path


@pytest.fixture
def inputs(tmp_path: Path) -> Inputs:
    folder = tmp_path / "inputs"
    folder.mkdir()
    report = consistent_report(random.Random(5))
    xlsx = write_template(folder / "填报表.xlsx", report)
    js = folder / "报告.json"
    js.write_text(report.dumps(), encoding="utf-8")
    roster = folder / "名单.csv"
    roster.write_text("单位名称\n甲局\n乙局\n", encoding="utf-8")
    published = folder / PUBLISHED.name
    shutil.copy(PUBLISHED, published)
    return Inputs(xlsx, js, roster, published)


#: Command → (arguments given the inputs and the output folder, the file it would write there).
COMMANDS: dict[str, Callable[[Inputs, Path], tuple[list[str], str]]] = {
    "compile": lambda i, out: (
        ["compile", str(i.xlsx), "-o", str(out / "报告.docx"), "--format", "docx,html"],
        "报告.docx",
    ),
    "compile-json": lambda i, out: (["compile", str(i.json), "-o", str(out / "报告.docx")], "报告.docx"),
    "check-annotate": lambda i, out: (["check", str(i.xlsx), "--annotate", str(out)], "填报表.核查.xlsx"),
    "check-annotate-json": lambda i, out: (["check", str(i.json), "--annotate", str(out)], "报告.核查.xlsx"),
    "export": lambda i, out: (["export", str(i.xlsx), "-o", str(out / "报告.json")], "报告.json"),
    # --overwrite: the fault tests put an older output in the way, and the write itself must fail
    "template": lambda i, out: (["template", "-o", str(out / "模板.xlsx"), "--overwrite"], "模板.xlsx"),
    "template-agency": lambda i, out: (
        ["template", "-o", str(out / "模板.xlsx"), "--agency", "某局", "--year", "2024", "--overwrite"],
        "模板.xlsx",
    ),
    "template-roster": lambda i, out: (
        ["template", "--roster", str(i.roster), "--year", "2024", "-o", str(out)],
        "甲局2024年政府信息公开工作年度报告填报表.xlsx",
    ),
    "import": lambda i, out: (["import", str(i.published), "-o", str(out / "上年.json")], "上年.json"),
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(root: Path) -> dict[Path, str]:
    return {p: sha256(p) for p in root.rglob("*") if p.is_file()}


def temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.startswith(TEMP_PREFIX)]


def run_cli(args: list[str]) -> Any:
    result = CliRunner().invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output, result.output
    return result


def assert_refused(result: Any, reason: str) -> None:
    assert result.exit_code == 2, result.output
    message = result.stderr
    assert "无法写入" in message or "无法写出" in message, message
    assert reason in message, message
    assert "未留下不完整的文件" in message
    assert "Errno" not in message and "Error" not in message, message  # Chinese, not a Python exception


# ----------------------------------------------------------------------------- fault routes
def _inside(path: Any, folder: Path) -> bool:
    try:
        return Path(path).resolve().is_relative_to(folder.resolve())
    except (OSError, TypeError, ValueError):
        return False


def fault_parent_is_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A real fault for every user, root included: the output folder's parent is a regular file."""
    blocker = tmp_path / "是文件"
    blocker.write_text("x", encoding="utf-8")
    return blocker / "输出", "是文件而不是文件夹"


def fault_readonly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A read-only folder: ``chmod`` for an ordinary user; as root (who ignores it) creating a file there fails."""
    out = tmp_path / "只读"
    out.mkdir()
    if IS_ROOT:
        real = tempfile.mkstemp

        def mkstemp(*args: Any, **kwargs: Any) -> Any:
            folder = kwargs.get("dir") or (args[2] if len(args) > 2 else None)
            if folder is not None and _inside(folder, out):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(folder))
            return real(*args, **kwargs)

        monkeypatch.setattr(files_module.tempfile, "mkstemp", mkstemp)
    else:
        out.chmod(0o555)  # restored by _restore_permissions
    return out, "没有写入权限"


def fault_disk_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """The disk fills up half-way through writing the output (ENOSPC after some bytes hit the disk)."""
    out = tmp_path / "磁盘满"
    out.mkdir()

    def half_then_enospc(path: Path, data: bytes) -> None:
        with open(path, "wb") as fh:
            fh.write(data[: max(1, len(data) // 2)])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    real_bytes, real_text = Path.write_bytes, Path.write_text

    def write_bytes(self: Path, data: Any) -> int:
        if _inside(self, out):
            half_then_enospc(self, bytes(data))
        return real_bytes(self, data)

    def write_text(
        self: Path, data: str, encoding: str | None = None, errors: str | None = None, newline: str | None = None
    ) -> int:
        if _inside(self, out):
            half_then_enospc(self, data.encode(encoding or "utf-8"))
        return real_text(self, data, encoding=encoding, errors=errors, newline=newline)

    from openpyxl.workbook.workbook import Workbook

    real_save = Workbook.save

    def save(self: Any, filename: Any) -> None:
        if _inside(filename, out):
            buf = io.BytesIO()
            real_save(self, buf)
            half_then_enospc(Path(filename), buf.getvalue())
        real_save(self, filename)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    monkeypatch.setattr(Path, "write_text", write_text)
    monkeypatch.setattr(Workbook, "save", save)
    return out, "磁盘空间已满"


def fault_rename_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """The complete temporary file cannot be renamed over the target (e.g. Excel holds it open on Windows)."""
    out = tmp_path / "被占用"
    out.mkdir()
    real = os.replace

    def replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if _inside(dst, out):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(dst))
        real(src, dst, *args, **kwargs)

    monkeypatch.setattr(files_module.os, "replace", replace)
    return out, "没有写入权限"


FAULTS = {
    "parent_is_file": fault_parent_is_file,
    "readonly": fault_readonly,
    "disk_full": fault_disk_full,
    "rename_refused": fault_rename_refused,
}


@pytest.fixture(autouse=True)
def _restore_permissions(tmp_path: Path) -> Iterator[None]:
    yield
    for p in tmp_path.rglob("*"):  # let pytest clean up a chmod-ed folder
        if p.is_dir():
            p.chmod(0o755)


# ----------------------------------------------------------------------------- in-process faults
@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_write_fault(command: str, fault: str, inputs: Inputs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs_before = snapshot(inputs.xlsx.parent)
    out, reason = FAULTS[fault](tmp_path, monkeypatch)
    args, name = COMMANDS[command](inputs, out)
    old = None
    if out.is_dir() and fault in ("disk_full", "rename_refused"):
        old = out / name
        with open(old, "wb") as fh:  # not Path.write_bytes: that is the patched writer
            fh.write(b"an older output that must survive")
        old_hash = sha256(old)
    monkeypatch.chdir(tmp_path)
    result = run_cli(args)
    assert_refused(result, reason)
    monkeypatch.undo()  # real filesystem functions again for the checks below
    assert snapshot(inputs.xlsx.parent) == inputs_before  # inputs untouched
    assert temp_files(tmp_path) == []
    if out.is_dir():
        left = sorted(p.name for p in out.iterdir())
        assert left == ([name] if old is not None else []), left
    if old is not None:
        assert sha256(old) == old_hash


def test_readonly_folder_for_real_when_not_root(inputs: Inputs, tmp_path: Path) -> None:
    """As an ordinary user ``chmod 555`` is a real read-only folder (as root this route is simulated above)."""
    if IS_ROOT:
        pytest.skip("root ignores folder permissions; covered by the simulated and the mount-namespace routes")
    out = tmp_path / "只读"
    out.mkdir()
    out.chmod(0o555)
    result = run_cli(["export", str(inputs.xlsx), "-o", str(out / "x.json")])
    assert_refused(result, "没有写入权限")
    assert list(out.iterdir()) == []


def test_compile_beside_a_readonly_input(inputs: Inputs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No ``-o``: the report goes beside the input; a read-only input folder (a CD, a locked share) is a clear error."""
    folder = inputs.xlsx.parent
    before = snapshot(folder)
    if IS_ROOT:
        real = tempfile.mkstemp

        def mkstemp(*args: Any, **kwargs: Any) -> Any:
            if _inside(kwargs.get("dir"), folder):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(kwargs.get("dir")))
            return real(*args, **kwargs)

        monkeypatch.setattr(files_module.tempfile, "mkstemp", mkstemp)
    else:
        folder.chmod(0o555)
    result = run_cli(["compile", str(inputs.xlsx)])
    assert_refused(result, "没有写入权限")
    assert "换一个输出位置" in result.stderr
    assert snapshot(folder) == before


def test_compile_fails_on_html_after_docx(inputs: Inputs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fault on the second format: the finished Word file stays (complete), no partial HTML, exit 2."""
    out = tmp_path / "out"
    out.mkdir()
    real_text = Path.write_text

    def write_text(self: Path, data: str, *args: Any, **kwargs: Any) -> int:
        if self.parent == out:
            with open(self, "w", encoding="utf-8") as fh:
                fh.write(data[:100])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real_text(self, data, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", write_text)
    result = run_cli(["compile", str(inputs.xlsx), "-o", str(out / "r.docx"), "--format", "docx,html"])
    monkeypatch.undo()
    assert_refused(result, "磁盘空间已满")
    assert "r.html" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["r.docx"]
    from docx import Document

    Document(str(out / "r.docx"))  # complete and readable


# ----------------------------------------------------------------------------- real faults in a private mount namespace
@cache
def _can_mount() -> bool:
    if not shutil.which("unshare") or not IS_ROOT:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        probe = subprocess.run(
            ["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=16k tmpfs '{tmp}'"],
            capture_output=True,
            timeout=30,
        )
    return probe.returncode == 0


def _in_namespace(setup: str, args: list[str], out: Path, cwd: Path) -> tuple[int, str, list[str]]:
    """Run the CLI after ``setup`` (mount commands) in a private mount namespace; exit code, stderr, files left."""
    script = f'set -e\n{setup}\nset +e\n"$PY" -m compiler.cli "$@" 2> "$ERR"\necho "rc=$?"\nls -A "$OUT"\n'
    err = cwd / "stderr.txt"
    env = {**os.environ, "PY": sys.executable, "OUT": str(out), "ERR": str(err), "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    rc_line = next(i for i, line in enumerate(lines) if line.startswith("rc="))
    return int(lines[rc_line][3:]), err.read_text(encoding="utf-8"), lines[rc_line + 1 :]


MOUNT_FAULTS = {
    # a read-only mount: EROFS even for root
    "readonly_mount": ('mount -t tmpfs -o size=1m tmpfs "$OUT"\nmount -o remount,ro "$OUT"', "只读", []),
    # a 64 KB disk with 4 KB left: every output runs out of space part-way
    "full_tmpfs": (
        'mount -t tmpfs -o size=64k tmpfs "$OUT"\ndd if=/dev/zero of="$OUT/filler" bs=1k count=60 2>/dev/null || true',
        "磁盘空间已满",
        ["filler"],
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(MOUNT_FAULTS))
@pytest.mark.parametrize("command", ["compile", "check-annotate", "export", "template", "template-roster"])
def test_real_kernel_fault(command: str, fault: str, inputs: Inputs, tmp_path: Path) -> None:
    if not _can_mount():
        pytest.skip("mounting in a private namespace (unshare -m) is not permitted here")
    out = tmp_path / "mnt"
    out.mkdir()
    before = snapshot(inputs.xlsx.parent)
    setup, reason, expected_left = MOUNT_FAULTS[fault]
    args, _ = COMMANDS[command](inputs, out)
    code, stderr, left = _in_namespace(setup, args, out, tmp_path)
    assert code == 2, stderr
    assert "Traceback" not in stderr
    assert reason in stderr and "未留下不完整的文件" in stderr, stderr
    assert left == expected_left, left  # no partial output, no temporary file
    assert snapshot(inputs.xlsx.parent) == before
