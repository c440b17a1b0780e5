"""Correcting a document's facts: PATCH /documents/{id} with the admin key (index/corrections.py)."""
from __future__ import annotations

import logging

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from api.deps import AdminDep, EngineDep
from api.schemas import DocumentEdit, DocumentOut, EditOut
from index.corrections import FIELDS
from service.edits import correct

log = logging.getLogger(__name__)
router = APIRouter(prefix="/documents", tags=["văn bản"])


@router.patch("/{doc_id:path}", dependencies=[AdminDep], response_model=EditOut)
async def edit(engine: EngineDep, doc_id: str, body: DocumentEdit) -> EditOut:
    """Correct the number, date, type, issuer or title; 422 for a bad value, 409 when another document
    already has the corrected number, issuer and date, 404 for an unknown id."""
    changes = body.model_dump(exclude_unset=True)
    after, before = await run_in_threadpool(correct, engine, doc_id, changes)
    changed = {k: {"before": getattr(before.meta, k), "after": getattr(after.meta, k)} for k in changes
               if getattr(before.meta, k) != getattr(after.meta, k)}
    log.info("document %s corrected over HTTP: %s", after.id, changed)
    said = ", ".join(f"{FIELDS[k]} {v['before'] or '(trống)'} → {v['after']}" for k, v in changed.items())
    return EditOut(document=DocumentOut.model_validate(after), changed=changed,
                   message=f"Đã sửa {after.name}: {said}" if said else f"Không có gì thay đổi ở {after.name}")
