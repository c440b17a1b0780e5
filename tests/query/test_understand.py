"""One question, one object: query/understand.py reads a question once, against the corpus snapshot, and
search and the composer read that record (the real seed engine; nothing faked)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from answer import compose as compose_module
from query.understand import understand

ROOT = Path(__file__).resolve().parents[2]


def test_a_question_is_read_once_into_one_record(seed_engine):
    view = seed_engine.searcher.current()
    q = understand("Nhiệm vụ của công đoàn cơ sở khi triển khai Chương trình 01/CTr-LĐLĐ", (), view.hints)
    named = {d.id for d in view.docs.values() if d.meta.number == "01/CTr-LĐLĐ"}
    assert q.plan.named == frozenset(named) and len(named) == 1
    assert "01/CTr" not in q.plan.unnamed and "công đoàn cơ sở" in q.plan.unnamed
    assert q.plan.question == q.searched and not q.turn.followup and q.smalltalk is None
    assert "nhiem_vu" in q.topic_terms and not any("ctr" in t for t in q.topic_terms)


def test_an_unaccented_question_is_restored_and_a_follow_up_resolved(seed_engine):
    hints = seed_engine.searcher.current().hints
    q = understand("chi tieu dao tao chu tich cdcs", (), hints)
    assert q.plan.restored and q.plan.dense_text.startswith("chỉ tiêu đào tạo")
    assert "number" in q.intents
    follow = understand("năm 2025?", ["Chỉ tiêu kết nạp đoàn viên của LĐLĐ tỉnh Lai Châu?"], hints)
    assert follow.turn.followup and follow.searched.startswith("Chỉ tiêu kết nạp đoàn viên") and "2025" in follow.searched
    other = understand("còn Công đoàn Viên chức Bình Định thì sao?", ["Chỉ tiêu kết nạp đoàn viên mới?"], hints)
    assert other.turn.other_unit and "list" in other.intents
    assert understand("cảm ơn bạn", ["Chỉ tiêu kết nạp đoàn viên mới?"], hints).smalltalk


def test_the_answer_carries_its_query_and_compose_reads_nothing_again(seed_engine, monkeypatch):
    # the composer no longer finds the named documents or the asked term itself: with those helpers gone from
    # its module, the engine's answer is the same (it reads them from the Query)
    question = "Chương trình 04/CTr-CĐVC nhằm mục đích gì?"
    before = seed_engine.ask(question)
    for name in ("mentions", "named_docs", "without_mentions", "asked_term", "topic", "is_check"):
        monkeypatch.delitem(compose_module.__dict__, name, raising=False)
    after = seed_engine.ask(question)
    assert after.found and after.answer == before.answer
    assert after.query is not None and after.query.plan.named and after.explanation()["query"]["named"]
    assert after.explanation()["cited"] == [c.passage_id for c in after.citations]


def test_ask_explain_over_http(server):
    r = httpx.post(f"{server}/ask", params={"explain": 1}, json={"question": "chi tieu dao tao chu tich cdcs"},
                   timeout=60)
    assert r.status_code == 200, r.text
    explain = r.json()["explain"]
    assert explain["mode"] == "extractive" and explain["found"] is True
    assert explain["query"]["restored"].startswith("chỉ tiêu đào tạo") and "number" in explain["query"]["intents"]
    assert explain["cited"] == [c["passage_id"] for c in r.json()["citations"]]
    plain = httpx.post(f"{server}/ask", json={"question": "chi tieu dao tao chu tich cdcs"}, timeout=60).json()
    assert plain["explain"] is None and plain["answer"] == r.json()["answer"]
    abstained = httpx.post(f"{server}/ask", params={"explain": "true"},
                           json={"question": "Mức hỗ trợ cho đoàn viên bị tai nạn là bao nhiêu tiền?"}, timeout=60).json()
    assert abstained["found"] is False and abstained["explain"]["reason"] == abstained["reason"] != ""


def test_sotay_ask_explain_on_the_command_line(seed_settings, seed_engine):
    env = {"SOTAY_DATA_DIR": str(seed_settings.data_dir), "SOTAY_CACHE_DIR": str(seed_settings.cache_dir),
           "SOTAY_EMBED_MODEL": seed_settings.embed_model, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "sotay.cli", "ask", "chỉ tiêu đào tạo chủ tịch CĐCS là gì?",
                        "--explain"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "Theo " in r.stdout and "Cách đọc câu hỏi" in r.stdout and '"searched"' in r.stdout
