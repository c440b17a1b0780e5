"""In-process sweeps of the search's tuning on the dev sets (seeds, haystack, ALQAC), scored like
../shared/eval/run_eval.py (an anchor contained in a passage's text). Final numbers come from
scripts/score.py over HTTP; this is for choosing them (dev sets only).

    python scripts/probe_search.py [sets...] [--root /tmp/sotay-eval] [--tuning 'maxp=rerank,maxp_depth=20' ...]

Reads the indexes `scripts/score.py` built under --root/<corpus>. Each --tuning is a comma-separated list of
`Tuning` fields (index/search.py); without one, a default grid is scored. Query vectors are embedded once
per set and reused across tunings.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import fields
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from scripts.score import SETS, SHARED  # noqa: E402

sys.path.insert(0, str(SHARED / "eval"))
import run_eval  # noqa: E402

from core.settings import Settings  # noqa: E402
from index.embed import EmbeddingCache, load_embedder  # noqa: E402
from index.search import Searcher, Tuning  # noqa: E402
from index.store import Store  # noqa: E402

GRID = ["maxp=off", "maxp=rerank,maxp_depth=20", "maxp=rerank,maxp_depth=30", "maxp=rerank,maxp_depth=50",
        "maxp=fuse"]


def parse_tuning(spec: str) -> Tuning:
    types = {f.name: f.type for f in fields(Tuning)}
    values: dict[str, object] = {}
    for item in filter(None, spec.split(",")):
        key, value = item.split("=")
        values[key] = value if types[key] in (str, "str") else (int(value) if types[key] in (int, "int")
                                                                   else float(value))   # float | None too
    return Tuning(**values)   # type: ignore[arg-type]


def score(searcher: Searcher, rows: list[dict]) -> dict[str, float]:
    ranks, nodiac = [], []
    t0 = time.perf_counter()
    for r in rows:
        hits = searcher.search(r["question"], k=10)
        rank = run_eval.first_hit([{"text": h.passage.text} for h in hits], r["anchors"])
        ranks.append(rank)
        if "nodiac" in (r.get("kind") or ""):
            nodiac.append(rank)

    def hit(k: int, rs: list) -> float:
        return sum(1 for x in rs if x and x <= k) / len(rs)

    out = {"hit@1": hit(1, ranks), "hit@5": hit(5, ranks), "mrr": sum(1 / x for x in ranks if x) / len(ranks),
           "ms": (time.perf_counter() - t0) * 1000 / len(rows)}
    if nodiac:
        out["nodiac@5"] = hit(5, nodiac)
    out["misses"] = [r["id"] for r, x in zip(rows, ranks) if x != 1]   # type: ignore[assignment]
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("sets", nargs="*", default=["seeds", "haystack", "alqac"])
    ap.add_argument("--root", default=os.environ.get("SOTAY_EVAL_ROOT", "/tmp/sotay-eval"))
    ap.add_argument("--tuning", action="append", help="Tuning fields, e.g. maxp=rerank,dense_accented=0.4")
    ap.add_argument("--misses", action="store_true", help="list the questions not ranked first")
    args = ap.parse_args()
    settings = Settings()
    embedder = load_embedder(settings.embed_model, settings.cache_dir)
    cache = EmbeddingCache(settings.cache_dir)
    tunings = [(spec, parse_tuning(spec)) for spec in (args.tuning or GRID)]
    for name in args.sets:
        cname, questions = SETS[name]
        data = Path(args.root) / cname
        rows = [r for r in map(json.loads, filter(str.strip, questions.read_text().splitlines())) if r.get("anchors")]
        store = Store(Settings(data_dir=data), embedder.name)
        searcher = Searcher(store, embedder, data, cache, tuning=Tuning(maxp="rerank"))
        view = searcher.view
        print(f"== {name}: {view.size} passages, {len(view.unit_row)} paragraph vectors, {len(rows)} questions",
              flush=True)
        for spec, tuning in tunings:
            searcher.tuning = tuning
            m = score(searcher, rows)
            extra = f" nodiac@5={m['nodiac@5']:.3f}" if "nodiac@5" in m else ""
            print(f"  {spec:<52} hit@1={m['hit@1']:.3f} hit@5={m['hit@5']:.3f} mrr={m['mrr']:.3f}{extra}"
                  f" ({m['ms']:.1f} ms/q)", flush=True)
            if args.misses:
                print("    not first:", " ".join(m["misses"]), flush=True)   # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
