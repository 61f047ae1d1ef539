"""``nianbao serve`` over HTTP (Starlette's test client): the contract, the security properties, nothing lost."""

from __future__ import annotations

import concurrent.futures
import csv
import io
import json
import logging
import os
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from serve_support import POSTGRES, Round, bad_sheet, fresh_postgres_database, good_sheet, make_round
from starlette.testclient import TestClient

from compiler.check import check_path
from compiler.check.output import to_json
from compiler.cli.serve import run_init
from compiler.inputs import load_report
from compiler.serve import jobs
from compiler.serve.app import Settings, asgi
from compiler.serve.store import Store

XSS = "<script>alert('x')</script>局"
NAMES = ["衢州市示例局", "衢州市另一局", XSS]
JSON = {"accept": "application/json"}


@pytest.fixture(params=["sqlite", "postgresql"] if POSTGRES else ["sqlite"])
def database(request) -> Iterator[str | None]:
    """Every test on SQLite; on PostgreSQL too when ``NIANBAO_TEST_POSTGRES_URL`` names a server."""
    if request.param == "sqlite":
        yield None
        return
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def rnd(tmp_path: Path, database: str | None) -> Round:
    return make_round(tmp_path, NAMES, return_to="市政府办公室 <b>收</b>", rollup_name="衢州市", database=database)


@pytest.fixture
def client(rnd: Round):
    settings = Settings(root=rnd.root, database=rnd.database, max_upload_mb=1)
    with TestClient(asgi(settings), base_url="http://testserver") as c:
        yield c


def upload(client: TestClient, link: str, path: Path, *, name: str | None = None, headers=JSON):
    with path.open("rb") as fh:
        return client.post(f"{link}/upload", files={"file": (name or path.name, fh)}, headers=headers)


def csrf_of(client: TestClient, link: str) -> str:
    page = client.get(link)
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def admin(rnd: Round) -> dict[str, str]:
    return {"authorization": f"Bearer {rnd.admin}"}


# ---------------------------------------------------------------------- init
def test_init_writes_links_with_bom_and_prints_admin_token_once(rnd: Round, tmp_path: Path) -> None:
    raw = (rnd.root / "links.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["单位名称", "链接"]
    assert [r[0] for r in rows[1:]] == NAMES
    tokens = [r[1].removeprefix("/r/") for r in rows[1:]]
    assert all(r[1].startswith("/r/") for r in rows[1:])
    assert all(len(t) >= 32 for t in tokens)  # 24 random bytes, base64url: 192 bits
    assert len(set(tokens)) == len(tokens)
    assert len(rnd.admin) >= 32
    # No token is stored in clear anywhere but links.csv (the officer's distribution list).
    for path in rnd.root.rglob("*"):
        if path.is_file() and path.name != "links.csv":
            data = path.read_bytes()
            assert rnd.admin.encode() not in data, path
            assert not any(t.encode() in data for t in tokens), path
    # Each agency has its own locked template with its name.
    templates = sorted((rnd.root / "templates").glob("*.xlsx"))
    assert len(templates) == 3
    assert {load_report(p).agency for p in templates} == set(NAMES)


def test_init_refuses_a_used_folder_and_bad_options(rnd: Round, tmp_path: Path, capsys) -> None:
    roster = tmp_path / "名单.csv"
    assert run_init(rnd.root, roster, 2025) == 2
    assert "不是空目录" in capsys.readouterr().err
    assert run_init(tmp_path / "new", roster, 1900) == 2
    assert run_init(tmp_path / "new2", roster, 2025, deadline="明年") == 2
    assert run_init(tmp_path / "new3", roster, 2025, database="mysql://x") == 2
    assert not (tmp_path / "new").exists() and not (tmp_path / "new2").exists()


# ---------------------------------------------------------------------- agency pages
def test_healthz_and_agency_page(client: TestClient, rnd: Round) -> None:
    assert client.get("/healthz").status_code == 200
    page = client.get(rnd.links[NAMES[0]])
    assert page.status_code == 200
    assert NAMES[0] in page.text and "2026-01-31" in page.text
    assert "template.xlsx" in page.text and 'enctype="multipart/form-data"' in page.text
    assert "<script" not in page.text.lower()  # no JavaScript at all, and names are escaped
    data = client.get(rnd.links[NAMES[0]], headers=JSON).json()
    assert data["agency"] == NAMES[0] and data["year"] == 2025 and data["status"] == "未报送"
    assert data["uploads"] == []


def test_unknown_or_malformed_token_is_404(client: TestClient, rnd: Round) -> None:
    real = rnd.links[NAMES[0]]
    for link in ("/r/" + "A" * 32, "/r/x", real[:-1] + ("A" if real[-1] != "A" else "B"), "/r/..%2f..%2fetc"):
        assert client.get(link).status_code == 404
        assert client.get(f"{link}/report.docx").status_code == 404
        assert client.get(f"{link}/template.xlsx").status_code == 404
    assert client.post("/r/" + "A" * 32 + "/upload", files={"file": ("a.xlsx", b"x")}, headers=JSON).status_code == 404
    assert "链接无效" in client.get("/r/" + "A" * 32).text


def test_names_are_escaped_everywhere(client: TestClient, rnd: Round, tmp_path: Path) -> None:
    link = rnd.links[XSS]
    page = client.get(link)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;局" in page.text
    assert "&lt;b&gt;收&lt;/b&gt;" in page.text  # --return-to too
    sheet = good_sheet(tmp_path / "s.xlsx", "某局</title><script>alert(2)</script>")
    name = "<img src=x onerror=alert(1)>.xlsx"
    resp = upload(client, link, sheet, name=name, headers={"accept": "text/html"} | {})
    # A form post without the CSRF field is refused; with it, the page shows the escaped file and agency names.
    assert resp.status_code == 403
    with sheet.open("rb") as fh:
        resp = client.post(f"{link}/upload", files={"file": (name, fh)}, data={"csrf": csrf_of(client, link)})
    assert resp.status_code == 200
    assert "<img" not in resp.text and "&lt;img src=x onerror=alert(1)&gt;.xlsx" in resp.text
    assert "<script>alert(2)" not in resp.text and "&lt;script&gt;alert(2)&lt;/script&gt;" in resp.text
    assert "不一致" in resp.text  # the sheet names another agency than the link's


def test_template_download_is_the_agencys_own(client: TestClient, rnd: Round, tmp_path: Path) -> None:
    resp = client.get(rnd.links[NAMES[1]] + "/template.xlsx")
    assert resp.status_code == 200
    assert "attachment" in resp.headers["content-disposition"]
    path = tmp_path / "t.xlsx"
    path.write_bytes(resp.content)
    report = load_report(path)
    assert report.agency == NAMES[1] and report.year == 2025


# ---------------------------------------------------------------------- upload → findings → report
def test_upload_returns_the_check_json_entry_and_report_waits_for_a_clean_sheet(
    client: TestClient, rnd: Round, tmp_path: Path
) -> None:
    link = rnd.links[NAMES[0]]
    bad = bad_sheet(tmp_path / "填报表.xlsx", NAMES[0])
    resp = upload(client, link, bad)
    assert resp.status_code == 200
    got = resp.json()
    expected = to_json([check_path(bad)])["files"][0]
    upload_id = got.pop("id")
    assert re.fullmatch(r"u[0-9a-f]{16}", upload_id)
    assert got == expected | {"path": "填报表.xlsx"}
    assert got["status"] == "errors"
    assert any(f["code"] == "T3_BALANCE" and f["sheet"] == "表三" and f["cell"] for f in got["findings"])

    blocked = client.get(f"{link}/report.docx")
    assert blocked.status_code == 409 and "错误" in blocked.text
    assert client.get(f"{link}/report.docx", headers=JSON).json()["error"].startswith("最近一次上传的文件存在")
    # The page shows the findings by sheet and cell, in Chinese.
    page = client.get(link)
    assert "有错误" in page.text and "表三" in page.text and "T3_BALANCE" in page.text

    good = good_sheet(tmp_path / "改好的.xlsx", NAMES[0])
    fixed = upload(client, link, good).json()
    assert fixed["status"] == "ok" and fixed["id"] != upload_id
    resp = client.get(f"{link}/report.docx")
    assert resp.status_code == 200
    assert "2025" in resp.headers["content-disposition"]
    doc = Document(io.BytesIO(resp.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert NAMES[0] in text and "草稿" not in text
    html = client.get(f"{link}/report.html")
    assert html.status_code == 200 and NAMES[0] in html.text
    assert "sandbox" in html.headers["content-security-policy"]
    # History keeps both uploads, newest first; the first one is still reachable.
    history = client.get(link, headers=JSON).json()["uploads"]
    assert [u["id"] for u in history] == [fixed["id"], upload_id]
    assert client.get(f"{link}/uploads/{upload_id}", headers=JSON).json()["status"] == "errors"


def test_another_roster_agencys_sheet_through_my_link_is_an_error(
    client: TestClient, rnd: Round, tmp_path: Path
) -> None:
    """Sent the neighbour's sheet: not 通过 under my name, no report with their name, not in my roll-up line."""
    mine = rnd.links[NAMES[0]]
    theirs = good_sheet(tmp_path / "另一局.xlsx", NAMES[1])
    got = upload(client, mine, theirs).json()
    assert got["status"] == "errors" and got["counts"]["error"] == 1
    first = got["findings"][0]
    assert first["code"] == "UPLOAD_OTHER_AGENCY" and first["ref"] == "基本信息!B2"
    assert NAMES[1] in first["message"] and NAMES[0] in first["message"]
    assert client.get(f"{mine}/report.docx").status_code == 409
    page = client.get(mine).text
    assert "UPLOAD_OTHER_AGENCY" in page and page.count("不一致") == 0  # said once, by the finding
    status = client.get("/api/status", headers=admin(rnd)).json()
    assert next(a for a in status["agencies"] if a["agency"] == NAMES[0])["status"] == "有错误"
    # a name that is on no roster (a short form, a renamed agency) is not called another agency's sheet
    renamed = good_sheet(tmp_path / "改名.xlsx", "衢州市示例局（新）")
    assert upload(client, mine, renamed).json()["status"] == "ok"
    assert "不一致" in client.get(mine).text  # the page's note still asks to make sure


def test_report_before_any_upload_is_409(client: TestClient, rnd: Round) -> None:
    resp = client.get(rnd.links[NAMES[0]] + "/report.pdf")
    assert resp.status_code == 409 and "尚未上传" in resp.text
    assert client.get(rnd.links[NAMES[0]] + "/report.exe").status_code == 404


def test_uploads_are_content_addressed_and_never_overwritten(client: TestClient, rnd: Round, tmp_path: Path) -> None:
    link = rnd.links[NAMES[0]]
    a = bad_sheet(tmp_path / "a.xlsx", NAMES[0])
    b = good_sheet(tmp_path / "b.xlsx", NAMES[0])
    first = upload(client, link, a).json()["id"]
    upload(client, link, b)
    upload(client, link, a)  # the same bytes again: a new record, the same stored file
    blobs = sorted(p for p in (rnd.root / "files").rglob("*.xlsx"))
    assert len(blobs) == 2
    import hashlib

    assert {p.stem for p in blobs} == {hashlib.sha256(p.read_bytes()).hexdigest() for p in (a, b)}
    rows = Store(rnd.root, rnd.database).db.execute("SELECT id, sha256, created_at FROM uploads ORDER BY created_at")
    assert len(rows) == 3 and rows[0][0] == first and rows[0][1] == rows[2][1]


def test_one_agency_never_sees_another(client: TestClient, rnd: Round, tmp_path: Path) -> None:
    mine, theirs = rnd.links[NAMES[0]], rnd.links[NAMES[1]]
    secret = upload(client, theirs, bad_sheet(tmp_path / "他们的.xlsx", NAMES[1])).json()["id"]
    assert client.get(f"{theirs}/uploads/{secret}").status_code == 200
    assert client.get(f"{mine}/uploads/{secret}").status_code == 404
    assert client.get(f"{mine}/uploads/{secret}", headers=JSON).status_code == 404
    assert "他们的.xlsx" not in client.get(mine).text
    assert client.get(mine, headers=JSON).json()["uploads"] == []
    assert client.get(f"{mine}/report.docx").status_code == 409  # their upload is not mine


def test_oversized_upload_is_refused_and_not_stored(client: TestClient, rnd: Round, tmp_path: Path) -> None:
    big = tmp_path / "big.xlsx"
    big.write_bytes(b"PK" + b"\0" * (3 * 1024 * 1024))
    resp = upload(client, rnd.links[NAMES[0]], big)
    assert resp.status_code == 413 and "不能超过 1 MB" in resp.json()["error"]

    # Without a Content-Length (chunked), the cap applies while the body streams in.
    def chunks():
        boundary = b"--xyz"
        yield boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="big.xlsx"\r\n\r\n'
        for _ in range(30):
            yield b"\0" * 100_000
        yield b"\r\n" + boundary + b"--\r\n"

    resp = client.post(
        rnd.links[NAMES[0]] + "/upload",
        content=chunks(),
        headers={"content-type": "multipart/form-data; boundary=xyz", **JSON},
    )
    assert resp.status_code == 413
    assert client.get(rnd.links[NAMES[0]], headers=JSON).json()["uploads"] == []
    assert not list((rnd.root / "files").rglob("*.xlsx"))


def test_missing_file_field_is_400(client: TestClient, rnd: Round) -> None:
    resp = client.post(rnd.links[NAMES[0]] + "/upload", data={"x": "1"}, headers=JSON)
    assert resp.status_code == 400 and "没有收到文件" in resp.json()["error"]


@pytest.mark.parametrize(
    ("case", "status", "text"),
    [
        pytest.param("zip_bomb_total", "unreadable", "压缩炸弹", marks=pytest.mark.slow),
        ("xml_bomb_sheet", "unreadable", "不安全的 XML"),
        ("legacy_xls_as_xlsx", "unreadable", "97-2003"),
        ("deep_json", "unreadable", "嵌套层次过深"),
        ("script_in_narrative", "warnings", "存在的主要问题"),  # its junk 第五部分 is S5_PERFUNCTORY
        ("formula_text_in_number_cell", "errors", "=1+1"),
    ],
)
def test_hostile_uploads_become_findings(client: TestClient, rnd: Round, tmp_path: Path, case, status, text) -> None:
    from hostile import make_corpus

    path = make_corpus.build(case, tmp_path / case)
    got = upload(client, rnd.links[NAMES[0]], path).json()
    assert got["status"] == status, got
    if text:
        assert any(text in f["message"] for f in got["findings"])
    page = client.get(rnd.links[NAMES[0]])
    assert page.status_code == 200 and "<script>" not in page.text


def test_unknown_file_type_is_stored_and_reported_in_chinese(client: TestClient, rnd: Round) -> None:
    resp = client.post(
        rnd.links[NAMES[0]] + "/upload", files={"file": ("../../etc/报告.exe", b"MZ\x90\x00")}, headers=JSON
    )
    got = resp.json()
    assert got["status"] == "unreadable" and got["path"] == "报告.exe"
    assert got["findings"][0]["message"]
    assert list((rnd.root / "files").rglob("*.exe"))


def test_a_hanging_or_crashing_upload_cannot_stall_the_server(
    client: TestClient, rnd: Round, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("NIANBAO_TEST_HANG", "hang-me")
    monkeypatch.setenv("NIANBAO_TEST_CRASH", "crash-me")
    monkeypatch.setattr(jobs, "CHECK_TIMEOUT", 1.0)
    monkeypatch.setattr(jobs.Jobs.run, "__defaults__", (1.0,))
    sheet = good_sheet(tmp_path / "g.xlsx", NAMES[0])
    link = rnd.links[NAMES[0]]
    hung = upload(client, link, sheet, name="hang-me.xlsx").json()
    assert hung["status"] == "unreadable" and "超时" in hung["findings"][0]["message"]
    assert hung["findings"][0]["code"] == "TIMEOUT"
    crashed = upload(client, link, sheet, name="crash-me.xlsx").json()
    assert crashed["status"] == "unreadable" and "处理进程" in crashed["findings"][0]["message"]
    assert crashed["findings"][0]["code"] == "WORKER_CRASH"
    status = client.get("/api/status", headers=admin(rnd)).json()["agencies"][0]["status"]
    assert status == "处理失败"
    assert "服务器出现故障" in client.get(link).text
    assert upload(client, link, sheet).json()["status"] == "ok"
    assert len(client.get(link, headers=JSON).json()["uploads"]) == 3


def test_concurrent_uploads_of_one_agency_are_all_kept(client: TestClient, rnd: Round, tmp_path: Path) -> None:
    link = rnd.links[NAMES[0]]
    sheets = [good_sheet(tmp_path / f"s{i}.xlsx", NAMES[0], seed=i) for i in range(6)]
    with concurrent.futures.ThreadPoolExecutor(6) as ex:
        results = list(ex.map(lambda p: upload(client, link, p), sheets))
    assert all(r.status_code == 200 for r in results)
    ids = {r.json()["id"] for r in results}
    assert len(ids) == 6
    listed = client.get(link, headers=JSON).json()["uploads"]
    assert {u["id"] for u in listed} == ids
    assert len(list((rnd.root / "files").rglob("*.xlsx"))) == 6


# ---------------------------------------------------------------------- officer
def test_api_status_needs_the_admin_token(client: TestClient, rnd: Round, tmp_path: Path) -> None:
    assert client.get("/api/status").status_code == 401
    assert (
        client.get("/api/status", headers={"authorization": "Bearer wrong-token-xxxxxxxxxxxxxxxx"}).status_code == 401
    )
    assert client.get("/admin", headers=JSON).status_code == 401
    assert client.get("/admin/summary.xlsx").status_code == 401
    assert client.get("/admin/all.zip").status_code == 401
    assert client.get("/admin/links.csv").status_code == 401
    assert client.post("/api/close").status_code == 401
    doc = client.get("/api/status", headers=admin(rnd)).json()
    assert doc["year"] == 2025 and doc["deadline"] == "2026-01-31"
    assert [a["agency"] for a in doc["agencies"]] == NAMES
    assert set(doc["agencies"][0]) >= {"agency", "status", "uploads", "last_upload", "problems"}
    assert {a["status"] for a in doc["agencies"]} == {"未报送"}

    link = rnd.links[NAMES[0]]
    upload(client, link, bad_sheet(tmp_path / "b.xlsx", NAMES[0]))
    first = client.get("/api/status", headers=admin(rnd)).json()["agencies"][0]
    assert first["status"] == "有错误" and first["uploads"] == 1 and first["problems"] >= 1 and first["last_upload"]
    upload(client, link, good_sheet(tmp_path / "g.xlsx", NAMES[0]))
    first = client.get("/api/status", headers=admin(rnd)).json()["agencies"][0]
    assert first["status"] == "通过" and first["uploads"] == 2 and first["problems"] == 0
    client.post(rnd.links[NAMES[1]] + "/upload", files={"file": ("x.xlsx", b"junk")}, headers=JSON)
    second = client.get("/api/status", headers=admin(rnd)).json()["agencies"][1]
    assert second["status"] == "无法读取"


def test_failed_admin_logins_are_rate_limited(client: TestClient, rnd: Round) -> None:
    for _ in range(5):
        assert client.get("/api/status", headers={"authorization": "Bearer " + "x" * 32}).status_code == 401
    limited = client.get("/api/status", headers=admin(rnd))
    assert limited.status_code == 429 and "retry-after" in limited.headers
    csrf = csrf_of(client, "/admin/login")
    assert client.post("/admin/login", data={"token": rnd.admin, "csrf": csrf}).status_code == 429


def test_login_session_csrf_and_closing_the_round(client: TestClient, rnd: Round, tmp_path: Path) -> None:
    login = client.get("/admin/login")
    assert login.status_code == 200 and "管理员令牌" in login.text
    csrf = csrf_of(client, "/admin/login")
    assert client.post("/admin/login", data={"token": rnd.admin}).status_code == 403  # no CSRF field
    wrong = client.post("/admin/login", data={"token": "x" * 32, "csrf": csrf})
    assert wrong.status_code == 401 and "不正确" in wrong.text
    ok = client.post("/admin/login", data={"token": rnd.admin, "csrf": csrf}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/admin"
    cookie = ok.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower() and rnd.admin not in cookie
    page = client.get("/admin")
    assert page.status_code == 200 and "&lt;script&gt;" in page.text and "未报送" in page.text
    assert client.get("/api/status").status_code == 200  # the session works for the JSON API too

    # Closing needs the CSRF field from a browser session.
    assert client.post("/admin/close", data={}).status_code == 403
    assert client.post("/admin/close", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    assert client.get("/api/status").json()["closed"] is True
    refused = upload(client, rnd.links[NAMES[0]], good_sheet(tmp_path / "g.xlsx", NAMES[0]))
    assert refused.status_code == 409 and "已经结束" in refused.json()["error"]
    assert "不再接收上传" in client.get(rnd.links[NAMES[0]]).text
    # The API with the bearer token needs no CSRF field.
    fresh = TestClient(client.app)
    assert fresh.post("/api/reopen", headers=admin(rnd)).json() == {"closed": False}
    assert upload(client, rnd.links[NAMES[0]], good_sheet(tmp_path / "g.xlsx", NAMES[0])).status_code == 200

    assert client.post("/admin/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    assert client.get("/api/status").status_code == 401


def test_officer_downloads(client: TestClient, rnd: Round, tmp_path: Path) -> None:
    upload(client, rnd.links[NAMES[0]], good_sheet(tmp_path / "a.xlsx", NAMES[0], seed=1))
    upload(client, rnd.links[NAMES[1]], bad_sheet(tmp_path / "b.xlsx", NAMES[1], seed=2))
    h = admin(rnd)

    links = client.get("/admin/links.csv", headers=h)
    assert links.status_code == 200 and links.content == (rnd.root / "links.csv").read_bytes()

    resp = client.get("/admin/summary.xlsx", headers=h)
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.content))
    assert {"文件汇总", "问题清单", "全辖区合计"} <= set(wb.sheetnames)
    # The first sheet is the round's status of every roster agency, as batch --roster writes it.
    first = wb[wb.sheetnames[0]]
    cells = {str(c) for row in first.iter_rows(values_only=True) for c in row if c is not None}
    assert {NAMES[0], NAMES[1], XSS} <= cells and {"通过", "有错误", "未报送"} <= cells
    rows = list(wb["文件汇总"].iter_rows(min_row=2, values_only=True))
    assert {r[2] for r in rows} == {NAMES[0], NAMES[1]}
    assert any("T3_BALANCE" in (r[4] or "") for r in wb["问题清单"].iter_rows(values_only=True))

    resp = client.get("/admin/rollup.docx", headers=h)
    assert resp.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(resp.content)).paragraphs)
    # It says what it covers: the sheet with errors is left out (as batch --roster does), the silent agency named.
    assert "衢州市政府信息公开申请情况汇总" in text and "1 个单位" in text
    assert f"未计入：{NAMES[1]}（有错误未计入）" in text
    assert "名单共 3 个单位，其中 1 个尚未报送" in text

    resp = client.get("/admin/all.zip", headers=h)
    assert resp.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(resp.content)).namelist()
    assert f"{NAMES[0]}/a.xlsx" in names and f"{NAMES[1]}/b.xlsx" in names
    assert any(n.startswith(NAMES[0]) and n.endswith(".docx") for n in names)
    assert not any(n.startswith(NAMES[1]) and n.endswith(".docx") for n in names)  # errors: no report
    # A hostile file or agency name cannot make a member that unpacks outside the folder.
    client.post(rnd.links[XSS] + "/upload", files={"file": ("..", b"junk")}, headers=JSON)
    names = zipfile.ZipFile(io.BytesIO(client.get("/admin/all.zip", headers=h).content)).namelist()
    assert len(names) == 4
    assert all(".." not in part and part.strip() for n in names for part in n.split("/")), names


def test_security_headers_on_every_kind_of_response(client: TestClient, rnd: Round) -> None:
    for path in ("/", "/healthz", rnd.links[NAMES[0]], "/admin/login", "/nope", "/api/status", "/static/style.css"):
        resp = client.get(path)
        assert "default-src 'none'" in resp.headers["content-security-policy"], path
        assert "frame-ancestors 'none'" in resp.headers["content-security-policy"], path
        assert resp.headers["x-content-type-options"] == "nosniff", path
        assert resp.headers["x-frame-options"] == "DENY", path
        assert resp.headers["referrer-policy"] == "no-referrer", path


def test_audit_log_and_access_log_hold_no_tokens(client: TestClient, rnd: Round, tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.INFO, logger="nianbao.serve")
    link = rnd.links[NAMES[0]]
    upload(client, link, good_sheet(tmp_path / "g.xlsx", NAMES[0]))
    client.get(f"{link}/report.docx")
    client.get("/api/status", headers={"authorization": "Bearer " + "y" * 32})
    audit = client.get("/api/audit", headers=admin(rnd)).json()["audit"]
    actions = [(a["actor"], a["action"]) for a in audit]
    assert ("agency:1", "upload") in actions and ("agency:1", "download") in actions
    assert any(a["action"] == "admin-login-failed" for a in audit)
    tokens = [t.removeprefix("/r/") for t in rnd.links.values()] + [rnd.admin, "y" * 32]
    dumped = json.dumps(audit, ensure_ascii=False) + caplog.text
    assert "/r/***" in caplog.text
    assert not any(t in dumped for t in tokens)


def test_restart_keeps_everything_and_removes_leftovers(rnd: Round, tmp_path: Path) -> None:
    link = rnd.links[NAMES[0]]
    with TestClient(asgi(Settings(root=rnd.root, database=rnd.database))) as first:
        uid = upload(first, link, good_sheet(tmp_path / "g.xlsx", NAMES[0])).json()["id"]
    leftover = rnd.root / "files" / "tmp" / "half-written.xlsx"
    leftover.write_bytes(b"PK\x03\x04 half")
    os.utime(leftover, (time.time() - 7200, time.time() - 7200))  # left by a server killed two hours ago
    in_flight = rnd.root / "files" / "tmp" / "another-worker-is-writing.xlsx"
    in_flight.write_bytes(b"PK")
    with TestClient(asgi(Settings(root=rnd.root, database=rnd.database))) as second:
        assert [u["id"] for u in second.get(link, headers=JSON).json()["uploads"]] == [uid]
        assert second.get(f"{link}/report.docx").status_code == 200
    assert not leftover.exists()
    assert in_flight.exists()  # with --workers, another process may be writing it right now


@pytest.mark.office
@pytest.mark.slow
def test_pdf_report_through_libreoffice(client: TestClient, rnd: Round, tmp_path: Path, soffice: str) -> None:
    link = rnd.links[NAMES[0]]
    upload(client, link, good_sheet(tmp_path / "g.xlsx", NAMES[0]))
    resp = client.get(f"{link}/report.pdf")
    assert resp.status_code == 200, resp.text
    assert resp.content.startswith(b"%PDF") and len(resp.content) > 10_000
    assert resp.headers["content-type"] == "application/pdf"


def test_officer_sees_one_agencys_uploads_and_findings(client: TestClient, rnd: Round, tmp_path: Path) -> None:
    upload(client, rnd.links[XSS], bad_sheet(tmp_path / "b.xlsx", XSS))
    assert client.get("/admin/agencies/3").status_code == 401
    page = client.get("/admin/agencies/3", headers=admin(rnd) | {"accept": "text/html"})
    assert page.status_code == 200 and "T3_BALANCE" in page.text and "表三" in page.text
    assert "&lt;script&gt;" in page.text and "<script>" not in page.text
    data = client.get("/admin/agencies/3", headers=admin(rnd) | JSON).json()
    assert data["agency"] == XSS and data["uploads"][0]["result"]["status"] == "errors"
    assert client.get("/admin/agencies/99", headers=admin(rnd)).status_code == 404
    assert client.get("/admin/agencies/abc", headers=admin(rnd)).status_code == 404


def test_our_bug_is_a_chinese_500_without_the_token(rnd: Round, monkeypatch, caplog) -> None:
    caplog.set_level(logging.INFO, logger="nianbao.serve")

    def broken(self, agency_id):
        raise RuntimeError("boom")

    monkeypatch.setattr(Store, "uploads_of", broken)
    with TestClient(asgi(Settings(root=rnd.root, database=rnd.database)), raise_server_exceptions=False) as c:
        link = rnd.links[NAMES[0]]
        resp = c.get(link)
        assert resp.status_code == 500 and "服务器内部错误" in resp.text and "boom" not in resp.text
        assert resp.headers["x-content-type-options"] == "nosniff"
        assert c.get(link, headers=JSON).json()["error"].startswith("服务器内部错误")
    assert link.removeprefix("/r/") not in caplog.text and "RuntimeError" in caplog.text
