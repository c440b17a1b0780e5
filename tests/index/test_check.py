"""The store's consistency check (index/check.py) finds each way a store can be incomplete; a whole store of
the seeds (the real model, a real Chroma) passes."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from index.check import check
from index.records_db import chroma_rows


@pytest.fixture(scope="module")
def rows(seed_engine) -> dict[str, list]:
    store = seed_engine.store
    collections = {"documents": store.documents, "trees": store.trees, "passages": store.passages,
                   "units": store.units.collection}
    return {name: list(chroma_rows(c)) for name, c in collections.items()}


def _check(rows, **changed):
    return check(lambda name: iter(changed.get(name, rows[name])))


def test_a_whole_store_passes(rows):
    assert rows["passages"] and rows["units"]
    assert _check(rows) == []


def test_each_kind_of_damage_is_found(rows):
    doc, *others = rows["documents"]
    pending = [replace(doc, metadata={**doc.metadata, "pending": "v2"}), *others]
    assert "half done" in " ".join(_check(rows, documents=pending))
    assert "no section tree" in " ".join(_check(rows, trees=rows["trees"][1:]))
    first = next(p for p in rows["passages"] if p.metadata["doc_id"] == doc.id)
    lost = [r for r in rows["passages"] if r is not first]
    assert "passages, its record says" in " ".join(_check(rows, passages=lost))
    dense = next(r for r in rows["passages"] if r.metadata.get("dense"))
    zeroed = [replace(r, embedding=np.zeros_like(r.embedding)) if r is dense else r for r in rows["passages"]]
    assert "vector is zero" in " ".join(_check(rows, passages=zeroed))
    no_tokens = [replace(r, metadata={**r.metadata, "lex": ""}) if r is dense else r for r in rows["passages"]]
    assert "no BM25 tokens" in " ".join(_check(rows, passages=no_tokens))
    assert "paragraph vectors missing" in " ".join(_check(rows, units=rows["units"][1:]))
    stale = [*rows["passages"], replace(dense, id=dense.id + "x", metadata={**dense.metadata, "version": "old"})]
    assert "of no current version" in " ".join(_check(rows, passages=stale))
