"""The README stays true: generated tables in sync, documented commands exist."""

from __future__ import annotations

from pathlib import Path

from compiler.placeholders import markdown_table
from compiler.schema import get_schema

README = Path(__file__).resolve().parent.parent / "README.md"
REFERENCE = README.parent / "docs" / "reference.md"


def test_reference_lists_the_placeholder_vocabulary():
    assert markdown_table(get_schema()) in REFERENCE.read_text(encoding="utf-8")


def test_readme_starts_with_the_chinese_user_guide():
    """Users first: the guide (install, the round step by step, what each status means) before developer material."""
    from compiler.batch.status import STATUS_LABELS

    text = README.read_text(encoding="utf-8")
    guide = text.split("## 快速开始", 1)[0]
    for heading in ("## 用户指南", "### 安装", "**Windows**", "**Linux", "### 一轮报送", "### 状态的含义"):
        assert heading in guide
    for label in STATUS_LABELS.values():
        assert f"| {label} |" in guide
    for command in ("template --roster", "batch", "check", "compile"):
        assert command in guide
    assert "docs/reference.md" in text


def test_readme_marks_the_two_fresh_machine_commands():
    text = README.read_text(encoding="utf-8")
    for marker in ("<!-- main-command -->", "<!-- test-command -->"):
        block = text.split(marker, 1)[1].split("```", 2)[1]
        assert "pip install" in block and ".venv/bin/" in block
