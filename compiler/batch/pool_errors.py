"""What to tell the user about a task the pool gave up on (time limit, memory limit, crash), as a finding."""

from __future__ import annotations

from typing import Any

from . import pool as pool_mod

#: The pool's word on a task → the finding code of the file.
POOL_ERROR_CODES = {"timeout": "TIMEOUT", "memory": "MEMORY_LIMIT", "crash": "WORKER_CRASH"}


def pool_error_code(kind: str | None) -> str:
    return POOL_ERROR_CODES.get(kind or "", "INTERNAL_ERROR")


def pool_error_message(res: dict[str, Any], timeout: float | None) -> str:
    """The Chinese reason for a pool result carrying ``pool_error``."""
    kind = res.get("pool_error")
    if kind == "timeout":
        return f"处理超时：超过 {timeout or 0:g} 秒仍未完成，已停止（可用 --timeout 调整时限）"
    if kind == "memory":
        return f"内存超限：处理此文件需要超过 {pool_mod.memory_limit_mb()} MB 内存，已停止"
    if kind == "crash":
        return f"处理此文件时{res.get('detail') or '处理进程异常退出'}；其余文件不受影响"
    if kind == "start":
        return "无法启动处理进程"
    return f"处理时发生内部错误（{res.get('detail') or '未知'}）"
