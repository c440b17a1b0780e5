"""Paragraph vectors for maxP (index/maxp.py), stored in their own Chroma collection `<c>_units` so every
replica ranks with them, whatever its embedding cache holds.

One record per paragraph: its id names the passage's stored id (passage @ version), the paragraph's place
and a hash of its text; its metadata the document and version, so it is deleted with them. Their own
collection keeps the passages' records as small as they were (a write costs with the size of its records),
and a data dir written before it existed simply has none.
"""
from __future__ import annotations

import hashlib
import logging

import numpy as np

from index.chroma import ExplicitOnly

log = logging.getLogger(__name__)
_READ_BATCH = 2000
# records per write call: Chroma holds the GIL through a whole call (see index/store.py). Measured idle, 4k
# already stored, median/max per call 32: 39/95 ms, 64: 50/103 ms, 128: 88/104 ms, 256: 129/156 ms
_WRITE_BATCH = 64


class ParagraphVectors:
    def __init__(self, client, base: str) -> None:
        self.collection = client.get_or_create_collection(f"{base}_units", embedding_function=ExplicitOnly())

    def write(self, doc_id: str, version: str, stored_ids: list[str], units: list[list[str]],
              vectors: np.ndarray | None) -> None:
        """The paragraphs of these passages (`units`: each one's texts; `vectors`: one row per text, in order)."""
        ids = [k for stored, texts in zip(stored_ids, units) for k in unit_ids(stored, texts)]
        if not ids:
            return
        if vectors is None or len(vectors) != len(ids):
            raise ValueError(f"{len(ids)} paragraph units, {0 if vectors is None else len(vectors)} vectors")
        meta = {"doc_id": doc_id, "version": version}
        for i in range(0, len(ids), _WRITE_BATCH):
            chunk = slice(i, i + _WRITE_BATCH)
            self.collection.upsert(ids=ids[chunk], embeddings=vectors[chunk].tolist(),
                                   metadatas=[meta] * len(ids[chunk]))

    def read(self, stored_ids: list[str], units: list[list[str]]) -> list[np.ndarray | None]:
        """One (n, dim) array per passage, None where any of its paragraphs is missing."""
        keys = [unit_ids(stored, texts) for stored, texts in zip(stored_ids, units)]
        flat = [k for ks in keys for k in ks]
        found: dict[str, np.ndarray] = {}
        try:
            for i in range(0, len(flat), _READ_BATCH):
                got = self.collection.get(ids=flat[i:i + _READ_BATCH], include=["embeddings"])
                found.update({k: np.asarray(v, dtype=np.float32) for k, v in zip(got["ids"], got["embeddings"])})
        except Exception as e:   # as for passage vectors: a segment this process has not loaded
            log.warning("paragraph vectors not readable from Chroma (%s); passages score by their own", e)
        out: list[np.ndarray | None] = []
        for ks in keys:
            rows = [found.get(k) for k in ks]
            out.append(np.stack(rows) if ks and all(v is not None for v in rows) else None)
        return out

    def delete(self, where: dict) -> None:
        self.collection.delete(where=where)

    def count(self) -> int:
        return self.collection.count()


def unit_ids(stored_id: str, texts: list[str]) -> list[str]:
    """A paragraph's stored id: its passage's, its place and its text's hash, so a change to how passages
    are cut into paragraphs (index/maxp.py) finds no stale vector: those passages score by their own."""
    return [f"{stored_id}#{i}.{hashlib.sha256(t.encode()).hexdigest()[:12]}" for i, t in enumerate(texts)]
