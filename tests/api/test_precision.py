"""Answers that know when they are wrong, over HTTP with the real engine over the seeds: abstention on what the
documents do not say, a document's own facts, cards for numbers, follow-ups told from new questions, small
talk. The official scorer ../shared/eval/run_precision.py gives the bars."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import SHARED

ROOT = Path(__file__).resolve().parents[2]
PRECISION = SHARED / "eval" / "precision-dev.jsonl"
MORE = ROOT / "eval" / "precision-more.jsonl"   # ours: 38 on-topic unanswerable beside 23 answerable, 10 small talk


def score(server: str, questions: Path, *bars: str) -> str:
    r = subprocess.run([sys.executable, str(SHARED / "eval" / "run_precision.py"), "--base-url", server,
                        "--questions", str(questions), "--verbose", *bars], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def test_precision_dev_set_through_the_scorer(server):
    # the bar: at least 11 of 12, at most one confident wrong answer (measured: 12/12, none)
    print(score(server, PRECISION, "--min", "ok=0.916", "--max-confident-wrong", "1"))


def test_extended_precision_set_through_the_scorer(server):
    # measured 2026-12-02: 67/71, 4 confident wrong (m-a13, m-a19, m-a29 abstentions missed; m-b13 quotes the
    # 2018 programme's "Mục đích" for its "Mục tiêu chung"); before this work 26/71 with 38 confident wrong
    print(score(server, MORE, "--min", "ok=0.94", "--min", "abstain=0.92", "--max-confident-wrong", "4"))


def ask(server: str, question: str, history: list[str] | None = None) -> dict:
    r = httpx.post(f"{server}/ask", json={"question": question, "history": history or []}, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def test_an_on_topic_question_the_documents_do_not_answer_abstains_with_related_passages(server):
    body = ask(server, "Cán bộ công đoàn đi học thạc sĩ được hỗ trợ bao nhiêu tiền?")
    assert not body["found"] and body["citations"] == [] and body["quote"] == ""
    assert "số tiền" in body["answer"] and "không phải câu trả lời" in body["answer"]
    assert "50%" not in body["answer"]                       # the target is offered, never quoted as the answer
    assert body["suggestions"] and "thạc sĩ" in " ".join(s["text"] for s in body["suggestions"])


def test_a_word_no_document_writes_is_named(server):
    body = ask(server, "Thời gian tập sự của cán bộ công đoàn chuyên trách mới tuyển dụng là bao lâu?")
    assert not body["found"] and "«tập sự»" in body["answer"]


def test_the_signer_is_answered_from_the_record_and_cited_to_the_signature(server):
    body = ask(server, "Ai ký Chương trình 01/CTr-LĐLĐ?")
    assert body["found"] and body["mode"] == "facts" and "Lương Xuân Trường" in body["answer"]
    assert body["citations"][0]["doc_id"].startswith("01-ctr-ldld") and body["citations"][0]["section_id"] == "closing"


def test_the_date_of_a_document_and_a_number_its_title_only_cites(server):
    body = ask(server, "Chương trình 04/CTr-CĐVC ban hành ngày nào?")
    assert body["found"] and "16/09/2024" in body["answer"] and "16 tháng 9 năm 2024" in body["answer"]
    cited = ask(server, "Nghị quyết 03/NQ-TLĐ do ai ký?")    # the report reviews it; the resolution is not stored
    assert not cited["found"] and "Chưa có văn bản «03/NQ-TLĐ»" in cited["answer"]
    assert "Hoàng Thọ Trung" not in cited["answer"]


def test_that_document_resolves_through_the_history(server):
    body = ask(server, "văn bản đó do ai ký?", ["Chương trình 04/CTr-CĐVC đặt chỉ tiêu gì?"])
    assert body["found"] and body["followup"] and "Nguyễn Thị Phương Loan" in body["answer"]


@pytest.mark.parametrize("number, title", [
    ("01/CTr-LĐLĐ", "Nâng cao chất lượng, hiệu quả hoạt động của đội ngũ cán bộ Công đoàn"),
    ("04", "Nâng cao năng lực cán bộ công đoàn cơ sở"),
    ("CTr 01", "Nâng cao chất lượng, hiệu quả hoạt động của đội ngũ cán bộ Công đoàn"),
])
def test_a_number_alone_gives_the_documents_card(server, number, title):
    body = ask(server, number)
    assert body["found"] and body["mode"] == "card" and title in body["answer"]
    assert "Người ký:" in body["answer"] and "Mục lục:" in body["answer"]
    assert len(body["citations"]) == 1 and body["citations"][0]["url"].startswith("/#doc/")


def test_a_number_not_in_the_store_says_so(server):
    body = ask(server, "03/NQ-TLĐ")
    assert not body["found"] and "Chưa có văn bản «03/NQ-TLĐ» trong kho" in body["answer"]
    assert all("03/NQ-TLĐ" in s["text"] for s in body["suggestions"])


def test_a_self_contained_question_does_not_carry_the_earlier_topic(server):
    history = ["Chỉ tiêu thành lập Ban Nữ công quần chúng là gì?"]
    body = ask(server, "Tỷ lệ doanh nghiệp ký được thỏa ước lao động tập thể là bao nhiêu?", history)
    assert body["found"] and not body["followup"] and "Ban Nữ công" not in body["answer"]
    assert "85% doanh nghiệp, đơn vị có tổ chức công đoàn đủ điều kiện" in body["answer"]
    new = ask(server, "thủ tục kết nạp đoàn viên công đoàn như thế nào?", history)
    assert not new["found"] and not new["followup"] and "Ban Nữ công" not in new["answer"]


def test_another_unit_in_a_follow_up_quotes_its_targets(server):
    body = ask(server, "còn ở Bình Định thì sao?", ["chỉ tiêu đào tạo chủ tịch CĐCS là gì?"])
    assert body["found"] and body["followup"]
    assert "100% cán bộ công đoàn cơ sở được tập huấn, bồi dưỡng nâng cao năng lực" in body["answer"]
    assert "Thực hiện Nghị quyết Đại hội XIV" not in body["answer"]
    assert {c["doc_id"] for c in body["citations"]} == {body["citations"][0]["doc_id"]}
    assert body["citations"][0]["doc_id"].startswith("04-ctr-cdvc")


@pytest.mark.parametrize("text", ["bạn là ai?", "hay quá", "cảm ơn", "bạn làm được những gì?", "tạm biệt nhé"])
def test_small_talk_is_one_line_without_passages(server, text):
    body = ask(server, text, ["chỉ tiêu đào tạo chủ tịch CĐCS là gì?"])
    assert body["mode"] == "smalltalk" and body["citations"] == [] and body["suggestions"] == []
    assert 0 < len(body["answer"]) <= 200 and "Chưa tìm thấy" not in body["answer"]


def test_the_term_is_read_from_the_opening_when_the_title_has_none(server):
    body = ask(server, "Chương trình 01/CTr-LĐLĐ thuộc giai đoạn nào?")
    assert body["found"] and body["mode"] == "facts" and "2025 - 2030" in body["answer"]


def test_a_bare_year_in_a_conversation_is_a_follow_up_and_alone_names_no_document(server):
    body = ask(server, "2025?", ["Chỉ tiêu kết nạp đoàn viên của LĐLĐ tỉnh Lai Châu?"])
    assert body["found"] and body["followup"] and "đoàn viên" in body["answer"]   # the 2023-2028 term covers 2025
    alone = ask(server, "12")
    assert not alone["found"] and "«12»" in alone["answer"] and alone["suggestions"] == []
