"""READER_VERSION (index/build.py) names what the readers, parser, passage builder and lexical analysis make of
a file; the stored form is rewritten only when it changes. This test reads the seeds along that path (the bytes,
the reader, the parser, the passages, the BM25 tokens) and fails when their digest changes without a bump."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from index import build
from index.analyze import analyze
from ingest.parse import parse_document
from ingest.passages import build_passages
from ingest.readers import extract
from tests.conftest import seed_files


def stored_form_digest() -> str:
    h = hashlib.sha256()
    for f in seed_files():
        found = extract(f.read_bytes(), f.name)
        doc = parse_document(found.text, f.name, ocr_confidence=found.ocr_confidence)
        passages = build_passages(doc)
        lex = [analyze(build.lexical_text(p, doc)) for p in passages]
        form = {"document": asdict(doc), "passages": [asdict(p) for p in passages], "lexical": lex}
        h.update(json.dumps(form, sort_keys=True, ensure_ascii=False, default=str).encode())
    return h.hexdigest()[:16]


def test_what_the_readers_make_of_the_seeds_changes_only_with_reader_version():
    digest = stored_form_digest()
    assert digest == build.READER_DIGEST, (
        f"what ingest makes of the seeds changed (digest {digest}): bump READER_VERSION in index/build.py "
        f"(every stored file is then re-read on the next ingest) and set READER_DIGEST = \"{digest}\"")


def test_the_code_stamp_is_the_reader_version_not_the_source_text():
    assert build._CODE_STAMP == f"sotay reader {build.READER_VERSION}".encode()
