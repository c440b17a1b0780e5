"""Metadata the seeds leave implicit: an undated programme's year from its term, clean recipients."""
from __future__ import annotations

from index.records import Filters
from ingest.meta import recipient
from tests.conftest import parsed_seed as parsed


def test_undated_programme_gets_the_first_year_of_its_term_marked_inferred():
    doc = parsed("2023_ctr-hanh-dong_lai-chau")
    assert doc.meta.date is None and doc.meta.inferred_year == 2023
    assert Filters(year=2023).matches(doc.summary()) and not Filters(year=2024).matches(doc.summary())
    assert not doc.id.count("2023")   # identity is unchanged by an inferred year


def test_dated_document_has_no_inferred_year():
    doc = parsed("2026-01-21_01-CTr-LDLD")
    assert doc.meta.date == "2026-01-21" and doc.meta.inferred_year is None


def test_recipients_lose_braces_and_purpose_notes():
    recipients = parsed("2026-01-21_01-CTr-LDLD").meta.recipients
    assert "Các CĐCS trực thuộc" in recipients and not any("}" in r or r.lower() == "b/c" for r in recipients)
    assert recipient("- } B/c") == "" and recipient("- Ban Tổ chức TU; (b/c)") == "Ban Tổ chức TU"
    assert recipient("- Lưu: VT.") == "Lưu: VT"


def test_inferred_year_survives_the_store_summary(tmp_path):
    """The year filter reads document summaries from the store's records: the inferred year must be there."""
    from index.store import _summary, doc_fields
    doc = parsed("2023_ctr-hanh-dong_lai-chau")
    summary = _summary(doc.id, doc_fields(doc))
    assert summary.meta.inferred_year == 2023 and Filters(year=2023).matches(summary)


def test_proper_names_keep_their_capitals():
    from ingest.meta import proper_case
    assert proper_case("LIÊN ĐOÀN LAO ĐỘNG TỈNH LAI CHÂU") == "Liên đoàn Lao động tỉnh Lai Châu"
    assert proper_case("TRƯỜNG THCS BẢN GIANG") == "Trường THCS Bản Giang"
    assert proper_case("CÔNG ĐOÀN CÔNG TY TNHH MINH PHÁT") == "Công đoàn công ty TNHH Minh Phát"
    title = "NÂNG CAO CHẤT LƯỢNG CÔNG TÁC TRONG TRƯỜNG HỌC"   # "trường" without a school level is no name
    assert proper_case(title) == "Nâng cao chất lượng công tác trong trường học"
