"""LibreOffice headless: DOCX→PDF and spreadsheet recalculation, with a private profile.

A private profile keeps runs independent of any user's settings; for
spreadsheets it sets ``OOXMLRecalcMode`` to 0 ("always recalculate") so that
formula results come from LibreOffice, not from cached values.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
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
        env = dict(os.environ, HOME=profile)
        fonts = fontconfig_file(Path(profile))  # free stand-ins for the official fonts (see util.fonts)
        if fonts is not None:
            env["FONTCONFIG_FILE"] = str(fonts)
        subprocess.run(
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
            check=True,
            capture_output=True,
            timeout=timeout,
            env=env,
        )
    out = outdir / (src.stem + "." + fmt.split(":")[0])
    if not out.exists():
        raise RuntimeError(f"LibreOffice 未生成 {out.name}")
    return out
