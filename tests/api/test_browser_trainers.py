"""The trainers' views of the web page in a real browser (issue 12): the topic dossier (outline, passages by
document, Word/Markdown downloads) and the targets table (sorting, topic filter, CSV), against the real app
over the seeds, with no console error and no Content-Security-Policy violation."""
from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import parse_qs, unquote, urlparse

import httpx
import pytest

from tests.api.test_browser import browser, expect, fold, new_page, pytestmark  # noqa: F401  (fixture, skip mark)

TOPIC = "đào tạo bồi dưỡng cán bộ công đoàn"
TARGET_TOPIC = "dao tao"          # typed without diacritics: the filter must still find "đào tạo"
CSP_LOG = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
"""


@pytest.fixture
def page(browser, server):  # noqa: F811
    """The page, failing the test on any JavaScript error, console error or CSP violation."""
    context, pg, errors = new_page(browser)
    pg.add_init_script(CSP_LOG)
    console: list[str] = []
    # the browser asks for /favicon.ico on its own; the page has none, and that 404 is not the page's doing
    pg.on("console", lambda m: console.append(m.text) if m.type == "error"
          and not (m.location or {}).get("url", "").endswith("/favicon.ico") else None)
    pg.goto(server + "/")
    yield pg
    violations = pg.evaluate("window.__csp")
    context.close()
    assert not errors, f"JavaScript errors: {errors}"
    assert not console, f"console errors: {console}"
    assert not violations, f"CSP violations: {violations}"


def dossier_json(server: str, **params) -> dict:
    return httpx.get(server + "/dossier", params={"topic": TOPIC, **params}, timeout=60).json()


def open_dossier(page) -> None:
    page.click("#dossier-btn")
    expect(page.locator("#dossier-btn")).to_be_enabled()
    expect(page.locator("#dossier")).to_be_visible()


# ---------- hồ sơ chủ đề ----------

def test_dossier_shows_outline_and_passages_grouped_by_document(page, server):
    page.fill("#q", TOPIC + " là gì?")
    page.click("#tab-dossier")
    expect(page.locator("#d-topic")).to_have_value(TOPIC)        # taken from the question box, tail dropped
    open_dossier(page)
    want = dossier_json(server)
    docs = want["documents"]
    assert len(docs) >= 2

    groups = page.locator("#dossier-groups section.dossier-group")
    expect(groups).to_have_count(len(docs))
    expect(page.locator("#dossier-status")).to_contain_text(f"{want['passages']} đoạn trích từ {len(docs)} văn bản")
    outline = page.locator("#dossier-outline-list > li")
    expect(outline).to_have_count(len(docs))
    for i, doc in enumerate(docs):                               # newest document first, as the API orders them
        group = groups.nth(i)
        assert group.get_attribute("data-doc-id") == doc["id"]
        expect(group.locator("h2")).to_have_text(doc["name"])
        expect(outline.nth(i).locator("a.doc-link")).to_have_text(doc["name"])
        sections = list(dict.fromkeys(p["section_id"] for p in doc["passages"]))
        links = outline.nth(i).locator(".outline-sections a")
        expect(links).to_have_count(len(sections))
        assert [unquote(h) for h in links.evaluate_all("els => els.map(e => e.getAttribute('href'))")] == \
            [f"#doc/{doc['id']}/{s}" for s in sections]

        items = group.locator("li.dossier-passage")
        expect(items).to_have_count(len(doc["passages"]))
        for j, p in enumerate(doc["passages"]):
            item = items.nth(j)
            expect(item.locator(".heading-path")).to_have_text(" › ".join(p["heading_path"]) or p["section_id"])
            expect(item.locator("a.cite")).to_have_text(p["citation"])
            assert unquote(item.locator("a.cite").get_attribute("href")) == f"#doc/{doc['id']}/{p['section_id']}"
            expect(item.locator("blockquote")).to_contain_text(" ".join(p["text"].split()[:8]))
    expect(page.locator("#dossier-groups")).to_contain_text("100% chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng")
    page.screenshot(path="/tmp/sotay-dossier.png")

    # a citation opens its document at that section
    cite = groups.first.locator("a.cite").first
    section_id = unquote(cite.get_attribute("href")).split("/", 2)[2]
    cite.click()
    expect(page.locator(f"[id='sec-{section_id}']")).to_have_class(re.compile("is-target"))
    page.go_back()
    expect(page.locator("#view-dossier")).to_be_visible()
    expect(groups).to_have_count(len(docs))


def test_dossier_type_filter_keeps_only_that_type(page, server):
    types = {d["id"]: d["doc_type"] for d in httpx.get(server + "/documents").json()}
    page.goto(server + "/#hoso")
    page.fill("#d-topic", TOPIC)
    expect(page.locator("#d-type option", has_text="Báo cáo")).to_have_count(1)   # filled from the documents
    page.select_option("#d-type", "Báo cáo")
    open_dossier(page)
    ids = page.locator("#dossier-groups section.dossier-group").evaluate_all(
        "els => els.map(e => e.getAttribute('data-doc-id'))")
    assert ids and {types[i] for i in ids} == {"Báo cáo"}
    assert len(ids) < len(dossier_json(server)["documents"])
    assert parse_qs(urlparse(page.url).fragment.split("?", 1)[1])["type"] == ["Báo cáo"]


def test_dossier_downloads_a_real_docx_and_markdown(page, server, tmp_path):
    import docx

    page.goto(server + "/#hoso")
    expect(page.locator("#d-docx")).to_have_attribute("aria-disabled", "true")   # no topic yet: nothing to fetch
    assert page.locator("#d-docx").get_attribute("href") is None
    page.fill("#d-topic", TOPIC)
    href = page.locator("#d-docx").get_attribute("href")
    assert href.startswith("/dossier?") and parse_qs(urlparse(href).query) == {"topic": [TOPIC], "format": ["docx"]}

    with page.expect_download() as info:
        page.click("#d-docx")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.suffix == ".docx" and saved.read_bytes()[:2] == b"PK"
    paragraphs = [p.text for p in docx.Document(str(saved)).paragraphs]
    assert paragraphs[0] == f"Hồ sơ chủ đề: {TOPIC}"
    want = dossier_json(server)
    assert sum(p.startswith("Nguồn: ") for p in paragraphs) == want["passages"]
    assert {d["name"] for d in want["documents"]} <= set(paragraphs)

    md = httpx.get(server + page.locator("#d-md").get_attribute("href"), timeout=60)
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert md.text.startswith(f"# Hồ sơ chủ đề: {TOPIC}") and "## Tóm lược" in md.text


def test_dossier_shows_also_in_note_and_keeps_text_as_text(page, server):
    # the seeds hold no near-duplicate passages across documents, so one real dossier gets an "also in" note,
    # and one passage carries markup, which must show as text
    data = dossier_json(server)
    first = data["documents"][0]["passages"][0]
    first["also_in"] = ["mục II.2, Chương trình hành động của Ban Thường vụ"]
    first["text"] = "<img src=x onerror=alert(1)>" + first["text"]
    page.route(lambda url: urlparse(url).path == "/dossier", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(data, ensure_ascii=False)))
    page.goto(server + "/#hoso")
    page.fill("#d-topic", TOPIC)
    open_dossier(page)
    item = page.locator("li.dossier-passage").first
    expect(item.locator(".also-in")).to_have_text("Cũng có trong: mục II.2, Chương trình hành động của Ban Thường vụ")
    expect(page.locator(".also-in")).to_have_count(1)
    expect(item.locator("blockquote")).to_contain_text("<img src=x onerror=alert(1)>")
    expect(page.locator("#dossier-groups img")).to_have_count(0)


# ---------- bảng chỉ tiêu ----------

def vn_number(value: str) -> float:
    """The first number of a value as Vietnamese writes it: "24.500" → 24500, "từ 1,5 đến 2" → 1.5."""
    s = re.search(r"\d[\d.,]*", value).group(0).rstrip(".,")
    return float(s.replace(".", "")) if re.fullmatch(r"\d{1,3}(\.\d{3})+", s) else float(s.replace(",", "."))


def values(page) -> list[float]:
    return [vn_number(v) for v in page.locator("#targets-body td.t-value").all_inner_texts()]


UNIT_ORDER = {"%": 0, "lần": 1, "số": 2}


def keyed(page) -> list[tuple[int, float]]:
    """(unit, number) of each row: values of different units are never sorted as one number."""
    units = page.locator("#targets-body tr").evaluate_all("els => els.map(e => e.dataset.unit)")
    return [(UNIT_ORDER[u], n) for u, n in zip(units, values(page))]


def test_targets_table_sorts_by_value_both_ways(page, server):
    api = httpx.get(server + "/targets", timeout=60).json()
    page.click("#tab-targets")
    rows = page.locator("#targets-body tr")
    expect(rows).to_have_count(api["count"])
    assert api["count"] >= 20
    expect(page.locator("#targets-status")).to_have_text(f"{api['count']} chỉ tiêu trong các văn bản.")
    first = rows.first
    expect(first.locator("td.t-value")).to_have_text(api["targets"][0]["stated"])
    expect(first.locator("td.t-subject")).to_contain_text(api["targets"][0]["subject"])
    assert unquote(first.locator("a.cite").get_attribute("href")) == \
        f"#doc/{api['targets'][0]['doc_id']}/{api['targets'][0]['section_id']}"
    before = keyed(page)
    assert {u for u, _ in before} == {0, 1, 2}     # shares, a multiple and counts are all in the table

    header = page.locator("th[data-key=value]")
    header.locator("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    up = keyed(page)
    assert up == sorted(before) and up != before
    # every share before every count: 24.500 members is not "more" than 100%
    units = [u for u, _ in up]
    assert units == sorted(units)
    assert page.locator("#targets-body td.t-value").first.inner_text() == "không dưới 10%"
    assert page.locator("#targets-body td.t-value").last.inner_text() == "phấn đấu 24.500"

    header.locator("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    assert keyed(page) == sorted(before, reverse=True)
    assert page.locator("#targets-body td.t-value").first.inner_text() == "phấn đấu 24.500"

    # another column: subjects in Vietnamese order, the value column no longer marked
    subject = page.locator("th[data-key=subject]")
    subject.locator("button").click()
    expect(subject).to_have_attribute("aria-sort", "ascending")
    expect(header).not_to_have_attribute("aria-sort", re.compile("."))
    texts = page.locator("#targets-body td.t-subject").evaluate_all(
        "els => els.map(e => e.firstChild.textContent)")
    assert texts == page.evaluate("t => t.slice().sort((a, b) => a.localeCompare(b, 'vi', {sensitivity: 'base'}))",
                                  texts)
    page.screenshot(path="/tmp/sotay-targets.png")

    # a source citation opens its document at the section
    cite = rows.first.locator("a.cite")
    section_id = unquote(cite.get_attribute("href")).split("/", 2)[2]
    cite.click()
    expect(page.locator(f"[id='sec-{section_id}']")).to_have_class(re.compile("is-target"))


def test_targets_topic_filter_narrows_rows_without_diacritics(page, server):
    total = httpx.get(server + "/targets", timeout=60).json()["count"]
    want = httpx.get(server + "/targets", params={"topic": TARGET_TOPIC}, timeout=60).json()
    page.goto(server + "/#chitieu")
    rows = page.locator("#targets-body tr")
    expect(rows).to_have_count(total)
    page.locator("th[data-key=value] button").click()            # the sort stays on through filtering

    page.fill("#t-topic", TARGET_TOPIC)                          # filters as one types, no button needed
    expect(page.locator("#targets-status")).to_have_text(
        f"{want['count']} chỉ tiêu về “{TARGET_TOPIC}” (trên tổng số {total}).")
    expect(rows).to_have_count(want["count"])
    assert 0 < want["count"] < total
    for text in rows.evaluate_all("els => els.map(e => e.textContent)"):   # subject, full line, heading
        words = set(re.findall(r"[a-z0-9]+", fold(text)))
        assert {"dao", "tao"} <= words, text
    assert "100% chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng" in " ".join(
        rows.evaluate_all("els => els.map(e => e.textContent)"))
    assert keyed(page) == sorted(keyed(page))
    assert parse_qs(urlparse(page.url).fragment.split("?", 1)[1]) == {"topic": [TARGET_TOPIC]}

    href = page.locator("#t-csv").get_attribute("href")
    assert parse_qs(urlparse(href).query) == {"topic": [TARGET_TOPIC], "format": ["csv"]}
    got = httpx.get(server + href, timeout=60)
    assert got.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(got.text)))
    assert len(table) == want["count"] and table[0]["citation"]

    # the filtered view is a link: opening it shows the same rows; clearing the filter brings all rows back
    page.goto(server + "/")
    page.goto(server + "/#chitieu?topic=" + TARGET_TOPIC.replace(" ", "+"))
    expect(page.locator("#t-topic")).to_have_value(TARGET_TOPIC)
    expect(rows).to_have_count(want["count"])
    page.fill("#t-topic", "")
    page.press("#t-topic", "Enter")
    expect(rows).to_have_count(total)


def test_targets_table_fits_a_phone_without_sideways_scroll(browser, server):  # noqa: F811
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="vi-VN", is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(server + "/#chitieu")
        rows = page.locator("#targets-body tr")
        expect(rows.first).to_be_visible(timeout=30_000)
        assert rows.count() >= 20
        sideways = page.evaluate("""() => {
            const wrap = document.querySelector('.table-wrap');
            return {page: document.documentElement.scrollWidth - window.innerWidth,
                    table: wrap.scrollWidth - wrap.clientWidth};
        }""")
        assert sideways["page"] <= 0 and sideways["table"] <= 0, sideways
        label = page.evaluate(
            "getComputedStyle(document.querySelector('#targets-body td.t-value'), '::before').content")
        assert label == '"Giá trị"'      # each cell says which column it is
        page.locator("th[data-key=value] button").click()   # sorting stays available on a phone
        expect(page.locator("th[data-key=value]")).to_have_attribute("aria-sort", "ascending")
        page.screenshot(path="/tmp/sotay-targets-phone.png")
        assert not errors, errors
    finally:
        context.close()
