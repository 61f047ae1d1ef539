"""``nianbao serve``: the collection round as a self-hosted web service.

Clerks upload their filled sheet through a private link and see at once what
to fix; the officer watches the round fill up and downloads everything.

Modules, bottom up: ``security`` (tokens, hashes, CSRF), ``store`` (the
database: SQLite or PostgreSQL, portable SQL; content-addressed files),
``core`` (THE adapter to the library: the use cases of ``compiler.commands``
for check, compile and templates; round status; roll-up), ``worker`` (what
runs in the supervised worker processes), ``jobs`` (runs a task in
``compiler.batch.pool``), ``http`` (security headers, size cap, access log),
``base``/``agency``/``officer`` (the page handlers), ``app`` (the Starlette
routes), ``setup`` (create a round, serve it; ``compiler/cli/serve.py`` is
its command line). This package module stays light: the CLI imports it
without the web libraries.
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
