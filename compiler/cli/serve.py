"""``nianbao serve init`` / ``nianbao serve run``: create a round, serve it (``compiler.serve.setup``)."""

from __future__ import annotations

from pathlib import Path

from ..exitcodes import EXIT_OK
from .common import call, err


def run_init(
    root: Path,
    roster: Path,
    year: int,
    deadline: str | None = None,
    return_to: str | None = None,
    database: str | None = None,
    rollup_name: str | None = None,
) -> int:
    """Create the round and print the admin token once; the exit code."""
    from ..serve.setup import init_round

    result = call(lambda: init_round(root, roster, year, deadline, return_to, database, rollup_name))
    if isinstance(result, int):
        return result
    for problem in result.problems:
        err(f"名单：{problem}")
    print(f"已创建 {year} 年度报送：{result.agencies} 个单位。")
    print(f"各单位的专用链接：{result.links}（请把服务器地址加在“链接”前面，分别发给各单位）")
    print("管理员令牌（只显示这一次，请妥善保存；服务器只保存它的哈希值）：")
    print(result.admin_token)
    print(f"启动服务：nianbao serve run {root}")
    return EXIT_OK


def run_serve(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    database: str | None = None,
    workers: int = 1,
    max_upload_mb: int | None = None,
    jobs: int | None = None,
) -> int:
    """Serve until stopped; the exit code."""
    from ..serve.setup import serve_forever

    result = call(lambda: serve_forever(root, host, port, database, workers, max_upload_mb, jobs))
    return result if isinstance(result, int) else EXIT_OK
