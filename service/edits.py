"""Correcting a document's facts from any front end (API, page, CLI): by id or by number, as
`Engine.document` finds it; the write itself is index/edit.py."""
from __future__ import annotations

from index.edit import correct as write_correction
from index.validity import validated
from ingest.records import Document
from service.engine import Engine


def correct(engine: Engine, key: str, changes: dict[str, str | None]) -> tuple[Document, Document]:
    """(after, before), after as `Engine.document` reads it (with its validity). Raises BadQuery, NotFound,
    Ambiguous (a number several documents share) or Conflict (index/corrections.py)."""
    doc_id = engine.document(key).id
    _, before = write_correction(engine.indexer, doc_id, changes)
    after = engine.store.get_document(doc_id) or before
    return validated(after, engine.store.list_documents(), engine.searcher.today()), before
