"""The server's console lines in Chinese: uvicorn's own start, stop and bind messages translated.

The officer reads the terminal of ``nianbao serve run``; uvicorn writes its
lifecycle in English ("Uvicorn running on …", "address already in use").
Its logging is routed through ours (``log_setup``) and every uvicorn record
passes ``ChineseServerLog``: a known message is rewritten in Chinese, routine
chatter ("Waiting for application startup.") is dropped, and an unknown
warning or error is kept with a Chinese lead so that it is never lost.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

_BIND = re.compile(r"error while attempting to bind on address \(?'?([^',)]*)'?,?\s*(\d*)\)?:\s*(.*)", re.I)
_BIND_REASONS = {
    "address already in use": "端口已被其他程序占用，请换一个 --port，或先停止占用它的程序",
    "permission denied": "没有权限使用该端口（1024 以下的端口需要管理员权限），请换一个 --port",
    "cannot assign requested address": "本机没有这个地址，请检查 --host",
}


def _bind(m: re.Match[str]) -> str:
    host, port, reason = m.group(1), m.group(2), m.group(3).strip().lower()
    where = f"{host}:{port}" if port else host
    why = _BIND_REASONS.get(reason, "系统拒绝了该地址或端口，请检查 --host 和 --port")
    return f"无法在 {where} 上启动服务：{why}。"


#: (pattern, Chinese text or ``None`` to drop the line); the first match wins.
_MESSAGES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str] | None]] = [
    (re.compile(r"Uvicorn running on (\S+) \(Press CTRL\+C to quit\)"), r"服务已启动：\1（按 Ctrl+C 停止）"),
    (re.compile(r"Started server process \[(\d+)\]"), r"服务进程已启动（进程号 \1）"),
    (re.compile(r"Started parent process \[(\d+)\]"), r"主进程已启动（进程号 \1）"),
    (re.compile(r"Finished server process \[(\d+)\]"), r"服务已停止（进程号 \1）"),
    (re.compile(r"Stopping parent process \[(\d+)\]"), r"主进程已停止（进程号 \1）"),
    (re.compile(r"Child process \[(\d+)\] died"), r"工作进程 \1 意外退出，将重新启动"),
    (re.compile(r"Shutting down"), "正在停止服务……"),
    (re.compile(r"Received SIG\w+, exiting\."), "收到停止信号，正在退出。"),
    (re.compile(r"Application startup failed\. Exiting\."), "服务启动失败，已退出。"),
    (_BIND, _bind),
    (
        re.compile(r"(Waiting for|Terminated) child process|Waiting for application|Application (startup|shutdown)"),
        None,
    ),
]


class ChineseServerLog(logging.Filter):
    """Rewrites uvicorn's records in Chinese (others pass untouched); drops routine ones."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("uvicorn"):
            return True
        text = record.getMessage()
        for pattern, chinese in _MESSAGES:
            m = pattern.search(text)
            if m is None:
                continue
            if chinese is None:
                return False
            text = chinese(m) if callable(chinese) else m.expand(chinese)
            break
        else:
            if record.levelno < logging.WARNING:
                return False  # routine detail of the web server
            text = f"网络服务报告了一个问题（原文供技术支持参考）：{text}"
        record.msg, record.args, record.name = text, None, "nianbao.serve"
        record.exc_info = record.exc_info if record.levelno >= logging.ERROR else None
        return True


def log_setup() -> None:
    """Console logging for the server: time, source, message; uvicorn's lines through ``ChineseServerLog``."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, ChineseServerLog) for f in handler.filters):
            handler.addFilter(ChineseServerLog())
