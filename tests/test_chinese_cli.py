"""Every line the command line itself prints is Chinese: help, usage errors, "did you mean", --version."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from compiler.cli.chinese import display_width, translate, usage_error_message

#: Words that may stay Latin: the program, file formats and office products, option and command names.
ALLOWED = {
    "nianbao", "docx", "html", "htm", "pdf", "xlsx", "xlsm", "json", "csv", "toml", "txt", "md",
    "word", "excel", "wps", "soffice", "libreoffice", "yyyy", "mm", "dd", "cpu",
    "template", "export", "check", "compile", "batch", "import", "audit", "serve", "init", "run",
    "get", "healthz", "postgresql", "sqlite", "database", "url", "mb", "links",
}  # fmt: skip


def _command_names() -> set[str]:
    """Every command and sub-command name of the CLI (they are typed as they are, so they stay Latin)."""
    import typer.main

    from compiler.cli import app

    names: set[str] = set()
    todo = [typer.main.get_command(app)]
    while todo:
        group = todo.pop()
        for name, command in getattr(group, "commands", {}).items():
            names.add(name)
            todo.append(command)
    return names


ALLOWED |= _command_names()
_OPTION = re.compile(r"(?<![\w-])--?[a-z][a-z-]*")


def _english_words(text: str, typed: tuple[str, ...] = ()) -> list[str]:
    """Latin words in ``text`` other than the allowed ones and what the user typed (echoed back)."""
    text = _OPTION.sub(" ", text)
    echoed = {w.lower() for arg in typed for w in re.findall(r"[A-Za-z]+", arg)}
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w.lower() not in ALLOWED | echoed]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    program = "import sys; sys.argv[0] = 'nianbao'; from compiler.cli import main; main()"
    return subprocess.run([sys.executable, "-c", program, *args], capture_output=True, text=True)


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("compile", "--help"),
        ("batch", "--help"),
        ("template", "--help"),
        ("check", "--help"),
        ("serve", "--help"),
        ("serve", "init", "--help"),
        ("serve", "run", "--help"),
        ("chek",),
        ("compile",),
        ("batch", "in"),
        ("check", "--jsn", "x.xlsx"),
        ("compile", "a.xlsx", "b.xlsx"),
        ("batch", "in", "-o", "out", "--jobs", "abc"),
        ("compile", "a.xlsx", "-o"),
        (),
    ],
)
def test_cli_prints_no_english(args):
    result = _run(*args)
    out = result.stdout + result.stderr
    assert out.strip()
    assert "Traceback" not in out
    assert _english_words(out, args) == [], out


def test_did_you_mean_and_missing_argument_are_chinese():
    misspelt = _run("chek")
    assert misspelt.returncode == 2
    assert "没有这个命令：chek" in misspelt.stderr and "check" in misspelt.stderr
    missing = _run("compile")
    assert missing.returncode == 2 and "缺少参数 文件" in missing.stderr


def test_version():
    result = _run("--version")
    assert result.returncode == 0
    assert re.search(r"nianbao 版本 \S+", result.stdout)


def test_help_columns_line_up_with_wide_characters():
    text = _run("batch", "--help").stdout
    rows = [line for line in text.splitlines() if line.startswith("  --") or line.startswith("  -o")]
    starts = set()
    for line in rows:
        m = re.match(r"^(  \S(?:.*?\S)?)( {2,})\S", line)
        assert m, line
        starts.add(display_width(m.group(1) + m.group(2)))
    assert len(starts) == 1, rows


def test_translate_keeps_our_own_words():
    assert translate("Usage: x [OPTIONS]\n\nOptions:\n  --a <path>  核查  [default: 1]\n") == (
        "用法： x [选项]\n\n选项：\n  --a <路径>  核查  [缺省：1]\n"
    )


def test_usage_error_message_unknown_kind_keeps_the_text():
    assert usage_error_message(ValueError("x")).startswith("用法错误：x")
