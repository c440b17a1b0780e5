"""Conversation through POST /ask with the real engine over the seeds: follow-ups read against the earlier
questions, several sources side by side, small talk, and what history the API refuses."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from query.followup import resolve, smalltalk


@pytest.fixture(scope="module")
def client(seed_settings, seed_engine):
    with TestClient(create_app(seed_settings, engine=seed_engine)) as c:
        yield c


def ask(client, question: str, history: list[str] | None = None) -> dict:
    r = client.post("/ask", json={"question": question, "history": history or []})
    assert r.status_code == 200, r.text
    return r.json()


def test_followup_keeps_the_document_of_the_previous_question(client):
    body = ask(client, "còn chỉ tiêu cụ thể thì sao?", ["Chương trình 04/CTr-CĐVC đặt mục tiêu gì?"])
    assert body["found"] and body["question"] == "còn chỉ tiêu cụ thể thì sao?"
    assert "100% cán bộ công đoàn cơ sở được tập huấn" in body["answer"]
    assert all(", Chương trình số 04/CTr-CĐVC ngày" in c["citation"] for c in body["citations"])


def test_followup_changes_the_topic_within_the_term(client):
    history = ["Chương trình hành động nhiệm kỳ 2023-2028 của Lai Châu đặt chỉ tiêu hàng năm nào?"]
    body = ask(client, "thế còn chỉ tiêu cả nhiệm kỳ?", history)
    assert body["found"] and "24.500 đoàn viên" in body["answer"]
    assert body["citations"][0]["section_id"] == "II.2.2"


def test_the_same_short_question_without_history_is_not_resolved():
    assert resolve("năm 2025?", []) == "năm 2025?"
    assert resolve("LĐLĐ tỉnh Lai Châu quản lý bao nhiêu công đoàn cơ sở?", ["năm 2025?"]) == \
        "LĐLĐ tỉnh Lai Châu quản lý bao nhiêu công đoàn cơ sở?"   # a full question starts over
    assert "chủ tịch CĐCS" in resolve("năm 2025?", ["chỉ tiêu đào tạo chủ tịch CĐCS là gì?"])
    assert "Lai Châu" in resolve("ở Lai Châu thì sao?", ["Công đoàn tỉnh Bình Định đặt chỉ tiêu gì?"])
    assert "Bình Định" not in resolve("ở Lai Châu thì sao?", ["Công đoàn tỉnh Bình Định đặt chỉ tiêu gì?"])


def test_several_documents_answer_side_by_side(client):
    body = ask(client, "Các văn bản đặt chỉ tiêu gì về giới thiệu đoàn viên ưu tú cho Đảng?")
    assert body["found"] and len({c["doc_id"] for c in body["citations"]}) >= 2
    assert "Bình quân mỗi CĐCS giới thiệu ít nhất 01 đoàn viên ưu tú" in body["answer"]
    assert "giới thiệu, bồi dưỡng đoàn viên, CNVCLĐ ưu tú để giới thiệu cho Đảng" in body["answer"]
    assert body["answer"].count("Theo ") == len(body["citations"]) and len(body["answer"]) <= 1600


@pytest.mark.parametrize("text", ["cảm ơn", "ok cảm ơn bạn", "xin chào", "chào bot", "ok"])
def test_small_talk_gets_one_friendly_line(client, text):
    body = ask(client, text, ["Chỉ tiêu đào tạo chủ tịch CĐCS là gì?"])
    assert 0 < len(body["answer"]) <= 200 and "Chưa tìm thấy" not in body["answer"]
    assert body["citations"] == [] and body["mode"] == "smalltalk"


def test_a_question_is_not_small_talk():
    assert smalltalk("Mức đóng đoàn phí công đoàn hằng tháng là bao nhiêu?") is None
    assert smalltalk("cảm ơn các đồng chí đã tham gia hội nghị tổng kết năm nay") is None


@pytest.mark.parametrize("history", [["x" * 501], ["câu hỏi"] * 21, "một chuỗi", [1, 2]])
def test_bad_history_is_refused_in_vietnamese(client, history):
    r = client.post("/ask", json={"question": "chỉ tiêu đào tạo chủ tịch CĐCS", "history": history})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert isinstance(detail, str) and ("hợp lệ" in detail or "lịch sử" in detail.lower())
