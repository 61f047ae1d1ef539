"""Create a round and serve it: what ``nianbao serve init`` and ``nianbao serve run`` call.

``init_round`` writes everything the round needs into DIR (the SQLite database
unless ``database`` names a PostgreSQL one, the personalised templates,
``links.csv``) and returns the officer's admin token once; only its hash is
kept. Nothing here prints: problems are ``compiler.commands`` errors with a
Chinese message, and ``compiler/cli/serve.py`` shows them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..commands.errors import CommandError, InputError, OutputError, UsageError
from ..util.files import write_atomic
from . import core
from .security import new_token, token_hash
from .store import CONFIG_NAME, LINKS_NAME, SQLITE_NAME, TEMPLATES_DIR, Store, StoreError, now

#: Environment variables that carry the settings to each ``--workers`` process.
ENV_DIR, ENV_DB, ENV_MAX, ENV_JOBS = (
    "NIANBAO_SERVE_DIR",
    "NIANBAO_DATABASE_URL",
    "NIANBAO_SERVE_MAX_UPLOAD_MB",
    "NIANBAO_SERVE_JOBS",
)


@dataclass
class RoundCreated:
    """A new round: where, how many agencies, the admin token (shown once), the roster's skipped rows."""

    root: Path
    agencies: int
    admin_token: str
    links: Path
    problems: list[str] = field(default_factory=list)


def database_kind(database: str | None) -> str:
    if not database:
        return "sqlite"
    if database.startswith(("postgresql://", "postgres://")):
        return "postgresql"
    raise UsageError("--database 只接受 PostgreSQL 地址（postgresql://用户@主机/库名）；不写则使用目录中的 SQLite。")


def links_csv(rows: list[tuple[str, str]]) -> bytes:
    """``单位名称,链接`` in UTF-8 with BOM (Excel opens it as Chinese); names that look like formulas stay text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["单位名称", "链接"])
    for name, link in rows:
        writer.writerow([core.csv_text(name), link])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _valid_options(root: Path, roster: Path, year: int, deadline: str | None) -> str | None:
    if not 2000 <= year <= 2100:
        raise UsageError(f"年度 {year} 无效：请写四位数的报告年度，如 2025。")
    if deadline is not None:
        try:
            deadline = dt.date.fromisoformat(deadline).isoformat()
        except ValueError:
            raise UsageError(f"截止日期“{deadline}”无效：请写成 YYYY-MM-DD，如 2026-01-31。") from None
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise UsageError(f"{root} 已存在且不是空目录：请为新一轮报送指定一个新的（或空的）目录。")
    if not roster.is_file():
        raise InputError(f"名单文件 {roster} 不存在。")
    return deadline


def init_round(
    root: Path,
    roster: Path,
    year: int,
    deadline: str | None = None,
    return_to: str | None = None,
    database: str | None = None,
    rollup_name: str | None = None,
) -> RoundCreated:
    """Create the round in ``root`` (new or empty); raises ``CommandError`` with a Chinese message."""
    kind = database_kind(database)
    deadline = _valid_options(root, roster, year, deadline)
    try:
        store = Store(root, database)
        if database:  # an unusable PostgreSQL fails here, before anything is written
            store.create_schema()
            if store.meta():
                raise UsageError("这个数据库里已经有一轮报送：请使用新的数据库。")
        root.mkdir(parents=True, exist_ok=True)
        try:
            entries, problems = core.roster_templates(roster, root / TEMPLATES_DIR, year)
        except CommandError:
            shutil.rmtree(root / TEMPLATES_DIR, ignore_errors=True)
            raise
        store.create_schema()
        tokens = [new_token() for _ in entries]
        store.add_agencies(
            [(i + 1, name, token_hash(t), tpl) for i, ((name, tpl), t) in enumerate(zip(entries, tokens, strict=True))]
        )
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
        write_atomic(links, links_csv([(name, f"/r/{t}") for (name, _), t in zip(entries, tokens, strict=True)]))
        os.chmod(links, 0o600)  # it holds every agency's key
        write_atomic(root / CONFIG_NAME, json.dumps({"database": kind, "year": year}, ensure_ascii=False) + "\n")
        store.db.close()
    except StoreError as exc:
        raise InputError(str(exc)) from exc
    except OSError as exc:
        raise OutputError(f"创建失败：{exc.strerror or exc}（{exc.filename or root}）") from exc
    return RoundCreated(root, len(entries), admin, links, problems)


def check_round(root: Path, database: str | None) -> None:
    """Raise ``UsageError`` when ``root`` cannot be served (not a round, or the wrong database)."""
    config = root / CONFIG_NAME
    if not config.is_file():
        raise UsageError(f"{root} 不是报送目录：请先运行 nianbao serve init {root} --roster 名单.xlsx --year 年度。")
    try:
        kind = json.loads(config.read_text(encoding="utf-8")).get("database")
    except (OSError, ValueError):
        raise UsageError(f"{config} 已损坏。") from None
    if kind == "postgresql" and not database:
        raise UsageError(
            "这一轮报送使用 PostgreSQL：请用 --database（或环境变量 NIANBAO_DATABASE_URL）给出数据库地址。"
        )
    if kind == "sqlite" and database:
        raise UsageError(f"这一轮报送使用目录中的 SQLite（{SQLITE_NAME}），不要再指定 --database。")


def settings_from(root: Path, database: str | None, max_upload_mb: int | None, jobs: int | None) -> Any:
    from .base import DEFAULT_MAX_UPLOAD_MB, Settings

    return Settings(root=root, database=database, max_upload_mb=max_upload_mb or DEFAULT_MAX_UPLOAD_MB, jobs=jobs)


def serve_forever(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    database: str | None = None,
    workers: int = 1,
    max_upload_mb: int | None = None,
    jobs: int | None = None,
) -> None:
    """Serve the round with uvicorn until stopped; raises ``UsageError`` when it cannot."""
    import uvicorn

    database = database or os.environ.get(ENV_DB) or None
    check_round(root, database)
    log_setup()
    common: dict[str, Any] = {
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
        uvicorn.run("compiler.serve.setup:app_from_env", factory=True, workers=workers, **common)
        return
    from .app import asgi

    try:
        application = asgi(settings_from(root, database, max_upload_mb, jobs))
    except StoreError as exc:
        raise InputError(str(exc)) from exc
    uvicorn.run(application, **common)


def log_setup() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")


def app_from_env() -> Any:
    """The application for one of several uvicorn workers (settings from the environment)."""
    from .app import asgi

    log_setup()

    def number(name: str) -> int | None:
        raw = os.environ.get(name, "")
        return int(raw) if raw.isdigit() else None

    root = Path(os.environ[ENV_DIR])
    return asgi(settings_from(root, os.environ.get(ENV_DB) or None, number(ENV_MAX), number(ENV_JOBS)))
