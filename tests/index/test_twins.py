"""A scan of a stored document, its number misread by OCR, is taken for that document, not added; a scan
never silently replaces the document's full text; another document of the same office and day is added.
The scans enter through Indexer.add_text with an OCR confidence, the step the OCR reader feeds (Tesseract
with Vietnamese data is not installed where these tests run: tests/ingest/test_ocr.py covers the OCR)."""
from __future__ import annotations

import pytest

from core.settings import Settings
from index.twins import near_number
from service.engine import Engine
from tests.conftest import CORPUS

SEED04 = CORPUS / "2024-09-16_04-CTr-CDVC_binh-dinh_nang-cao-nang-luc-can-bo-cdcs.txt"


@pytest.mark.parametrize(("a", "b", "same"), [
    ("04/CTr-CĐVC", "04/CTr-CĐĐVC", True),      # a letter doubled
    ("04/CTr-CĐVC", "O4/CTr-CDVC", True),       # O for 0, Đ read as D
    ("04/CTr-CĐVC", "04/CTr-CĐVC", True),
    ("04/KH-CĐN", "05/KH-CĐN", False),          # the next document of the same office
    ("04/CTr-CĐVC", "04/QĐ-LĐLĐ", False),       # another kind of document
    ("04/CTr-CĐVC", None, False),
])
def test_near_numbers(a, b, same):
    assert near_number(a, b) is same


@pytest.fixture()
def engine(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", embed_model="fake",
                        llm_url=None, telegram_token=None)
    with Engine.open(settings) as e:
        assert e.add_bytes(SEED04.read_bytes(), SEED04.name).status == "added"
        yield e


def scanned(text: str) -> str:
    """OCR slips: the number misread, a few letters lost in the body."""
    return text.replace("04/CTr-CĐVC", "04/CTr-CĐĐVC").replace("công đoàn cơ sở", "công doàn cơ sở", 3)


def test_a_scan_with_its_number_one_letter_off_is_offered_as_the_stored_document(engine):
    stored = engine.documents()[0]
    result = engine.indexer.add_text(scanned(SEED04.read_text(encoding="utf-8")), "ban-quet.pdf",
                                     ocr_confidence=81.0)
    assert result.status == "similar" and result.doc_id == stored.id
    assert "Có vẻ là văn bản" in result.describe() and "04/CTr-CĐĐVC" in result.describe()
    assert [d.id for d in engine.documents()] == [stored.id]          # no second document


def test_a_one_page_scan_never_replaces_the_full_text(engine):
    stored = engine.documents()[0]
    passages = len(engine.document(stored.id).sections)
    first_page = "\n".join(SEED04.read_text(encoding="utf-8").split("\n")[:40])
    result = engine.indexer.add_text(first_page, "trang-1.jpg", ocr_confidence=74.0)
    assert result.status == "similar" and result.doc_id == stored.id and result.twin_of
    assert len(engine.document(stored.id).sections) == passages
    assert engine.documents()[0].meta.ocr_confidence is None             # still the text-layer version


def test_another_document_of_the_same_office_and_day_is_added(engine):
    other = ("LIÊN ĐOÀN LAO ĐỘNG TỈNH BÌNH ĐỊNH\nCÔNG ĐOÀN VIÊN CHỨC TỈNH BÌNH ĐỊNH\nSố: 05/CTr-CĐVC\n"
             "Bình Định, ngày 16 tháng 9 năm 2024\nCHƯƠNG TRÌNH\nCông tác nữ công năm 2025\n"
             "I. MỤC TIÊU\n1. Nâng cao vai trò của ban nữ công công đoàn cơ sở trong các trường học.\n"
             "2. Tổ chức các hoạt động chăm lo cho nữ đoàn viên nhân ngày 8/3 và 20/10.\n")
    result = engine.indexer.add_text(other, "05.pdf", ocr_confidence=80.0)
    assert result.status == "added" and result.twin_of is None
    assert len(engine.documents()) == 2
