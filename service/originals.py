"""A document's original file: what GET /documents/{id}/original sends, and `sotay reread`, which reads a
document again from its kept bytes with the current readers (index/originals.py keeps them).

A re-read keeps the document's id whatever the new reader makes of its header, and goes through the one write
path: a reader that fails, or finds no text, raises before anything is written, so the stored version stays.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from core.errors import IngestError, NotFound
from index.build import FileResult
from index.originals import media_type
from index.twins import Choice

log = logging.getLogger(__name__)
NOT_KEPT = ("Văn bản '{name}' được nạp trước khi Sổ tay giữ tệp gốc nên chưa có tệp gốc để tải; "
            "nạp lại tệp đó (sotay ingest hoặc tải lên) để giữ nó")


@dataclass(frozen=True)
class Original:
    doc_id: str
    filename: str
    media_type: str
    data: bytes


def address_of(engine, doc_id: str) -> str:
    """The kept file's address of a listed document, '' when none is kept."""
    record = engine.store.record(doc_id) or {}
    address = record.get("original") or ""
    originals = engine.indexer.originals
    return address if address and originals is not None and originals.has(address) else ""


def original_of(engine, key: str) -> Original:
    """By id or number, like Engine.document (a number two units share raises Ambiguous with both)."""
    doc = engine.document(key)
    address = address_of(engine, doc.id)
    data = engine.indexer.originals.read(address) if address else None
    if data is None:
        raise NotFound(NOT_KEPT.format(name=doc.name))
    return Original(doc.id, doc.source or f"{doc.id}.bin", media_type(doc.source), data)


def reread(engine, doc_id: str) -> FileResult:
    """Read one document again from its original with the readers of this version; the document is kept
    as it was when they fail. Returns what happened (unchanged when this code read the same bytes already)."""
    original = original_of(engine, doc_id)
    try:
        # "replace" this very document: its id whatever the new reader makes of the header, no look-alike asked
        choice = Choice("replace", original.doc_id)
        result = engine.indexer.add_bytes(original.data, original.filename, choice=choice)
    except IngestError as e:
        log.warning("reread of %s failed; the stored version is kept: %s", original.doc_id, e)
        return FileResult(source=original.filename, status="failed", doc_id=original.doc_id,
                          error=f"{e} (văn bản đang lưu được giữ nguyên)")
    log.info("reread %s from its original %s: %s", original.doc_id, original.filename, result.status)
    return result
