"""Corrections an administrator made to a document's facts: its number, date, type, issuer and title.

A header read wrong (OCR, an odd layout) gives a document the wrong number or date; the administrator fixes
it (`PATCH /documents/{id}`, the page's form, `sotay edit`). The correction is kept in its own collection
(`<c>_corrections`, one record per document: the corrected fields), apart from the document's record, which
every write of the document rewrites. Each ingest of the document applies it again (index/build.py), so
re-reading the same file, or `sotay ingest corpus/` after an upgrade, never brings the wrong facts back.

The document keeps its id (links, bookmarks and the bots' cards keep working); what follows the correction
is everything read from the facts: the name and citations, the filters, the number lookup, the cards, and
the identity check that keeps two stored documents from having the same number, issuer and date.

    fields = checked({"date": "15/03/2025"})          # → {"date": "2025-03-15"}; BadQuery in Vietnamese
    doc = applied(doc, fields)                        # the document with these facts
    other = collision(doc, summaries)                 # another stored document with its identity, or None
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import replace

from core.errors import BadQuery
from core.text import fold
from index.chroma import ExplicitOnly
from index.store import Store
from ingest.meta import DOC_TYPES
from ingest.records import Document, DocumentSummary

# DocMeta field → how a person calls it, in the messages
FIELDS = {"number": "số, ký hiệu", "date": "ngày ban hành", "doc_type": "loại văn bản", "issuer": "cơ quan ban hành",
          "title": "trích yếu"}
MAX_LENGTH = {"number": 60, "date": 10, "doc_type": 60, "issuer": 200, "title": 500}
_VN_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def checked(changes: dict[str, str | None]) -> dict[str, str]:
    """The changes as stored facts (a date in ISO, a type in its usual spelling); BadQuery says what is wrong.
    A field left out (or None) is not changed."""
    out: dict[str, str] = {}
    for name, value in changes.items():
        if name not in FIELDS:
            raise BadQuery(f"Không sửa được trường '{name}': chỉ sửa được {', '.join(FIELDS)}")
        if value is None:
            continue
        value = " ".join(str(value).split())
        label = FIELDS[name]
        if not value:
            raise BadQuery(f"{label[0].upper() + label[1:]} không được để trống")
        if len(value) > MAX_LENGTH[name] and name != "date":
            raise BadQuery(f"{label[0].upper() + label[1:]} quá dài (tối đa {MAX_LENGTH[name]} ký tự)")
        out[name] = {"date": _date, "doc_type": _doc_type}.get(name, lambda v: v)(value)
    if not out:
        raise BadQuery("Không có gì để sửa: cần ít nhất một trong " + ", ".join(FIELDS.values()))
    return out


def _date(value: str) -> str:
    m = _VN_DATE.match(value)
    iso = f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}" if m else value
    try:
        if len(iso) == 10:
            return dt.date.fromisoformat(iso).isoformat()
    except ValueError:
        pass
    raise BadQuery(f"Ngày '{value}' không hợp lệ: cần một ngày có thật, dạng YYYY-MM-DD hoặc dd/mm/yyyy "
                   "(ví dụ 2025-03-15 hoặc 15/03/2025)")


def _doc_type(value: str) -> str:
    found = next((t for t in DOC_TYPES if fold(t) == fold(value)), None)
    if found is None:
        raise BadQuery(f"Loại văn bản '{value}' không có trong danh sách: {', '.join(sorted(DOC_TYPES))}")
    return found


def applied(doc: Document, fields: dict[str, str]) -> Document:
    return replace(doc, meta=replace(doc.meta, **fields)) if fields else doc


def stamp(fields: dict[str, str]) -> str:
    """What a correction adds to a document's version: the same text with other facts is another version
    (its passages' citations and BM25 text carry the name), and an uncorrected document's version is as before."""
    if not fields:
        return ""
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:8]


def identity(number: str | None, issuer: str | None, date: str | None) -> tuple[str, str, str] | None:
    """Number, issuer and date as compared (folded, spaces out); None without a number."""
    if not number:
        return None
    return fold(number).replace(" ", ""), " ".join(fold(issuer or "").split()), date or ""


def collision(doc: Document, stored: Iterable[DocumentSummary]) -> DocumentSummary | None:
    """Another stored document with this document's number, issuer and date: a correction that would make
    two documents one is refused, never merged."""
    mine = identity(doc.meta.number, doc.meta.issuer, doc.meta.date)
    if mine is None:
        return None
    return next((d for d in stored if d.id != doc.id
                 and identity(d.meta.number, d.meta.issuer, d.meta.date) == mine), None)


class Corrections:
    """The corrections collection: doc id → the corrected fields (a few records, read per ingest)."""

    def __init__(self, store: Store) -> None:
        base = store.passages.name.removesuffix("_passages")
        self.collection = store.client.get_or_create_collection(f"{base}_corrections",
                                                                embedding_function=ExplicitOnly())

    def of(self, doc_id: str) -> dict[str, str]:
        got = self.collection.get(ids=[doc_id], include=["metadatas"])
        return json.loads(got["metadatas"][0]["fields"]) if got["ids"] else {}

    def all(self) -> dict[str, dict[str, str]]:
        got = self.collection.get(include=["metadatas"])
        return {i: json.loads(m["fields"]) for i, m in zip(got["ids"], got["metadatas"])}

    def save(self, doc_id: str, fields: dict[str, str]) -> None:
        self.collection.upsert(ids=[doc_id], embeddings=[[1.0]], metadatas=[
            {"fields": json.dumps(fields, ensure_ascii=False, sort_keys=True)}])

    def forget(self, doc_ids: list[str]) -> None:
        if doc_ids:
            self.collection.delete(ids=list(doc_ids))

    def owner(self, doc: Document, store: Store) -> str | None:
        """The corrected document this newly read one is: a file whose header carries the corrected number,
        issuer and date is that document again, not a second one (the id it parses to is new)."""
        mine = identity(doc.meta.number, doc.meta.issuer, doc.meta.date)
        ids = list(self.all()) if mine is not None else []
        return next((d.id for d in store.list_documents(ids)
                     if identity(d.meta.number, d.meta.issuer, d.meta.date) == mine), None)
