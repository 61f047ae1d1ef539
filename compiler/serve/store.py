"""Where a round lives: one database (SQLite in the round folder, or PostgreSQL) and a folder of files.

The SQL is plain and portable (TEXT/INTEGER columns, ``?`` placeholders turned
into ``%s`` for psycopg, ids made by the application, ISO-8601 UTC times that
sort as text), so the same statements run on both. Every change is one
transaction: a record exists whole or not at all.

Uploaded files are content-addressed (``files/ab/<sha256>.<ext>``): written to
a temporary file, flushed to disk, then *linked* into place — a link never
replaces an existing file, so nothing stored is ever overwritten, and a server
killed mid-upload leaves at most a temporary file that the next start removes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..util.files import TEMP_PREFIX

SQLITE_NAME = "round.sqlite"
CONFIG_NAME = "nianbao-round.json"
FILES_DIR = "files"
OUTPUTS_DIR = "outputs"
TEMPLATES_DIR = "templates"
LINKS_NAME = "links.csv"
#: A temporary upload file older than this (seconds) was left by a killed server.
LEFTOVER_AGE = 3600.0

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS agencies (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    " token_hash TEXT NOT NULL UNIQUE, template TEXT)",
    "CREATE TABLE IF NOT EXISTS uploads (id TEXT PRIMARY KEY, agency_id INTEGER NOT NULL REFERENCES agencies(id),"
    " created_at TEXT NOT NULL, filename TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,"
    " suffix TEXT NOT NULL, status TEXT NOT NULL, errors INTEGER NOT NULL, warnings INTEGER NOT NULL,"
    " notices INTEGER NOT NULL, result TEXT NOT NULL, report_agency TEXT, report_year TEXT, tables TEXT)",
    "CREATE INDEX IF NOT EXISTS uploads_by_agency ON uploads (agency_id, created_at)",
    "CREATE TABLE IF NOT EXISTS sessions (token_hash TEXT PRIMARY KEY, expires_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS login_failures (ip TEXT NOT NULL, at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS login_failures_by_ip ON login_failures (ip, at)",
    "CREATE TABLE IF NOT EXISTS audit (id TEXT PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,"
    " action TEXT NOT NULL, detail TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS audit_by_time ON audit (at)",
]

UPLOAD_COLUMNS = (
    "id",
    "agency_id",
    "created_at",
    "filename",
    "sha256",
    "size",
    "suffix",
    "status",
    "errors",
    "warnings",
    "notices",
    "result",
    "report_agency",
    "report_year",
    "tables",
)


class StoreError(Exception):
    """The round folder or database cannot be used; the message is Chinese."""


def now() -> str:
    """The current UTC time as sortable ISO-8601 text (microseconds)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_after(seconds: float) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Agency:
    id: int
    name: str
    template: str | None


@dataclass
class Upload:
    id: str
    agency_id: int
    created_at: str
    filename: str
    sha256: str
    size: int
    suffix: str
    status: str
    errors: int
    warnings: int
    notices: int
    result: dict[str, Any]
    report_agency: str | None
    report_year: str | None
    tables: dict[str, Any] | None

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> Upload:
        values = dict(zip(UPLOAD_COLUMNS, row, strict=True))
        values["result"] = json.loads(values["result"])
        values["tables"] = json.loads(values["tables"]) if values["tables"] else None
        return cls(**values)


class Database:
    """One connection per thread; ``?`` placeholders on both SQLite and PostgreSQL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = url.startswith(("postgresql://", "postgres://"))
        self._local = threading.local()
        if self.postgres:
            try:
                import psycopg  # noqa: F401
            except ImportError as exc:
                raise StoreError(
                    "使用 PostgreSQL 需要安装驱动：pip install 'nianbao[serve,postgres]'（psycopg 3）。"
                ) from exc

    def _connect(self) -> Any:
        if self.postgres:
            import psycopg

            try:
                return psycopg.connect(self.url, autocommit=True)
            except psycopg.Error as exc:
                raise StoreError(f"无法连接 PostgreSQL 数据库：{type(exc).__name__}") from exc
        path = self.url.removeprefix("sqlite:///")
        conn = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=True)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")  # an acknowledged upload survives a power cut
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    @property
    def conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        cur = self.conn.execute(self._sql(sql), params)
        try:
            return list(cur.fetchall()) if cur.description else []
        finally:
            cur.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Database]:
        """``BEGIN`` … ``COMMIT``; any exception rolls back, so nothing half-done is ever stored."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE" if not self.postgres else "BEGIN")
        try:
            yield self
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()
            self._local.conn = None


class Store:
    """The round: its database and its folder (uploads, compiled reports, templates, links.csv)."""

    def __init__(self, root: str | Path, database: str | None = None) -> None:
        self.root = Path(root)
        self.db = Database(database or f"sqlite:///{self.root / SQLITE_NAME}")

    # -------------------------------------------------------------- setup
    def create_schema(self) -> None:
        for statement in SCHEMA:
            self.db.execute(statement)

    def clean_leftovers(self, older_than: float = LEFTOVER_AGE) -> None:
        """Remove temporary files a killed server left (never a stored file: those are never temporary).

        Only files older than ``older_than`` seconds: with ``--workers`` a
        restarted process must not take the file another is still writing.
        """
        limit = time.time() - older_than
        outputs = self.root / OUTPUTS_DIR
        candidates = [
            *_files_in(self.root / FILES_DIR / "tmp"),
            # Half-written reports (``write_atomic``'s temporary names) and round downloads never sent.
            *(p for p in _files_in(outputs) if p.name.startswith(TEMP_PREFIX)),
            *_files_in(outputs / "round"),
        ]
        for item in candidates:
            with contextlib.suppress(OSError):
                if item.stat().st_mtime < limit:
                    item.unlink()

    # -------------------------------------------------------------- meta
    def meta(self) -> dict[str, str]:
        return {k: v for k, v in self.db.execute("SELECT key, value FROM meta")}

    def set_meta(self, **values: str | None) -> None:
        with self.db.transaction() as db:
            for key, value in values.items():
                db.execute("DELETE FROM meta WHERE key = ?", (key,))
                if value is not None:
                    db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -------------------------------------------------------------- agencies
    def add_agencies(self, rows: list[tuple[int, str, str, str | None]]) -> None:
        with self.db.transaction() as db:
            for row in rows:
                db.execute("INSERT INTO agencies (id, name, token_hash, template) VALUES (?, ?, ?, ?)", row)

    def agencies(self) -> list[Agency]:
        rows = self.db.execute("SELECT id, name, template FROM agencies ORDER BY id")
        return [Agency(*row) for row in rows]

    def agency_by_hash(self, token_hash: str) -> Agency | None:
        rows = self.db.execute(
            "SELECT id, name, template, token_hash FROM agencies WHERE token_hash = ?", (token_hash,)
        )
        return Agency(*rows[0][:3]) if rows else None

    def agency(self, agency_id: int) -> Agency | None:
        rows = self.db.execute("SELECT id, name, template FROM agencies WHERE id = ?", (agency_id,))
        return Agency(*rows[0]) if rows else None

    # -------------------------------------------------------------- uploads
    def add_upload(self, upload: Upload, audit: tuple[str, str, str]) -> None:
        """Record an upload and its audit line in one transaction."""
        values = [getattr(upload, c) for c in UPLOAD_COLUMNS]
        values[UPLOAD_COLUMNS.index("result")] = json.dumps(upload.result, ensure_ascii=False)
        values[UPLOAD_COLUMNS.index("tables")] = (
            json.dumps(upload.tables, ensure_ascii=False) if upload.tables is not None else None
        )
        marks = ", ".join("?" for _ in UPLOAD_COLUMNS)
        with self.db.transaction() as db:
            db.execute(f"INSERT INTO uploads ({', '.join(UPLOAD_COLUMNS)}) VALUES ({marks})", tuple(values))
            self._audit(db, *audit)

    def uploads_of(self, agency_id: int) -> list[Upload]:
        """An agency's uploads, newest first."""
        rows = self.db.execute(
            f"SELECT {', '.join(UPLOAD_COLUMNS)} FROM uploads WHERE agency_id = ? ORDER BY created_at DESC, id DESC",
            (agency_id,),
        )
        return [Upload.from_row(r) for r in rows]

    def upload_of(self, agency_id: int, upload_id: str) -> Upload | None:
        """One upload — only if it belongs to ``agency_id`` (one agency never reaches another's)."""
        rows = self.db.execute(
            f"SELECT {', '.join(UPLOAD_COLUMNS)} FROM uploads WHERE id = ? AND agency_id = ?", (upload_id, agency_id)
        )
        return Upload.from_row(rows[0]) if rows else None

    def latest_uploads(self) -> dict[int, tuple[Upload, int]]:
        """Each agency's newest upload and its number of uploads (two indexed queries, whatever the history)."""
        counts = dict(self.db.execute("SELECT agency_id, COUNT(*) FROM uploads GROUP BY agency_id"))
        rows = self.db.execute(
            f"SELECT {', '.join(UPLOAD_COLUMNS)} FROM uploads u WHERE NOT EXISTS (SELECT 1 FROM uploads v"
            " WHERE v.agency_id = u.agency_id AND (v.created_at > u.created_at"
            " OR (v.created_at = u.created_at AND v.id > u.id)))"
        )
        latest = {}
        for row in rows:
            up = Upload.from_row(row)
            latest[up.agency_id] = (up, int(counts.get(up.agency_id, 1)))
        return latest

    def count_uploads(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM uploads")[0][0])

    # -------------------------------------------------------------- sessions and login failures
    def add_session(self, token_hash: str, expires_at: str) -> None:
        with self.db.transaction() as db:
            db.execute("DELETE FROM sessions WHERE expires_at < ?", (now(),))
            db.execute("INSERT INTO sessions (token_hash, expires_at) VALUES (?, ?)", (token_hash, expires_at))

    def session_valid(self, token_hash: str) -> bool:
        rows = self.db.execute(
            "SELECT expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?", (token_hash, now())
        )
        return bool(rows)

    def drop_session(self, token_hash: str) -> None:
        with self.db.transaction() as db:
            db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))

    def record_failure(self, ip: str) -> None:
        with self.db.transaction() as db:
            db.execute("INSERT INTO login_failures (ip, at) VALUES (?, ?)", (ip, now()))

    def failures_since(self, ip: str, since: str) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM login_failures WHERE ip = ? AND at > ?", (ip, since))[0][0])

    # -------------------------------------------------------------- audit
    def audit(self, actor: str, action: str, detail: str = "") -> None:
        with self.db.transaction() as db:
            self._audit(db, actor, action, detail)

    @staticmethod
    def _audit(db: Database, actor: str, action: str, detail: str) -> None:
        db.execute(
            "INSERT INTO audit (id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)",
            (os.urandom(8).hex(), now(), actor, action, detail[:2000]),
        )

    def audit_log(self, limit: int = 1000) -> list[dict[str, str]]:
        rows = self.db.execute("SELECT at, actor, action, detail FROM audit ORDER BY at DESC LIMIT ?", (limit,))
        return [{"at": a, "actor": b, "action": c, "detail": d} for a, b, c, d in rows]

    # -------------------------------------------------------------- files
    def blob_path(self, sha: str, suffix: str) -> Path:
        return self.root / FILES_DIR / sha[:2] / f"{sha}{suffix}"

    def put_blob(self, source: BinaryIO, suffix: str, limit: int) -> tuple[str, int, Path]:
        """Copy ``source`` into the content-addressed store; (sha256, size, path). Raises ``TooLarge``."""
        tmp_dir = self.root / FILES_DIR / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, suffix=suffix)
        tmp = Path(tmp_name)
        try:
            digest = hashlib.sha256()
            size = 0
            with os.fdopen(fd, "wb") as out:
                while chunk := source.read(1 << 20):
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge(limit)
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            final = self.blob_path(sha, suffix)
            final.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(tmp, final)  # never replaces: an existing file is the same content
            except FileExistsError:
                pass
            else:
                _fsync_dir(final.parent)
            return sha, size, final
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()


class TooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def _files_in(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if p.is_file()]
    except OSError:
        return []


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
