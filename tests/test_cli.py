"""Usage errors reach the clerk in Chinese with exit code 2, never Click's English."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["check"], "缺少参数"),
        (["batch", "in"], "缺少选项 -o/--output"),
        (["check", "--bogus", "x.json"], "没有这个选项：--bogus"),
        (["template", "--year", "abc"], "--year 的值无效：应为整数"),
    ],
)
def test_usage_errors_in_chinese(args, expected):
    result = subprocess.run([sys.executable, "-m", "compiler.cli", *args], capture_output=True, text=True)
    assert result.returncode == 2
    assert expected in result.stderr and "--help”查看用法" in result.stderr
    assert "Error" not in result.stderr and "Usage" not in result.stderr and "Traceback" not in result.stderr


def test_help_and_exit_codes_pass_through(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "compiler.cli", "--help"], capture_output=True, text=True)
    assert ok.returncode == 0 and "check" in ok.stdout
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "compiler.cli", "check", str(bad)], capture_output=True, text=True)
    assert result.returncode == 2
