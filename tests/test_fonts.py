"""Official look without the official fonts: serif body text in the PDF, one notice naming the substitution."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import require_tool
from test_render_docx import full_report

from compiler.render import write_docx, write_pdf
from compiler.util import fonts


def test_stand_ins_keep_the_kind_of_face():
    for official in ("仿宋_GB2312", "宋体", "方正小标宋简体"):
        assert fonts.STAND_INS[official][0] == "Noto Serif CJK SC"
    assert fonts.STAND_INS["黑体"][0] == "Noto Sans CJK SC"
    assert "UKai" in fonts.STAND_INS["楷体_GB2312"][0]


def test_fontconfig_file_accepts_stand_ins_after_the_official_name(tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "installed_families", lambda: frozenset({"Noto Serif CJK SC"}))
    conf = fonts.fontconfig_file(tmp_path)
    assert conf is not None
    text = conf.read_text(encoding="utf-8")
    # <accept> (not <prefer>): an installed official font still wins; a missing one gets the free face
    assert "<family>仿宋_GB2312</family><accept><family>Noto Serif CJK SC</family>" in text
    assert "<prefer>" not in text and "<include" in text


def test_notice_names_each_substitution_once(monkeypatch):
    monkeypatch.setattr(fonts, "installed_families", lambda: frozenset({"Noto Serif CJK SC", "Noto Sans CJK SC"}))
    notice = fonts.substitution_notice()
    assert notice is not None and "仿宋_GB2312 → Noto Serif CJK SC" in notice and "黑体 → Noto Sans CJK SC" in notice
    monkeypatch.setattr(fonts, "installed_families", lambda: frozenset({"仿宋_GB2312", "Noto Serif CJK SC"}))
    assert "仿宋_GB2312" not in (fonts.substitution_notice(("仿宋_GB2312",)) or "")


@pytest.mark.slow
@pytest.mark.office
def test_pdf_body_is_serif_cjk_and_headings_use_their_kinds(soffice, tmp_path):
    pdffonts = require_tool("pdffonts")
    have = fonts.installed_families()
    if "Noto Serif CJK SC" not in have or "仿宋_GB2312" in have:
        pytest.skip("needs fonts-noto-cjk and no official 仿宋_GB2312 (the fresh-machine case)")
    pdf = write_pdf(write_docx(full_report(), tmp_path / "r.docx"), tmp_path / "r.pdf")
    listed = subprocess.run([pdffonts, str(pdf)], capture_output=True, text=True, check=True).stdout
    names = listed.lower()
    assert "notoserifcjk" in names  # body (仿宋), title (小标宋), page numbers (宋体)
    assert "notosanscjk" in names  # 一、 headings (黑体)
    if "AR PL UKai CN" in have:
        assert "ukai" in names  # （一） headings (楷体)


@pytest.mark.slow
def test_compile_pdf_prints_the_notice_once(tmp_path):
    """The notice comes from the command (not asserted on the PDF): it names the substitution exactly once."""
    from compiler.util.office import find_soffice

    if not find_soffice() or not fonts.substitution_notice():
        pytest.skip("needs LibreOffice and a machine without the official fonts")
    src = tmp_path / "r.json"
    src.write_text(full_report().dumps(), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "compiler.cli", "compile", str(src), "--format", "pdf"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("本机未安装公文字体") == 1
