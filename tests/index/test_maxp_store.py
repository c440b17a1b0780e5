"""Paragraph vectors (maxP) in Chroma: written with the passage vectors, deleted with their version, read
back by a searcher whose embedding cache lacks them (a replica), and filled in for a data dir without them."""
from __future__ import annotations

import numpy as np
import pytest

from core.settings import Settings
from index.build import Indexer
from index.embed import EmbeddingCache, FakeEmbedder
from index.maxp import units
from index.paragraph_vectors import unit_ids
from index.search import Searcher, Tuning
from index.store import Store, versioned
from service.engine import Engine
from tests.conftest import seed_files

QUERIES = ["bồi dưỡng nghiệp vụ cho cán bộ công đoàn cơ sở", "kinh phí thực hiện chương trình",
           "luân chuyển cán bộ ít nhất 3 năm", "phát triển đoàn viên ở doanh nghiệp ngoài nhà nước"]


def open_index(tmp_path, cache_name: str, paragraphs: bool = True, maxp: str = "rerank"):
    settings = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / cache_name, embed_model="fake")
    store = Store(settings, FakeEmbedder().name)
    cache = EmbeddingCache(tmp_path / cache_name)
    indexer = Indexer(store, FakeEmbedder(), cache, paragraphs=paragraphs)
    searcher = Searcher(store, indexer.embedder, settings.data_dir, cache, tuning=Tuning(maxp=maxp))
    indexer.notify = lambda doc_id: searcher.apply([doc_id])
    return store, cache, indexer, searcher


def stored_units(store: Store) -> set[str]:
    """The ids the current passages' paragraph vectors must have."""
    return {k for it in store.current_passages()
            for k in unit_ids(versioned(it.passage.id, it.version), units(it.passage.heading_path, it.passage.text))}


def test_paragraph_vectors_are_written_with_their_passages_and_deleted_with_their_version(tmp_path):
    store, cache, indexer, _ = open_index(tmp_path, "cache")
    seed = seed_files()[-1]
    text = seed.read_text(encoding="utf-8")
    assert indexer.add_text(text, seed.name).status == "added"
    wanted = stored_units(store)
    assert len(wanted) > 10 and set(store.units.collection.get(include=[])["ids"]) == wanted
    items = store.current_passages()
    assert all(it.units for it in items)      # flagged, also those of one paragraph (which have none)
    texts = [units(it.passage.heading_path, it.passage.text) for it in items]
    for it, ts, got in zip(items, texts, store.unit_vectors(items, texts)):
        if ts:   # Chroma holds exactly what the cache holds, in order
            assert np.allclose(got, np.stack(cache.lookup("fake", ts)), atol=1e-6)
        else:
            assert got is None

    # an update replaces the old version's paragraphs (only the new version's remain)
    edited = text.replace("Từ nguồn tài chính Công đoàn tỉnh hằng năm", "Từ nguồn tài chính và xã hội hóa")
    assert indexer.add_text(edited, seed.name).status == "updated"
    assert set(store.units.collection.get(include=[])["ids"]) == stored_units(store) != wanted

    indexer.delete(store.list_documents()[0].id)
    assert store.units.count() == 0


def test_a_searcher_with_an_empty_cache_reads_paragraph_vectors_from_chroma_and_ranks_the_same(tmp_path):
    store, cache, indexer, searcher = open_index(tmp_path, "cache")
    for f in seed_files():
        indexer.add_file(f)
    # another replica: the same store, an embedding cache that has never seen these documents
    _, empty, _, replica = open_index(tmp_path, "other-cache")
    assert len(replica.view.unit_row) == len(searcher.view.unit_row) > searcher.view.size
    assert np.array_equal(replica.view.unit_row, searcher.view.unit_row)
    assert np.array_equal(replica.view.unit_vectors, searcher.view.unit_vectors)
    assert not any(v is not None for v in empty.lookup("fake", [searcher.view.passages[0].text]))
    differs = False
    for q in QUERIES:
        mine, theirs = searcher.rank(q), replica.rank(q)
        assert [pid for pid, _ in theirs] == [pid for pid, _ in mine]
        assert [s for _, s in theirs] == pytest.approx([s for _, s in mine], abs=1e-6)
        replica.tuning = Tuning(maxp="off")
        differs |= replica.rank(q)[:10] != searcher.rank(q)[:10]
        replica.tuning = Tuning(maxp="rerank")
    assert differs   # the paragraphs do take part in these rankings


def test_a_data_dir_without_paragraph_vectors_searches_and_then_gets_them(tmp_path):
    """A data dir written before paragraph vectors were stored: no units collection, no `units` flag."""
    store, _, indexer, _ = open_index(tmp_path, "cache", paragraphs=False)
    for f in seed_files()[:3]:
        indexer.add_file(f)
    store.client.delete_collection(store.units.collection.name)
    ids = store.passages.get(include=[])["ids"]
    store.passages.update(ids=ids, metadatas=[{"units": None}] * len(ids))   # the flag did not exist

    store, cache, indexer, searcher = open_index(tmp_path, "fresh-cache")   # maxP on, nothing cached
    assert not any(it.units for it in store.current_passages()) and store.units.count() == 0
    assert len(searcher.view.unit_row) == 0
    expected = searcher.rank(QUERIES[0])
    assert expected
    searcher.tuning = Tuning(maxp="off")
    assert searcher.rank(QUERIES[0]) == expected   # scored by the passages' own vectors
    searcher.tuning = Tuning(maxp="rerank")

    n_passages = len(ids)
    assert indexer.embed_missing() == n_passages
    wanted = stored_units(store)
    assert cache.misses == len(wanted)               # the paragraphs only: the passage vectors were written
    assert set(store.units.collection.get(include=[])["ids"]) == wanted
    assert len(searcher.view.unit_row) == len(wanted)    # this process's view took them in
    assert indexer.embed_missing() == 0


def test_reingesting_an_unchanged_corpus_embeds_nothing_even_with_an_empty_cache(tmp_path):
    """Paragraph vectors are marked written with their passages, so a re-run (the CLI: words, then
    whatever vectors are missing) finds nothing to embed, neither passages nor paragraphs."""
    settings = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", embed_model="fake")
    with Engine.open(settings, watch=False) as engine:
        assert {r.status for r in engine.add_files(seed_files())} == {"added"}
        assert engine.missing_vectors() == 0
        written = engine.store.units.count()
    assert written > 0

    with Engine.open(settings.model_copy(update={"cache_dir": tmp_path / "empty-cache"}), watch=False) as engine:
        assert {r.status for r in engine.add_files(seed_files())} == {"unchanged"}
        assert engine.indexer.cache.misses == 0    # texts the model embedded: none
        assert engine.store.units.count() == written
        assert len(engine.searcher.view.unit_row) == written   # read back from Chroma


def test_words_only_then_maxp_counts_and_fills_the_missing_paragraphs(tmp_path):
    """missing_vectors counts passages whose paragraph vectors are missing (maxP turned on later)."""
    off = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", embed_model="fake", maxp="off")
    with Engine.open(off, watch=False) as engine:
        engine.add_files(seed_files()[:2])
        assert engine.missing_vectors() == 0 and engine.store.units.count() == 0
        n = engine.stats()["passages"]
    with Engine.open(off.model_copy(update={"maxp": "rerank"}), watch=False) as engine:
        assert engine.missing_vectors() == n
        assert engine.complete_embeddings() == n
        assert engine.missing_vectors() == 0 and engine.store.units.count() == len(engine.searcher.view.unit_row) > 0
