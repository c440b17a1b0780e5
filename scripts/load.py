"""On-demand load test: 2,000 mixed requests (/search, /ask, /documents, bad inputs) at concurrency 16
against `sotay serve` on loopback. Reports unexpected statuses, p50/p95/p99 latency and server RSS.

    python scripts/load.py --data-dir /tmp/load-data      # ingests corpus/ if empty, serves, loads
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
# (method, path, kwargs, expected statuses)
MIX = [
    ("GET", "/search", {"params": {"q": "chỉ tiêu đào tạo chủ tịch CĐCS"}}, {200}),
    ("GET", "/search", {"params": {"q": "cong doan co so", "k": 5}}, {200}),
    ("GET", "/search", {"params": {"q": "công đoàn Привет ß"}}, {200}),
    ("POST", "/ask", {"json": {"question": "Nhiệm vụ trọng tâm năm 2026 là gì?"}}, {200}),
    ("POST", "/ask", {"json": {"question": "chào bạn"}}, {200}),
    ("GET", "/documents", {}, {200}),
    ("GET", "/documents/01%2FCTr-L%C4%90L%C4%90", {}, {200, 404}),
    ("GET", "/health", {}, {200}),
    ("GET", "/search", {"params": {"q": ""}}, {422}),
    ("GET", "/search", {"params": {"q": "x", "date_from": "2024-13-45"}}, {422}),
    ("POST", "/ask", {"content": b"{bad", "headers": {"content-type": "application/json"}}, {422}),
    ("POST", "/ask", {"content": b"a" * 100_000, "headers": {"content-type": "application/json"}}, {413}),
    ("POST", "/documents", {"files": {"file": ("a.txt", b"x")}}, {401, 403}),
    ("DELETE", "/documents/x", {"headers": {"X-API-Key": "sai"}}, {401, 403}),
    ("GET", "/nowhere", {}, {404}),
    ("PUT", "/search", {}, {405}),
]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def run(base: str, total: int, concurrency: int, seed: int) -> tuple[list[float], list[str]]:
    rng = random.Random(seed)
    plan = [rng.choice(MIX) for _ in range(total)]
    latencies: list[float] = []
    unexpected: list[str] = []
    queue: asyncio.Queue = asyncio.Queue()
    for item in plan:
        queue.put_nowait(item)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            method, path, kwargs, ok = queue.get_nowait()
            start = time.perf_counter()
            try:
                status = (await client.request(method, path, **kwargs)).status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            latencies.append(time.perf_counter() - start)
            if status not in ok:
                unexpected.append(f"{method} {path} → {status}")

    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return latencies, unexpected


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))] * 1000


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOTAY_DATA_DIR": str(args.data_dir)}
    env.pop("SOTAY_API_KEY", None)
    cli = [sys.executable, "-m", "sotay.cli"]
    if not (args.data_dir.exists() and any(args.data_dir.iterdir())):
        subprocess.run([*cli, "ingest", "-q", str(ROOT / "corpus")], env=env, check=True)
    port = free_port()
    server = subprocess.Popen([*cli, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(360):
            if server.poll() is not None:
                print(f"sotay serve exited with {server.returncode} before answering /health")
                return 2
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        start_rss = rss_mb(server.pid)
        t0 = time.perf_counter()
        latencies, unexpected = asyncio.run(run(base, args.requests, args.concurrency, args.seed))
        wall = time.perf_counter() - t0
        end_rss = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"requests {len(latencies)} at concurrency {args.concurrency} in {wall:.1f} s "
          f"({len(latencies) / wall:.0f}/s)")
    print(f"unexpected statuses {len(unexpected)}" + (f": {sorted(set(unexpected))[:10]}" if unexpected else ""))
    print(f"latency ms p50 {pct(latencies, 50):.0f}  p95 {pct(latencies, 95):.0f}  p99 {pct(latencies, 99):.0f}")
    print(f"server RSS MB start {start_rss:.0f}  end {end_rss:.0f}")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
