"""The README stays true: generated tables in sync, documented commands exist."""

from __future__ import annotations

from pathlib import Path

from compiler.placeholders import markdown_table
from compiler.schema import get_schema

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_lists_the_placeholder_vocabulary():
    assert markdown_table(get_schema()) in README.read_text(encoding="utf-8")


def test_readme_marks_the_two_fresh_machine_commands():
    text = README.read_text(encoding="utf-8")
    for marker in ("<!-- main-command -->", "<!-- test-command -->"):
        block = text.split(marker, 1)[1].split("```", 2)[1]
        assert "pip install" in block and ".venv/bin/" in block
