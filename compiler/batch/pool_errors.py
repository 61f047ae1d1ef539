"""What to tell the user about a task the pool gave up on (time limit, memory limit, crash), as a finding."""

from __future__ import annotations

from typing import Any

from . import pool as pool_mod

#: The pool's word on a task → the finding code of the file.
POOL_ERROR_CODES = {"timeout": "TIMEOUT", "memory": "MEMORY_LIMIT", "crash": "WORKER_CRASH"}


def pool_error_code(kind: str | None) -> str:
    return POOL_ERROR_CODES.get(kind or "", "INTERNAL_ERROR")


#: What follows the reason, by who reads it: the officer running ``batch`` (who has ``--timeout``) or the clerk on
#: the web page (who has neither the option nor the other files).
_ADVICE = {
    "batch": {
        "timeout": "（可用 --timeout 调整时限）",
        "memory": "",
        "crash": "；其余文件不受影响",
        "start": "",
        "internal": "（{detail}）",
    },
    "web": {
        "timeout": "。请检查文件是否为标准填报表。",
        "memory": "。",
        "crash": "。",
        "start": "，请稍后重试。",
        "internal": "，请把文件发给维护人员。",
    },
}


def pool_error_message(res: dict[str, Any], timeout: float | None, *, audience: str = "batch") -> str:
    """The Chinese reason for a pool result carrying ``pool_error``, with the advice that suits ``audience``."""
    kind = res.get("pool_error")
    detail = res.get("detail")
    if kind == "timeout":
        reason = f"处理超时：超过 {timeout or 0:g} 秒仍未完成，已停止"
    elif kind == "memory":
        reason = f"内存超限：处理此文件需要超过 {pool_mod.memory_limit_mb()} MB 内存，已停止"
    elif kind == "crash":
        reason = f"处理此文件时{detail or '处理进程异常退出'}"
    elif kind == "start":
        reason = "无法启动处理进程"
    else:
        kind, reason = "internal", "处理时发生内部错误"
    return reason + _ADVICE[audience][kind].format(detail=detail or "未知")
