"""Query hints inside the real search path: restored diacritics and named documents (issue 14)."""
from __future__ import annotations


def test_unaccented_query_is_restored_from_the_corpus_for_the_dense_leg(seed_engine):
    plan = seed_engine.searcher.hints.plan("nang cao chat luong doi ngu can bo cong doan")
    assert plan.restored
    assert plan.dense_text == "nâng cao chất lượng đội ngũ cán bộ công đoàn"
    assert "w:cán_bộ" in plan.tokens and "can_bo" in plan.tokens   # accented words + folded pairs as typed


def test_accented_query_is_left_as_typed(seed_engine):
    plan = seed_engine.searcher.hints.plan("Nâng cao chất lượng cán bộ")
    assert not plan.restored and plan.dense_text == "Nâng cao chất lượng cán bộ"


def test_named_document_is_resolved_and_ranked_first(seed_engine):
    question = "Nhiệm vụ của công đoàn cơ sở khi triển khai Chương trình 01/CTr-LĐLĐ"
    (doc_id,) = [d.id for d in seed_engine.store.list_documents() if d.meta.number == "01/CTr-LĐLĐ"]
    plan = seed_engine.searcher.hints.plan(question)
    assert plan.named == {doc_id}
    hits = seed_engine.search(question, k=5)
    assert hits[0].doc_id == doc_id
    unaccented = seed_engine.search("nhiem vu cong doan co so trien khai chuong trinh 01/CTr-LDLD", k=3)
    assert unaccented[0].doc_id == doc_id
