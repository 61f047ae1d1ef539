"""The web application (Starlette): routes, pages, JSON, security headers.

Only translation happens here: HTTP in, a call into ``store``/``jobs`` (whose
tasks run ``core`` in worker processes), HTML or JSON out. Every page is
rendered on the server by Jinja2 with autoescaping on; there is no JavaScript.

Agencies have no account: the private link ``/r/<token>`` is the key, and
every query of an agency's data is made with that agency's id, so one agency
can never reach another's uploads. The officer logs in with the admin token
(a session cookie) or sends it as ``Authorization: Bearer``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import time
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import ROUND_STATUSES, core
from .jobs import COMPILE_TIMEOUT, JobFailed, Jobs
from .security import looks_like_token, new_token, redact, same_hash, same_text, token_hash
from .store import LINKS_NAME, OUTPUTS_DIR, TEMPLATES_DIR, Agency, Store, TooLarge, Upload, iso_after, now

log = logging.getLogger("nianbao.serve")
HERE = Path(__file__).parent

#: Largest upload accepted (a filled template is ≈ 30 KB; the readers' own limit is 100 MB).
DEFAULT_MAX_UPLOAD_MB = 20
SESSION_COOKIE = "nianbao_admin"
CSRF_COOKIE = "nianbao_csrf"
SESSION_HOURS = 12
#: Failed admin logins allowed per client address within ``LOGIN_WINDOW`` seconds.
LOGIN_LIMIT = 5
LOGIN_WINDOW = 15 * 60
CHINA = dt.timezone(dt.timedelta(hours=8))

SECURITY_HEADERS = {
    "content-security-policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    # The private link is in the URL: never send it to another site.
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
#: The compiled HTML report carries its own inline styles; it is sandboxed (no script, own origin).
REPORT_HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"

MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
    "csv": "text/csv; charset=utf-8",
}
FORMAT_LABEL = {"docx": "Word", "pdf": "PDF", "html": "网页"}
SEVERITY = {"error": "错误", "warning": "警告", "notice": "提示"}
SEVERITY_ORDER = {"error": 0, "warning": 1, "notice": 2}


class BodyTooLarge(Exception):
    pass


@dataclass
class Settings:
    root: Path
    database: str | None = None
    max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB
    jobs: int | None = None

    @property
    def max_upload(self) -> int:
        return self.max_upload_mb * 1024 * 1024


# ---------------------------------------------------------------------- middleware
class Guard:
    """Security headers on every response, an upload size cap, and an access log without tokens."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [0]
        seen = [0]
        limit = self.max_body + 64 * 1024  # room for the multipart framing around the file

        async def limited_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                seen[0] += len(message.get("body", b""))
                if seen[0] > limit:
                    raise BodyTooLarge
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        finally:
            log.info(
                "%s %s %s %.0fms",
                scope.get("method"),
                redact(scope.get("path", "")),
                status[0],
                (time.perf_counter() - started) * 1000,
            )


class RateLimited(Exception):
    """Too many failed admin logins from one address."""


def officer(
    handler: Callable[[Server, Request], Awaitable[Response]],
) -> Callable[[Server, Request], Awaitable[Response]]:
    """Decorator: the handler runs only for the officer (session cookie or Bearer admin token)."""

    async def wrapped(self: Server, request: Request) -> Response:
        try:
            ok = await self.admin_auth(request)
        except RateLimited:
            return self.rate_limited(request)
        if not ok:
            return self.unauthorized(request)
        return await handler(self, request)

    wrapped.__name__ = handler.__name__
    wrapped.__doc__ = handler.__doc__
    return wrapped


# ---------------------------------------------------------------------- the application
class Server:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = Store(settings.root, settings.database)
        self.jobs = Jobs(settings.jobs)
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["local_time"] = local_time
        self.env.globals["SEVERITY"] = SEVERITY
        self.env.globals["FORMAT_LABEL"] = FORMAT_LABEL

    # -------------------------------------------------------------- helpers
    def meta(self) -> dict[str, str]:
        return self.store.meta()

    def page(self, request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
        cookie = request.cookies.get(CSRF_COOKIE)
        fresh = not (cookie and looks_like_token(cookie))
        csrf = new_token() if fresh or not cookie else cookie
        meta = context.pop("meta", None) or self.meta()
        html = self.env.get_template(name).render(csrf=csrf, meta=meta, **context)
        response = Response(html, status_code=status_code, media_type="text/html; charset=utf-8")
        if fresh:
            response.set_cookie(
                CSRF_COOKIE, csrf, httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/"
            )
        return response

    def message(self, request: Request, status_code: int, text: str, *, title: str = "提示") -> Response:
        if wants_json(request):
            return JSONResponse({"error": text}, status_code=status_code)
        return self.page(request, "message.html", status_code, title=title, text=text)

    async def agency_of(self, request: Request) -> Agency | None:
        token = request.path_params["token"]
        if not looks_like_token(token):
            return None
        digest = token_hash(token)
        agency = await run_in_threadpool(self.store.agency_by_hash, digest)
        return agency

    def not_found(self, request: Request) -> Response:
        return self.message(request, 404, "链接无效：请核对收到的专用链接是否完整。", title="链接无效")

    def csrf_ok(self, request: Request, form_value: Any) -> bool:
        return isinstance(form_value, str) and same_text(form_value, request.cookies.get(CSRF_COOKIE))

    # -------------------------------------------------------------- public
    async def healthz(self, request: Request) -> Response:
        await run_in_threadpool(self.store.meta)
        return JSONResponse({"status": "ok"})

    async def home(self, request: Request) -> Response:
        return self.page(request, "home.html")

    # -------------------------------------------------------------- agency
    def agency_json(self, agency: Agency, uploads: list[Upload], meta: dict[str, str], base: str) -> dict[str, Any]:
        latest = uploads[0] if uploads else None
        return {
            "agency": agency.name,
            "year": int(meta["year"]),
            "deadline": meta.get("deadline"),
            "return_to": meta.get("return_to"),
            "closed": meta.get("closed") == "1",
            "status": core.round_status(latest.status if latest else None),
            "template": f"{base}/template.xlsx",
            "upload": f"{base}/upload",
            "reports": {fmt: f"{base}/report.{fmt}" for fmt in core.REPORT_FORMATS},
            "uploads": [upload_json(u) for u in uploads],
        }

    async def agency_page(self, request: Request) -> Response:
        agency = await self.agency_of(request)
        if agency is None:
            return self.not_found(request)
        uploads = await run_in_threadpool(self.store.uploads_of, agency.id)
        return await self._agency_view(request, agency, uploads, shown=uploads[0] if uploads else None)

    async def _agency_view(
        self,
        request: Request,
        agency: Agency,
        uploads: list[Upload],
        shown: Upload | None,
        *,
        status_code: int = 200,
        notice: str | None = None,
    ) -> Response:
        meta = await run_in_threadpool(self.meta)
        base = "/r/" + request.path_params["token"]
        if wants_json(request):
            return JSONResponse(self.agency_json(agency, uploads, meta, base), status_code=status_code)
        latest = uploads[0] if uploads else None
        return self.page(
            request,
            "agency.html",
            status_code,
            meta=meta,
            agency=agency,
            base=base,
            uploads=uploads,
            shown=shown,
            findings=sorted_findings(shown),
            latest=latest,
            status=core.round_status(latest.status if latest else None),
            can_compile=latest is not None and latest.status in core.COMPILABLE,
            overdue=overdue(meta.get("deadline")),
            notice=notice,
            other_agency=shown.report_agency
            if shown and shown.report_agency and not core.same_agency(shown.report_agency, agency.name)
            else None,
            max_upload_mb=self.settings.max_upload_mb,
        )

    async def upload(self, request: Request) -> Response:
        agency = await self.agency_of(request)
        if agency is None:
            return self.not_found(request)
        meta = await run_in_threadpool(self.meta)
        if meta.get("closed") == "1":
            return self.message(
                request, 409, "本轮报送已经结束，不再接收上传。如需更正，请联系汇总单位。", title="报送已结束"
            )
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.settings.max_upload + 64 * 1024:
            return self.too_large(request)
        try:
            async with request.form(max_files=1, max_fields=5) as form:
                if not wants_json(request) and not self.csrf_ok(request, form.get("csrf")):
                    return self.message(request, 403, "页面已过期，请刷新页面后重新上传。", title="请刷新页面")
                file = form.get("file")
                if not isinstance(file, UploadFile) or not file.filename:
                    return self.message(
                        request, 400, "没有收到文件：请选择填好的 .xlsx 填报表（或报告 JSON）后再上传。"
                    )
                name = clean_filename(file.filename)
                suffix = upload_suffix(name)
                sha, size, path = await run_in_threadpool(
                    self.store.put_blob, file.file, suffix, self.settings.max_upload
                )
        except (BodyTooLarge, TooLarge):
            return self.too_large(request)
        try:
            result = await self.jobs.run({"kind": "check", "path": str(path), "name": name})
        except JobFailed as exc:
            result = core.failed_check(name, exc.code, str(exc))
        if not result.get("ok"):
            result = core.failed_check(
                name, "INTERNAL_ERROR", "处理时发生内部错误，不是文件的问题，请把文件发给维护人员。"
            )
        entry = result["entry"]
        counts = entry["counts"]
        record = Upload(
            id="u" + os.urandom(8).hex(),
            agency_id=agency.id,
            created_at=now(),
            filename=name,
            sha256=sha,
            size=size,
            suffix=suffix,
            status="failed" if result.get("failed") else entry["status"],
            errors=counts.get("error", 0),
            warnings=counts.get("warning", 0),
            notices=counts.get("notice", 0),
            result=entry,
            report_agency=result.get("agency"),
            report_year=result.get("year"),
            tables=result.get("tables"),
        )
        detail = f"agency={agency.id} upload={record.id} sha256={sha} size={size} status={record.status}"
        await run_in_threadpool(self.store.add_upload, record, (f"agency:{agency.id}", "upload", detail))
        if wants_json(request):
            return JSONResponse({**entry, "id": record.id})
        uploads = await run_in_threadpool(self.store.uploads_of, agency.id)
        return await self._agency_view(request, agency, uploads, shown=record, notice="已收到您上传的文件。")

    def too_large(self, request: Request) -> Response:
        mb = self.settings.max_upload_mb
        return self.message(request, 413, f"文件过大：上传文件不能超过 {mb} MB。标准填报表通常不到 1 MB。")

    async def upload_view(self, request: Request) -> Response:
        agency = await self.agency_of(request)
        if agency is None:
            return self.not_found(request)
        shown = await run_in_threadpool(self.store.upload_of, agency.id, request.path_params["upload_id"])
        if shown is None:
            return self.message(request, 404, "找不到这次上传记录。", title="找不到")
        if wants_json(request):
            return JSONResponse({**shown.result, "id": shown.id})
        uploads = await run_in_threadpool(self.store.uploads_of, agency.id)
        return await self._agency_view(request, agency, uploads, shown=shown)

    async def template(self, request: Request) -> Response:
        agency = await self.agency_of(request)
        if agency is None:
            return self.not_found(request)
        if not agency.template:
            return self.message(request, 404, "没有为本单位准备填报模板，请联系汇总单位。")
        path = self.settings.root / TEMPLATES_DIR / agency.template
        await run_in_threadpool(self.store.audit, f"agency:{agency.id}", "download", "template.xlsx")
        return download(path, agency.template, "xlsx")

    async def report(self, request: Request) -> Response:
        agency = await self.agency_of(request)
        if agency is None:
            return self.not_found(request)
        fmt = request.path_params["fmt"]
        if fmt not in core.REPORT_FORMATS:
            return self.message(request, 404, "不支持的报告格式。")
        uploads = await run_in_threadpool(self.store.uploads_of, agency.id)
        if not uploads:
            return self.message(request, 409, "尚未上传填报表，无法生成报告。请先上传填好的填报表。", title="尚未上传")
        latest = uploads[0]
        if latest.status not in core.COMPILABLE:
            what = {"unreadable": "无法读取", "failed": "处理失败"}.get(latest.status, f"存在 {latest.errors} 个错误")
            text = f"最近一次上传的文件{what}，报告暂不能生成。请按页面上的提示修改后重新上传。"
            return self.message(request, 409, text, title="报告暂不能生成")
        try:
            path = await self.compiled(latest, fmt)
        except JobFailed as exc:
            return self.message(request, 503, f"生成报告失败：{exc}")
        if path is None:
            return self.message(request, 503, "生成报告失败，请稍后重试或联系汇总单位。")
        await run_in_threadpool(self.store.audit, f"agency:{agency.id}", "download", f"report.{fmt} upload={latest.id}")
        stem = core.report_stem(latest.report_agency or agency.name, latest.report_year, agency.name)
        response = download(path, f"{stem}.{fmt}", fmt, inline=fmt == "html")
        if fmt == "html":
            response.headers["content-security-policy"] = REPORT_HTML_CSP
        return response

    async def compiled(self, upload: Upload, fmt: str) -> Path | None:
        """The report of an upload, compiled once (cached by content hash) in a worker."""
        out_dir = self.settings.root / OUTPUTS_DIR
        target = out_dir / f"{upload.sha256}.{fmt}"
        if target.is_file():
            return target
        out_dir.mkdir(parents=True, exist_ok=True)
        source = self.store.blob_path(upload.sha256, upload.suffix)
        task = {"kind": "compile", "path": str(source), "outputs": str(out_dir), "key": upload.sha256, "format": fmt}
        result = await self.jobs.run(task, timeout=COMPILE_TIMEOUT)
        if not result.get("ok"):
            log.warning("compile failed: %s", result.get("internal") or result.get("message"))
            return None
        return Path(result["path"])

    # -------------------------------------------------------------- officer: authentication
    async def admin_auth(self, request: Request) -> bool:
        """A valid session cookie, or ``Authorization: Bearer <admin token>`` (rate-limited when wrong)."""
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            token = header[7:].strip()
            return await self.check_admin_token(request, token)
        session = request.cookies.get(SESSION_COOKIE)
        if session and looks_like_token(session):
            return await run_in_threadpool(self.store.session_valid, token_hash(session))
        return False

    async def check_admin_token(self, request: Request, token: str) -> bool:
        ip = client_ip(request)
        since = iso_after(-LOGIN_WINDOW)
        if await run_in_threadpool(self.store.failures_since, ip, since) >= LOGIN_LIMIT:
            raise RateLimited
        meta = await run_in_threadpool(self.meta)
        if same_hash(token, meta.get("admin_hash")):
            return True
        await run_in_threadpool(self.store.record_failure, ip)
        await run_in_threadpool(self.store.audit, f"ip:{ip}", "admin-login-failed", "")
        return False

    def unauthorized(self, request: Request) -> Response:
        if wants_json(request) or request.url.path.startswith("/api/"):
            return JSONResponse(
                {"error": "需要管理员令牌：Authorization: Bearer <令牌>"},
                status_code=401,
                headers={"www-authenticate": "Bearer"},
            )
        return self.page(request, "login.html", 401, error=None)

    def rate_limited(self, request: Request) -> Response:
        minutes = LOGIN_WINDOW // 60
        text = f"登录失败次数过多，请 {minutes} 分钟后再试。"
        if wants_json(request) or request.url.path.startswith("/api/"):
            return JSONResponse({"error": text}, status_code=429, headers={"retry-after": str(LOGIN_WINDOW)})
        return self.page(request, "login.html", 429, error=text)

    async def login_page(self, request: Request) -> Response:
        return self.page(request, "login.html", error=None)

    async def login(self, request: Request) -> Response:
        async with request.form(max_files=0, max_fields=5) as form:
            token = str(form.get("token") or "").strip()
            csrf = form.get("csrf")
        if not self.csrf_ok(request, csrf):
            return self.page(request, "login.html", 403, error="页面已过期，请刷新后重新登录。")
        try:
            ok = await self.check_admin_token(request, token)
        except RateLimited:
            return self.rate_limited(request)
        if not ok:
            return self.page(request, "login.html", 401, error="管理员令牌不正确。")
        session = new_token()
        await run_in_threadpool(self.store.add_session, token_hash(session), iso_after(SESSION_HOURS * 3600))
        await run_in_threadpool(self.store.audit, "admin", "login", f"ip={client_ip(request)}")
        response = RedirectResponse("/admin", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            session,
            max_age=SESSION_HOURS * 3600,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
        return response

    async def logout(self, request: Request) -> Response:
        async with request.form(max_files=0, max_fields=5) as form:
            csrf = form.get("csrf")
        if not self.csrf_ok(request, csrf):
            return self.message(request, 403, "页面已过期，请刷新后重试。")
        session = request.cookies.get(SESSION_COOKIE)
        if session and looks_like_token(session):
            await run_in_threadpool(self.store.drop_session, token_hash(session))
        response = RedirectResponse("/admin/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # -------------------------------------------------------------- officer: round status
    def round_json(self) -> dict[str, Any]:
        meta = self.meta()
        latest = self.store.latest_uploads()
        agencies = []
        for agency in self.store.agencies():
            up, n = latest.get(agency.id, (None, 0))
            agencies.append(
                {
                    "id": agency.id,
                    "agency": agency.name,
                    "status": core.round_status(up.status if up else None),
                    "uploads": n,
                    "last_upload": up.created_at if up else None,
                    "problems": (up.errors + up.warnings) if up else 0,
                }
            )
        counts = {s: sum(a["status"] == s for a in agencies) for s in ROUND_STATUSES}
        return {
            "year": int(meta["year"]),
            "deadline": meta.get("deadline"),
            "closed": meta.get("closed") == "1",
            "counts": counts,
            "agencies": agencies,
        }

    @officer
    async def api_status(self, request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(self.round_json))

    @officer
    async def admin_page(self, request: Request) -> Response:
        doc = await run_in_threadpool(self.round_json)
        return self.page(request, "admin.html", status=doc, statuses=ROUND_STATUSES, overdue=overdue(doc["deadline"]))

    @officer
    async def admin_agency(self, request: Request) -> Response:
        try:
            agency_id = int(request.path_params["agency_id"])
        except ValueError:
            agency_id = -1
        agency = await run_in_threadpool(self.store.agency, agency_id)
        if agency is None:
            return self.message(request, 404, "没有这个单位。")
        uploads = await run_in_threadpool(self.store.uploads_of, agency.id)
        if wants_json(request):
            return JSONResponse(
                {"agency": agency.name, "uploads": [upload_json(u) | {"result": u.result} for u in uploads]}
            )
        shown = uploads[0] if uploads else None
        return self.page(
            request, "admin_agency.html", agency=agency, uploads=uploads, shown=shown, findings=sorted_findings(shown)
        )

    @officer
    async def api_audit(self, request: Request) -> Response:
        return JSONResponse({"audit": await run_in_threadpool(self.store.audit_log)})

    async def _set_closed(self, request: Request, closed: bool) -> Response:
        bearer = request.headers.get("authorization", "").lower().startswith("bearer ")
        if not bearer:  # a browser with a session cookie: the form must carry the CSRF token
            async with request.form(max_files=0, max_fields=5) as form:
                csrf = form.get("csrf") or request.headers.get("x-csrf-token")
            if not self.csrf_ok(request, csrf):
                return self.message(request, 403, "页面已过期，请刷新后重试。")
        await run_in_threadpool(self.store.set_meta, closed="1" if closed else "0")
        await run_in_threadpool(self.store.audit, "admin", "close" if closed else "reopen", "")
        if wants_json(request) or request.url.path.startswith("/api/"):
            return JSONResponse({"closed": closed})
        return RedirectResponse("/admin", status_code=303)

    @officer
    async def close(self, request: Request) -> Response:
        return await self._set_closed(request, True)

    @officer
    async def reopen(self, request: Request) -> Response:
        return await self._set_closed(request, False)

    # -------------------------------------------------------------- officer: downloads
    def latest_files(self) -> list[dict[str, Any]]:
        """Each agency's latest readable upload, as the summary and roll-up need it."""
        latest = self.store.latest_uploads()
        files = []
        for agency in self.store.agencies():
            up, _n = latest.get(agency.id, (None, 0))
            if up is None:
                continue
            files.append(
                {
                    "rel": f"{agency.name}/{up.filename}",
                    "agency": up.report_agency or agency.name,
                    "year": up.report_year,
                    "status": up.status,
                    "counts": up.result.get("counts", {}),
                    "findings": up.result.get("findings", []),
                    "tables": up.tables,
                }
            )
        return files

    async def _built(self, request: Request, kind: str, name: str, fmt: str, extra: dict[str, Any]) -> Response:
        files = await run_in_threadpool(self.latest_files)
        out = self.settings.root / OUTPUTS_DIR / "round"
        out.mkdir(parents=True, exist_ok=True)
        target = out / f"{kind}-{os.urandom(6).hex()}.{fmt}"
        meta = await run_in_threadpool(self.meta)
        task = {"kind": kind, "files": files, "target": str(target), "rollup_name": meta.get("rollup_name") or "本辖区"}
        try:
            result = await self.jobs.run(task | extra, timeout=COMPILE_TIMEOUT)
        except JobFailed as exc:
            return self.message(request, 503, f"生成失败：{exc}")
        if not result.get("ok"):
            return self.message(request, 503, "生成失败，请稍后重试。")
        await run_in_threadpool(self.store.audit, "admin", "download", name)
        data = await run_in_threadpool(target.read_bytes)
        target.unlink(missing_ok=True)
        return bytes_download(data, name, fmt)

    @officer
    async def summary(self, request: Request) -> Response:
        return await self._built(request, "summary", "汇总.xlsx", "xlsx", {})

    @officer
    async def rollup(self, request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in ("docx", "html"):
            return self.message(request, 404, "不支持的格式。")
        meta = await run_in_threadpool(self.meta)
        name = f"{meta.get('rollup_name') or '本辖区'}政府信息公开申请情况汇总.{fmt}"
        agencies = await run_in_threadpool(self.store.agencies)
        return await self._built(request, "rollup", name, fmt, {"format": fmt, "roster_size": len(agencies)})

    @officer
    async def links(self, request: Request) -> Response:
        await run_in_threadpool(self.store.audit, "admin", "download", LINKS_NAME)
        return download(self.settings.root / LINKS_NAME, LINKS_NAME, "csv")

    @officer
    async def bundle(self, request: Request) -> Response:
        """Every agency's latest sheet, and its Word report when it has no errors, as one zip."""
        latest = await run_in_threadpool(self.store.latest_uploads)
        agencies = await run_in_threadpool(self.store.agencies)
        members: list[tuple[str, str]] = []
        used: set[str] = set()
        for agency in agencies:
            up, _n = latest.get(agency.id, (None, 0))
            if up is None:
                continue
            folder = core.safe_name(agency.name)
            while folder in used:
                folder += "_"
            used.add(folder)
            sheet_name = core.safe_name(up.filename)  # no "..", no separators: safe to unpack anywhere
            members.append((f"{folder}/{sheet_name}", str(self.store.blob_path(up.sha256, up.suffix))))
            if up.status in core.COMPILABLE:
                try:
                    path = await self.compiled(up, "docx")
                except JobFailed:
                    path = None
                if path is not None:
                    stem = core.report_stem(up.report_agency or agency.name, up.report_year, agency.name)
                    members.append((f"{folder}/{stem}.docx", str(path)))
        out = self.settings.root / OUTPUTS_DIR / "round"
        out.mkdir(parents=True, exist_ok=True)
        target = out / f"bundle-{os.urandom(6).hex()}.zip"
        try:
            await self.jobs.run({"kind": "zip", "members": members, "target": str(target)}, timeout=COMPILE_TIMEOUT)
        except JobFailed as exc:
            return self.message(request, 503, f"打包失败：{exc}")
        await run_in_threadpool(self.store.audit, "admin", "download", "全部材料.zip")
        data = await run_in_threadpool(target.read_bytes)
        target.unlink(missing_ok=True)
        return bytes_download(data, "全部材料.zip", "zip")


# ---------------------------------------------------------------------- small helpers
def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def local_time(iso: str | None) -> str:
    """Stored UTC time → Beijing time for people (``2026-12-01 11:35``)."""
    if not iso:
        return ""
    try:
        when = dt.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return iso
    return when.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def overdue(deadline: str | None) -> bool:
    if not deadline:
        return False
    try:
        return dt.datetime.now(CHINA).date() > dt.date.fromisoformat(deadline)
    except ValueError:
        return False


def clean_filename(name: str) -> str:
    """The uploaded name without folders or control characters, at most 200 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable())
    return base[:200] or "未命名"


def upload_suffix(name: str) -> str:
    """The suffix the readers dispatch on (``.xlsx``, ``.json`` …), or ``.bin`` for anything odd."""
    suffix = Path(name).suffix.lower()
    return suffix if suffix and len(suffix) <= 8 and suffix[1:].isalnum() and suffix.isascii() else ".bin"


def upload_json(u: Upload) -> dict[str, Any]:
    return {
        "id": u.id,
        "created_at": u.created_at,
        "filename": u.filename,
        "size": u.size,
        "sha256": u.sha256,
        "status": u.status,
        "counts": {"error": u.errors, "warning": u.warnings, "notice": u.notices},
    }


def sorted_findings(upload: Upload | None) -> list[dict[str, Any]]:
    if upload is None:
        return []
    findings = upload.result.get("findings") or []
    return sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.get("severity"), 3))


def content_disposition(name: str, *, inline: bool = False) -> str:
    ascii_name = "".join(ch if (ch.isascii() and ch.isalnum()) or ch in "._-" else "_" for ch in name)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{urllib.parse.quote(name)}"


def download(path: Path, name: str, fmt: str, *, inline: bool = False) -> Response:
    return FileResponse(
        path, media_type=MEDIA[fmt], headers={"content-disposition": content_disposition(name, inline=inline)}
    )


def bytes_download(data: bytes, name: str, fmt: str) -> Response:
    return Response(data, media_type=MEDIA[fmt], headers={"content-disposition": content_disposition(name)})


# ---------------------------------------------------------------------- assembly
def create_app(settings: Settings) -> Starlette:
    server = Server(settings)
    server.store.clean_leftovers()
    meta = server.store.meta()
    if "year" not in meta:
        raise RuntimeError("round not initialised")

    def bind(handler: Callable[..., Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(server, request)
            except BodyTooLarge:
                return server.too_large(request)

        endpoint.__name__ = handler.__name__
        return endpoint

    s = Server
    routes = [
        Route("/", bind(s.home)),
        Route("/healthz", bind(s.healthz)),
        Route("/r/{token}", bind(s.agency_page)),
        Route("/r/{token}/upload", bind(s.upload), methods=["POST"]),
        Route("/r/{token}/template.xlsx", bind(s.template)),
        Route("/r/{token}/uploads/{upload_id}", bind(s.upload_view)),
        Route("/r/{token}/report.{fmt}", bind(s.report)),
        Route("/admin/login", bind(s.login_page), methods=["GET"]),
        Route("/admin/login", bind(s.login), methods=["POST"]),
        Route("/admin/logout", bind(s.logout), methods=["POST"]),
        Route("/admin", bind(s.admin_page)),
        Route("/admin/agencies/{agency_id}", bind(s.admin_agency)),
        Route("/admin/close", bind(s.close), methods=["POST"]),
        Route("/admin/reopen", bind(s.reopen), methods=["POST"]),
        Route("/admin/summary.xlsx", bind(s.summary)),
        Route("/admin/rollup.{fmt}", bind(s.rollup)),
        Route("/admin/all.zip", bind(s.bundle)),
        Route("/admin/links.csv", bind(s.links)),
        Route("/api/status", bind(s.api_status)),
        Route("/api/audit", bind(s.api_audit)),
        Route("/api/close", bind(s.close), methods=["POST"]),
        Route("/api/reopen", bind(s.reopen), methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        return server.message(request, 404, "页面不存在。", title="页面不存在")

    async def not_allowed(request: Request, exc: Exception) -> Response:
        return server.message(request, 405, "不支持这种请求方式。")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await server.jobs.warm()
        yield
        server.store.db.close()

    async def server_error(request: Request, exc: Exception) -> Response:
        # Our bug: logged (the path redacted) and told as ours, never as the clerk's file.
        log.error("internal error on %s: %s", redact(request.url.path), type(exc).__name__, exc_info=exc)
        text = "服务器内部错误（不是您的文件的问题），请稍后重试；若仍出错，请联系汇总单位。"
        if wants_json(request):
            return JSONResponse({"error": text}, status_code=500)
        return Response(
            f"<!doctype html><meta charset=utf-8><title>服务器内部错误</title><p>{text}</p>",
            status_code=500,
            media_type="text/html; charset=utf-8",
        )

    handlers = {404: not_found, 405: not_allowed, Exception: server_error}
    app = Starlette(routes=routes, exception_handlers=handlers, lifespan=lifespan)
    app.state.server = server
    return app


def asgi(settings: Settings) -> ASGIApp:
    """The application wrapped in the guard (headers, size cap, access log)."""
    return Guard(create_app(settings), settings.max_upload)
