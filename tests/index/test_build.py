"""Incremental indexing: unchanged text is never re-embedded; replacing a document drops its old passages."""
from __future__ import annotations

from core.settings import Settings
from index.build import Indexer
from index.embed import EmbeddingCache, FakeEmbedder
from index.maxp import units
from index.search import Searcher
from index.store import Store
from index.twins import Choice
from tests.conftest import seed_files


def make(tmp_path, cache_dir):
    settings = Settings(data_dir=tmp_path / "data", cache_dir=cache_dir, embed_model="fake")
    embedder = FakeEmbedder()
    store = Store(settings, embedder.name)
    cache = EmbeddingCache(cache_dir)
    return settings, store, cache, Indexer(store, embedder, cache, paragraphs=True)   # maxP on: its units too


def test_unchanged_passages_are_not_reembedded_even_after_a_rebuild(tmp_path):
    seed = seed_files()[-1]
    text = seed.read_text(encoding="utf-8")
    _, store, cache, indexer = make(tmp_path / "one", tmp_path / "cache")
    first = indexer.add_text(text, seed.name)
    paragraphs = {u for it in store.current_passages() for u in units(it.passage.heading_path, it.passage.text)}
    assert first.status == "added" and cache.misses == first.passages + len(paragraphs)

    # a fresh data dir (the index rebuilt from scratch) with the same cache: nothing is embedded
    _, store2, cache2, indexer2 = make(tmp_path / "two", tmp_path / "cache")
    assert indexer2.add_text(text, seed.name).status == "added"
    assert cache2.misses == 0

    # one edited sentence: only the passage that holds it is embedded again
    edited = text.replace("Từ nguồn tài chính Công đoàn tỉnh hằng năm", "Từ nguồn tài chính và xã hội hóa")
    assert indexer2.add_text(edited, seed.name).status == "updated"
    changed = {u for it in store2.current_passages() for u in units(it.passage.heading_path, it.passage.text)}
    assert len(changed - paragraphs) <= 1              # and the paragraph unit that holds it, if it has several
    assert cache2.misses == 1 + len(changed - paragraphs)
    assert indexer2.add_text(edited, seed.name).status == "unchanged"


def test_replacing_and_removing_clear_both_legs(tmp_path):
    settings, store, cache, indexer = make(tmp_path, tmp_path / "cache")
    seed = seed_files()[-1]
    text = seed.read_text(encoding="utf-8")
    indexer.add_text(text, seed.name)
    searcher = Searcher(store, indexer.embedder, settings.data_dir, cache)
    indexer.notify = lambda doc_id: searcher.apply([doc_id])
    assert any("Từ nguồn tài chính" in h.text for h in searcher.search("kinh phí nguồn tài chính", k=5))

    head, _, tail = text.partition("III. NHIỆM VỤ, GIẢI PHÁP")
    shorter = head + tail[tail.index("Nơi nhận"):]   # the same document (number, date, issuer) without part III
    # a much shorter text of the same document asks first (index/twins.py SHORTER), then replaces when chosen
    asked = indexer.add_text(shorter, "ban-rut-gon.txt")
    assert asked.status == "similar" and "ngắn hơn nhiều" in asked.describe()
    assert any("Từ nguồn tài chính" in h.text for h in searcher.search("kinh phí nguồn tài chính", k=5))
    chosen = Choice("replace", asked.doc_id)
    assert indexer.add_text(shorter, "ban-rut-gon.txt", choice=chosen).status == "updated"   # new content
    ids = {p.id for p in searcher.items}
    assert not any("III" in pid.split(":")[1] for pid in ids)          # old passages gone from BM25's view
    stored = {pid.split("@")[0] for pid in store.passages.get(include=[])["ids"]}
    assert stored == ids                                               # and from Chroma
    searcher.reload()
    assert {p.id for p in searcher.items} == ids                       # a rebuild agrees with the increment

    indexer.delete(store.list_documents()[0].id)
    assert searcher.items == () and store.passage_count() == 0
    assert searcher.search("kinh phí") == []


def test_reingesting_the_same_bytes_reads_nothing(tmp_path, monkeypatch):
    """The first figure of a re-ingest of an unchanged corpus: the same bytes are known by their key and
    neither read nor parsed again, under any file name; other bytes with the same content are parsed
    once, found unchanged, and remembered."""
    import index.build as build

    _, store, cache, indexer = make(tmp_path, tmp_path / "cache")
    seed = seed_files()[0]
    data = seed.read_bytes()
    first = indexer.add_bytes(data, seed.name)
    assert first.status == "added"

    def no_reading(*args, **kwargs):
        raise AssertionError("an unchanged file was read again")

    monkeypatch.setattr(build, "extract", no_reading)
    for name in (seed.name, "ban-sao.txt"):
        again = indexer.add_bytes(data, name)
        assert (again.status, again.doc_id, again.passages) == ("unchanged", first.doc_id, first.passages)
        assert again.document.name == first.document.name
    monkeypatch.undo()
    crlf = data.replace(b"\n", b"\r\n")   # other bytes, same text
    assert indexer.add_bytes(crlf, "crlf.txt").status == "unchanged"
    monkeypatch.setattr(build, "extract", no_reading)
    assert indexer.add_bytes(crlf, "crlf.txt").status == "unchanged"
    # an edit is read and parsed as always
    monkeypatch.undo()
    edited = data.replace("Công đoàn".encode(), "Tổ chức Công đoàn".encode(), 1)
    assert indexer.add_bytes(edited, seed.name).status == "updated"


def test_new_analysis_code_rewrites_what_the_old_code_stored(tmp_path, monkeypatch):
    """An upgrade that changes the passage builder, the analyser or its abbreviation table leaves the
    document's text alone: the same bytes must still be read again and stored anew, not found unchanged
    with the old code's tokens kept. Nothing is embedded again (same passage texts, same cache)."""
    import index.build as build

    _, store, cache, indexer = make(tmp_path, tmp_path / "cache")
    seed = seed_files()[0]
    data = seed.read_bytes()
    first = indexer.add_bytes(data, seed.name)
    before = {it.passage.id: it.lex for it in store.current_passages()}
    misses = cache.misses

    # the new code gives every passage one more token: a stand-in for an edited abbreviation table
    monkeypatch.setattr(build, "_CODE_STAMP", build._CODE_STAMP + b"new analyser")
    monkeypatch.setattr(build, "analyze", lambda text: build_analyze(text) + ["w:new"])
    again = indexer.add_bytes(data, seed.name)
    assert (again.status, again.doc_id, again.passages) == ("updated", first.doc_id, first.passages)
    after = {it.passage.id: it.lex for it in store.current_passages()}
    assert after.keys() == before.keys()
    assert all(toks == before[pid] + ["w:new"] for pid, toks in after.items())
    assert cache.misses == misses                       # same texts: vectors from the cache
    assert indexer.add_bytes(data, seed.name).status == "unchanged"   # and unchanged from then on


def build_analyze(text: str) -> list[str]:
    from index.analyze import analyze
    return analyze(text)
