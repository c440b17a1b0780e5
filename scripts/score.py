"""Score the dev sets over HTTP with the official scorer: ingest a set's corpus into its own data dir
(once), serve it with `sotay serve` on a free loopback port, run ../shared/eval/run_eval.py, stop.

    python scripts/score.py seeds haystack alqac conversation [--root /tmp/sotay-eval] [--rebuild]

Each set keeps its index under ROOT/<corpus>, so a second run only re-ingests what changed.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SOTAY_SHARED") or ROOT.parent / "shared")
if not (SHARED / "eval").exists():
    SHARED = Path("/work/shared")


def corpus(name: str) -> list[Path]:
    if name == "seeds":
        return [ROOT / "corpus"]
    if name == "haystack":
        laws = (SHARED / "bench/haystack/LAWS.txt").read_text().split()
        return [ROOT / "corpus", *(SHARED / "bench/laws" / law for law in laws)]
    if name == "alqac":
        return [SHARED / "bench/alqac/laws"]
    raise SystemExit(f"unknown corpus {name}")


SETS = {   # set → (corpus, question file)
    "seeds": ("seeds", SHARED / "eval/dev.jsonl"),
    "conversation": ("seeds", SHARED / "eval/conversation-dev.jsonl"),
    "haystack": ("haystack", SHARED / "bench/haystack/dev.jsonl"),
    "alqac": ("alqac", SHARED / "bench/alqac/dev.jsonl"),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_and_score(data: Path, questions: Path, json_out: str | None = None) -> str:
    """Serve the index in `data` on a free loopback port, run the official scorer, return its EVAL line."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), SOTAY_DATA_DIR=str(data))
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "sotay.cli", "serve", "--port", str(port)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        cmd = [sys.executable, str(SHARED / "eval/run_eval.py"), "--base-url", base, "--questions", str(questions),
               "--ask"]
        if json_out:
            cmd += ["--json-out", json_out]
        out = subprocess.run(cmd, check=False, capture_output=True, text=True).stdout
        print(out, end="", flush=True)
        return next((line for line in out.splitlines() if line.startswith("EVAL")), "")
    finally:
        server.terminate()
        server.wait(timeout=30)


def ingest(data: Path, paths: list[Path]) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT), SOTAY_DATA_DIR=str(data))
    subprocess.run([sys.executable, "-m", "sotay.cli", "ingest", "-q", *map(str, paths)], env=env, check=False,
                   cwd=ROOT)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("sets", nargs="+", choices=sorted(SETS))
    p.add_argument("--root", default=os.environ.get("SOTAY_EVAL_ROOT", "/tmp/sotay-eval"))
    p.add_argument("--rebuild", action="store_true")
    p.add_argument("--json-out", help="prefix for per-set JSON reports")
    args = p.parse_args()
    for name in args.sets:
        cname, questions = SETS[name]
        data = Path(args.root) / cname
        if args.rebuild and data.exists():
            subprocess.run(["rm", "-rf", str(data)], check=True)
        ingest(data, corpus(cname))
        print(f"== {name}", flush=True)
        serve_and_score(data, questions, f"{args.json_out}-{name}.json" if args.json_out else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
