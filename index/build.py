"""Ingest files into the index: read → parse → passages → tokens + embeddings → Chroma.

Re-ingesting an unchanged file is a no-op; a changed file replaces its old version in both legs.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import IngestError
from index.analyze import analyze
from index.embed import Embedder, EmbeddingCache
from index.store import Store
from ingest.parse import parse_document
from ingest.passages import build_passages
from ingest.readers import extract, unsupported_reason
from ingest.records import Document, Passage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileResult:
    source: str
    status: str                 # added | updated | unchanged | failed
    doc_id: str | None = None
    passages: int = 0
    error: str | None = None


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    def summary(self) -> dict[str, int]:
        return {s: self.count(s) for s in ("added", "updated", "unchanged", "failed")}


def lexical_text(p: Passage, doc: Document) -> str:
    """What BM25 sees: the document's name, its title (trích yếu) and the heading path give every
    passage its context, so a question that names the programme finds that programme's passages."""
    return "\n".join([doc.name, doc.meta.title or "", *p.heading_path, p.text])


DENSE_CHARS = 1000


def dense_text(p: Passage) -> str:
    """What the embedder sees: the nearest headings and the passage's opening (e5-small reads ~512
    tokens, and the time to embed grows with length, so the tail adds little for its cost)."""
    return "\n".join([*p.heading_path[-2:], p.text])[:DENSE_CHARS]


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
    def __init__(self, store: Store, embedder: Embedder, cache: EmbeddingCache) -> None:
        self.store = store
        self.embedder = embedder
        self.cache = cache

    def add_file(self, path: Path) -> FileResult:
        try:
            if not path.exists():
                raise IngestError(f"{path.name}: không tìm thấy tệp")
            return self.add_bytes(path.read_bytes(), path.name)
        except IngestError as e:
            return FileResult(source=path.name, status="failed", error=str(e))

    def add_bytes(self, data: bytes, filename: str) -> FileResult:
        """Parse and index one file's bytes; raises IngestError for bad input."""
        found = extract(data, filename)
        return self.add_text(found.text, filename, ocr_confidence=found.ocr_confidence)

    def add_text(self, text: str, source: str, ocr_confidence: float | None = None) -> FileResult:
        doc = parse_document(text, source, ocr_confidence=ocr_confidence)
        passages = build_passages(doc)
        if not passages:
            raise IngestError(f"{source}: không tìm thấy nội dung văn bản để nạp")
        existing = self.store.get_document(doc.id)
        replaced = [d for d in self.store.documents_from_source(source) if d != doc.id]
        if existing is not None and existing.content_hash == doc.content_hash and not replaced:
            return FileResult(source=source, status="unchanged", doc_id=doc.id, passages=len(passages))
        lex = [analyze(lexical_text(p, doc)) for p in passages]
        vectors = self.cache.embed(self.embedder, [dense_text(p) for p in passages])
        self.store.put(doc, passages, vectors, lex)
        for old in replaced:
            self.store.delete(old)
        status = "updated" if existing is not None or replaced else "added"
        log.info("%s %s as %s (%d passages)", status, source, doc.id, len(passages))
        return FileResult(source=source, status=status, doc_id=doc.id, passages=len(passages))
