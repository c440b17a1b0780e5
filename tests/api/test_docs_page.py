"""/docs renders Swagger UI in a real Chromium under the app's own CSP, with no request outside the app."""
from __future__ import annotations

import httpx
import pytest

from tests.api.test_browser import CHROMIUM, CHROMIUM_ARGS, sync_playwright  # noqa: F401 (skips without them)


def test_docs_page_lists_the_routes(server):
    r = httpx.get(server + "/docs")
    assert r.status_code == 200 and "script-src 'self'" in r.headers["content-security-policy"]
    assert "<script>" not in r.text                                   # no inline script for the CSP to block
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            errors, outside, refused = [], [], []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda q: outside.append(q.url) if not q.url.startswith(server) else None)
            page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
            page.goto(server + "/docs")
            page.wait_for_selector("text=/search", timeout=30_000)
            assert page.locator(".opblock").count() >= 8              # one block per route
            assert "Sổ tay API" in page.inner_text("body")
            assert not errors and not outside and not refused, (errors, outside, refused)
        finally:
            browser.close()


@pytest.mark.parametrize("path", ["/redoc"])
def test_no_cdn_pages_are_left(server, path):
    assert httpx.get(server + path).status_code == 404
