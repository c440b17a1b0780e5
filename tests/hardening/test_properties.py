"""Property tests over arbitrary Unicode: the analyser, cleaner, segmenter and composer never crash;
the analyser never emits an empty token; normalisation is idempotent; passages cover the body text."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from answer.compose import compose
from index.analyze import analyze, folded_terms
from ingest.clean import clean, normalise
from ingest.parse import parse_document
from ingest.passages import build_passages, own_text

# letters from every script plus Vietnamese, punctuation, digits, spaces and newlines
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
VIETNAMESE = st.text(st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằắẳẵặấầẩẫậèéẻẽẹếềểễệìíỉĩị"
                                          "òóỏõọốồổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ ĐCÔNGÐOÀN.,;:/-0123456789\nIVX()")),
                     max_size=400)
RUNS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RUNS
@given(st.one_of(TEXT, VIETNAMESE), st.booleans())
def test_analyser_never_crashes_nor_emits_an_empty_token(text, query):
    for tokens in (analyze(text, query=query), folded_terms(text, query=query)):
        assert all(t and t.strip() == t for t in tokens), tokens


@RUNS
@given(st.one_of(TEXT, VIETNAMESE))
def test_normalisation_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once


@RUNS
@given(st.one_of(TEXT, VIETNAMESE))
def test_cleaner_and_segmenter_never_crash(text):
    clean(text)
    doc = parse_document(text, "tuy-y.txt")
    build_passages(doc)


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", normalise(text)))


@RUNS
@given(st.lists(VIETNAMESE, min_size=1, max_size=6))
def test_passages_cover_all_body_text(paragraphs):
    text = "CHƯƠNG TRÌNH\nI. MỤC ĐÍCH\n" + "\n".join(paragraphs) + "\nII. NỘI DUNG\n" + "\n".join(reversed(paragraphs))
    doc = parse_document(text, "phu.txt")
    passages = build_passages(doc)
    covered = set().union(*(words(p.text) for p in passages)) if passages else set()
    body = set().union(*(words(own_text(s)) for s in doc.sections)) if doc.sections else set()
    assert body <= covered, sorted(body - covered)[:10]


@pytest.fixture(scope="module")
def hits(seed_engine):
    return seed_engine.search("công đoàn cơ sở", k=5)


def test_composer_never_crashes_on_arbitrary_questions(hits):
    @RUNS
    @given(TEXT)
    def check(question):
        answer = compose(question, hits)
        assert isinstance(answer.answer, str) and answer.answer
    check()
