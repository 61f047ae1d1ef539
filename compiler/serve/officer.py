"""The officer's pages and JSON API: login, the round's status, downloads, closing the round.

The officer logs in with the admin token (a session cookie) or sends it as
``Authorization: Bearer``; failed attempts are rate-limited per address.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from . import ROUND_STATUSES, core
from .base import BaseServer, sorted_findings, upload_json
from .http import bytes_download, client_ip, download, overdue, wants_json
from .jobs import COMPILE_TIMEOUT, JobFailed
from .security import looks_like_token, new_token, same_hash, token_hash
from .store import LINKS_NAME, OUTPUTS_DIR, iso_after

SESSION_COOKIE = "nianbao_admin"
SESSION_HOURS = 12
#: Failed admin logins allowed per client address within ``LOGIN_WINDOW`` seconds.
LOGIN_LIMIT = 5
LOGIN_WINDOW = 15 * 60


class RateLimited(Exception):
    """Too many failed admin logins from one address."""


def officer(
    handler: Callable[[OfficerPages, Request], Awaitable[Response]],
) -> Callable[[OfficerPages, Request], Awaitable[Response]]:
    """Decorator: the handler runs only for the officer (session cookie or Bearer admin token)."""

    async def wrapped(self: OfficerPages, request: Request) -> Response:
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


class OfficerPages(BaseServer):
    """Routes under ``/admin`` and ``/api``."""

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
                    path: Path | None = await self.compiled(up, "docx")
                except JobFailed:
                    path = None  # the sheet is in the zip; its report could not be made
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
