"""The store's records outside Chroma: the SQLite file a backup carries (`records.sqlite`), and reading the
same rows from a live Chroma store, so a backup and its restore are compared row for row.

The archive holds records, not Chroma's files: a file copy is only good for the Chroma version that wrote
it and is whole only if Chroma had written everything out, while records read through Chroma's API and
checked (index/check.py) are; restoring adds them through the same API into a fresh data dir, so the
restored store is Chroma's own, whatever version wrote the backup.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

COLLECTIONS = ("documents", "trees", "passages", "units")   # `changes` is not kept: a restored store starts anew
READ_BATCH = 2000


@dataclass(frozen=True)
class Row:
    id: str
    document: str | None
    metadata: dict
    embedding: np.ndarray       # float32


def chroma_rows(collection) -> Iterator[Row]:
    """Every record of a Chroma collection, in batches by id (the 208 laws' ~96k paragraph vectors would be
    over a gigabyte as one list of Python floats; pages by offset cost more the further they go). Stable only
    while nothing writes: a copy, or the write lock held."""
    ids = collection.get(include=[])["ids"]
    for i in range(0, len(ids), READ_BATCH):
        got = collection.get(ids=ids[i:i + READ_BATCH], include=["metadatas", "embeddings", "documents"])
        for row_id, document, metadata, embedding in zip(got["ids"], got["documents"], got["metadatas"],
                                                         got["embeddings"]):
            yield Row(row_id, document, dict(metadata or {}), np.asarray(embedding, dtype=np.float32))


class RecordsDb:
    """records.sqlite: one table of rows (collection, id, document, metadata as JSON, embedding as float32)."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE TABLE IF NOT EXISTS records (collection TEXT, id TEXT, document TEXT, "
                        "metadata TEXT, embedding BLOB, PRIMARY KEY (collection, id))")

    def write(self, name: str, rows: Iterator[Row]) -> int:
        n = 0
        batch = []
        for row in rows:
            batch.append((name, row.id, row.document, json.dumps(row.metadata, ensure_ascii=False, sort_keys=True),
                          row.embedding.astype(np.float32).tobytes()))
            n += 1
            if len(batch) >= READ_BATCH:
                self.db.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?)", batch)
                batch = []
        self.db.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?)", batch)
        self.db.commit()
        return n

    def rows(self, name: str) -> Iterator[Row]:
        cursor = self.db.execute("SELECT id, document, metadata, embedding FROM records WHERE collection = ? "
                                 "ORDER BY rowid", (name,))
        for row_id, document, metadata, embedding in cursor:
            yield Row(row_id, document, json.loads(metadata), np.frombuffer(embedding, dtype=np.float32))

    def embeddings(self, name: str, ids: list[str]) -> dict[str, np.ndarray]:
        out = {}
        for i in range(0, len(ids), 500):   # SQLite's limit on bound parameters
            chunk = ids[i:i + 500]
            cursor = self.db.execute(f"SELECT id, embedding FROM records WHERE collection = ? AND id IN "
                                     f"({', '.join('?' * len(chunk))})", (name, *chunk))
            out.update({row_id: np.frombuffer(blob, dtype=np.float32) for row_id, blob in cursor})
        return out

    def count(self, name: str) -> int:
        return self.db.execute("SELECT COUNT(*) FROM records WHERE collection = ?", (name,)).fetchone()[0]

    def close(self) -> None:
        self.db.close()


def digest(rows: Iterator[Row]) -> str:
    """One hash of a collection's rows (ids, texts, metadata) in id order: equal digests, equal rows. Vectors
    are compared apart (`same_vectors`): Chroma normalises a cosine collection's vectors as they are added,
    and normalising a unit vector again moves a few of its float32 components by one ulp."""
    h = hashlib.sha256()
    for _, row_hash in sorted((r.id, hashlib.sha256(_row_bytes(r)).digest()) for r in rows):
        h.update(row_hash)
    return h.hexdigest()


def _row_bytes(r: Row) -> bytes:
    meta = json.dumps(r.metadata, ensure_ascii=False, sort_keys=True)
    return b"\0".join([r.id.encode(), (r.document or "").encode(), meta.encode()])


def same_vectors(restored: Iterator[Row], archive: RecordsDb, name: str, tolerance: float = 1e-5) -> list[str]:
    """Ids whose restored vector differs from the archive's by more than float32 rounding (or is missing)."""
    wrong = []
    batch: list[Row] = []

    def compare() -> None:
        kept = archive.embeddings(name, [r.id for r in batch])
        for r in batch:
            v = kept.get(r.id)
            if v is None or v.shape != r.embedding.shape or np.max(np.abs(v - r.embedding), initial=0) > tolerance:
                wrong.append(r.id)
        batch.clear()

    for row in restored:
        batch.append(row)
        if len(batch) >= READ_BATCH:
            compare()
    compare()
    return wrong
