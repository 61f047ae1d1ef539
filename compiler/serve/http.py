"""HTTP plumbing shared by the pages: security headers, the upload size cap, the access log, downloads.

``Guard`` wraps the whole application: every response gets the security
headers (CSP, no-sniff, frame-deny, no referrer, no caching), a request body
over the cap is stopped while it streams in, and each request is logged with
the private part of ``/r/<token>`` hidden.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import urllib.parse
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .security import redact

log = logging.getLogger("nianbao.serve")
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


class BodyTooLarge(Exception):
    pass


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
