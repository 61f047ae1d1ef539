"""``nianbao serve``: the collection round as a self-hosted web service.

Clerks upload their filled sheet through a private link and see at once what
to fix; the officer watches the round fill up and downloads everything.

Modules, bottom up: ``security`` (tokens, hashes, CSRF), ``store`` (the
database: SQLite or PostgreSQL, portable SQL; content-addressed files),
``core`` (THE adapter to the library: check, compile, round status, roll-up —
the one file to switch when the use-case layer lands), ``worker`` (what runs in
the supervised worker processes), ``jobs`` (runs a task in
``compiler.batch.pool``), ``app`` (the Starlette application: routes, pages,
headers), ``cli`` (``init`` and ``run``). This package module stays light: the
CLI imports it without the web libraries.
"""

from __future__ import annotations

#: Status of an agency in the round, as the officer sees it (same words and order as ``batch --roster``).
NOT_SUBMITTED, UNREADABLE, FAILED, ERRORS, WARNINGS, PASSED = (
    "未报送",
    "无法读取",
    "处理失败",
    "有错误",
    "有警告",
    "通过",
)
ROUND_STATUSES = (NOT_SUBMITTED, UNREADABLE, FAILED, ERRORS, WARNINGS, PASSED)
