"""The document collection: list, read, upload, delete."""
from __future__ import annotations

import logging
from pathlib import PurePath
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, UploadFile

from api.deps import AdminDep, EngineDep, FiltersDep, SettingsDep
from api.schemas import DocumentFull, DocumentOut, UploadOut
from core.errors import IngestError, NotFound
from ingest.readers import SUPPORTED

log = logging.getLogger(__name__)
router = APIRouter(prefix="/documents", tags=["văn bản"])


@router.get("", response_model=list[DocumentOut])
def list_documents(
    engine: EngineDep,
    filters: FiltersDep,
    sort: Annotated[Literal["date", "-date", "type", "title"], Query()] = "-date",
) -> list[DocumentOut]:
    docs = [DocumentOut.of(d) for d in engine.documents(filters)]
    key = {"date": lambda d: d.date or "", "-date": lambda d: d.date or "",
           "type": lambda d: (d.doc_type or "", d.date or ""), "title": lambda d: d.name.lower()}[sort]
    return sorted(docs, key=key, reverse=sort == "-date")


@router.get("/{doc_id:path}", response_model=DocumentFull)
def get_document(engine: EngineDep, doc_id: str) -> DocumentFull:
    try:
        return DocumentFull.full(engine.document(doc_id))
    except NotFound as e:
        raise HTTPException(404, str(e)) from e


@router.post("", response_model=UploadOut, status_code=201, dependencies=[AdminDep])
async def upload(engine: EngineDep, settings: SettingsDep, file: UploadFile) -> UploadOut:
    name = PurePath(file.filename or "").name
    if not name or PurePath(name).suffix.lower() not in SUPPORTED:
        raise HTTPException(422, f"{name or 'tệp'}: loại tệp không hỗ trợ (chỉ nhận {', '.join(sorted(SUPPORTED))})")
    limit = settings.max_upload_mb * 1024 * 1024
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, f"{name}: tệp lớn hơn {settings.max_upload_mb} MB")
    try:
        result = engine.add_bytes(data, name)
    except IngestError as e:
        log.warning("upload rejected: %s", e)
        raise HTTPException(422, str(e)) from e
    doc = engine.document(result.doc_id) if result.doc_id else None
    log.info("upload %s: %s %s", name, result.status, result.doc_id)
    return UploadOut(id=result.doc_id, status=result.status, source=name, passages=result.passages,
                     document=DocumentOut.of(doc.summary()) if doc else None)


@router.delete("/{doc_id:path}", dependencies=[AdminDep])
def delete(engine: EngineDep, doc_id: str) -> dict:
    try:
        engine.delete(doc_id)
    except NotFound as e:
        raise HTTPException(404, str(e)) from e
    log.info("deleted document %s", doc_id)
    return {"deleted": doc_id}
