"""The in-process search view: everything a query reads, swapped as one object on change (index/search.py),
so a search never sees half an update. Immutable: a change builds a new View from the old one with that
document's rows removed and re-added, at the cost of one document, not the corpus."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from index.hints import Hints
from index.lexical import Lexical
from index.maxp import max_pool
from index.records import Filters, Hit
from index.store import StoredPassage
from ingest.records import DocumentSummary, Passage


@dataclass(frozen=True)
class View:
    """Everything a query reads, swapped as one object on change so a search never sees half an update."""

    passages: tuple[Passage, ...]
    position: dict[str, int]
    docs: dict[str, DocumentSummary]
    doc_of_row: np.ndarray      # object array: the doc id of each row
    lexical: Lexical
    vectors: np.ndarray         # (rows, dim), unit length; zero rows until a document's vectors are written
    has_vector: np.ndarray      # bool per row
    dim: int
    # (units, dim) float16: paragraph vectors for maxP (index/maxp.py), none when it is off. Half precision
    # halves ~96k vectors at 208 laws (141 → 71 MB); cosines move by < 1e-3, and rerank reads a few hundred
    unit_vectors: np.ndarray
    unit_row: np.ndarray        # int per unit: the passage row it belongs to
    day: dt.date | None = None  # the date the documents' validity was derived for (index/validity.py)
    # what the corpus tells about a question (diacritics, the documents it names), counted from these same
    # passages and documents: one snapshot, so a question is read and ranked against the same corpus
    hints: Hints | None = None

    @property
    def size(self) -> int:
        return len(self.passages)

    @classmethod
    def empty(cls, dim: int) -> View:
        return cls((), {}, {}, np.zeros(0, object), Lexical.empty(), np.zeros((0, dim), np.float32),
                   np.zeros(0, bool), dim, np.zeros((0, dim), np.float16), np.zeros(0, np.int64))

    def replaced(self, doc_ids: set[str], items: list[StoredPassage], vectors: list[np.ndarray | None],
                 docs: dict[str, DocumentSummary], lexical: Lexical | None = None,
                 units: list[np.ndarray | None] | None = None) -> View:
        """A new view with these documents' rows dropped and `items` (their current passages, with their
        vectors or None, and their paragraph vectors or None) appended."""
        drop = np.flatnonzero(np.isin(self.doc_of_row, list(doc_ids))) if doc_ids and self.size else np.zeros(0, int)
        keep = np.ones(self.size, bool)
        keep[drop] = False
        # paragraph units follow their passage: kept rows are renumbered, new ones appended after them
        new_row = np.cumsum(keep) - 1
        keep_unit = keep[self.unit_row] if len(self.unit_row) else np.zeros(0, bool)
        added = [(i, u) for i, u in enumerate(units or []) if u is not None and len(u)]
        unit_vectors = np.concatenate([self.unit_vectors[keep_unit], *(u for _, u in added)]).astype(np.float16)
        unit_row = np.concatenate([new_row[self.unit_row[keep_unit]],
                                   *(np.full(len(u), int(keep.sum()) + i) for i, u in added)]).astype(np.int64)
        passages = tuple(p for p, k in zip(self.passages, keep) if k) + tuple(it.passage for it in items)
        new_vectors = np.stack([v if v is not None else np.zeros(self.dim, np.float32)
                                for v in vectors]) if items else np.zeros((0, self.dim), np.float32)
        if lexical is None:
            lexical = self.lexical.replaced(drop, [it.lex for it in items])
        all_docs = {k: v for k, v in self.docs.items() if k not in doc_ids}
        all_docs.update({k: v for k, v in docs.items() if any(it.passage.doc_id == k for it in items)})
        return View(
            passages=passages, position={p.id: i for i, p in enumerate(passages)}, docs=all_docs,
            doc_of_row=np.concatenate([self.doc_of_row[keep], np.array([it.passage.doc_id for it in items],
                                                                       dtype=object)]),
            lexical=lexical, vectors=np.concatenate([self.vectors[keep], new_vectors]),
            has_vector=np.concatenate([self.has_vector[keep], [v is not None for v in vectors]]).astype(bool),
            dim=self.dim, unit_vectors=unit_vectors, unit_row=unit_row,
        )

    def dense(self, query: np.ndarray, n: int, mask: np.ndarray | None, pooled: bool = False) -> dict[str, float]:
        """Exact cosine over the stored vectors: at these corpus sizes (tens of thousands of passages)
        one matrix product costs about a millisecond, less than a round trip to Chroma's ANN index,
        and the filter mask applies as it is. Rows whose vectors are not written yet score nothing.
        `pooled`: a passage scores its best paragraph (maxP over every unit, index/maxp.py)."""
        if not self.size:
            return {}
        sims = self.vectors @ query
        if pooled and len(self.unit_row):
            sims = max_pool(self.unit_vectors.astype(np.float32) @ query, self.unit_row, self.size, sims)
        sims = np.where(self.has_vector, sims, -np.inf)
        if mask is not None:
            sims = np.where(mask, sims, -np.inf)
        n = min(n, len(sims))
        top = np.argpartition(-sims, n - 1)[:n]
        return {self.passages[i].id: float(sims[i]) for i in top if np.isfinite(sims[i])}

    def best_paragraph(self, query: np.ndarray, pids: list[str]) -> dict[str, float]:
        """maxP for a few passages: each scores its best paragraph, never below its own vector."""
        rows = np.array([self.position[p] for p in pids], dtype=np.int64)
        wanted = np.zeros(self.size, bool)
        wanted[rows] = True
        sel = np.flatnonzero(wanted[self.unit_row]) if len(self.unit_row) else np.zeros(0, np.int64)
        base = np.where(self.has_vector[rows], self.vectors[rows] @ query, -np.inf)
        local = np.full(self.size, -1, np.int64)
        local[rows] = np.arange(len(rows))
        best = max_pool(self.unit_vectors[sel].astype(np.float32) @ query, local[self.unit_row[sel]], len(rows), base)
        return {p: float(b) for p, b in zip(pids, best) if np.isfinite(b)}

    def mask(self, filters: Filters | None) -> np.ndarray | None:
        """Rows whose document `filters.matches`: the one filter definition, applied per document."""
        if filters is None or filters.is_empty():
            return None
        wanted = [doc_id for doc_id, doc in self.docs.items() if filters.matches(doc)]
        return np.isin(self.doc_of_row, wanted)

    def hit(self, pid: str, score: float = 0.0) -> Hit:
        passage = self.passages[self.position[pid]]
        return Hit(passage=passage, score=round(float(score), 4), document=self.docs[passage.doc_id])

    def doc_freq(self, term: str) -> int:
        tid = self.lexical.vocab.get(term)
        return 0 if tid is None else int(self.lexical.df[tid])
