"""The round's store: portable SQL, transactions, content-addressed files that are never overwritten."""

from __future__ import annotations

import io
import os
import socket

import pytest

from compiler.serve.security import redact, same_hash, token_hash
from compiler.serve.store import Database, Store, StoreError, TooLarge, Upload, now


def _upload(uid: str, agency: int, at: str) -> Upload:
    return Upload(uid, agency, at, "a.xlsx", "0" * 64, 1, ".xlsx", "ok", 0, 0, 0, {"status": "ok"}, None, None, None)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path)
    s.create_schema()
    s.add_agencies([(1, "甲局", token_hash("a" * 32), None), (2, "乙局", token_hash("b" * 32), None)])
    return s


def test_placeholders_are_portable() -> None:
    db = Database("sqlite:///:memory:")
    assert db._sql("SELECT ? , ?") == "SELECT ? , ?"
    db.postgres = True
    assert db._sql("SELECT a FROM t WHERE x = ? AND y = ?") == "SELECT a FROM t WHERE x = %s AND y = %s"


def test_postgresql_that_cannot_be_reached_is_a_chinese_error(tmp_path) -> None:
    with socket.socket() as s:  # a loopback port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = Store(tmp_path, f"postgresql://nianbao@127.0.0.1:{port}/round?connect_timeout=2")
    with pytest.raises(StoreError, match="无法连接 PostgreSQL"):
        store.create_schema()


def test_latest_upload_per_agency_and_isolation(store: Store) -> None:
    store.add_upload(_upload("u1", 1, "2026-01-01T00:00:00.000001Z"), ("agency:1", "upload", ""))
    store.add_upload(_upload("u2", 1, "2026-01-01T00:00:00.000002Z"), ("agency:1", "upload", ""))
    store.add_upload(_upload("u3", 2, "2026-01-01T00:00:00.000001Z"), ("agency:2", "upload", ""))
    latest = store.latest_uploads()
    assert latest[1][0].id == "u2" and latest[1][1] == 2
    assert latest[2][0].id == "u3" and latest[2][1] == 1
    assert store.upload_of(1, "u3") is None and store.upload_of(2, "u3").id == "u3"
    assert [u.id for u in store.uploads_of(1)] == ["u2", "u1"]


def test_a_failed_transaction_leaves_no_record(store: Store) -> None:
    store.add_upload(_upload("u1", 1, now()), ("agency:1", "upload", ""))
    with pytest.raises(Exception):  # noqa: B017 - the same id twice: the database refuses
        store.add_upload(_upload("u1", 1, now()), ("agency:1", "upload", "second"))
    assert store.count_uploads() == 1
    assert [a["detail"] for a in store.audit_log()] == [""]


def test_blobs_are_content_addressed_never_overwritten_and_capped(store: Store, tmp_path) -> None:
    sha, size, path = store.put_blob(io.BytesIO(b"hello"), ".xlsx", limit=100)
    assert path.name == f"{sha}.xlsx" and size == 5 and path.read_bytes() == b"hello"
    inode = path.stat().st_ino
    again = store.put_blob(io.BytesIO(b"hello"), ".xlsx", limit=100)
    assert again[2] == path and path.stat().st_ino == inode  # the stored file was not replaced
    with pytest.raises(TooLarge):
        store.put_blob(io.BytesIO(b"x" * 101), ".xlsx", limit=100)
    assert os.listdir(tmp_path / "files" / "tmp") == []
    assert len([p for p in (tmp_path / "files").rglob("*") if p.is_file()]) == 1


def test_tokens_hash_and_redaction() -> None:
    assert same_hash("a" * 32, token_hash("a" * 32)) and not same_hash("b" * 32, token_hash("a" * 32))
    assert not same_hash("a" * 32, None)
    assert redact("/r/SECRET-token_123/report.docx") == "/r/***/report.docx"
    assert redact("/admin") == "/admin"
