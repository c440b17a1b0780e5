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


def test_named_document_ranks_its_sections_by_the_rest_of_the_question(seed_engine):
    # the name "Chương trình 01/CTr-LĐLĐ" lifts that programme; the words left choose among its sections,
    # so the section for the unit asked about comes first, not the one repeating "chương trình"
    (doc_id,) = [d.id for d in seed_engine.store.list_documents() if d.meta.number == "01/CTr-LĐLĐ"]
    plan = seed_engine.searcher.hints.plan("Nhiệm vụ của công đoàn cơ sở khi triển khai Chương trình 01/CTr-LĐLĐ")
    assert plan.dense_text == "Nhiệm vụ của công đoàn cơ sở khi triển khai"
    assert "01/ctr-ldld" not in plan.tokens and "w:chương_trình" not in plan.tokens
    grassroots = seed_engine.search("Nhiệm vụ của công đoàn cơ sở khi triển khai Chương trình 01/CTr-LĐLĐ", k=3)
    province = seed_engine.search("Trách nhiệm của Liên đoàn Lao động tỉnh theo Chương trình số 01/CTr-LĐLĐ", k=3)
    assert (grassroots[0].doc_id, grassroots[0].passage.heading_path[-1]) == (doc_id, "2. Đối với Công đoàn cơ sở")
    assert (province[0].doc_id, province[0].passage.heading_path[-1]) == \
        (doc_id, "1. Đối với Liên đoàn Lao động tỉnh")


def test_a_question_that_is_only_a_name_is_searched_as_typed(seed_engine):
    plan = seed_engine.searcher.hints.plan("Chương trình 01/CTr-LĐLĐ")
    assert plan.named and plan.dense_text == "Chương trình 01/CTr-LĐLĐ" and "01/ctr-ldld" in plan.tokens


def test_no_question_pays_for_building_the_restorer(tmp_path, monkeypatch):
    """The restorer is built when the searcher starts and when a change is applied, before the new hints are
    swapped in. Built on first use, the first unaccented question after a start or a change paid for it:
    20 ms on the haystack, 95 ms at 208 laws."""
    from core.settings import Settings
    from index.build import Indexer
    from index.embed import EmbeddingCache, FakeEmbedder
    from index.restore import Restorer
    from index.search import Searcher
    from index.store import Store
    from tests.conftest import seed_files

    built = []
    of_totals = Restorer.of_totals.__func__
    monkeypatch.setattr(Restorer, "of_totals", classmethod(lambda cls, *a: built.append(1) or of_totals(cls, *a)))
    settings = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", embed_model="fake")
    store, cache = Store(settings, FakeEmbedder().name), EmbeddingCache(tmp_path / "cache")
    indexer = Indexer(store, FakeEmbedder(), cache)
    searcher = Searcher(store, indexer.embedder, settings.data_dir, cache)
    applied = []
    indexer.notify = lambda doc_id: applied.append(doc_id) or searcher.apply([doc_id])
    for f in seed_files()[:2]:
        indexer.add_file(f)
        before = len(built)
        assert searcher.hints.plan("chi tieu dao tao chu tich cong doan co so").restored
        assert len(built) == before                     # this change's restorer was built by apply
    assert len(built) == 1 + len(applied)               # at start, and once per change applied

    searcher.save()
    before = len(built)
    restarted = Searcher(store, indexer.embedder, settings.data_dir, cache)   # the counts read from the snapshot
    assert len(built) == before + 1
    assert restarted.search("chi tieu dao tao chu tich cong doan co so")
    assert restarted.hints.plan("nang cao chat luong").restored
    assert len(built) == before + 1
