"""Official fonts and their free stand-ins, for LibreOffice's PDF on a machine without the official faces.

Reports name the fonts of GB/T 9704 (仿宋_GB2312, 方正小标宋简体, 楷体_GB2312, 黑体,
宋体). A Linux machine rarely has them, and fontconfig's own fallback picks a
sans-serif Japanese face. ``fontconfig_file`` writes a fontconfig file that
keeps the system's configuration and, for each official family, *accepts* a
free face of the same kind right after it — serif (Noto Serif CJK SC) for 仿宋,
宋体 and 小标宋, sans (Noto Sans CJK SC) for 黑体, a 楷体 face (AR PL UKai) for
楷体 — so an installed official font still wins and a missing one is replaced
by its nearest free kind. The faces come from the Debian packages
fonts-noto-cjk, fonts-arphic-ukai and fonts-arphic-uming (``.ci/run`` installs
them). ``substitution_notice`` says, once, what was replaced by what.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

#: Free faces by kind, best first (the first installed one is named in the notice).
SERIF = ("Noto Serif CJK SC", "AR PL UMing CN", "Noto Serif CJK")
SANS = ("Noto Sans CJK SC", "Noto Sans CJK")
KAI = ("AR PL UKai CN", "AR PL UKai", "Noto Serif CJK SC")
#: Official (and Windows) family names → the free faces that stand in for them.
STAND_INS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("仿宋_GB2312", "仿宋", "FangSong", "FangSong_GB2312", "STFangsong"), SERIF),
    **dict.fromkeys(("宋体", "SimSun", "STSong", "方正小标宋简体", "方正小标宋_GBK", "华文中宋", "STZhongsong"), SERIF),
    **dict.fromkeys(("黑体", "SimHei", "STHeiti", "方正黑体_GBK"), SANS),
    **dict.fromkeys(("楷体_GB2312", "楷体", "KaiTi", "KaiTi_GB2312", "STKaiti", "方正楷体_GBK"), KAI),
}
#: The official faces whose absence the notice reports (one per kind of the GB/T 9704 layout).
OFFICIAL = ("方正小标宋简体", "仿宋_GB2312", "楷体_GB2312", "黑体", "宋体")
_SYSTEM_CONF = ("/etc/fonts/fonts.conf",)


@cache
def installed_families() -> frozenset[str]:
    """Family names fontconfig knows (empty when ``fc-list`` is missing, e.g. on Windows)."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return frozenset()
    try:
        out = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(",") if name.strip())


def stand_in(family: str) -> str | None:
    """The installed free face that replaces ``family`` (``None``: installed itself, or nothing to offer)."""
    have = installed_families()
    if not have or family in have:
        return None
    return next((face for face in STAND_INS.get(family, ()) if face in have), None)


def substitution_notice(families: tuple[str, ...] = OFFICIAL) -> str | None:
    """One Chinese line naming the official fonts missing here and what the PDF uses instead (``None``: none)."""
    pairs = [(f, face) for f in families if (face := stand_in(f))]
    if not pairs:
        return None
    said = "，".join(f"{f} → {face}" for f, face in pairs)
    return f"提示：本机未安装公文字体，PDF 中以免费字体代替（{said}）；在装有公文字体的电脑上用 Word 打开 .docx 即为标准字体。"


def fontconfig_file(folder: Path) -> Path | None:
    """Write ``folder/fonts.conf`` (system configuration + the stand-ins); ``None`` where fontconfig is absent."""
    if not installed_families():
        return None
    system = os.environ.get("FONTCONFIG_FILE") or next((c for c in _SYSTEM_CONF if Path(c).is_file()), None)
    rules = [f'<include ignore_missing="yes">{escape(system)}</include>'] if system else []
    for family, faces in STAND_INS.items():
        accept = "".join(f"<family>{escape(face)}</family>" for face in faces)
        rules.append(f'<alias binding="strong"><family>{escape(family)}</family><accept>{accept}</accept></alias>')
    path = folder / "fonts.conf"
    body = "\n".join(rules)
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n{body}\n</fontconfig>\n',
        encoding="utf-8",
    )
    return path
