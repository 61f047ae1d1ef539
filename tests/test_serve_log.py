"""What the officer's terminal shows while ``nianbao serve run`` runs: Chinese lines, never uvicorn's English."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from serve_support import make_round

from compiler.serve.serverlog import ChineseServerLog

ROOT = Path(__file__).resolve().parents[1]


def _through_filter(name: str, level: int, msg: str, *args: object) -> str | None:
    record = logging.LogRecord(name, level, __file__, 1, msg, args, None)
    return record.getMessage() if ChineseServerLog().filter(record) else None


def test_uvicorn_lifecycle_lines_are_chinese_or_dropped():
    running = _through_filter("uvicorn.error", logging.INFO, "Uvicorn running on %s (Press CTRL+C to quit)", "x")
    assert running is None or "服务已启动" in running
    started = "%s running on %s://%s:%d (Press CTRL+C to quit)"
    assert _through_filter("uvicorn.error", logging.INFO, started, "Uvicorn", "http", "127.0.0.1", 8000) == (
        "服务已启动：http://127.0.0.1:8000（按 Ctrl+C 停止）"
    )
    assert (
        _through_filter("uvicorn.error", logging.INFO, "Started server process [%d]", 42)
        == "服务进程已启动（进程号 42）"
    )
    assert _through_filter("uvicorn.error", logging.INFO, "Waiting for application startup.") is None
    assert _through_filter("uvicorn.error", logging.INFO, "Some new chatter") is None
    unknown = _through_filter("uvicorn.error", logging.ERROR, "Something odd")
    assert unknown is not None and unknown.startswith("网络服务报告了一个问题")
    assert _through_filter("nianbao.serve", logging.INFO, "GET /healthz 200") == "GET /healthz 200"


@pytest.mark.slow
def test_port_in_use_is_said_in_chinese_with_exit_2(tmp_path):
    rnd = make_round(tmp_path, ["甲局"])
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        cmd = [sys.executable, "-m", "compiler.cli", "serve", "run", str(rnd.root), "--port", str(port), "--jobs", "1"]
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert done.returncode == 2, lines
    assert any(f"无法在 127.0.0.1:{port} 上启动服务：端口已被其他程序占用" in line for line in lines), lines
    for line in lines:  # every line says something in Chinese; none is uvicorn's English
        assert any("\u4e00" <= ch <= "\u9fff" for ch in line), line
        assert "INFO:" not in line and "ERROR:" not in line, line
