"""Every reader runs in a child process killed when the file's time is up (ingest/bounded.py): real files
that keep pypdf, python-docx/lxml, BeautifulSoup, LibreOffice or Tesseract busy inside one call end within
the limit with a Vietnamese reason, leave no process or zombie behind, write nothing, and the next upload
starts at once. A file that needs more memory than SOTAY_INGEST_MB is refused the same way; a server killed
mid-read takes its LibreOffice with it."""
from __future__ import annotations

import glob
import statistics
import time

import pytest
from fpdf import FPDF

from core.errors import IngestError
from core.settings import Settings
from ingest import bounded, ocr, office
from ingest.limits import ReadLimits
from ingest.readers import extract as extract_here
from service.engine import Engine
from tests.conftest import CORPUS, seed_files
from tests.hardening.slow_files import bad_then_good, big_docx, looping_pdf, readers_left, rtf_of
from tests.ingest.scans import image_pdf, render_pages

LIMIT_S = 2.0
# the child is killed KILL_GRACE_S after the limit; reaping it and its group takes well under a second
ENDS_WITHIN_S = LIMIT_S + bounded.KILL_GRACE_S + 1.5
NEXT_UPLOAD_S = 5.0   # the bar
BINH_DINH = CORPUS / "2024-09-16_04-CTr-CDVC_binh-dinh_nang-cao-nang-luc-can-bo-cdcs.txt"


@pytest.fixture(scope="module", autouse=True)
def forkserver():
    """Started once per process (1-2 s here); the timings below are of reads, not of that start."""
    bounded.extract("chào".encode(), "a.txt")


def timed_refusal(data: bytes, name: str, limits: ReadLimits) -> tuple[str, float]:
    start = time.monotonic()
    with pytest.raises(IngestError) as refused:
        bounded.extract(data, name, limits=limits)
    return str(refused.value), time.monotonic() - start


def scratch_dirs() -> set[str]:
    return set(glob.glob("/tmp/sotay-read-*"))


def seed_pdf(path=BINH_DINH) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", fname="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("DejaVu", size=11)
    pdf.multi_cell(0, 6, path.read_text(encoding="utf-8").replace("\t", "    "))
    return bytes(pdf.output())


def test_a_pdf_stuck_in_one_page_is_killed_at_the_limit():
    data = looping_pdf(400_000)   # 14 KB; about 22 s in one extract_text call, where no check can run
    before = scratch_dirs()
    message, took = timed_refusal(data, "vong-lap.pdf", ReadLimits(seconds=LIMIT_S))
    assert message.startswith("vong-lap.pdf: đọc tệp quá thời gian cho phép (2 giây; SOTAY_INGEST_SECONDS)")
    assert "đã dừng trình đọc" in message and "chưa được nạp" in message
    assert took < ENDS_WITHIN_S, took
    assert readers_left() == [] and scratch_dirs() <= before


def test_a_huge_valid_docx_within_the_zip_limits_is_stopped_in_time_and_in_memory():
    data = big_docx(20)   # 5 MB, 20 MB of XML: passes SOTAY_MAX_UNZIPPED_MB and the ratio check
    message, took = timed_refusal(data, "dai.docx", ReadLimits(seconds=LIMIT_S))
    assert "SOTAY_INGEST_SECONDS" in message and took < ENDS_WITHIN_S, (message, took)
    message, took = timed_refusal(data, "dai.docx", ReadLimits(seconds=60, memory_mb=250))
    assert message == "dai.docx: đọc tệp cần quá 250 MB bộ nhớ (SOTAY_INGEST_MB); tệp chưa được nạp"
    assert readers_left() == []


def test_a_large_html_page_is_killed_at_the_limit():
    data = ("<html><body>" + "<p><b>chỉ tiêu</b> a</p>" * 200_000 + "</body></html>").encode()   # 5 MB: 36 s
    message, took = timed_refusal(data, "trang.html", ReadLimits(seconds=LIMIT_S))
    assert "SOTAY_INGEST_SECONDS" in message and "đã dừng trình đọc" in message and took < ENDS_WITHIN_S
    assert readers_left() == []


@pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is not installed")
def test_a_long_libreoffice_conversion_is_killed_with_its_office_processes():
    data = rtf_of(BINH_DINH.read_text(encoding="utf-8") * 300)   # 4.6 MB of RTF: tens of seconds in soffice
    before = scratch_dirs()
    message, took = timed_refusal(data, "dai.rtf", ReadLimits(seconds=LIMIT_S + 2))   # soffice is up by then
    assert "SOTAY_INGEST_SECONDS" in message and took < ENDS_WITHIN_S + 2, (message, took)
    assert readers_left() == [] and scratch_dirs() <= before


@pytest.mark.skipif(not ocr.available(), reason="tesseract-ocr-vie is not installed")
def test_ocr_past_the_limit_is_stopped_with_its_tesseract():
    # 8 pages at 300 dpi against 2 s: a page alone takes Tesseract seconds even on an idle machine (with 3
    # pages and 6 s, an idle machine once finished in time and the test did not see a refusal)
    scan = image_pdf(render_pages(BINH_DINH.read_text(encoding="utf-8") * 3, dpi=300, max_pages=8))
    pages: list[tuple[int, int]] = []
    start = time.monotonic()
    with pytest.raises(IngestError, match="SOTAY_INGEST_SECONDS"):
        bounded.extract(scan, "quet.pdf", lambda done, total: pages.append((done, total)),
                        ReadLimits(seconds=LIMIT_S))
    took = time.monotonic() - start
    assert took < ENDS_WITHIN_S, took
    assert all(done < total for done, total in pages), pages   # stopped before the last page
    assert readers_left() == []


def test_seeds_read_in_the_child_as_in_process_and_what_it_costs():
    files = [(f.name, f.read_bytes()) for f in seed_files()] + [("04.pdf", seed_pdf())]
    here, child = [], []
    for name, data in files * 2:
        start = time.perf_counter()
        expected = extract_here(data, name)
        here.append(time.perf_counter() - start)
        start = time.perf_counter()
        assert bounded.extract(data, name) == expected
        child.append(time.perf_counter() - start)
    overhead = statistics.median(c - h for c, h in zip(child, here))
    print(f"per file: in-process {statistics.median(here) * 1000:.0f} ms, child "
          f"{statistics.median(child) * 1000:.0f} ms (overhead {overhead * 1000:.0f} ms)")
    assert readers_left() == []


def test_next_upload_starts_within_5_s_of_a_killed_read(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", embed_model="fake",
                        api_key="k", llm_url=None, telegram_token=None, ingest_seconds=LIMIT_S)
    with Engine.open(settings) as engine:
        bad = engine.submit(looping_pdf(400_000), "vong-lap.pdf")
        good = engine.submit(seed_pdf(), "04-ctr.pdf")   # a PDF too: the same lane, behind the bad one
        first, second, started = bad_then_good(engine, bad, good, 60)
        stored = [d.source for d in engine.store.list_documents()]
    assert first.status == "failed" and "SOTAY_INGEST_SECONDS" in first.error
    assert first.finished - first.created < ENDS_WITHIN_S + 1
    assert started is not None and started - first.finished < NEXT_UPLOAD_S, (started, first.finished)
    assert second.status == "done" and second.result.status == "added", second
    assert stored == ["04-ctr.pdf"]   # nothing of the killed file was written
    print(f"looping PDF: failed in {first.finished - first.created:.2f} s; next upload started "
          f"{started - first.finished:.2f} s after it")


SERVER_DIES = """
import sys, threading, time
from ingest import bounded
from ingest.limits import ReadLimits
data = open(sys.argv[1], "rb").read()
threading.Thread(target=bounded.extract, args=(data, "dai.rtf", None, ReadLimits(seconds=600)), daemon=True).start()
time.sleep(600)
"""


@pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is not installed")
def test_a_server_killed_mid_read_leaves_no_libreoffice_behind(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    from tests.conftest import ROOT
    from tests.hardening.slow_files import escaped

    rtf = tmp_path / "dai.rtf"
    rtf.write_bytes(rtf_of(BINH_DINH.read_text(encoding="utf-8") * 300))
    server = subprocess.Popen([sys.executable, "-c", SERVER_DIES, str(rtf)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 60
        while not escaped() and time.monotonic() < deadline:   # LibreOffice is converting
            time.sleep(0.2)
        assert escaped(), "LibreOffice never started"
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
    deadline = time.monotonic() + 10
    while escaped() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert escaped() == []
    left = glob.glob(f"/tmp/sotay-read-{server.pid}-*")   # a killed server cannot remove its scratch dir
    assert left
    bounded._sweep()   # the next server that reads a file does
    assert not any(os.path.exists(p) for p in left)
