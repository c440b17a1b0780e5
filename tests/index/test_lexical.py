"""The incremental BM25 and the view's add/remove: the same scores as a full rebuild (and as bm25s),
a persisted index reused across restarts, a damaged or foreign one rebuilt with a warning."""
from __future__ import annotations

import logging

import bm25s
import numpy as np
import pytest

from core.settings import Settings
from index.analyze import analyze
from index.build import Indexer
from index.embed import EmbeddingCache, FakeEmbedder
from index.lexical import FILE, Lexical
from index.search import Row, Searcher, View
from index.store import Store
from tests.conftest import dev_questions, seed_files

QUESTIONS = [q["question"] for q in dev_questions()][:25]


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    """The five real seeds in a real Chroma (fake vectors: this file tests the lexical leg)."""
    root = tmp_path_factory.mktemp("lexical")
    settings = Settings(data_dir=root / "data", cache_dir=root / "cache", embed_model="fake")
    store = Store(settings, "fake")
    indexer = Indexer(store, FakeEmbedder(), EmbeddingCache(root / "cache"))
    for f in seed_files():
        assert indexer.add_file(f).status == "added"
    return settings, store, store.all_passages()


def scores_by_id(view: View, question: str) -> dict[str, float]:
    scores = view.lexical.scores(analyze(question, query=True))
    return {row.passage.id: float(s) for row, s in zip(view.items, scores)}


def assert_same_scores(a: View, b: View) -> None:
    assert {r.passage.id for r in a.items} == {r.passage.id for r in b.items}
    for q in QUESTIONS:
        sa, sb = scores_by_id(a, q), scores_by_id(b, q)
        assert max(abs(sa[k] - sb[k]) for k in sa) < 1e-5, q
    assert a.vectors.shape == b.vectors.shape
    for pid, i in a.position.items():
        assert np.array_equal(a.vectors[i], b.vectors[b.position[pid]])
        assert a.cols["doc_id"][i] == b.cols["doc_id"][b.position[pid]] == a.items[i].passage.doc_id


def test_scores_match_bm25s_lucene(seeds):
    _, _, stored = seeds
    view = View.build(stored)
    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index([s.lex.split() for s in stored], show_progress=False)
    order = [view.position[s.passage.id] for s in stored]
    checked = 0
    for q in QUESTIONS:
        tokens = [t for t in analyze(q, query=True) if t in reference.vocab_dict]
        if not tokens:
            continue
        ours = view.lexical.scores(analyze(q, query=True))[order]
        theirs = np.asarray(reference.get_scores(tokens))
        assert np.allclose(ours, theirs, rtol=1e-5, atol=1e-5), q
        assert ours.max() > 0
        checked += 1
    assert checked >= 20


def test_adding_a_document_equals_a_full_rebuild(seeds):
    _, _, stored = seeds
    last = stored[-1].passage.doc_id
    before = View.build([s for s in stored if s.passage.doc_id != last])
    added = [s for s in stored if s.passage.doc_id == last]
    after = before.apply(added, [])
    assert_same_scores(after, View.build(stored))
    assert len(before.items) == len(stored) - len(added)      # the old view is untouched


def test_removing_and_replacing_a_document_equals_a_full_rebuild(seeds):
    _, _, stored = seeds
    full = View.build(stored)
    first = stored[0].passage.doc_id
    rest = [s for s in stored if s.passage.doc_id != first]
    assert_same_scores(full.apply([], [first]), View.build(rest))
    # an update: the same document's passages come back (same ids) and replace the old rows once
    again = [s for s in stored if s.passage.doc_id == first]
    assert_same_scores(full.apply(again, [first]), full)
    assert_same_scores(full.apply(again, []), full)


def test_searcher_apply_makes_a_new_document_searchable(seeds, tmp_path):
    settings, store, stored = seeds
    last = seed_files()[-1]
    searcher = Searcher(store, FakeEmbedder(), tmp_path)
    doc_id = stored[-1].passage.doc_id
    old_view = searcher.view
    searcher.apply([], [doc_id])
    assert doc_id not in {r.passage.doc_id for r in searcher.items}
    assert old_view.lexical.size == len(stored)               # readers of the old view are unaffected
    searcher.apply([s for s in stored if s.passage.doc_id == doc_id], [])
    title = last.read_text(encoding="utf-8").splitlines()[0]
    assert any(h.doc_id == doc_id for h in searcher.search(title, k=5))
    # what apply saved is what a restart loads
    assert Lexical.load(tmp_path / "bm25", searcher.view.lexical.key) is not None


def test_persisted_index_is_reused_across_restarts(seeds, tmp_path, monkeypatch):
    _, _, stored = seeds
    folder = tmp_path / "bm25"
    first = View.build(stored, folder)
    assert (folder / FILE).is_file()
    monkeypatch.setattr(Lexical, "build", classmethod(lambda *a: pytest.fail("rebuilt instead of loaded")))
    second = View.build(list(reversed(stored)), folder)
    assert_same_scores(first, second)


def test_a_different_passage_set_is_rebuilt(seeds, tmp_path):
    _, _, stored = seeds
    folder = tmp_path / "bm25"
    View.build(stored[1:], folder)
    assert Lexical.load(folder, View.build(stored).lexical.key) is None
    assert_same_scores(View.build(stored, folder), View.build(stored))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign", "file-in-the-way"])
def test_damaged_or_foreign_lexical_index_recovers_with_a_warning(seeds, tmp_path, caplog, damage):
    _, _, stored = seeds
    folder = tmp_path / "bm25"
    View.build(stored, folder)
    path = folder / FILE
    if damage == "garbage":
        path.write_bytes(b"not an index")
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "foreign":     # what bm25s left in the same folder before this format
        path.unlink()
        (folder / "0123abcd").mkdir()
        (folder / "0123abcd" / "params.index.json").write_text("{}")
    else:
        path.unlink()
        folder.rmdir()
        folder.write_text("someone's file")
    with caplog.at_level(logging.WARNING):
        view = View.build(stored, folder)
    assert_same_scores(view, View.build(stored))
    if damage in ("garbage", "truncated", "file-in-the-way"):
        assert any(r.levelno == logging.WARNING for r in caplog.records)
    if damage == "file-in-the-way":
        assert folder.read_text() == "someone's file"      # never deleted, only worked around
    else:
        assert Lexical.load(folder, view.lexical.key) is not None
        assert sorted(p.name for p in folder.iterdir()) == [FILE]


def test_a_server_starts_when_bm25_is_a_file(seeds, tmp_path):
    _, store, stored = seeds
    (tmp_path / "bm25").write_text("x")
    searcher = Searcher(store, FakeEmbedder(), tmp_path)
    assert len(searcher.items) == len(stored)
    searcher.apply([], [stored[0].passage.doc_id])            # saving is skipped, not fatal
    assert len(searcher.items) < len(stored)


def test_memory_layout_keeps_ids_and_counts_not_token_lists(seeds):
    _, _, stored = seeds
    view = View.build(stored)
    assert all(type(r) is Row for r in view.items)
    assert not hasattr(view.items[0], "__dict__")              # slotted rows: passage + shared meta only
    assert {f for f in Row.__slots__} == {"passage", "meta"}
    # one meta dict per document, shared by its rows
    assert len({id(r.meta) for r in view.items}) == len({r.passage.doc_id for r in view.items})
    lex = view.lexical
    assert lex.postings.indices.dtype == np.int32 and lex.postings.data.dtype == np.float32
    assert lex.postings.shape == (len(stored), len(lex.vocab.terms))
    tokens = sum(len(s.lex.split()) for s in stored)
    assert lex.lengths.sum() == tokens and lex.postings.nnz < tokens
