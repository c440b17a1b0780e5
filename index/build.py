"""Ingest files into the index: read → parse → passages → tokens → Chroma (searchable by words at once)
→ embeddings (the dense leg fills in when they are ready).

A document is identified by who issued it, its number and date (`ingest.parse.document_id`), never by its
file name. Re-ingesting one whose identity exists with the same content is a no-op; with other content it
is an update that replaces the old version in one step, and the result says so.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from core.errors import IngestError
from index.analyze import analyze
from index.corrections import Corrections, applied, stamp
from index.embed import Embedder, EmbeddingCache, dense_text
from index.maxp import units
from index.originals import Originals, unused
from index.store import Store, crash_point
from index.twins import Choice, much_shorter, twin_of
from index.writelock import WriteLock
from ingest.bounded import extract  # in a child process killed at the file's time limit
from ingest.limits import ReadLimits
from ingest.parse import parse_document
from ingest.passages import build_passages
from ingest.readers import unsupported_reason
from ingest.records import Document, DocumentSummary, Passage

log = logging.getLogger(__name__)
Notify = Callable[[str], None]             # a document changed: bring readers up to date
Progress = Callable[[str, float], None]    # (stage in Vietnamese, share done 0..1)
Embed = Callable[[str, str, list[Passage]], None]   # (doc id, version, passages): embed and write them


@dataclass(frozen=True)
class FileResult:
    source: str
    status: str                 # added | updated | unchanged | similar (nothing written: a choice is asked) | failed
    doc_id: str | None = None
    passages: int = 0
    error: str | None = None
    document: DocumentSummary | None = None
    previous: str | None = None   # the replaced version's file name, when an update replaced one
    twin_of: str | None = None    # "similar": why it looks like the stored `document` (index/twins.py)

    def describe(self) -> str:
        """One line a person can read: what happened to which document."""
        name = self.document.name if self.document else self.source
        if self.status == "failed":
            return f"LỖI {self.error}"
        if self.status == "similar":
            return (f"Có vẻ là văn bản {name} [{self.doc_id}] đã có ({self.twin_of}): {self.source} chưa được "
                    "nạp, văn bản đã có giữ nguyên. Chọn thêm thành văn bản mới, hoặc thay văn bản đã có")
        if self.status == "updated":
            was = f" (bản trước từ tệp {self.previous})" if self.previous else ""
            return f"cập nhật {name} [{self.doc_id}]{was}: thay bằng nội dung mới của {self.source}"
        word = {"added": "mới", "unchanged": "không đổi"}[self.status]
        return f"{word}: {name} [{self.doc_id}] từ {self.source}, {self.passages} đoạn"


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    def summary(self) -> dict[str, int]:
        return {s: self.count(s) for s in ("added", "updated", "unchanged", "similar", "failed")}


def file_key(data: bytes) -> str:
    """Names exactly these bytes as read by exactly this code: a change to the ingest code gives every file
    a new key, so an upgrade re-reads files instead of trusting what an older parser made."""
    return hashlib.sha256(_CODE_STAMP + data).hexdigest()[:32]


def version_of(doc: Document, corrected: dict[str, str] | None = None) -> str:
    """A document's stored version: its text as made into passages and BM25 tokens by this code. The same
    text read by a new passage builder, analyser or abbreviation table is a new version, so re-ingesting
    after an upgrade rewrites what the old code stored (its vectors come back from the embedding cache).
    Facts an administrator corrected (index/corrections.py) are part of it: they change the citations."""
    return hashlib.sha256(_CODE_STAMP + doc.content_hash.encode() + stamp(corrected or {}).encode()).hexdigest()[:16]


# What is stored for a file is made by the readers, parser and passage builder (ingest/), the lexical analysis with
# its abbreviation table (index/analyze.py, abbreviations.json) and what BM25 reads of a passage (`lexical_text`).
# Bump READER_VERSION by hand when a change there can change that output: every file is then re-read on the next
# ingest. A comment or a refactor leaves it, so nothing is rewritten. tests/index/test_reader_version.py reads
# the seeds through that path and fails when its digest is not READER_DIGEST: bump the version, paste the digest.
READER_VERSION = 1
READER_DIGEST = "a06570f06f2a87f4"


def lexical_text(p: Passage, doc: Document) -> str:
    """What BM25 sees: the document's name, its title (trích yếu) and the heading path give every
    passage its context, so a question that names the programme finds that programme's passages."""
    return "\n".join([doc.name, doc.meta.title or "", *p.heading_path, p.text])


_CODE_STAMP = f"sotay reader {READER_VERSION}".encode()


def collect(paths: list[Path]) -> list[Path]:
    """Files named directly, plus supported files found under named folders (sorted, stable)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(p for p in sorted(path.rglob("*")) if p.is_file() and skip_reason(p) is None)
        else:
            out.append(path)
    return out


def skipped(paths: list[Path]) -> list[tuple[Path, str]]:
    """The files under named folders that `collect` leaves out, each with the reason (Vietnamese)."""
    out: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            out.extend((p, reason) for p in sorted(path.rglob("*"))
                       if p.is_file() and (reason := skip_reason(p)) is not None)
    return out


def skip_reason(path: Path) -> str | None:
    if path.name.startswith("."):
        return "tệp ẩn (hidden file)"
    if path.name.lower() == "readme.md":
        return "tệp README của thư mục, không phải văn bản"
    return unsupported_reason(path.name)


class Indexer:
    """The one write path: CLI ingest, uploads and the bot all go through it. Several workers may use it at
    once (service/jobs.py lanes): every store write holds `lock`, and reading a file or embedding it does not,
    so a deletion waits for a write step (a second or so), never for a whole slow file."""

    def __init__(self, store: Store, embedder: Embedder, cache: EmbeddingCache, notify: Notify | None = None,
                 limits: ReadLimits | None = None, paragraphs: bool = True,
                 lock: threading.RLock | WriteLock | None = None, originals: Originals | None = None):
        self.lock = lock or threading.RLock()
        self.originals = originals   # each file's bytes, kept for download and `sotay reread` (index/originals.py)
        self.paragraphs = paragraphs   # also embed and store paragraph units for maxP (index/maxp.py)
        self.store = store
        self.limits = limits or ReadLimits()   # archive size/ratio, PDF pages, time: from settings
        self.embedder = embedder
        self.cache = cache
        self.notify = notify or (lambda doc_id: None)
        self.corrections = Corrections(store)   # facts an administrator corrected, applied to every ingest

    def add_file(self, path: Path, embed: bool = True) -> FileResult:
        try:
            if not path.exists():
                raise IngestError(f"{path.name}: không tìm thấy tệp")
            return self.add_bytes(path.read_bytes(), path.name, embed=embed)
        except IngestError as e:
            return FileResult(source=path.name, status="failed", error=str(e))

    def add_bytes(self, data: bytes, filename: str, embed: bool = True,
                  progress: Progress | None = None, choice: Choice | None = None) -> FileResult:
        """Parse and index one file's bytes, and keep them (index/originals.py); raises IngestError for bad input."""
        report = progress or (lambda stage, done: None)

        def ocr_pages(done: int, total: int) -> None:
            report(f"OCR trang {done}/{total}", 0.6 * done / max(total, 1))

        key = file_key(data)
        known = self.store.same_file(key) if choice is None else None
        if known is not None:   # the very same bytes are the current version: nothing to read again
            summary, n_passages = known
            self._keep_original(summary.id, data)   # a data dir from before originals were kept
            return FileResult(source=filename, status="unchanged", doc_id=summary.id, passages=n_passages,
                              document=summary)
        found = extract(data, filename, progress=ocr_pages, limits=self.limits)
        return self.add_text(found.text, filename, ocr_confidence=found.ocr_confidence, embed=embed,
                             progress=report, key=key, choice=choice, original=data)

    def add_text(self, text: str, source: str, ocr_confidence: float | None = None, embed: bool = True,
                 progress: Progress | None = None, key: str = "", choice: Choice | None = None,
                 original: bytes | None = None) -> FileResult:
        report = progress or (lambda stage, done: None)
        report("đang phân tích văn bản", 0.6)
        doc = parse_document(text, source, ocr_confidence=ocr_confidence)
        if self.store.record(doc.id) is None:
            # the very same text stored under another id: the identity rules changed since (a newer reader
            # resolves the issuer or title differently). It stays that document, never a second copy of it
            # or the corrected document whose number, issuer and date this file's header carries
            same = self.store.with_content(doc.content_hash) or self.corrections.owner(doc, self.store)
            if same is not None:
                log.info("%s: same text as stored %s (read now as %s); kept under %s", source, same, doc.id, same)
                doc = replace(doc, id=same)
        if choice is None:   # never a second document, never a full text replaced by a scan or a page, unasked
            similar = self._similar(doc, ocr_confidence)
            if similar is not None:
                log.info("%s looks like stored %s (%s); nothing written, a choice is asked", source, *similar)
                return FileResult(source=source, status="similar", doc_id=similar[0].id, document=similar[0],
                                  twin_of=similar[1])
        else:
            doc = self._chosen(doc, choice)
        fix = self.corrections.of(doc.id)
        doc = applied(doc, fix)   # a re-read file never brings back the facts an administrator corrected
        passages = build_passages(doc)
        if not passages:
            raise IngestError(f"{source}: không tìm thấy nội dung văn bản để nạp")
        version = version_of(doc, fix)
        lex = None
        if (self.store.record(doc.id) or {}).get("version") != version:
            report("đang lập chỉ mục từ khóa", 0.7)
            lex = [analyze(lexical_text(p, doc)) for p in passages]   # outside the lock: seconds for a law
        with self.lock:
            if (now := self.corrections.of(doc.id)) != fix:   # corrected meanwhile (index/edit.py): apply that
                doc, fix = applied(doc, now), now
                passages, version, lex = build_passages(doc), version_of(doc, now), None
            record = self.store.record(doc.id)
            current = (record or {}).get("version") or None
            if current == version:
                if key and record.get("file_key") != key:   # same content from other bytes: remember these too
                    self.store.remember_file(doc.id, key)
                if original is not None:
                    self._keep_original(doc.id, original)
                return FileResult(source=source, status="unchanged", doc_id=doc.id, passages=len(passages),
                                  document=doc.summary())
            if lex is None:   # another worker changed it since the look above
                lex = [analyze(lexical_text(p, doc)) for p in passages]
            # the bytes first: a record never names an original that is not complete
            address = self.originals.put(original) if original is not None and self.originals else ""
            self.store.begin(doc, version)
            self.store.write_passages(doc.id, version, passages, lex, None, self.embedder.dim)
            self.store.commit(doc, version, key, len(passages), original=address)
            self._forget_originals({(record or {}).get("original") or ""} - {address})
        self.notify(doc.id)
        status = "updated" if current else "added"
        log.info("%s %s as %s (%d passages)", status, source, doc.id, len(passages))
        if embed:
            report("đang tính vector ngữ nghĩa", 0.8)
            self.embed_document(doc.id, version, passages)
        report("xong", 1.0)
        previous = (record or {}).get("source") if current else None
        return FileResult(source=source, status=status, doc_id=doc.id, passages=len(passages),
                          document=doc.summary(), previous=previous)

    def _similar(self, doc: Document, ocr_confidence: float | None) -> tuple[DocumentSummary, str] | None:
        """The stored document this one looks like, and why: a scan of it (index/twins.py), or a much shorter
        text under its identity."""
        twin = twin_of(doc, self.store.list_documents(), self._text_of) if ocr_confidence is not None else None
        if twin is not None:
            read = f"số đọc được: {doc.meta.number}" if doc.meta.number else "không đọc được số"
            return twin, ("bản quét, " + read if twin.id != doc.id else "bản quét của văn bản đã có chữ, " + read)
        stored = next(iter(self.store.list_documents([doc.id])), None)
        text = "\n".join(s.text for s in doc.sections)
        if stored is not None and much_shorter(text, whole := self._text_of(doc.id)):
            return stored, (f"cùng số, ngày, cơ quan ban hành nhưng ngắn hơn nhiều: {len(text)} so với "
                            f"{len(whole or '')} ký tự")
        return None

    def _chosen(self, doc: Document, choice: Choice) -> Document:
        """The document under the id the person chose: the replaced one's, or its own (another, when its
        identity is taken: "thêm thành văn bản mới" never overwrites one)."""
        if choice.action == "replace":
            if not self.store.list_documents([choice.target]):
                raise IngestError(f"{doc.source}: không có văn bản '{choice.target}' để thay")
            log.info("%s replaces %s, as chosen", doc.source, choice.target)
            return replace(doc, id=choice.target)
        if self.store.record(doc.id) is not None:
            return replace(doc, id=f"{doc.id}-{doc.content_hash[:6]}")
        return doc

    def _keep_original(self, doc_id: str, data: bytes) -> None:
        """Keep these bytes as the document's original when its record names none yet."""
        if self.originals is None:
            return
        with self.lock:
            record = self.store.record(doc_id)
            if record is not None and record.get("version") and not record.get("original"):
                address = self.originals.put(data)
                self.store.remember_file(doc_id, record.get("file_key") or "", original=address)

    def _forget_originals(self, addresses: set[str]) -> None:
        """Remove the kept files no record names any more (under the lock: a write may be about to name one)."""
        if self.originals is not None:
            with self.lock:
                self.originals.remove(unused(self.store, addresses))

    def recover(self) -> list[str]:
        """The store's recovery after a crash, and the originals a crashed write kept but never named."""
        with self.lock:
            cleaned = self.store.recover()
            if self.originals is not None:
                self.originals.remove(unused(self.store, self.originals.addresses()))
        return cleaned

    def _text_of(self, doc_id: str) -> str | None:
        stored = self.store.get_document(doc_id)
        return "\n".join(s.text for s in stored.sections) if stored is not None else None

    def embed_document(self, doc_id: str, version: str, passages: list[Passage]) -> None:
        """Embed passages (and, for maxP, their paragraphs) and write them to the store together."""
        vectors = self.cache.embed(self.embedder, [dense_text(p) for p in passages])
        texts, unit_vectors = self._embed_units(passages)
        crash_point("embedded")
        with self.lock:
            if self.store.versions([doc_id]).get(doc_id) != version:
                return   # replaced or deleted while it was being embedded
            self.store.set_vectors(doc_id, version, [p.id for p in passages], vectors, texts, unit_vectors)
        self.notify(doc_id)

    def embed_units(self, doc_id: str, version: str, passages: list[Passage]) -> None:
        """Only the paragraph vectors, for passages whose own vectors are written (maxP turned on later, or
        a data dir from before paragraph vectors were stored): the passage vectors are not touched."""
        texts, unit_vectors = self._embed_units(passages)
        with self.lock:
            if texts is None or self.store.versions([doc_id]).get(doc_id) != version:
                return
            self.store.set_units(doc_id, version, [p.id for p in passages], texts, unit_vectors)
        self.notify(doc_id)

    def _embed_units(self, passages: list[Passage]) -> tuple[list[list[str]] | None, np.ndarray | None]:
        if not self.paragraphs:
            return None, None
        texts = [units(p.heading_path, p.text) for p in passages]
        return texts, self.cache.embed(self.embedder, [u for ts in texts for u in ts])

    def missing(self) -> list[tuple[Embed, str, str, list[str]]]:
        """What `embed_missing` would write: (how, doc id, version, passage ids), passages without vectors
        first, then (maxP on) passages with vectors but without paragraph vectors."""
        todo = [(self.embed_document, d, v, pids) for d, v, pids in self.store.without_vectors()]
        if self.paragraphs:
            todo += [(self.embed_units, d, v, pids) for d, v, pids in self.store.without_units()]
        return todo

    def embed_missing(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Write the embeddings an interrupted or lexical-first ingest left out, and the paragraph vectors of
        passages written without them; returns passages done."""
        todo = self.missing()
        total = sum(len(pids) for _, _, _, pids in todo)
        done = 0
        for embed, doc_id, version, pids in todo:
            wanted = set(pids)
            passages = [it.passage for it in self.store.current_passages([doc_id]) if it.passage.id in wanted]
            if passages:
                embed(doc_id, version, passages)
            done += len(pids)
            if progress is not None:
                progress(done, total)
        return done

    def delete(self, doc_id: str) -> None:
        self.delete_many([doc_id])

    def delete_many(self, doc_ids: list[str]) -> None:
        with self.lock:
            got = self.store.documents.get(ids=list(doc_ids), include=["metadatas"]) if doc_ids else {"metadatas": []}
            self.store.delete_many(doc_ids)
            self.corrections.forget(doc_ids)
            self._forget_originals({m.get("original") or "" for m in got["metadatas"]})
        for doc_id in doc_ids:
            self.notify(doc_id)
