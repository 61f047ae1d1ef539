"""``nianbao serve init`` and ``nianbao serve run``: create a round, serve it.

``init`` writes everything the round needs into DIR (the SQLite database
unless ``--database`` names a PostgreSQL one, the personalised templates,
``links.csv``) and prints the officer's admin token once; only its hash is kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sys
from pathlib import Path

from ..util.files import write_atomic
from . import core
from .security import new_token, token_hash
from .store import CONFIG_NAME, LINKS_NAME, SQLITE_NAME, TEMPLATES_DIR, Store, StoreError, now

EXIT_OK, EXIT_USAGE = 0, 2
#: Environment variables that carry the settings to each ``--workers`` process.
ENV_DIR, ENV_DB, ENV_MAX, ENV_JOBS = (
    "NIANBAO_SERVE_DIR",
    "NIANBAO_DATABASE_URL",
    "NIANBAO_SERVE_MAX_UPLOAD_MB",
    "NIANBAO_SERVE_JOBS",
)


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _kind(database: str | None) -> str:
    if not database:
        return "sqlite"
    if database.startswith(("postgresql://", "postgres://")):
        return "postgresql"
    raise ValueError(database)


def links_csv(rows: list[tuple[str, str]]) -> bytes:
    """``单位名称,链接`` in UTF-8 with BOM (Excel opens it as Chinese); names that look like formulas stay text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["单位名称", "链接"])
    for name, link in rows:
        writer.writerow([core.csv_text(name), link])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def run_init(
    root: Path,
    roster: Path,
    year: int,
    deadline: str | None = None,
    return_to: str | None = None,
    database: str | None = None,
    rollup_name: str | None = None,
) -> int:
    """Create the round in ``root``; print the admin token once. Returns the exit code."""
    try:
        kind = _kind(database)
    except ValueError:
        _err("--database 只接受 PostgreSQL 地址（postgresql://用户@主机/库名）；不写则使用目录中的 SQLite。")
        return EXIT_USAGE
    if not 2000 <= year <= 2100:
        _err(f"年度 {year} 无效：请写四位数的报告年度，如 2025。")
        return EXIT_USAGE
    if deadline is not None:
        try:
            deadline = dt.date.fromisoformat(deadline).isoformat()
        except ValueError:
            _err(f"截止日期“{deadline}”无效：请写成 YYYY-MM-DD，如 2026-01-31。")
            return EXIT_USAGE
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        _err(f"{root} 已存在且不是空目录：请为新一轮报送指定一个新的（或空的）目录。")
        return EXIT_USAGE
    try:
        entries, problems = core.read_roster(roster)
    except core.roster_error() as exc:
        _err(str(exc))
        return EXIT_USAGE
    except OSError as exc:
        _err(f"无法读取名单文件 {roster}：{exc.strerror or exc}")
        return EXIT_USAGE
    for problem in problems:
        _err(f"名单：{problem}")
    try:
        root.mkdir(parents=True, exist_ok=True)
        store = Store(root, database)
        store.create_schema()
        if store.meta():
            _err("这个数据库里已经有一轮报送：请使用新的数据库。")
            return EXIT_USAGE
        templates = core.write_templates(entries, root / TEMPLATES_DIR, year)
        tokens = [new_token() for _ in entries]
        rows = [
            (i + 1, e[0], token_hash(t), tpl)
            for i, (e, t, tpl) in enumerate(zip(entries, tokens, templates, strict=True))
        ]
        store.add_agencies(rows)
        admin = new_token()
        store.set_meta(
            year=str(year),
            deadline=deadline,
            return_to=return_to,
            rollup_name=rollup_name,
            closed="0",
            admin_hash=token_hash(admin),
            created_at=now(),
        )
        links = root / LINKS_NAME
        write_atomic(links, links_csv([(e[0], f"/r/{t}") for e, t in zip(entries, tokens, strict=True)]))
        os.chmod(links, 0o600)  # it holds every agency's key
        write_atomic(root / CONFIG_NAME, json.dumps({"database": kind, "year": year}, ensure_ascii=False) + "\n")
        store.db.close()
    except (StoreError, OSError) as exc:
        _err(f"创建失败：{exc}")
        return EXIT_USAGE
    print(f"已创建 {year} 年度报送：{len(entries)} 个单位。")
    print(f"各单位的专用链接：{links}（请把服务器地址加在“链接”前面，分别发给各单位）")
    print("管理员令牌（只显示这一次，请妥善保存；服务器只保存它的哈希值）：")
    print(admin)
    print(f"启动服务：nianbao serve run {root}")
    return EXIT_OK


def settings_from(root: Path, database: str | None, max_upload_mb: int | None, jobs: int | None):
    from .app import DEFAULT_MAX_UPLOAD_MB, Settings

    return Settings(root=root, database=database, max_upload_mb=max_upload_mb or DEFAULT_MAX_UPLOAD_MB, jobs=jobs)


def check_round(root: Path, database: str | None) -> str | None:
    """Why ``root`` cannot be served (Chinese), or ``None``."""
    config = root / CONFIG_NAME
    if not config.is_file():
        return f"{root} 不是报送目录：请先运行 nianbao serve init {root} --roster 名单.xlsx --year 年度。"
    try:
        kind = json.loads(config.read_text(encoding="utf-8")).get("database")
    except (OSError, ValueError):
        return f"{config} 已损坏。"
    if kind == "postgresql" and not database:
        return "这一轮报送使用 PostgreSQL：请用 --database（或环境变量 NIANBAO_DATABASE_URL）给出数据库地址。"
    if kind == "sqlite" and database:
        return f"这一轮报送使用目录中的 SQLite（{SQLITE_NAME}），不要再指定 --database。"
    return None


def run_serve(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    database: str | None = None,
    workers: int = 1,
    max_upload_mb: int | None = None,
    jobs: int | None = None,
) -> int:
    """Serve the round with uvicorn until stopped."""
    import uvicorn

    database = database or os.environ.get(ENV_DB) or None
    problem = check_round(root, database)
    if problem:
        _err(problem)
        return EXIT_USAGE
    _log_setup()
    common = {
        "host": host,
        "port": port,
        "access_log": False,  # uvicorn's access log would print the private links; ours redacts them
        "proxy_headers": True,
        "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "server_header": False,
    }
    if workers > 1:
        os.environ[ENV_DIR] = str(root.resolve())
        if database:
            os.environ[ENV_DB] = database
        os.environ[ENV_MAX] = str(max_upload_mb or "")
        os.environ[ENV_JOBS] = str(jobs or "")
        uvicorn.run("compiler.serve.cli:app_from_env", factory=True, workers=workers, **common)
        return EXIT_OK
    from .app import asgi

    try:
        application = asgi(settings_from(root, database, max_upload_mb, jobs))
    except StoreError as exc:
        _err(str(exc))
        return EXIT_USAGE
    uvicorn.run(application, **common)
    return EXIT_OK


def _log_setup() -> None:
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")


def app_from_env():
    """The application for one of several uvicorn workers (settings from the environment)."""
    from .app import asgi

    _log_setup()

    def number(name: str) -> int | None:
        raw = os.environ.get(name, "")
        return int(raw) if raw.isdigit() else None

    root = Path(os.environ[ENV_DIR])
    return asgi(settings_from(root, os.environ.get(ENV_DB) or None, number(ENV_MAX), number(ENV_JOBS)))
