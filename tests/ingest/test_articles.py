"""One passage per article (Điều) of a law: never grouped with another, a long one still cut by its khoản.
Real laws from the benchmark, real seeds."""
from __future__ import annotations

import re

import pytest

from ingest.parse import parse_document
from ingest.passages import MAX_CHARS, build_passages
from ingest.readers import read_text
from tests.conftest import SHARED, seed_files

LAWS = ["Luat-Cong-doan-2012-142186.txt", "Bo-Luat-lao-dong-2019-333670.txt"]


@pytest.fixture(scope="module")
def laws():
    return [parse_document(read_text(SHARED / "bench" / "laws" / name), name) for name in LAWS]


def _article_heads(text: str) -> list[str]:
    return re.findall(r"^Điều \d+[a-zđ]?\.", text, flags=re.M)


def test_no_passage_holds_two_articles(laws):
    for doc in laws:
        passages = build_passages(doc, articles_alone=True)
        assert len({p.id for p in passages}) == len(passages)
        for p in passages:
            assert len(p.text) <= MAX_CHARS
            assert len(_article_heads(p.text)) <= 1, (p.id, _article_heads(p.text))
            assert not re.search(r"\(Điều \S+ – Điều \S+\)$", p.citation), p.citation


def test_every_article_is_cited_by_its_own_passages(laws):
    for doc in laws:
        passages = build_passages(doc, articles_alone=True)
        cited = {p.section_id for p in passages}
        for s in doc.sections:
            if s.label.startswith("Điều "):
                assert any(c == s.id or c.startswith(s.id + ".") for c in cited), s.id


def test_a_short_article_stands_alone_under_its_chapter_heading(laws):
    union = laws[0]   # Luật Công đoàn 2012: Điều 5 – 7 of Chương I share one passage when grouped
    grouped = next(p for p in build_passages(union, articles_alone=False) if "Điều 5. Quyền thành lập" in p.text)
    assert grouped.citation.endswith("(Điều 5 – Điều 7)")
    alone = next(p for p in build_passages(union, articles_alone=True) if "Điều 5. Quyền thành lập" in p.text)
    assert alone.section_id == "CI.D5" and alone.id == f"{union.id}:CI.D5"
    assert alone.text.startswith("Chương I. NHỮNG QUY ĐỊNH CHUNG\nĐiều 5. Quyền thành lập")
    assert "Điều 6." not in alone.text


def test_a_long_article_is_still_cut_by_its_khoan(laws):
    union = laws[0]   # Điều 10 runs past the limit: khoản 1 – 9, then khoản 10
    parts = [p for p in build_passages(union, articles_alone=True) if p.section_id.startswith("CII.M1.D10")]
    assert [p.section_id for p in parts] == ["CII.M1.D10", "CII.M1.D10.K10"]
    assert parts[0].citation.endswith("(khoản 1 – khoản 9)")
    assert all(len(p.text) <= MAX_CHARS for p in parts)


def test_seed_programmes_are_the_same_either_way():
    for f in seed_files():
        doc = parse_document(read_text(f), f.name)
        grouped = [(p.id, p.citation, p.text) for p in build_passages(doc, articles_alone=False)]
        alone = [(p.id, p.citation, p.text) for p in build_passages(doc, articles_alone=True)]
        assert grouped == alone, f.name
