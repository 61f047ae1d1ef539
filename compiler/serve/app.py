"""The web application (Starlette): the routes of the agency's and the officer's pages, assembled.

Only translation happens in the handlers: HTTP in, a call into ``store``/``jobs``
(whose tasks run ``core`` in worker processes), HTML or JSON out. Every page is
rendered on the server by Jinja2 with autoescaping on; there is no JavaScript.
Modules: ``http`` (headers, size cap, access log, downloads), ``base``
(settings, templates, page helpers), ``agency`` (``/r/<token>``), ``officer``
(``/admin``, ``/api``).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from .agency import AgencyPages
from .base import HERE, Settings
from .http import BodyTooLarge, Guard, log, wants_json
from .officer import OfficerPages
from .security import redact


class Server(AgencyPages, OfficerPages):
    """All the routes' handlers over one store and one worker gate."""


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
