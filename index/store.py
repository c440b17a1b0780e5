"""Chroma holds everything durable: passages (text, metadata, lexical tokens, embeddings), their paragraph
vectors (maxP, index/maxp.py), one record per document (metadata + section tree) and a change log. Both
search legs are derived from what is stored here, so processes and replicas sharing one data dir or one
Chroma server agree.

Versions and crash safety. A document's passages carry the version (content hash) they belong to, and its
record names the current `version` and, while a write is under way, the `pending` one:
  1. the record is marked `pending` (a new document's record has no version yet: it is not listed);
  2. the new version's passages are written (searchable only once they are current);
  3. the record is flipped to the new version in one upsert — readers see the old version or the new;
  4. the old version's passages are deleted, and the change is logged for other processes.
A crash anywhere leaves a `pending` mark; `recover()` (run by every writer before writing) removes the
half-written passages, so each document is whole or absent. Deleting unlists the record first.
"""
from __future__ import annotations

import base64
import json
import logging
import os
import time
import uuid
import zlib
from dataclasses import dataclass

import numpy as np

from core.errors import SotayError
from core.settings import Settings
from index.chroma import ExplicitOnly, chroma_client
from index.paragraph_vectors import ParagraphVectors
from ingest.records import DocMeta, Document, DocumentSummary, Passage

log = logging.getLogger(__name__)
_BATCH = 2000
# passages per write call: Chroma holds the GIL through a whole call, and every reader thread of the process
# waits (measured on 2 busy cores, a 202 KB law's 158 passages: one call held it 512 ms, calls of 32 at most 138 ms)
_WRITE_BATCH = 32
# 2: versioned passages, pending marks, change log; 3: ids take every header organisation line;
# 4: section trees in their own collection, compressed (a write to a collection costs with the size of its
#    records: with the trees inside, flipping one small record took 0.4-5 s at 40 laws)
SCHEMA = 4
CHANGES_KEPT_S = 3600   # change records older than this are pruned; a process away longer reloads fully
# a pending mark older than this is a crashed write, not one under way: writing a document's passages takes
# seconds (its embeddings are written after the flip, outside the mark), the 208 laws' largest under a minute
PENDING_LEASE_S = 600


@dataclass(frozen=True)
class StoredPassage:
    passage: Passage
    version: str
    lex_text: str                 # the BM25 tokens, space-joined: split only when the lexical index is built
    dense: bool                   # False until the document's embeddings are written
    # True once its paragraph vectors are written (maxP), even when it has none (a single paragraph);
    # False for passages written while maxP was off, or into a data dir older than stored paragraphs
    units: bool = False

    @property
    def lex(self) -> list[str]:
        return self.lex_text.split()


@dataclass(frozen=True)
class Change:
    id: str
    ts: float
    doc_id: str
    op: str                       # "put" | "vectors" | "delete" | "edit" (index/edit.py)


def doc_fields(doc: Document) -> dict:
    """The document facts kept in its record's metadata (lists and filters read them without the tree)."""
    m = doc.meta
    return {
        "name": doc.name, "title": m.title or "", "doc_type": m.doc_type or "", "number": m.number or "",
        "date": m.date or "", "issuer": m.issuer or "", "place": m.place or "", "signer": m.signer or "",
        "source": doc.source, "content_hash": doc.content_hash, "n_sections": len(doc.sections),
        "recipients": json.dumps(list(m.recipients), ensure_ascii=False),
        "ocr_confidence": -1.0 if m.ocr_confidence is None else float(m.ocr_confidence),
        "inferred_year": m.inferred_year or 0,   # the year filter finds an undated programme by its term
        "written": m.written_validity(),   # references and dates as written, for index/validity.py
    }


class Store:
    def __init__(self, settings: Settings, model_name: str) -> None:
        self.client = chroma_client(settings)
        base = settings.collection
        self.passages = self.client.get_or_create_collection(
            f"{base}_passages", embedding_function=ExplicitOnly(),
            metadata={"hnsw:space": "cosine", "embed_model": model_name, "schema": SCHEMA},
        )
        found = (self.passages.metadata or {}).get("embed_model")
        if found and found != model_name:
            raise SotayError(
                f"Chỉ mục được tạo bằng mô hình {found!r}, khác SOTAY_EMBED_MODEL={model_name!r}. "
                f"Hãy xóa {settings.data_dir} rồi nạp lại, hoặc dùng lại mô hình cũ."
            )
        if (self.passages.metadata or {}).get("schema") != SCHEMA and self.passages.count():
            raise SotayError(
                f"Chỉ mục trong {settings.data_dir} được tạo bởi phiên bản Sổ tay cũ (cách lưu chỉ mục đã đổi). "
                f"Hãy xóa thư mục đó rồi nạp lại văn bản: sotay ingest <thư mục văn bản>"
            )
        self.documents = self.client.get_or_create_collection(f"{base}_documents", embedding_function=ExplicitOnly())
        # each version's section tree, written once at its commit and read only by /documents/{id}
        self.trees = self.client.get_or_create_collection(f"{base}_trees", embedding_function=ExplicitOnly())
        self.units = ParagraphVectors(self.client, base)   # maxP, index/paragraph_vectors.py
        self.changes = self.client.get_or_create_collection(f"{base}_changes", embedding_function=ExplicitOnly())
        self.own_changes: set[str] = set()   # changes this process made: its readers are already up to date

    # documents -----------------------------------------------------------------
    def get_document(self, doc_id: str) -> Document | None:
        meta = self.record(doc_id)
        if not meta or not meta.get("version"):
            return None
        got = self.trees.get(ids=[versioned(doc_id, meta["version"])], include=["documents"])
        return Document.from_dict(unpack(got["documents"][0])) if got["ids"] else None

    def list_documents(self, ids: list[str] | None = None) -> list[DocumentSummary]:
        """Listed documents (a current version), all or these, from record metadata only: no tree is parsed."""
        if ids is not None and not ids:
            return []
        got = self.documents.get(ids=ids, where={"version": {"$ne": ""}}, include=["metadatas"])
        return [_summary(doc_id, meta) for doc_id, meta in zip(got["ids"], got["metadatas"])]

    def versions(self, doc_ids: list[str] | None = None) -> dict[str, str]:
        """doc id → current version, for listed documents (all, or these: a change reads only its own)."""
        if doc_ids is None:
            got = self.documents.get(where={"version": {"$ne": ""}}, include=["metadatas"])
        else:
            got = self.documents.get(ids=list(doc_ids), include=["metadatas"]) if doc_ids else {"ids": []}
        return {doc_id: meta["version"] for doc_id, meta in zip(got["ids"], got.get("metadatas") or [])
                if meta.get("version")}

    def record(self, doc_id: str) -> dict | None:
        got = self.documents.get(ids=[doc_id], include=["metadatas"])
        return got["metadatas"][0] if got["ids"] else None

    def same_file(self, file_key: str) -> tuple[DocumentSummary, int] | None:
        """The listed document whose current version was read from exactly these bytes, with its passage
        count: re-ingesting an unchanged file then costs one lookup, not a parse."""
        got = self.documents.get(where={"file_key": file_key}, include=["metadatas"], limit=1)
        for doc_id, meta in zip(got["ids"], got["metadatas"]):
            if meta.get("version") and not meta.get("pending"):
                return _summary(doc_id, meta), int(meta.get("n_passages") or 0)
        return None

    def with_content(self, content_hash: str) -> str | None:
        """The id of the listed document whose text is exactly this one (its content hash), if any."""
        got = self.documents.get(where={"content_hash": content_hash}, include=["metadatas"], limit=5)
        return next((i for i, m in zip(got["ids"], got["metadatas"]) if m.get("version") and not m.get("pending")),
                    None)

    # writes ----------------------------------------------------------------------
    def remember_file(self, doc_id: str, file_key: str, original: str = "") -> None:
        if (meta := self.record(doc_id)) is not None and meta.get("version"):
            kept = {"original": original} if original else {}   # index/originals.py
            self.documents.update(ids=[doc_id], metadatas=[{**meta, "file_key": file_key, **kept}])

    def begin(self, doc: Document, version: str) -> str | None:
        """Mark a write of `version` under way; returns the current version ("" or None for a new one)."""
        meta = self.record(doc.id)
        mark = {"pending": version, "pending_at": time.time()}
        # the section tree is written once, at the flip: Chroma indexes a record's text while holding the
        # GIL (measured on 2 busy cores, a 202 KB law: begin 0.37-0.64 s → 0.12 s; readers wait meanwhile)
        if meta is None:
            meta = {**doc_fields(doc), "version": ""}
            self.documents.add(ids=[doc.id], embeddings=[[1.0]], documents=[""], metadatas=[{**meta, **mark}])
        else:
            self.documents.update(ids=[doc.id], metadatas=[{**meta, **mark}])
        crash_point("begun")
        return meta.get("version") or None

    def write_passages(self, doc_id: str, version: str, passages: list[Passage], lex: list[list[str]],
                       vectors: np.ndarray | None, dim: int) -> None:
        """Add one version's passages; without vectors they get zeros and `dense: False` until set_vectors."""
        ids = [versioned(p.id, version) for p in passages]
        zeros = [[0.0] * dim] * len(passages)
        for i in range(0, len(passages), _WRITE_BATCH):
            chunk = slice(i, i + _WRITE_BATCH)
            self.passages.upsert(
                ids=ids[chunk],
                embeddings=vectors[chunk].tolist() if vectors is not None else zeros[chunk],
                documents=[p.text for p in passages[chunk]],
                metadatas=[
                    {"doc_id": doc_id, "version": version, "section_id": p.section_id, "citation": p.citation,
                     "passage_id": p.id, "heading_path": json.dumps(list(p.heading_path), ensure_ascii=False),
                     "lex": " ".join(tokens), "dense": vectors is not None, "units": False}
                    for p, tokens in zip(passages[chunk], lex[chunk])
                ],
            )
            crash_point("passages")

    def commit(self, doc: Document, version: str, file_key: str = "", n_passages: int = 0, *, original: str) -> None:
        """Make `version` current in one upsert, then drop the other versions' passages and log it. `file_key`
        names the bytes it was read from (re-reading them is skipped), `original` where they are kept ("": none)."""
        self.trees.upsert(ids=[versioned(doc.id, version)], embeddings=[[1.0]], documents=[pack(doc)],
                          metadatas=[{"doc_id": doc.id, "version": version}])
        self.documents.upsert(ids=[doc.id], embeddings=[[1.0]], documents=[""],
                              metadatas=[{**doc_fields(doc), "version": version, "pending": "",
                                          "file_key": file_key, "n_passages": n_passages, "original": original}])
        crash_point("flipped")
        self._drop({"$and": [{"doc_id": doc.id}, {"version": {"$ne": version}}]})
        self.log_change(doc.id, "put")

    def set_vectors(self, doc_id: str, version: str, passage_ids: list[str], vectors: np.ndarray,
                    units: list[list[str]] | None = None, unit_vectors: np.ndarray | None = None) -> None:
        """Write one version's passage vectors. With `units` (each passage's paragraph texts, index/maxp.py)
        and their vectors (one row per text, in order), those are written first: a reader that sees a
        passage's vector finds its paragraphs too."""
        ids = [versioned(pid, version) for pid in passage_ids]
        if units is not None:
            self.units.write(doc_id, version, ids, units, unit_vectors)
        self._flag(ids, {"dense": True, "units": True} if units is not None else {"dense": True}, vectors)
        self.log_change(doc_id, "vectors")

    def set_units(self, doc_id: str, version: str, passage_ids: list[str], units: list[list[str]],
                  unit_vectors: np.ndarray) -> None:
        """Paragraph vectors for passages whose own vectors are already written (written while maxP was off,
        or before paragraph vectors were stored)."""
        ids = [versioned(pid, version) for pid in passage_ids]
        self.units.write(doc_id, version, ids, units, unit_vectors)
        self._flag(ids, {"units": True})
        self.log_change(doc_id, "vectors")

    def _flag(self, ids: list[str], flags: dict, vectors: np.ndarray | None = None) -> None:
        """Set these flags (and vectors) on stored passages, in calls small enough for readers to go on."""
        for i in range(0, len(ids), _WRITE_BATCH):
            chunk = slice(i, i + _WRITE_BATCH)
            extra = {} if vectors is None else {"embeddings": vectors[chunk].tolist()}
            self.passages.update(ids=ids[chunk], metadatas=[flags] * len(ids[chunk]), **extra)

    def _drop(self, where: dict) -> None:
        """Delete what belongs to these documents or versions from every per-version collection."""
        self.passages.delete(where=where)
        self.units.delete(where=where)
        self.trees.delete(where=where)

    def delete(self, doc_id: str) -> None:
        self.delete_many([doc_id])

    def delete_many(self, doc_ids: list[str]) -> None:
        """Unlist first, then remove the passages, then the records: a crash leaves nothing listed half.
        Several documents cost the Chroma calls of one (each holds the GIL, ~0.2 s a deletion measured on
        the loaded machine), so a burst of deletions leaves readers their share of it."""
        if not doc_ids:
            return
        got = self.documents.get(ids=list(doc_ids), include=["metadatas"])
        if got["ids"]:
            now = time.time()
            self.documents.update(ids=got["ids"], metadatas=[{**m, "version": "", "pending": "delete",
                                                              "pending_at": now} for m in got["metadatas"]])
        crash_point("unlisted")
        self._drop({"doc_id": doc_ids[0]} if len(doc_ids) == 1 else {"doc_id": {"$in": list(doc_ids)}})
        self.documents.delete(ids=list(doc_ids))
        self.log_changes(list(doc_ids), "delete")

    def recover(self, older_than: float = PENDING_LEASE_S) -> list[str]:
        """Clean up after writes a crash interrupted: unlisted records and half-written versions are removed.
        Only marks older than `older_than` seconds count, so a write another process is doing right now is
        left alone (re-ingesting a document also completes its interrupted write, by overwriting it)."""
        got = self.documents.get(where={"$or": [{"pending": {"$ne": ""}}, {"version": ""}]}, include=["metadatas"])
        cleaned = []
        for doc_id, meta in zip(got["ids"], got["metadatas"]):
            if time.time() - float(meta.get("pending_at") or 0) < older_than:
                continue
            cleaned.append(doc_id)
            current, pending = meta.get("version") or "", meta.get("pending") or ""
            if not current:
                self._drop({"doc_id": doc_id})
                self.documents.delete(ids=[doc_id])
            else:
                if pending and pending != current:
                    self._drop({"$and": [{"doc_id": doc_id}, {"version": pending}]})
                self.documents.update(ids=[doc_id], metadatas=[{**meta, "pending": ""}])
            self.log_change(doc_id, "put" if current else "delete")
            log.warning("recovered an interrupted write of %s", doc_id)
        return cleaned

    # the change log -----------------------------------------------------------------
    def log_change(self, doc_id: str, op: str) -> None:
        self.log_changes([doc_id], op)

    def log_changes(self, doc_ids: list[str], op: str) -> None:
        now = time.time()
        change_ids = [uuid.uuid4().hex for _ in doc_ids]
        self.own_changes.update(change_ids)
        self.changes.add(ids=change_ids, embeddings=[[1.0]] * len(doc_ids),
                         metadatas=[{"ts": now, "doc_id": d, "op": op} for d in doc_ids])
        self.changes.delete(where={"ts": {"$lt": now - CHANGES_KEPT_S}})

    def changes_since(self, ts: float) -> list[Change]:
        got = self.changes.get(where={"ts": {"$gte": ts}}, include=["metadatas"])
        out = [Change(i, m["ts"], m["doc_id"], m["op"]) for i, m in zip(got["ids"], got["metadatas"])]
        return sorted(out, key=lambda c: c.ts)

    # reads for the in-process indexes -------------------------------------------------
    def current_passages(self, doc_ids: list[str] | None = None) -> list[StoredPassage]:
        """The passages of listed documents' current versions (all, or of these documents), without their
        vectors: local Chroma cannot read back vectors another process wrote after this one loaded its
        segment, so readers take them from the shared embedding cache (`vectors` is the fallback)."""
        if doc_ids is not None and not doc_ids:
            return []
        versions = self.versions(doc_ids)
        where = None if doc_ids is None else {"doc_id": {"$in": list(doc_ids)}}
        out: list[StoredPassage] = []
        offset = 0
        while True:
            got = self.passages.get(where=where, include=["documents", "metadatas"], limit=_BATCH, offset=offset)
            for text, meta in zip(got["documents"], got["metadatas"]):
                if versions.get(meta.get("doc_id")) == meta.get("version"):
                    out.append(_stored(text, meta))
            if len(got["ids"]) < _BATCH:
                return out
            offset += _BATCH

    def vectors(self, items: list[StoredPassage]) -> list[np.ndarray | None]:
        """Stored vectors of these passages from Chroma (a Chroma server, or one this process wrote)."""
        ids = [versioned(it.passage.id, it.version) for it in items]
        out: dict[str, np.ndarray] = {}
        try:
            for i in range(0, len(ids), _BATCH):
                got = self.passages.get(ids=ids[i:i + _BATCH], include=["embeddings"])
                out.update({k: np.asarray(v, dtype=np.float32) for k, v in zip(got["ids"], got["embeddings"])})
        except Exception as e:   # chromadb raises InternalError for records its segment has not loaded
            log.warning("vectors not readable from Chroma (%s); the dense leg waits for the cache", e)
        return [out.get(k) for k in ids]

    def unit_vectors(self, items: list[StoredPassage], units: list[list[str]]) -> list[np.ndarray | None]:
        """Stored paragraph vectors of these passages (`units`: each one's paragraph texts), one (n, dim)
        array per passage, None where any is missing (a Chroma server, or one this process wrote)."""
        return self.units.read([versioned(it.passage.id, it.version) for it in items], units)

    def without_vectors(self) -> list[tuple[str, str, list[str]]]:
        """(doc id, version, passage ids) of current passages whose embeddings were never written."""
        return self._todo({"dense": False})

    def without_units(self) -> list[tuple[str, str, list[str]]]:
        """(doc id, version, passage ids) of current passages with vectors but no paragraph vectors written
        (written while maxP was off, or before they were stored; `$ne` also matches a missing flag)."""
        return self._todo({"$and": [{"dense": True}, {"units": {"$ne": True}}]})

    def _todo(self, where: dict) -> list[tuple[str, str, list[str]]]:
        versions = self.versions()
        got = self.passages.get(where=where, include=["metadatas"])
        todo: dict[tuple[str, str], list[str]] = {}
        for meta in got["metadatas"]:
            if versions.get(meta["doc_id"]) == meta["version"]:
                todo.setdefault((meta["doc_id"], meta["version"]), []).append(meta["passage_id"])
        return [(d, v, pids) for (d, v), pids in todo.items()]

    def passage_count(self) -> int:
        return self.passages.count()

    def document_count(self) -> int:
        return len(self.versions())


def crash_point(name: str) -> None:
    """Test hook for the crash tests: SOTAY_TEST_CRASH_AT=<name> ends the process here as kill -9 would."""
    if os.environ.get("SOTAY_TEST_CRASH_AT") == name:
        os._exit(9)


def pack(doc: Document) -> str:
    """A section tree as compressed JSON (base64): a law's tree shrinks about 4 times."""
    raw = json.dumps(doc.to_dict(), ensure_ascii=False).encode("utf-8")
    return base64.b64encode(zlib.compress(raw, 6)).decode("ascii")


def unpack(text: str) -> dict:
    return json.loads(zlib.decompress(base64.b64decode(text)).decode("utf-8"))


def versioned(passage_id: str, version: str) -> str:
    """The stored id: the same passage of two versions of a document must not overwrite each other."""
    return f"{passage_id}@{version}"


def _summary(doc_id: str, meta: dict) -> DocumentSummary:
    text = {k: (meta.get(k) or None) for k in ("doc_type", "number", "issuer", "place", "date", "title", "signer")}
    recipients = tuple(json.loads(meta.get("recipients") or "[]"))
    ocr = meta.get("ocr_confidence")
    return DocumentSummary(id=doc_id, source=meta.get("source") or "", name=meta.get("name") or doc_id,
                           meta=DocMeta(**text, recipients=recipients,
                                        ocr_confidence=None if ocr is None or ocr < 0 else float(ocr),
                                        inferred_year=int(meta.get("inferred_year") or 0) or None,
                                        **DocMeta.validity_fields(meta.get("written") or "")),
                           n_sections=int(meta.get("n_sections") or 0))


def _stored(text: str, meta: dict) -> StoredPassage:
    passage = Passage(
        id=meta["passage_id"], doc_id=meta["doc_id"], section_id=meta["section_id"],
        heading_path=tuple(json.loads(meta.get("heading_path") or "[]")),
        citation=meta["citation"], text=text,
    )
    return StoredPassage(passage=passage, version=meta["version"], lex_text=meta.get("lex") or "",
                         dense=bool(meta.get("dense")), units=bool(meta.get("units")))
