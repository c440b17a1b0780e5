"""The note an answer from a replaced or ended document opens with (answer/status.py), on the real seeds and
laws with their derived validity; the HTTP path is in tests/api/test_validity.py."""
from __future__ import annotations

import datetime as dt

import pytest

from answer.compose import MAX_ANSWER
from answer.records import Answer, Citation
from answer.status import short_name, status_note, with_status
from index.validity import with_validity
from ingest.parse import parse_document
from tests.conftest import SHARED, seed_files

LAWS = SHARED / "bench/laws"


@pytest.fixture(scope="module")
def docs():
    paths = [*seed_files(), *(LAWS / n for n in ("Luat-Doanh-nghiep-2014-259730.txt",
                                                 "Luat-Doanh-nghiep-so-59-2020-QH14-427301.txt"))]
    summaries = [parse_document(p.read_text(encoding="utf-8"), p.name).summary() for p in paths]
    return {d.id: d for d in with_validity(summaries, dt.date(2026, 12, 2))}


def by(docs, prefix: str):
    return next(d for d in docs.values() if d.source.startswith(prefix))


def cited(doc, text: str = "Theo Điều 1, … “…”") -> Answer:
    citation = Citation(text="…", citation="…", doc_id=doc.id, section_id="s", heading_path=(), passage_id="p")
    return Answer(question="?", answer=text, found=True, citations=(citation,))


def test_documents_are_named_by_number_else_by_kind_and_term(docs):
    assert short_name(by(docs, "Luat-Doanh-nghiep-2014")) == "Luật Doanh nghiệp số 68/2014/QH13"
    assert short_name(by(docs, "2018")) == "Chương trình hành động nhiệm kỳ 2018 - 2023"
    assert short_name(by(docs, "2024-05-23")).startswith("Báo cáo sơ kết 05 năm")   # no number, no term


def test_notes_for_replaced_and_ended_documents_only(docs):
    assert status_note(by(docs, "Luat-Doanh-nghiep-2014"), docs) == (
        "Lưu ý: Luật Doanh nghiệp số 68/2014/QH13 đã được thay thế bởi Luật Doanh nghiệp số 59/2020/QH14 "
        "từ ngày 01/01/2021.")
    assert status_note(by(docs, "2018"), docs) == (
        "Lưu ý: Chương trình hành động nhiệm kỳ 2018 - 2023 (đã hết nhiệm kỳ); "
        "văn bản hiện hành: Chương trình hành động nhiệm kỳ 2023 - 2028.")
    for prefix in ("Luat-Doanh-nghiep-so-59", "2023", "2024-05-23", "2026"):
        assert status_note(by(docs, prefix), docs) is None


def test_the_note_opens_the_answer_and_never_takes_it_past_the_limit(docs):
    old = by(docs, "Luat-Doanh-nghiep-2014")
    noted = with_status(cited(old), docs)
    assert noted.answer.startswith("Lưu ý: Luật Doanh nghiệp số 68/2014/QH13") and noted.answer.endswith("“…”")
    full = "x" * (MAX_ANSWER - 20)
    assert with_status(cited(old, full), docs).answer == full
    assert with_status(cited(by(docs, "2023")), docs).answer == "Theo Điều 1, … “…”"
    unfound = Answer(question="?", answer="Chưa tìm thấy nội dung này", found=False, citations=cited(old).citations)
    assert with_status(unfound, docs) is unfound
