"""The agency's pages: its private link, upload, findings, template and report downloads.

Agencies have no account: the private link ``/r/<token>`` is the key, and
every query of an agency's data is made with that agency's id, so one agency
can never reach another's uploads.
"""

from __future__ import annotations

import os
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import core
from .base import BaseServer, sorted_findings, upload_json
from .http import REPORT_HTML_CSP, BodyTooLarge, clean_filename, download, log, overdue, upload_suffix, wants_json
from .jobs import JobFailed
from .store import TEMPLATES_DIR, Agency, TooLarge, Upload, now


class AgencyPages(BaseServer):
    """Routes under ``/r/<token>``."""

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
        if not result.get("ok"):  # our bug, reported as ours
            log.warning("check failed for agency %s: %s", agency.id, result.get("internal"))
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
        await run_in_threadpool(self.store.audit, f"agency:{agency.id}", "download", f"report.{fmt} upload={latest.id}")
        stem = core.report_stem(latest.report_agency or agency.name, latest.report_year, agency.name)
        response = download(path, f"{stem}.{fmt}", fmt, inline=fmt == "html")
        if fmt == "html":
            response.headers["content-security-policy"] = REPORT_HTML_CSP
        return response
