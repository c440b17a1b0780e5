"""Benchmark at 208-law scale (on demand, not in `make test`): ingest, re-ingest, start-up, memory,
latency, throughput, incremental add, haystack hit@5 (12-law vs 208-law index) and a naive baseline
(1,000-character chunks with 200 overlap, rank_bm25, served over HTTP with the same /search shape),
all scored with ../shared/eval/run_eval.py on the same questions. Prints a table, writes JSON.

    python scripts/bench.py [--root /tmp/sotay-bench] [--reuse] [--words-only] [--json-out bench.json]

Both indexes are real hybrid ones: `sotay ingest --words-only` first (time to words), then `sotay ingest`
writes every vector (passages and paragraph vectors; time to full vectors) with its progress bar on the
terminal. The vectors are resumable: a killed run, re-run with --reuse, goes on where it stopped (written
vectors stay, embedded texts come from SOTAY_CACHE_DIR). --words-only measures the words alone, as before
the default embedder was fast enough, and times the dense leg apart (two killed rounds of --embed-seconds).
Servers run with SOTAY_EMBED_IN_BACKGROUND=0, so they only serve while they are measured.
SOTAY_EMBED_MODEL and SOTAY_CACHE_DIR pass through.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from scripts.score import SHARED, free_port  # noqa: E402

LAWS = SHARED / "bench/laws"
HAYSTACK = SHARED / "bench/haystack"
QUESTIONS = HAYSTACK / "dev.jsonl"
SOTAY = [sys.executable, "-m", "sotay.cli"]
CHUNK, OVERLAP = 1000, 200


def env_for(data: Path) -> dict:
    # the server measured here only serves: vectors left out by --words-only are not filled in meanwhile
    return dict(os.environ, PYTHONPATH=str(ROOT), SOTAY_DATA_DIR=str(data), SOTAY_EMBED_IN_BACKGROUND="0")


def ingest(data: Path, paths: list[Path], words_only: bool = True, progress: bool = False) -> float:
    start = time.monotonic()
    flags = ["--words-only"] if words_only else []
    quiet = [] if progress else ["-q"]
    subprocess.run([*SOTAY, "ingest", *quiet, *flags, *map(str, paths)], env=env_for(data), cwd=ROOT, check=True,
                   stderr=None if progress else subprocess.DEVNULL, stdout=None if progress else subprocess.DEVNULL)
    return time.monotonic() - start


def vectors(data: Path, paths: list[Path]) -> dict:
    """Every vector the words-only ingest left out, written by `sotay ingest` with its progress bar."""
    before = missing_vectors(data)
    seconds = ingest(data, paths, words_only=False, progress=True) if before else 0.0
    return {"missing_before": before, "vectors_s": round(seconds, 1), "missing_after": missing_vectors(data)}


def missing_vectors(data: Path) -> int:
    code = ("from service.engine import Engine; from core.settings import Settings; "
            "e = Engine.open(Settings(), watch=False); print(e.missing_vectors()); e.close()")
    out = subprocess.run([sys.executable, "-c", code], env=env_for(data), cwd=ROOT, check=True,
                         capture_output=True, text=True)
    return int(out.stdout.split()[-1])


def embedding(data: Path, paths: list[Path], seconds: float) -> dict:
    """The dense leg at this scale: `sotay ingest` embeds what --words-only left for `seconds`, is killed
    with SIGKILL, and is run again for as long; the second run must resume (fewer passages left, none
    embedded twice: written vectors stay, embedded texts come from the cache)."""
    rounds = [missing_vectors(data)]
    for _ in range(2):
        proc = subprocess.Popen([*SOTAY, "ingest", "-q", *map(str, paths)], env=env_for(data), cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(seconds)
        proc.kill()
        proc.wait()
        rounds.append(missing_vectors(data))
    done = rounds[0] - rounds[-1]
    rate = done / (2 * seconds) if done else 0.0
    return {"missing_by_round": rounds, "passages_per_s": round(rate, 2),
            "hours_for_the_rest": round(rounds[-1] / rate / 3600, 1) if rate else None}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def get(url: str, payload: dict | None = None, timeout: float = 60) -> dict:
    data = json.dumps(payload).encode() if payload is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read())


def wait_up(base: str, proc: subprocess.Popen | None = None, limit: float = 600) -> float:
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            get(base + "/health", timeout=2)
            return time.monotonic() - start
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


def questions() -> list[str]:
    return [json.loads(x)["question"] for x in QUESTIONS.read_text(encoding="utf-8").splitlines() if x.strip()]


def p95(xs: list[float]) -> float:
    return round(sorted(xs)[max(0, int(len(xs) * 0.95) - 1)], 1)


def latencies(base: str) -> dict:
    """Each question once, as the page asks it: /search first (its query embedding is computed: a server
    keeps the last 256 query vectors, so repeating the set would time a memo), then /ask for the same
    question (the page sends both at once; its vector is then remembered). Warmed on other questions."""
    for q in ("công đoàn cơ sở", "người lao động", "thời giờ làm việc", "bảo hiểm xã hội bắt buộc"):
        get(f"{base}/search?q={urllib.parse.quote(q)}&k=10")
    out: dict = {}
    times: dict[str, list[float]] = {"search": [], "ask": []}
    for q in questions():
        t = time.perf_counter()
        get(f"{base}/search?q={urllib.parse.quote(q)}&k=10")
        times["search"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        get(base + "/ask", {"question": q})
        times["ask"].append((time.perf_counter() - t) * 1000)
    for name, xs in times.items():
        out[f"{name}_p50_ms"] = round(statistics.median(xs), 1)
        out[f"{name}_p95_ms"] = p95(xs)
    return out


def throughput(base: str, concurrency: int = 8, seconds: float = 20) -> dict:
    """Repeats the question set: after the first pass the query vectors come from the server's memo, so
    this measures serving (BM25, fusion, JSON), not the embedder."""
    qs = questions()
    done, errors = [0], [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(i: int) -> None:
        n = i
        while time.monotonic() < stop:
            try:
                get(f"{base}/search?q={urllib.parse.quote(qs[n % len(qs)])}&k=10", timeout=30)
                with lock:
                    done[0] += 1
            except Exception:
                with lock:
                    errors[0] += 1
            n += concurrency

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"rps": round(done[0] / (time.monotonic() - start), 1), "errors": errors[0], "concurrency": concurrency}


def evaluate(base: str) -> dict:
    out = subprocess.run([sys.executable, str(SHARED / "eval/run_eval.py"), "--base-url", base,
                          "--questions", str(QUESTIONS), "-q"], capture_output=True, text=True, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("EVAL "))
    return {k: float(v) for k, v in (kv.split("=") for kv in line[5:].split()) if v != "None"}


def serve(data: Path) -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    proc = subprocess.Popen([*SOTAY, "serve", "--port", str(port)], env=env_for(data), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    return proc, base, wait_up(base, proc)


def incremental(data: Path) -> dict:
    """In process on the full index: drop the largest document from the live view, then apply it again
    from the store (what an update or another process's upload costs: Searcher.apply, no rebuild)."""
    os.environ["SOTAY_DATA_DIR"] = str(data)
    from core.settings import Settings
    from service.engine import Engine
    start = time.monotonic()
    engine = Engine.open(Settings())
    opened = time.monotonic() - start
    searcher = engine.searcher
    view = searcher.view
    counts: dict[str, int] = {}
    for p in view.passages:
        counts[p.doc_id] = counts.get(p.doc_id, 0) + 1
    doc_id = max(counts, key=counts.get)
    t = time.monotonic()
    searcher.view = view.replaced({doc_id}, [], [], {})
    removed = time.monotonic() - t
    t = time.monotonic()
    searcher.apply([doc_id])
    add = time.monotonic() - t
    return {"passages": searcher.view.size, "engine_open_s": round(opened, 1), "apply_doc_passages": counts[doc_id],
            "apply_remove_s": round(removed, 3), "apply_add_s": round(add, 3)}


# the naive baseline ------------------------------------------------------------------------------
def chunks(text: str) -> list[str]:
    return [text[i:i + CHUNK] for i in range(0, max(len(text) - OVERLAP, 1), CHUNK - OVERLAP)]


def naive_tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def naive_server(files: list[Path]) -> tuple[ThreadingHTTPServer, str, float]:
    from rank_bm25 import BM25Okapi
    start = time.monotonic()
    rows = [(f.name, c) for f in files for c in chunks(f.read_text(encoding="utf-8", errors="replace"))]
    bm25 = BM25Okapi([naive_tokens(c) for _, c in rows])
    built = time.monotonic() - start

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            url = urllib.parse.urlparse(self.path)
            q = urllib.parse.parse_qs(url.query)
            body: dict = {"status": "ok"}
            if url.path == "/search":
                k = int(q.get("k", ["10"])[0])
                scores = bm25.get_scores(naive_tokens(q.get("q", [""])[0]))
                top = sorted(range(len(rows)), key=lambda i: -scores[i])[:k]
                body = {"results": [{"text": rows[i][1], "citation": rows[i][0], "doc_id": rows[i][0],
                                     "score": float(scores[i])} for i in top]}
            raw = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}", built


def files_of(paths: list[Path]) -> list[Path]:
    from index.build import collect
    return collect(paths)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default="/tmp/sotay-bench")
    ap.add_argument("--reuse", action="store_true", help="keep an existing 208-law data dir (no first ingest)")
    ap.add_argument("--json-out", default="bench.json")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--embed-seconds", type=float, default=120, help="--words-only: each embedding round")
    ap.add_argument("--words-only", action="store_true", help="words only; time the dense leg apart")
    args = ap.parse_args()
    root = Path(args.root)
    full_paths = [ROOT / "corpus", LAWS]
    small_paths = [ROOT / "corpus", *(LAWS / x for x in (HAYSTACK / "LAWS.txt").read_text().split())]
    data, small = root / "laws208", root / "laws12"
    from core.settings import Settings
    res: dict = {"embed_model": Settings().embed_model, "cores": os.cpu_count(), "load_before": os.getloadavg(),
                 "dense": not args.words_only}
    if not (args.reuse and data.exists()):
        subprocess.run(["rm", "-rf", str(data)], check=True)
        res["ingest_s"] = round(ingest(data, full_paths), 1)
    if not args.words_only:
        res["vectors"] = vectors(data, full_paths)
    res["ingest_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    res["reingest_s"] = round(ingest(data, full_paths), 1)
    res["data_dir_mb"] = round(sum(f.stat().st_size for f in data.rglob("*") if f.is_file()) / 2**20)
    proc, base, startup = serve(data)
    try:
        res["startup_s"] = round(startup, 1)
        res.update(latencies(base))
        res.update(throughput(base, seconds=args.seconds))
        res["server_rss_mb"] = round(rss_mb(proc.pid))
        res["hit208"] = evaluate(base)
    finally:
        proc.terminate()
        proc.wait()
    ingest(small, small_paths)
    if not args.words_only:
        res["vectors12"] = vectors(small, small_paths)
    proc, base, _ = serve(small)
    try:
        res["hit12"] = evaluate(base)
    finally:
        proc.terminate()
        proc.wait()
    if args.words_only:
        # on a copy: vectors written for some passages only would tilt the dense leg of a later --reuse run
        trial = root / "laws208-embedding"
        subprocess.run(["rm", "-rf", str(trial)], check=True)
        subprocess.run(["cp", "-r", str(data), str(trial)], check=True)
        res["embedding"] = embedding(trial, full_paths, args.embed_seconds)
    naive, nbase, built = naive_server(files_of(full_paths))
    try:
        res["naive"] = {"build_s": round(built, 1), **evaluate(nbase)}
        t = [time.perf_counter()]
        for q in questions():
            get(f"{nbase}/search?q={urllib.parse.quote(q)}&k=10")
        res["naive"]["search_mean_ms"] = round((time.perf_counter() - t[0]) * 1000 / len(questions()), 1)
    finally:
        naive.shutdown()
    res["incremental"] = incremental(data)
    res["load_after"] = os.getloadavg()
    Path(args.json_out).write_text(json.dumps(res, ensure_ascii=False, indent=1))
    print(table(res))
    return 0


def table(r: dict) -> str:
    h208, h12, nv, inc = r["hit208"], r["hit12"], r["naive"], r["incremental"]
    legs = "words + vectors" if r["dense"] else "words"
    rows = [
        ("first ingest to words (s)", r.get("ingest_s", "reused"), ""),
        ("ingest peak RSS (MB)", r.get("ingest_peak_rss_mb", "-"), ""),
        ("re-ingest unchanged (s)", r["reingest_s"], "≤ 5% of first"), ("data dir (MB)", r["data_dir_mb"], ""),
        ("start-up (s)", r["startup_s"], "≤ 15"), ("server RSS (MB)", r["server_rss_mb"], "≤ 1536"),
        ("/search p50 / p95 (ms)", f"{r['search_p50_ms']} / {r['search_p95_ms']}", "p95 ≤ 50"),
        ("/ask p50 / p95 (ms)", f"{r['ask_p50_ms']} / {r['ask_p95_ms']}", "p95 ≤ 150"),
        (f"/search req/s at c={r['concurrency']} (errors)", f"{r['rps']} ({r['errors']})", "≥ 50, 0 errors"),
        (f"apply: remove / add {inc['apply_doc_passages']} passages (s)",
         f"{inc['apply_remove_s']} / {inc['apply_add_s']}", "≤ 2"),
        (f"haystack hit@5: 12 laws → 208 laws ({legs})", f"{h12.get('hit@5')} → {h208.get('hit@5')}",
         "drop ≤ .03"),
        ("haystack hit@1: 12 laws → 208 laws", f"{h12.get('hit@1')} → {h208.get('hit@1')}", ""),
        ("haystack hit@1 / MRR (208)", f"{h208.get('hit@1')} / {h208.get('mrr@10')}", ""),
        ("naive 1000/200 + rank_bm25: hit@1 / hit@5 / MRR",
         f"{nv.get('hit@1')} / {nv.get('hit@5')} / {nv.get('mrr@10')}", ""),
        ("naive: build (s) / mean /search (ms)", f"{nv['build_s']} / {nv['search_mean_ms']}", ""),
    ]
    for key, name in (("vectors", "208 laws"), ("vectors12", "12 laws")):
        if key in r:
            v = r[key]
            rows.append((f"vectors, {name}: missing → written in (s) → missing",
                         f"{v['missing_before']} → {v['vectors_s']} → {v['missing_after']}", "→ 0"))
    if "embedding" in r:
        emb = r["embedding"]
        rows += [("embedding: passages left after each killed round", " → ".join(map(str, emb["missing_by_round"])),
                  "resumes"),
                 ("embedding: passages/s / hours for the rest",
                  f"{emb['passages_per_s']} / {emb['hours_for_the_rest']}", "")]
    width = max(len(a) for a, _, _ in rows)
    head = f"embed={r['embed_model']} cores={r['cores']} load {r['load_before']} → {r['load_after']}"
    return head + "\n" + "\n".join(f"{a:<{width}}  {b!s:>16}  {c}" for a, b, c in rows)


if __name__ == "__main__":
    sys.exit(main())
