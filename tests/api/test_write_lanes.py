"""Writes never hold request threads: 45 DELETEs sent at once while a slow upload (a scanned PDF, read by
real Tesseract) is being read leave /health and /search answering within a second, and each deletion is
done on the QUICK lane without waiting for that file."""
from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from core.settings import Settings
from ingest import ocr
from service.engine import Engine
from tests.conftest import CORPUS, serve
from tests.ingest.scans import image_pdf, render_pages

KEY = {"X-API-Key": "test-key"}
DELETES = 45
TINY = """LIÊN ĐOÀN LAO ĐỘNG TỈNH THỬ NGHIỆM\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
CÔNG ĐOÀN CƠ SỞ SỐ {n}\tĐộc lập - Tự do - Hạnh phúc
Số: {n}/KH-CĐCS\tThử Nghiệm, ngày 12 tháng 3 năm 2025

KẾ HOẠCH
Tổ chức hội thao chào mừng ngày thành lập Công đoàn

I. MỤC ĐÍCH, YÊU CẦU
1. Động viên đoàn viên tham gia rèn luyện thân thể, nâng cao sức khỏe.
2. Tổ chức an toàn, tiết kiệm, hiệu quả.
"""


@pytest.fixture(scope="module")
def lanes(tmp_path_factory, cache_dir):
    settings = Settings(data_dir=tmp_path_factory.mktemp("lanes"), cache_dir=cache_dir, api_key="test-key",
                        telegram_token=None, llm_url=None, ingest_seconds=600)
    engine = Engine.open(settings)
    seed = next(CORPUS.glob("2024-09-16_04*.txt"))
    engine.add_bytes(seed.read_bytes(), seed.name)
    ids = [engine.add_bytes(TINY.format(n=100 + i).encode(), f"kh-{i}.txt").doc_id for i in range(DELETES)]
    with serve(settings, engine) as base:
        yield base, engine, ids
    engine.close()


@pytest.mark.skipif(not ocr.available(), reason="tesseract-ocr-vie is not installed")
def test_deletes_during_a_slow_upload_leave_health_and_search_answering(lanes):
    base, engine, ids = lanes
    text = (CORPUS / "2023_ctr-hanh-dong_lai-chau_nghi-quyet-dai-hoi-xiii-2023-2028.txt").read_text(encoding="utf-8")
    scan = image_pdf(render_pages(text, dpi=200, max_pages=6), dpi=200)

    async def scenario():
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            r = await client.post("/documents", headers=KEY, files={"file": ("ban-quet.pdf", scan, "application/pdf")})
            assert r.status_code == 202
            job_url = r.json()["url"]
            while (await client.get(job_url)).json()["status"] == "queued":
                await asyncio.sleep(0.05)
            probes: list[tuple[str, float, int]] = []
            done = asyncio.Event()

            async def probe():
                while not done.is_set():
                    for path, params in (("/health", None), ("/search", {"q": "nâng cao năng lực cán bộ"})):
                        t = time.perf_counter()
                        reply = await client.get(path, params=params)
                        probes.append((path, time.perf_counter() - t, reply.status_code))
                    await asyncio.sleep(0.05)

            prober = asyncio.create_task(probe())
            await asyncio.sleep(2.0)   # the OCR alone first
            started = time.perf_counter()
            replies = await asyncio.gather(*(client.delete(f"/documents/{d}", headers=KEY) for d in ids))
            took = time.perf_counter() - started
            still = (await client.get(job_url)).json()
            await asyncio.sleep(0.5)
            done.set()
            await prober
            while (job := (await client.get(job_url)).json())["status"] in ("queued", "running"):
                await asyncio.sleep(0.5)
            later = [r.json()["url"] for r in replies if r.status_code == 202]   # not done in DELETE_WAIT_S
            for url in later:
                while (deletion := (await client.get(url)).json())["status"] in ("queued", "running"):
                    await asyncio.sleep(0.2)
                assert deletion["status"] == "done" and deletion["removed"]["name"], deletion
            return replies, took, still, probes, job

    replies, took, still, probes, job = asyncio.run(scenario())
    assert {r.status_code for r in replies} <= {200, 202}
    assert all(r.json()["message"].startswith(("Đã xóa văn bản", "Đang xóa văn bản")) for r in replies)
    assert still["status"] == "running", still            # the deletions did not wait for the file
    assert probes and max(t for _, t, _ in probes) < 1.0, sorted(probes, key=lambda p: -p[1])[:5]
    assert {code for _, _, code in probes} == {200}
    assert engine.documents() and not {d.id for d in engine.documents()} & set(ids)
    assert job["status"] == "done", job
    print(f"45 DELETEs answered in {took:.2f} s during the scan's OCR "
          f"({sum(r.status_code == 200 for r in replies)} done at once, the rest 202 then done); {len(probes)} "
          f"probes, slowest /health {max(t for p, t, _ in probes if p == '/health') * 1000:.0f} ms, "
          f"/search {max(t for p, t, _ in probes if p == '/search') * 1000:.0f} ms")
