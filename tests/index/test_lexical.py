"""The incremental BM25 and the view's add/remove on the real seeds in a real Chroma: the same scores as
a full rebuild and as bm25s, a saved index reused at start-up, a damaged or foreign one rebuilt with a
warning, and no per-passage token lists kept."""
from __future__ import annotations

import json
import logging

import bm25s
import numpy as np
import pytest

from core.settings import Settings
from index.analyze import analyze
from index.build import Indexer
from index.embed import EmbeddingCache, FakeEmbedder
from index.lexical import Lexical
from index.search import Searcher, View
from index.store import Store
from tests.conftest import dev_questions, seed_files

QUESTIONS = [q["question"] for q in dev_questions()][:25]
DIM = FakeEmbedder().dim


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    """The five seeds ingested through the one write path (fake vectors: this file tests the lexical leg)."""
    root = tmp_path_factory.mktemp("lexical")
    settings = Settings(data_dir=root / "data", cache_dir=root / "cache", embed_model="fake")
    store = Store(settings, FakeEmbedder().name)
    cache = EmbeddingCache(root / "cache")
    indexer = Indexer(store, FakeEmbedder(), cache)
    for f in seed_files():
        assert indexer.add_file(f).status == "added"
    return store, cache, store.current_passages(), {d.id: d for d in store.list_documents()}


def view_of(items, docs, base: View | None = None, drop: set[str] = frozenset()) -> View:
    return (base or View.empty(DIM)).replaced(set(drop), items, [None] * len(items), docs)


def scores_by_id(view: View, question: str) -> dict[str, float]:
    scores = view.lexical.scores(analyze(question, query=True))
    return {p.id: float(s) for p, s in zip(view.passages, scores)}


def assert_same(a: View, b: View) -> None:
    assert sorted(p.id for p in a.passages) == sorted(p.id for p in b.passages)
    assert a.docs.keys() == b.docs.keys()
    for q in QUESTIONS:
        sa, sb = scores_by_id(a, q), scores_by_id(b, q)
        assert max(abs(sa[k] - sb[k]) for k in sa) < 1e-5, q
    for p in a.passages:
        assert a.doc_of_row[a.position[p.id]] == b.doc_of_row[b.position[p.id]] == p.doc_id


def test_scores_match_bm25s_lucene(seeds):
    _, _, items, docs = seeds
    view = view_of(items, docs)
    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index([it.lex for it in items], show_progress=False)
    checked = 0
    for q in QUESTIONS:
        tokens = analyze(q, query=True)
        known = [t for t in tokens if t in reference.vocab_dict]
        if not known:
            continue
        ours = view.lexical.scores(tokens)[[view.position[it.passage.id] for it in items]]
        theirs = np.asarray(reference.get_scores(known))
        assert np.allclose(ours, theirs, rtol=1e-5, atol=1e-5), q
        checked += 1
    assert checked >= 20 and ours.max() > 0


def test_adding_a_document_equals_a_full_rebuild(seeds):
    _, _, items, docs = seeds
    last = items[-1].passage.doc_id
    before = view_of([it for it in items if it.passage.doc_id != last], docs)
    after = view_of([it for it in items if it.passage.doc_id == last], docs, base=before)
    assert_same(after, view_of(items, docs))
    assert last not in before.docs and before.lexical.size < after.lexical.size   # the old view is untouched


def test_removing_or_replacing_a_document_equals_a_full_rebuild(seeds):
    _, _, items, docs = seeds
    full = view_of(items, docs)
    first = items[0].passage.doc_id
    assert_same(view_of([], docs, base=full, drop={first}),
                view_of([it for it in items if it.passage.doc_id != first], docs))
    again = [it for it in items if it.passage.doc_id == first]
    assert_same(view_of(again, docs, base=full, drop={first}), full)


def test_saved_index_is_reused_at_start_up(seeds, tmp_path, monkeypatch):
    store, cache, items, docs = seeds
    first = Searcher(store, FakeEmbedder(), tmp_path, cache)
    assert any((tmp_path / "lexical").iterdir())
    monkeypatch.setattr(Lexical, "added", lambda *a: pytest.fail("rebuilt instead of loaded"))
    second = Searcher(store, FakeEmbedder(), tmp_path, cache)
    monkeypatch.undo()
    assert_same(first.view, second.view)
    assert_same(second.view, view_of(items, docs))


def damage(folder, how: str) -> None:
    snapshot = next(p for p in folder.iterdir() if p.is_dir())
    if how == "garbage":
        (snapshot / "arrays.npz").write_bytes(b"not an index")
    elif how == "truncated":
        data = (snapshot / "arrays.npz").read_bytes()
        (snapshot / "arrays.npz").write_bytes(data[: len(data) // 2])
    elif how == "foreign":
        (snapshot / "vocab.json").write_text(json.dumps({"format": "bm25s", "terms": []}))
    elif how == "bad-json":
        (snapshot / "vocab.json").write_text("{")


@pytest.mark.parametrize("how", ["garbage", "truncated", "foreign", "bad-json", "file-in-the-way"])
def test_damaged_foreign_or_blocked_lexical_dir_recovers_with_a_warning(seeds, tmp_path, caplog, how):
    store, cache, items, docs = seeds
    folder = tmp_path / "lexical"
    if how == "file-in-the-way":
        folder.write_text("someone's file")
    else:
        Searcher(store, FakeEmbedder(), tmp_path, cache)
        damage(folder, how)
    with caplog.at_level(logging.WARNING):
        searcher = Searcher(store, FakeEmbedder(), tmp_path, cache)
    assert any(r.levelno == logging.WARNING and "lexical" in r.getMessage() for r in caplog.records)
    assert_same(searcher.view, view_of(items, docs))
    assert searcher.search(QUESTIONS[0], k=3)
    if how == "file-in-the-way":
        assert folder.read_text() == "someone's file"      # worked around, never deleted
    else:      # rebuilt and saved again: the next start-up loads it without a warning
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            Searcher(store, FakeEmbedder(), tmp_path, cache)
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_memory_layout_keeps_integer_statistics_not_token_lists(seeds):
    _, _, items, docs = seeds
    view = view_of(items, docs)
    lex = view.lexical
    tokens = sum(len(it.lex) for it in items)
    assert lex.indices.dtype == np.int32 and lex.tfs.dtype == np.float32 and lex.df.dtype == np.int32
    assert lex.size == len(items) and float(lex.lengths.sum()) == tokens
    assert len(lex.indices) < tokens          # one entry per distinct term of a passage, not per token
    # what a view holds: passages (one copy of each text), document summaries, arrays; no token lists
    for name, value in vars(view).items():
        if isinstance(value, (tuple, list)):
            assert all(not isinstance(x, (list, tuple)) for x in value), name
    assert all(type(p).__name__ == "Passage" for p in view.passages)
    assert not any(isinstance(v, list) for p in view.passages[:50] for v in vars(p).values())
