"""`sotay ingest --words-only`: every file is searchable by words at once and the vectors are left for
later (a 208-law corpus takes hours to embed on 2 cores); a plain re-run writes exactly those vectors,
and a server with SOTAY_EMBED_IN_BACKGROUND=0 leaves them alone."""
from __future__ import annotations

import pytest

from core.settings import Settings
from service.engine import Engine
from sotay import cli
from tests.conftest import seed_files


@pytest.fixture()
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("SOTAY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SOTAY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SOTAY_EMBED_MODEL", "fake")
    return tmp_path


def open_engine(**changes) -> Engine:
    return Engine.open(Settings(**changes), watch=bool(changes))


def test_words_only_then_a_plain_run_writes_the_vectors(env, capsys):
    files = [str(p) for p in seed_files()[:2]]
    assert cli.main(["ingest", "-q", "--words-only", *files]) == 0
    err = capsys.readouterr().err
    assert "Chưa tính vector cho" in err and "--words-only" in err
    with open_engine() as engine:
        missing = engine.missing_vectors()
        assert missing == engine.stats()["passages"] > 0
        hits = engine.search("chỉ tiêu đào tạo cán bộ công đoàn")
        assert hits and not engine.searcher.view.has_vector.any()   # found by words alone
    assert cli.main(["ingest", "-q", *files]) == 0
    assert "2 không đổi" in capsys.readouterr().out
    with open_engine() as engine:
        assert engine.missing_vectors() == 0 and engine.searcher.view.has_vector.all()


def test_server_leaves_vectors_to_the_cli_when_background_embedding_is_off(env):
    assert cli.main(["ingest", "-q", "--words-only", str(seed_files()[0])]) == 0
    with open_engine(embed_in_background=False) as engine:
        assert engine.jobs.idle()   # the workers have run whatever was queued
        assert engine.missing_vectors() > 0
    with open_engine(embed_in_background=True) as engine:
        assert engine.jobs.idle()
        assert engine.missing_vectors() == 0
