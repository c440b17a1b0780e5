"""The lexical leg: BM25 (bm25s) over analysed tokens, persisted in SOTAY_DATA_DIR.

Chroma's local mode has no sparse index, so BM25 lives in-process. It is derived from the tokens
stored in Chroma's passage metadata, so any replica sharing one Chroma server can rebuild it.
"""
from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path

import bm25s
import numpy as np

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)   # bm25s sets its own logger to DEBUG on import


def fingerprint(ids: list[str], token_lists: list[list[str]]) -> str:
    h = hashlib.sha256()
    for pid, toks in zip(ids, token_lists):
        h.update(pid.encode())
        h.update(str(len(toks)).encode())
    return h.hexdigest()[:16]


class Lexical:
    def __init__(self, retriever: bm25s.BM25 | None, size: int) -> None:
        self._bm25 = retriever
        self.size = size

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> "Lexical":
        if not token_lists:
            return cls(None, 0)
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index([t or [""] for t in token_lists], show_progress=False)
        return cls(retriever, len(token_lists))

    @classmethod
    def load_or_build(cls, folder: Path, ids: list[str], token_lists: list[list[str]]) -> "Lexical":
        """Reuse the saved index when it was built from exactly these passages."""
        key = fingerprint(ids, token_lists)
        path = folder / key
        if path.exists() and token_lists:
            try:
                return cls(bm25s.BM25.load(str(path), show_progress=False), len(token_lists))
            except Exception as e:  # a damaged file is rebuilt, never fatal
                log.warning("BM25 index at %s unreadable (%s); rebuilding", path, e)
        lex = cls.build(token_lists)
        if lex._bm25 is not None:
            if folder.exists():
                shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / (key + ".tmp")
            lex._bm25.save(str(tmp), show_progress=False)
            tmp.rename(path)
        return lex

    def scores(self, tokens: list[str]) -> np.ndarray:
        if self._bm25 is None or not tokens:
            return np.zeros(self.size, dtype=np.float32)
        vocab = self._bm25.vocab_dict
        known = [t for t in tokens if t in vocab]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)
