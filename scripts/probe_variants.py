"""Variants for issue 14, scored in-process like run_eval.py (see scripts/probe_search.py)."""
from __future__ import annotations

import os
import time

import numpy as np
import run_eval

from index import fuse
from index.analyze import analyze, folded_terms, has_diacritics
from index.maxp import units
from index.named import NamedDoc, keys_for, resolve
from index.restore import Restorer
from index.search import Searcher

MAXP_K = int(os.environ.get("PROBE_MAXP_K", "0"))     # rerank depth with paragraph vectors (0 = off)


class QueryModel:
    """Query vectors through the embedding cache (the e5 'query:' prefix differs from passages)."""

    def __init__(self, embedder) -> None:
        self.e = embedder
        self.name = embedder.name + "-query"
        self.dim = embedder.dim

    def passages(self, texts):
        return np.stack([self.e.query(t) for t in texts])


def evaluate(name, settings, store, rows, embedder, cache):
    qm = QueryModel(embedder)
    view = Searcher(store, embedder, settings.data_dir, cache).view
    items = view.passages
    docs = [NamedDoc(d.id, keys_for(d.name, d.meta.doc_type, d.meta.number, d.meta.title))
            for d in view.docs.values()]
    t0 = time.perf_counter()
    restorer = Restorer.build(p.text for p in items)
    print(f"  restorer built in {time.perf_counter() - t0:.1f}s: {len(restorer.unigrams)} syllables, "
          f"{len(restorer.pairs)} pairs", flush=True)
    restored = {r["id"]: (restorer.restore(r["question"]) if not has_diacritics(r["question"]) else None)
                for r in rows}
    texts = sorted({r["question"] for r in rows} | {v for v in restored.values() if v})
    qvec = dict(zip(texts, cache.embed(qm, texts)))
    unit_cache: dict[int, np.ndarray] = {}

    def maxp(i: int, q: np.ndarray, base: float) -> float:
        if i not in unit_cache:
            us = units(items[i].heading_path, items[i].text)
            unit_cache[i] = cache.embed(embedder, us) if us else np.zeros((0, embedder.dim), np.float32)
        m = unit_cache[i]
        return max(base, float((m @ q).max())) if len(m) else base

    def run(r, restore=False, w_acc=0.3, w_rest=0.0, named=0.0, maxp_k=0):
        q = r["question"]
        rq = restored[r["id"]] if restore else None
        toks = ([t for t in analyze(rq, query=True) if t.startswith("w:")] + folded_terms(q, query=True)) if rq \
            else analyze(q, query=True)
        scores = view.lexical.scores(toks)
        top = np.argsort(-scores)[:200]
        lexical = {items[i].id: float(scores[i]) for i in top if scores[i] > 0}
        accented = has_diacritics(q)
        w = w_acc if accented else (w_rest if rq else 0.0)
        dense = {}
        vec = qvec[rq or q]
        if w > 0 or not lexical:
            sims = view.vectors @ vec
            d_top = np.argpartition(-sims, min(100, len(sims)) - 1)[:100]
            dense = {items[i].id: float(sims[i]) for i in d_top}
            w = w or 1.0
        fused = fuse.weighted(lexical, dense, w)
        if named:
            hit_docs = resolve(q, docs)
            if hit_docs:
                for pid in fused:
                    if view.doc_of_row[view.position[pid]] in hit_docs:
                        fused[pid] += named
        ranked = sorted(fused, key=fused.__getitem__, reverse=True)
        if maxp_k and w > 0:
            head = ranked[:maxp_k]
            sims = {p: maxp(view.position[p], vec, float(view.vectors[view.position[p]] @ vec)) for p in head}
            dmax = dict(dense)
            dmax.update(sims)
            refused = fuse.weighted(lexical, dmax, w)
            if named and hit_docs:
                for pid in refused:
                    if view.doc_of_row[view.position[pid]] in hit_docs:
                        refused[pid] += named
            head = sorted(head, key=refused.__getitem__, reverse=True)
            ranked = head + ranked[maxp_k:]
        return ranked[:10]

    def score(label, **kw):
        ranks, kinds = [], {}
        t = time.perf_counter()
        for r in rows:
            top = run(r, **kw)
            rank = run_eval.first_hit([{"text": items[view.position[p]].text} for p in top], r["anchors"])
            ranks.append(rank)
            if "nodiac" in (r.get("kind") or ""):
                kinds.setdefault("nodiac", []).append(rank)
        ms = (time.perf_counter() - t) * 1000 / len(rows)
        n = len(ranks)
        def h(k, rs=ranks):
            return sum(1 for x in rs if x and x <= k) / len(rs)
        mrr = sum(1 / x for x in ranks if x) / n
        nd = kinds.get("nodiac")
        extra = f" nodiac@5={h(5, nd):.3f}" if nd else ""
        print(f"  {label:<44} hit@1={h(1):.3f} hit@5={h(5):.3f} mrr={mrr:.3f}{extra} ({ms:.1f} ms/q)", flush=True)

    score("baseline (as main)")
    for wr in (0.1, 0.2, 0.3):
        score(f"restore, dense weight on restored {wr}", restore=True, w_rest=wr)
    for b in (0.1, 0.2, 0.3, 0.5):
        score(f"named boost {b}", named=b)
    for wa in (0.2, 0.4, 0.5):
        score(f"dense weight accented {wa}", w_acc=wa)
    for wa, b, wr in ((0.3, 0.2, 0.2), (0.4, 0.2, 0.2), (0.3, 0.3, 0.3)):
        score(f"restore {wr} + named {b} + dense {wa}", restore=True, w_rest=wr, named=b, w_acc=wa)
    if MAXP_K:
        for wa in (0.3, 0.5):
            score(f"maxP rerank top{MAXP_K}, dense {wa}", maxp_k=MAXP_K, w_acc=wa)
            score(f"maxP top{MAXP_K} + restore .2 + named .2 dense {wa}", maxp_k=MAXP_K, w_acc=wa,
                  restore=True, w_rest=0.2, named=0.2)
