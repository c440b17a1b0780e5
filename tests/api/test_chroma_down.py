"""A Chroma server that goes down: search keeps answering from memory, /health says what is wrong (503),
what needs the store answers a Vietnamese 503 (an upload's job says so), and nothing is lost when the
server comes back."""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import httpx
import pytest

from core.settings import Settings
from service.engine import Engine
from tests.conftest import seed_files, serve
from tests.index.test_chroma_server import free_port

KEY = {"X-API-Key": "test-key"}


def start_chroma(path: Path, port: int) -> subprocess.Popen:
    exe = shutil.which("chroma", path=str(Path(sys.executable).parent))
    proc = subprocess.Popen([exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    pytest.fail("chroma server did not start")


def wait_for(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_chroma_down_then_back(tmp_path, cache_dir):
    port, path = free_port(), tmp_path / "chroma"
    proc = start_chroma(path, port)
    settings = Settings(data_dir=tmp_path / "data", cache_dir=cache_dir, chroma_url=f"http://127.0.0.1:{port}",
                        collection="down", api_key="test-key", telegram_token=None, llm_url=None)
    engine = Engine.open(settings)
    try:
        ids = [engine.add_bytes(f.read_bytes(), f.name).doc_id for f in seed_files()[:2]]
        with serve(settings, engine) as base:
            assert httpx.get(base + "/health").json()["status"] == "ok"
            proc.terminate()
            proc.wait(timeout=20)
            assert wait_for(lambda: httpx.get(base + "/health").status_code == 503)
            health = httpx.get(base + "/health").json()
            assert health["status"] == "degraded" and "Chroma" in health["problem"] and health["documents"] == 2

            found = httpx.get(base + "/search", params={"q": "luân chuyển cán bộ"})
            assert found.status_code == 200 and found.json()["results"]          # from memory
            for reply in (httpx.get(base + "/documents"), httpx.get(base + f"/documents/{ids[0]}"),
                          httpx.delete(base + f"/documents/{ids[0]}", headers=KEY)):
                assert reply.status_code == 503, (reply.request.method, reply.request.url, reply.text)
                assert "không trả lời" in reply.json()["detail"]
            r = httpx.post(base + "/documents", headers=KEY,
                           files={"file": ("moi.txt", seed_files()[2].read_bytes(), "text/plain")})
            assert r.status_code == 202
            job_url = base + r.json()["url"]
            assert wait_for(lambda: httpx.get(job_url).json()["status"] == "failed")
            assert "không trả lời" in httpx.get(job_url).json()["error"]

            proc = start_chroma(path, port)
            assert wait_for(lambda: httpx.get(base + "/health").status_code == 200)
            listed = httpx.get(base + "/documents").json()
            assert sorted(d["id"] for d in listed) == sorted(ids)                 # nothing lost
    finally:
        engine.close()
        proc.terminate()
        proc.wait(timeout=20)
