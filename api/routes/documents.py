"""The document collection: list, read, upload (a background job), delete."""
from __future__ import annotations

import asyncio
import logging
import time
from pathlib import PurePath
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.deps import AdminDep, EngineDep, FiltersDep, SettingsDep
from api.schemas import DocumentFull, DocumentOut, JobOut
from index.twins import Choice
from ingest.limits import ReadLimits, precheck
from ingest.readers import check_supported
from service.originals import address_of

log = logging.getLogger(__name__)
router = APIRouter(prefix="/documents", tags=["văn bản"])
# multipart framing around the file: boundaries and part headers take a few hundred bytes
FORM_OVERHEAD = 64 * 1024
# a deletion is a job on the QUICK lane (service/jobs.py), awaited here without holding a thread; one not
# done in this time is answered 202 with its job to follow. Measured: a seed document is removed in 0.1-0.5 s
DELETE_WAIT_S = 10.0
UPLOAD_FORM = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"},
    "choice": {"type": "string", "enum": ["new", "replace"]}, "target": {"type": "string"}}}}}}}


@router.get("", response_model=list[DocumentOut])
def list_documents(
    engine: EngineDep,
    filters: FiltersDep,
    sort: Annotated[Literal["date", "-date", "type", "title"], Query()] = "-date",
) -> list[DocumentOut]:
    docs = [DocumentOut.model_validate(d) for d in engine.documents(filters)]
    key = {"date": lambda d: d.date or "", "-date": lambda d: d.date or "",
           "type": lambda d: (d.doc_type or "", d.date or ""), "title": lambda d: d.name.lower()}[sort]
    return sorted(docs, key=key, reverse=sort == "-date")


@router.get("/{doc_id:path}", response_model=DocumentFull)
def get_document(engine: EngineDep, doc_id: str) -> DocumentFull:
    doc = DocumentFull.model_validate(engine.document(doc_id))
    return doc.model_copy(update={"has_original": bool(address_of(engine, doc.id))})


@router.post("", response_model=JobOut, status_code=202, dependencies=[AdminDep], openapi_extra=UPLOAD_FORM)
async def upload(request: Request, engine: EngineDep, settings: SettingsDep) -> JobOut:
    """Accept one file (multipart field `file`) and ingest it in the background: follow GET /jobs/{id}.
    The key is checked before the body is read, and the body is refused past SOTAY_MAX_UPLOAD_MB."""
    limit = settings.max_upload_mb * 1024 * 1024
    too_big = f"Tệp lớn hơn giới hạn {settings.max_upload_mb} MB (SOTAY_MAX_UPLOAD_MB)"
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FORM_OVERHEAD:
        raise HTTPException(413, too_big)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit + FORM_OVERHEAD:
            raise HTTPException(413, too_big)
    request._body = bytes(body)   # starlette parses the form from the body read above
    try:
        form = await request.form(max_files=1, max_fields=10)
    except Exception as e:   # malformed multipart of any kind is the client's error
        raise HTTPException(422, "Yêu cầu tải lên không hợp lệ: cần multipart/form-data với trường 'file'") from e
    file = form.get("file")
    if not isinstance(file, UploadFile):
        raise HTTPException(422, "Thiếu tệp: gửi văn bản trong trường 'file' (multipart/form-data)")
    name = PurePath(file.filename or "").name or "tệp"
    check_supported(name)   # IngestError → 422 before the file is read
    data = await file.read()
    if len(data) > limit:
        raise HTTPException(413, f"{name}: {too_big}")
    if not data.strip():
        raise HTTPException(422, f"{name}: tệp rỗng")
    precheck(data, name, ReadLimits.of(settings))   # a zip bomb or a renamed .exe: 422 now, not a failed job
    # the answer to a "similar" result (index/twins.py): add it as a new document, or replace `target`
    chosen = form.get("choice")
    job = engine.submit(data, name, Choice(str(chosen), str(form.get("target") or "") or None) if chosen else None)
    log.info("upload %s queued as job %s (%d bytes)", name, job.id, len(data))
    return JobOut.model_validate(job)


@router.delete("/{doc_id:path}", dependencies=[AdminDep], response_model=None)
async def delete(engine: EngineDep, doc_id: str) -> dict | JSONResponse:
    # a listed id is queued from memory, on the loop: 45 deletions at once must not take 45 threads
    job = engine.delete_later(doc_id) if engine.listed(doc_id) else \
        await run_in_threadpool(engine.delete_later, doc_id)      # else the store decides; NotFound at once
    deadline = time.monotonic() + DELETE_WAIT_S
    while (job := engine.job(job.id)).status in ("queued", "running") and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    if job.status == "failed":
        if job.exception is not None:
            raise job.exception
        raise HTTPException(500, job.error)
    if job.removed is None:
        return JSONResponse(status_code=202, content={**JobOut.model_validate(job).model_dump(mode="json"),
                                                      "message": f"Đang xóa văn bản; theo dõi tại /jobs/{job.id}"})
    name = job.removed.name
    return {"deleted": doc_id, "name": name, "message": f"Đã xóa văn bản {name}"}
