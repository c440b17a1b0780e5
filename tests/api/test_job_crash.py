"""A server killed (SIGKILL) while an upload is being read loses no job: the restarted server answers the
same job id, re-reads the kept bytes and finishes it; an upload whose kept bytes are gone is reported
failed with the reason, not 404."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ingest import ocr
from tests.conftest import CORPUS
from tests.index.test_chroma_server import free_port
from tests.ingest.scans import image_pdf, render_pages

ROOT = Path(__file__).resolve().parents[2]
KEY = {"X-API-Key": "test-key"}


def start(data: Path, cache: Path, port: int, log) -> subprocess.Popen:
    env = {**os.environ, "SOTAY_DATA_DIR": str(data), "SOTAY_CACHE_DIR": str(cache), "SOTAY_API_KEY": "test-key",
           "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "sotay.cli", "serve", "--port", str(port)], env=env, cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        assert proc.poll() is None, Path(log.name).read_text()
        time.sleep(0.3)
    proc.kill()
    pytest.fail("sotay serve did not come up")


def wait_job(base: str, job_id: str, seconds: float = 240) -> dict:
    deadline = time.monotonic() + seconds
    while (job := httpx.get(f"{base}/jobs/{job_id}", timeout=10).json())["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.5)
    return job


@pytest.mark.skipif(not ocr.available(), reason="tesseract-ocr-vie is not installed")
def test_killed_during_an_upload_the_job_is_resumed_after_restart(tmp_path, cache_dir):
    data, port = tmp_path / "data", free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "serve.log").open("w+")
    text = (CORPUS / "2024-09-16_04-CTr-CDVC_binh-dinh_nang-cao-nang-luc-can-bo-cdcs.txt").read_text(encoding="utf-8")
    scan = image_pdf(render_pages(text, dpi=200, max_pages=4), dpi=200)
    proc = start(data, cache_dir, port, log)
    try:
        r = httpx.post(base + "/documents", headers=KEY, files={"file": ("ban-quet.pdf", scan, "application/pdf")})
        kept = r.json()["job_id"]
        lost = httpx.post(base + "/documents", headers=KEY,                 # queued behind it, same lane
                          files={"file": ("ban-quet-2.pdf", scan + b"\n%", "application/pdf")}).json()["job_id"]
        while httpx.get(f"{base}/jobs/{kept}").json()["status"] != "running":
            time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=20)
        (data / "jobs" / f"{lost}.bin").unlink()                             # its kept bytes are gone
        proc = start(data, cache_dir, port, log)
        job = wait_job(base, kept)
        assert job["status"] == "done" and job["result"]["status"] == "added", job
        assert job["result"]["doc_id"] in {d["id"] for d in httpx.get(base + "/documents").json()}
        gone = httpx.get(f"{base}/jobs/{lost}").json()
        assert gone["status"] == "failed" and "khởi động lại" in gone["error"] and "gửi lại" in gone["error"]
        assert "resuming upload ban-quet.pdf" in Path(log.name).read_text()
        assert not list((data / "jobs").glob("*.bin"))                      # nothing left behind
    finally:
        proc.kill()
        proc.wait(timeout=20)
