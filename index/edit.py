"""Correcting a stored document's facts (index/corrections.py): the one write behind `PATCH /documents/{id}`,
the page's form and `sotay edit`.

    doc, before = correct(indexer, doc_id, {"date": "2025-03-15"})

The document is written again through the ordinary write path (pending mark → passages → flip → change
log), as a new version: its passages' citations and BM25 text carry its name, so search, the filters, the
number lookup and the cards follow the correction at once, here and in every other process.
"""
from __future__ import annotations

import logging

from core.errors import Conflict, NotFound
from index.analyze import analyze
from index.build import Indexer, lexical_text, version_of
from index.corrections import FIELDS, applied, checked, collision
from ingest.passages import build_passages
from ingest.records import Document

log = logging.getLogger(__name__)


def correct(indexer: Indexer, doc_id: str, changes: dict[str, str | None]) -> tuple[Document, Document]:
    """Apply these changes to a stored document; returns (after, before). BadQuery for a bad value, NotFound
    for an unknown id, Conflict when another stored document has the corrected number, issuer and date."""
    fields = checked(changes)
    store = indexer.store
    with indexer.lock:
        before = store.get_document(doc_id)
        record = store.record(doc_id) or {}
        if before is None or record.get("pending"):
            raise NotFound(f"Không có văn bản '{doc_id}'")
        fix = {**indexer.corrections.of(doc_id), **fields}
        doc = applied(before, fix)
        other = collision(doc, store.list_documents())
        if other is not None:
            raise Conflict(f"Đã có văn bản {other.name} [{other.id}] cùng số {doc.meta.number}, cơ quan ban hành "
                           f"và ngày ban hành: không sửa để hai văn bản thành một. Kiểm tra lại số, ngày "
                           f"hoặc cơ quan ban hành, hoặc xóa văn bản trùng trước.", other.id)
        passages = build_passages(doc)
        version = version_of(doc, fix)
        # the correction is kept first: a crash before the flip leaves it to be applied by the next ingest
        indexer.corrections.save(doc_id, fix)
        changed = version != record.get("version")
        if changed:
            lex = [analyze(lexical_text(p, doc)) for p in passages]
            store.begin(doc, version)
            store.write_passages(doc_id, version, passages, lex, None, indexer.embedder.dim)
            store.commit(doc, version, record.get("file_key") or "", len(passages),
                         original=record.get("original") or "")   # the file it was read from stays kept
        store.log_change(doc_id, "edit")
    log.info("corrected %s: %s", doc_id, "; ".join(
        f"{FIELDS[k]} {getattr(before.meta, k)!r} → {v!r}" for k, v in fields.items()))
    indexer.notify(doc_id)
    if changed:
        indexer.embed_document(doc_id, version, passages)
    return doc, before
