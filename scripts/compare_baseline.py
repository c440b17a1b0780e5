"""Measure Sổ tay's search against the naive RAG baseline in one run (quality and latency).

Baseline: fixed 1,000-character chunks of the raw text, BM25 (bm25s) over lowercased whitespace tokens.
Sổ tay: the engine over an index built by `sotay ingest` in SOTAY_DATA_DIR.

    SOTAY_DATA_DIR=data-hay .venv/bin/python scripts/compare_baseline.py ../shared/bench/haystack/dev.jsonl FILES...
"""
from __future__ import annotations

import importlib.util
import json
import re
import statistics
import sys
import time
from pathlib import Path

import bm25s

from core.settings import Settings
from ingest.readers import read_text
from service.engine import Engine

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "run_eval.py"
spec = importlib.util.spec_from_file_location("run_eval", EVAL)
run_eval = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_eval)


def naive_index(files: list[Path]) -> tuple[bm25s.BM25, list[str]]:
    chunks = []
    for f in files:
        text = read_text(f)
        chunks.extend(text[i:i + 1000] for i in range(0, len(text), 1000))
    retriever = bm25s.BM25()
    retriever.index([re.findall(r"\w+", c.lower()) for c in chunks], show_progress=False)
    return retriever, chunks


def score(name: str, rows: list[dict], search) -> None:
    ranks, lat = [], []
    for r in rows:
        t = time.perf_counter()
        texts = search(r["question"])
        lat.append((time.perf_counter() - t) * 1000)
        ranks.append(run_eval.first_hit([{"text": x} for x in texts], r["anchors"]))
    n = len(rows)
    hit = lambda k: sum(1 for x in ranks if x and x <= k) / n  # noqa: E731
    mrr = sum(1 / x for x in ranks if x) / n
    nodiac = [x for r, x in zip(rows, ranks) if "nodiac" in (r.get("kind") or "")]
    nd = f" nodiac-hit@5={sum(1 for x in nodiac if x and x <= 5) / len(nodiac):.2f}" if nodiac else ""
    lat.sort()
    print(f"{name:8s} hit@1={hit(1):.3f} hit@5={hit(5):.3f} mrr={mrr:.3f}{nd} "
          f"p50={statistics.median(lat):.1f}ms p95={lat[max(0, int(n * 0.95) - 1)]:.1f}ms")


def main() -> None:
    questions, files = Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
    files = [p for f in files for p in (sorted(f.glob("*.txt")) if f.is_dir() else [f])]
    rows = [r for r in map(json.loads, questions.read_text(encoding="utf-8").splitlines()) if r["anchors"]]
    retriever, chunks = naive_index(files)

    def naive(q: str) -> list[str]:
        tokens = re.findall(r"\w+", q.lower())
        docs, _ = retriever.retrieve([tokens], k=10, show_progress=False)
        return [chunks[i] for i in docs[0]]

    engine = Engine.open(Settings())
    score("baseline", rows, naive)
    score("sotay", rows, lambda q: [h.text for h in engine.search(q, k=10)])


if __name__ == "__main__":
    main()
