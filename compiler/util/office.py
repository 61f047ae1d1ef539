"""LibreOffice headless: DOCX→PDF and spreadsheet recalculation, with a private profile.

A private profile keeps runs independent of any user's settings; for
spreadsheets it sets ``OOXMLRecalcMode`` to 0 ("always recalculate") so that
formula results come from LibreOffice, not from cached values.

LibreOffice runs in its own process group (session), with its temporary
files inside the private profile folder: on a timeout, an error or Ctrl-C the
whole group is killed (``soffice`` is a script; the work is done by a
grandchild ``soffice.bin``) and the folder removed, so nothing keeps running
or lies about after nianbao returns. A batch worker that is itself killed
(timeout, memory, crash) cannot do that, so ``group_watcher`` tells its
supervisor which group is running, and the supervisor ends it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from .fonts import fontconfig_file

_RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


#: Called with a child's process-group id when it starts (``True``) and once it is gone (``False``);
#: a batch worker reports both to its supervisor (``batch.pool``), which ends the group if it kills the worker.
group_watcher: Callable[[int, bool], None] | None = None


def _watch(pgid: int, alive: bool) -> None:
    if group_watcher is not None:
        with contextlib.suppress(Exception):  # reporting must never break the conversion
            group_watcher(pgid, alive)


class OfficeUnavailable(RuntimeError):
    """LibreOffice (soffice) is not installed."""


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def convert(src: Path, fmt: str, outdir: Path, *, timeout: float = 180) -> Path:
    """Convert ``src`` with LibreOffice to ``fmt`` (e.g. ``pdf``, ``xlsx``) in ``outdir``.

    Spreadsheets are recalculated on load. Returns the produced file.
    """
    soffice = find_soffice()
    if not soffice:
        raise OfficeUnavailable("未找到 LibreOffice（soffice），无法转换；请安装 LibreOffice 后重试。")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_RECALC_PROFILE, encoding="utf-8")
        tmp = Path(profile) / "tmp"
        tmp.mkdir()
        env = dict(os.environ, HOME=profile, TMPDIR=str(tmp), TMP=str(tmp), TEMP=str(tmp))
        fonts = fontconfig_file(Path(profile))  # free stand-ins for the official fonts (see util.fonts)
        if fonts is not None:
            env["FONTCONFIG_FILE"] = str(fonts)
        run_group(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                fmt,
                "--outdir",
                str(outdir),
                str(src),
            ],
            timeout=timeout,
            env=env,
        )
    out = outdir / (src.stem + "." + fmt.split(":")[0])
    if not out.exists():
        raise RuntimeError(f"LibreOffice 未生成 {out.name}")
    return out


def run_group(args: list[str], *, timeout: float, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    """Run ``args`` in a new process group; kill the whole group on timeout or any exception.

    Raises ``subprocess.TimeoutExpired`` and ``subprocess.CalledProcessError``
    like ``subprocess.run(check=True)``.
    """
    proc = subprocess.Popen(
        args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True
    )
    _watch(proc.pid, True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException:
        _kill_group(proc)
        _watch(proc.pid, False)
        raise
    _kill_group(proc)  # a helper it left behind (the group outlives its leader)
    _watch(proc.pid, False)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, args, out, err)
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError, AttributeError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        proc.kill()
    with contextlib.suppress(Exception):
        proc.communicate(timeout=10)
