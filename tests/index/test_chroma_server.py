"""SOTAY_CHROMA_URL: a real `chroma run` server on loopback, shared by two engine replicas."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from core.settings import Settings
from index.maxp import units
from index.search import Tuning
from service.engine import Engine
from tests.conftest import seed_files


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    exe = shutil.which("chroma", path=str(Path(sys.executable).parent))
    assert exe, "the chroma CLI comes with the chromadb package"
    port = free_port()
    proc = subprocess.Popen([exe, "run", "--path", str(tmp_path_factory.mktemp("chroma-server")),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(url + "/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("chroma server did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_replicas_share_one_chroma_server(chroma_url, tmp_path, cache_dir):
    writer = Engine.open(Settings(data_dir=tmp_path / "a", cache_dir=cache_dir, chroma_url=chroma_url,
                                  collection="replicas"))
    for f in seed_files()[:2]:
        assert writer.add_bytes(f.read_bytes(), f.name).status == "added"
    expected = [h.passage_id for h in writer.search("luân chuyển cán bộ ít nhất 3 năm", k=5)]
    assert expected

    # a second replica with an empty data dir and its own embedding cache rebuilds both legs from the server
    reader = Engine.open(Settings(data_dir=tmp_path / "b", cache_dir=tmp_path / "b-cache", chroma_url=chroma_url,
                                  collection="replicas"))
    try:
        assert reader.stats()["passages"] == writer.stats()["passages"] > 0
        assert [h.passage_id for h in reader.search("luân chuyển cán bộ ít nhất 3 năm", k=5)] == expected
        assert reader.searcher.view.has_vector.all()      # vectors read from the server, not a local cache
        same_maxp_ranking(writer, reader)
        assert (tmp_path / "b" / "lexical").is_dir()
        assert not (tmp_path / "b" / "chroma").exists()   # nothing stored locally

        # a delete by one replica reaches the other through the store's change log, without a reload
        doc_id = expected[0].split(":")[0]
        writer.delete(doc_id)
        deadline = time.monotonic() + 5
        while reader.stats()["documents"] != writer.stats()["documents"] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert all(h.doc_id != doc_id for h in reader.search("luân chuyển cán bộ", k=20))
    finally:
        reader.close()
        writer.close()


def same_maxp_ranking(writer: Engine, reader: Engine) -> None:
    """The reader's embedding cache never saw the paragraphs: it reads their vectors from the server and
    ranks as the writer does, also where the paragraphs change the ranking (questions from passage tails)."""
    view = writer.searcher.view
    assert len(reader.searcher.view.unit_row) == len(view.unit_row) > view.size
    tails = [units(p.heading_path, p.text)[-1].split("\n")[-1][:200] for p in view.passages
             if len(p.text) > 1300 and len(units(p.heading_path, p.text)) > 2]
    assert len(tails) >= 3
    reranked = 0
    for q in tails[:8]:
        mine = writer.searcher.rank(q)[:10]
        theirs = reader.searcher.rank(q)
        # the same scores in the same order, each passage with its own score in the other's ranking. Not the
        # same ids in the same order: below the rescored head, passages share the head's floor score, and
        # such ties fall by float noise in the query vector (an idle machine embeds it on two threads)
        assert [s for _, s in theirs[:10]] == pytest.approx([s for _, s in mine], abs=1e-4)
        assert [dict(theirs).get(pid) for pid, _ in mine] == pytest.approx([s for _, s in mine], abs=1e-4)
        reader.searcher.tuning = Tuning(maxp="off")
        reranked += [pid for pid, _ in reader.searcher.rank(q)[:10]] != [pid for pid, _ in mine]
        reader.searcher.tuning = Tuning(maxp="rerank")
    assert reranked   # the paragraphs did change some of these rankings
