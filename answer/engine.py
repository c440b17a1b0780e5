"""The one engine api/ and bot/ share: search, ask and document lookup over one index.

    engine = Engine.open(settings)                      # loads the model and indexes once
    engine.search(query, k=10, filters=None, offset=0) -> list[Hit]
    engine.ask(question, filters=None) -> Answer
    engine.documents(filters=None) -> list[DocumentSummary]
    engine.document(doc_id_or_number) -> Document      # raises NotFound
    engine.passage(passage_id) -> Hit                  # raises NotFound
    engine.stats() -> dict
    engine.add_bytes(data, filename) -> FileResult     # raises IngestError
    engine.delete(doc_id)                              # raises NotFound
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from threadpoolctl import threadpool_limits

from answer.compare import compare_targets
from answer.compose import MAX_QUESTION, compose, idf_from_counts
from answer.llm import LLMWriter
from answer.records import Answer
from core.errors import BadQuery, NotFound
from core.settings import Settings
from core.text import fold
from index.build import FileResult, Indexer
from index.embed import EmbeddingCache, load_embedder
from index.records import Filters, Hit
from index.search import Searcher
from index.store import Store
from ingest.records import Document, DocumentSummary

log = logging.getLogger(__name__)
ASK_CANDIDATES = 8


@dataclass
class Engine:
    settings: Settings
    store: Store
    searcher: Searcher
    indexer: Indexer
    llm: LLMWriter | None = None
    _write_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, settings: Settings) -> Engine:
        # One BLAS thread: after a matrix product OpenBLAS workers spin-wait for a while and steal the
        # cores the embedder needs next (measured: query embedding 27 ms → 83 ms on 2 cores).
        threadpool_limits(limits=1, user_api="blas")
        embedder = load_embedder(settings.embed_model)
        store = Store(settings, embedder.name)
        cache = EmbeddingCache(settings.cache_dir)
        searcher = Searcher(store, embedder, settings.data_dir)
        llm = LLMWriter(settings) if settings.llm_url else None
        engine = cls(settings=settings, store=store, searcher=searcher,
                     indexer=Indexer(store, embedder, cache), llm=llm)
        if searcher.items:   # first-call costs (model kernels, pyvi, regexes) are paid here, not by a user
            searcher.search("công đoàn cơ sở")
        return engine

    # reading ----------------------------------------------------------------------
    def search(self, query: str, k: int = 10, filters: Filters | None = None, offset: int = 0) -> list[Hit]:
        query = _check(query)
        return self.searcher.search(query, k=k, filters=filters, offset=offset)

    def ask(self, question: str, filters: Filters | None = None) -> Answer:
        question = _check(question)
        comparison = compare_targets(self, question, filters)
        if comparison is not None:
            return comparison
        hits = self.searcher.search(question, k=ASK_CANDIDATES, filters=filters)
        view = self.searcher.view
        idf = idf_from_counts(view.df, len(view.items))
        answer = compose(question, hits, idf, base_url=self.settings.public_url)
        if self.llm is not None and answer.found:
            return self.llm.rewrite(question, hits, fallback=answer)
        return answer

    def documents(self, filters: Filters | None = None) -> list[DocumentSummary]:
        docs = self.store.list_documents()
        if filters is not None:
            docs = [d for d in docs if _matches(d, filters)]
        return sorted(docs, key=lambda d: (d.meta.date or "", d.id), reverse=True)

    def document(self, key: str) -> Document:
        """By id, or by number typed any way ('01/CTr-LĐLĐ', '01/ctr-ldld')."""
        doc = self.store.get_document(key)
        if doc is not None:
            return doc
        wanted = fold(key).replace(" ", "")
        for d in self.store.list_documents():
            if d.meta.number and fold(d.meta.number).replace(" ", "") == wanted:
                found = self.store.get_document(d.id)
                if found is not None:
                    return found
        raise NotFound(f"Không có văn bản '{key}'")

    def passage(self, passage_id: str) -> Hit:
        view = self.searcher.view
        if passage_id not in view.position:
            raise NotFound(f"Không có đoạn '{passage_id}'")
        return view.hit(passage_id)

    def stats(self) -> dict:
        return {"documents": self.store.document_count(), "passages": len(self.searcher.items),
                "embed_model": self.searcher.embedder.name}

    # writing -----------------------------------------------------------------------
    def add_bytes(self, data: bytes, filename: str) -> FileResult:
        with self._write_lock:
            result = self.indexer.add_bytes(data, filename)
            if result.status != "unchanged":
                self.searcher.reload()
            return result

    def delete(self, doc_id: str) -> None:
        with self._write_lock:
            if self.store.get_document(doc_id) is None:
                raise NotFound(f"Không có văn bản '{doc_id}'")
            self.store.delete(doc_id)
            self.searcher.reload()


def _check(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise BadQuery("Câu hỏi trống")
    if len(text) > MAX_QUESTION:
        raise BadQuery(f"Câu hỏi quá dài (tối đa {MAX_QUESTION} ký tự)")
    return text


def _matches(doc: DocumentSummary, f: Filters) -> bool:
    m = doc.meta
    if f.doc_id and doc.id != f.doc_id:
        return False
    if f.doc_type and (m.doc_type or "").lower() != f.doc_type.lower():
        return False
    if f.issuer and f.issuer.lower() not in (m.issuer or "").lower():
        return False
    if f.year and not (m.date or "").startswith(str(f.year)):
        return False
    if f.date_from and (not m.date or m.date < f.date_from):
        return False
    if f.date_to and (not m.date or m.date > f.date_to):
        return False
    return True
