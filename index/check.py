"""Is a store whole? The check a backup runs on what it read and a restore on what it wrote: every listed
document complete (its tree, exactly its passages, no write left half done), every passage with its BM25
tokens, a vector where it says it has one, and the paragraph vectors it says it has; nothing left over from
another version. Returns problems as lines a person can read (English: an operator's log), empty when whole.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator

import numpy as np

from index.maxp import units
from index.paragraph_vectors import unit_ids
from index.records_db import Row
from index.store import versioned

Rows = Callable[[str], Iterator[Row]]   # collection name → its rows
SHOWN = 20                             # problems listed; the count says how many more


def check(rows: Rows, has_original: Callable[[str], bool] | None = None) -> list[str]:
    problems: list[str] = []
    versions: dict[str, str] = {}
    expected: dict[str, int] = {}
    for r in rows("documents"):
        m = r.metadata
        if not m.get("version") or m.get("pending"):
            problems.append(f"document {r.id}: a write left half done (version {m.get('version')!r}, "
                            f"pending {m.get('pending')!r})")
            continue
        versions[r.id] = m["version"]
        expected[r.id] = int(m.get("n_passages") or 0)
        if has_original is not None and m.get("original") and not has_original(m["original"]):
            problems.append(f"document {r.id}: its original {m['original']} is missing")
    trees = {r.id for r in rows("trees")}
    problems += [f"document {d}: no section tree for version {v}" for d, v in versions.items()
                 if versioned(d, v) not in trees]
    problems += [f"tree {t}: of no current version" for t in
                 sorted(trees - {versioned(d, v) for d, v in versions.items()})]
    counted: Counter[str] = Counter()
    wanted_units: dict[str, list[str]] = {}
    for r in rows("passages"):
        m = r.metadata
        doc_id = m.get("doc_id", "")
        if versions.get(doc_id) != m.get("version"):
            problems.append(f"passage {r.id}: of no current version of {doc_id}")
            continue
        counted[doc_id] += 1
        if not (m.get("lex") or "").strip():
            problems.append(f"passage {r.id}: no BM25 tokens")
        if m.get("dense") and not np.any(r.embedding):
            problems.append(f"passage {r.id}: flagged dense but its vector is zero")
        if m.get("units"):
            texts = units(tuple(json.loads(m.get("heading_path") or "[]")), r.document or "")
            wanted_units[r.id] = unit_ids(r.id, texts)
    problems += [f"document {d}: {counted[d]} passages, its record says {n}" for d, n in expected.items()
                 if n and counted[d] != n]
    found_units: set[str] = set()
    for r in rows("units"):
        if versions.get(r.metadata.get("doc_id", "")) != r.metadata.get("version"):
            problems.append(f"paragraph vector {r.id}: of no current version")
        elif not np.any(r.embedding):
            problems.append(f"paragraph vector {r.id}: zero")
        found_units.add(r.id)
    problems += [f"passage {p}: paragraph vectors missing" for p, ids in wanted_units.items()
                 if not found_units.issuperset(ids)]
    if len(problems) > SHOWN:
        problems = problems[:SHOWN] + [f"… and {len(problems) - SHOWN} more"]
    return problems
