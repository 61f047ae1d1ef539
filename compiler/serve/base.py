"""What every page handler shares: settings, templates, the store, the worker pool, and the page helpers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .http import local_time, log, wants_json
from .jobs import COMPILE_TIMEOUT, JobFailed, Jobs
from .security import looks_like_token, new_token, same_text, token_hash
from .store import OUTPUTS_DIR, Agency, Store, Upload

HERE = Path(__file__).parent
#: Largest upload accepted (a filled template is ≈ 30 KB; the readers' own limit is 100 MB).
DEFAULT_MAX_UPLOAD_MB = 20
CSRF_COOKIE = "nianbao_csrf"
FORMAT_LABEL = {"docx": "Word", "pdf": "PDF", "html": "网页"}
SEVERITY = {"error": "错误", "warning": "警告", "notice": "提示"}
SEVERITY_ORDER = {"error": 0, "warning": 1, "notice": 2}


@dataclass
class Settings:
    """How a round is served: its folder, its database (``None``: SQLite in the folder), limits."""

    root: Path
    database: str | None = None
    max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB
    jobs: int | None = None

    @property
    def max_upload(self) -> int:
        return self.max_upload_mb * 1024 * 1024


class BaseServer:
    """The state and helpers every handler uses; ``AgencyPages`` and ``OfficerPages`` add the routes."""

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

    def too_large(self, request: Request) -> Response:
        mb = self.settings.max_upload_mb
        return self.message(request, 413, f"文件过大：上传文件不能超过 {mb} MB。标准填报表通常不到 1 MB。")

    async def compiled(self, upload: Upload, fmt: str) -> Path:
        """The report of an upload, compiled once (cached by content hash) in a worker.

        Raises ``JobFailed`` with a Chinese reason (the pool gave up; no LibreOffice for a PDF; our bug).
        """
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
            raise JobFailed(result.get("message") or "生成报告时发生内部错误，请联系汇总单位。")
        return Path(result["path"])

    # -------------------------------------------------------------- public
    async def healthz(self, request: Request) -> Response:
        await run_in_threadpool(self.store.meta)
        return JSONResponse({"status": "ok"})

    async def home(self, request: Request) -> Response:
        return self.page(request, "home.html")


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
