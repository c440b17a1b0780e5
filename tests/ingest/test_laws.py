"""All 208 benchmark laws parse without errors, with their chapters and articles found."""
from __future__ import annotations

import time

from ingest.parse import parse_document
from ingest.passages import build_passages
from ingest.readers import read_text
from tests.conftest import SHARED


def test_every_law_parses():
    laws = sorted((SHARED / "bench" / "laws").glob("*.txt"))
    assert len(laws) == 208
    started = time.perf_counter()
    sections = passages = 0
    for f in laws:
        doc = parse_document(read_text(f), f.name)
        articles = [s for s in doc.sections if s.label.startswith("Điều")]
        assert articles, f.name
        assert doc.meta.doc_type in ("Luật", "Bộ luật", None), f.name
        built = build_passages(doc)
        assert all(len(p.text) <= 1500 for p in built)
        sections += len(doc.sections)
        passages += len(built)
    print(f"laws: 208 documents, {sections} sections, {passages} passages, 0 failures, "
          f"{time.perf_counter() - started:.1f} s")
