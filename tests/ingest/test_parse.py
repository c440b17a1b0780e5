"""Parsing the real seeds: metadata, section tree, page-break joins, footnotes, passages."""
from __future__ import annotations

import re

import pytest

from ingest.clean import clean
from ingest.parse import parse_document
from ingest.passages import MAX_CHARS, build_passages
from ingest.readers import read_text
from ingest.sections import split_sections
from tests.conftest import seed_files


@pytest.fixture(scope="module")
def docs():
    return {f.name: parse_document(read_text(f), f.name) for f in seed_files()}


def by_prefix(docs, prefix):
    return next(d for name, d in docs.items() if name.startswith(prefix))


def test_metadata_of_the_seeds(docs):
    lai_chau = by_prefix(docs, "2026-01-21")
    assert (lai_chau.meta.number, lai_chau.meta.date, lai_chau.meta.place, lai_chau.meta.doc_type) == (
        "01/CTr-LĐLĐ", "2026-01-21", "Lai Châu", "Chương trình")
    assert lai_chau.meta.signer == "Lương Xuân Trường"
    assert "Tổng Liên đoàn LĐVN" in lai_chau.meta.recipients

    binh_dinh = by_prefix(docs, "2024-09-16")
    assert (binh_dinh.meta.number, binh_dinh.meta.date, binh_dinh.meta.place) == (
        "04/CTr-CĐVC", "2024-09-16", "Bình Định")
    assert binh_dinh.meta.issuer == "Công đoàn Viên chức tỉnh Bình Định"
    assert binh_dinh.meta.signer == "Nguyễn Thị Phương Loan"
    assert binh_dinh.meta.title.startswith("Nâng cao năng lực cán bộ công đoàn cơ sở đáp ứng")

    report = by_prefix(docs, "2024-05-23")
    assert (report.meta.doc_type, report.meta.date, report.meta.signer) == ("Báo cáo", "2024-05-23", "Hoàng Thọ Trung")
    assert report.meta.number is None   # absent, not guessed

    xiii = by_prefix(docs, "2023_")
    cadres = by_prefix(docs, "2018_")
    assert xiii.meta.doc_type == cadres.meta.doc_type == "Chương trình hành động"
    assert xiii.meta.signer == "Hoàng Thọ Trung"
    assert cadres.meta.signer == "Nguyễn Lương Bình"
    assert xiii.meta.date is None


def test_heading_path_and_target_passage(docs):
    xiii = by_prefix(docs, "2023_")
    section = next(s for s in xiii.sections if s.id == "II.2.1")
    assert section.heading_path == ("II. NỘI DUNG, CHƯƠNG TRÌNH HÀNH ĐỘNG", "2. Thực hiện một số chỉ tiêu phấn đấu",
                                    "2.1. Chỉ tiêu hàng năm")
    assert "100% chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng" in section.text
    passage = next(p for p in build_passages(xiii) if p.section_id == "II.2.1")
    assert "100% chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng" in passage.text
    assert passage.citation.endswith("— II.2.1 Chỉ tiêu hàng năm")
    assert passage.citation.startswith("Chương trình hành động thực hiện Nghị quyết Đại hội Công đoàn tỉnh Lai Châu")


def test_page_break_join(docs):
    report = by_prefix(docs, "2024-05-23")
    text = "\n".join(s.text for s in report.sections)
    assert "khả năng quy tự đoàn viên" in text
    assert "quan hệ lao động để đáp ứng" in "\n".join(s.text for s in by_prefix(docs, "2026-01-21").sections)


def test_footnote_attached_to_the_citing_section(docs):
    report = by_prefix(docs, "2024-05-23")
    rotation = next(s for s in report.sections if "luân chuyển cán bộ" in s.heading and s.heading.startswith("5."))
    assert any("Quy định số 18-QĐ/ĐĐ" in note for note in rotation.footnotes)
    passage = next(p for p in build_passages(report) if p.section_id == rotation.id)
    assert "Quy định số 18-QĐ/ĐĐ" in passage.text
    assert "luân chuyển" in passage.citation
    # footnote lines no longer interrupt the body text
    assert not any(line.startswith("⁴") for s in report.sections for line in s.text.split("\n"))


def test_layout_debris_is_dropped(docs):
    for doc in docs.values():
        for s in doc.sections:
            assert "**" not in s.text and "\t" not in s.text
    binh_dinh = by_prefix(docs, "2024-09-16")
    assert binh_dinh.sections[0].kind == "preamble"
    assert "CỘNG HÒA" not in binh_dinh.sections[0].text


def test_preamble_and_closing_are_their_own_parts(docs):
    for doc in docs.values():
        kinds = [s.kind for s in doc.sections]
        assert kinds[0] == "preamble" and kinds[-1] == "closing"
        assert "Nơi nhận" in doc.sections[-1].text or "TM." in doc.sections[-1].text


def test_passages_are_bounded_and_cut_between_sentences(docs):
    for doc in docs.values():
        passages = build_passages(doc)
        assert len({p.id for p in passages}) == len(passages)
        for p in passages:
            assert len(p.text) <= MAX_CHARS
            assert p.citation and p.doc_id == doc.id
            assert re.search(r"[.;:!?…)”\"a-zA-ZÀ-ỹ0-9]$", p.text), p.text[-80:]


def test_ids_are_stable_across_reparse(docs):
    for f in seed_files():
        again = parse_document(read_text(f), f.name)
        before = docs[f.name]
        assert again.id == before.id
        assert [s.id for s in again.sections] == [s.id for s in before.sections]
        assert [p.id for p in build_passages(again)] == [p.id for p in build_passages(before)]


def test_changed_body_keeps_the_document_id(docs):
    f = seed_files()[0]
    text = read_text(f).replace("Chỉ tiêu", "Chỉ tiêu (sửa)", 1)
    changed = parse_document(text, f.name)
    assert changed.id == docs[f.name].id and changed.content_hash != docs[f.name].content_hash


def test_numbering_kinds():
    lines = clean("Phần thứ nhất\nKẾT QUẢ\nI. MỤC TIÊU\n1. Chung\n1.1. Cụ thể\na) điểm a\n(1) ý một\n"
                  "- gạch đầu dòng\n+ dấu cộng\n• chấm\nChương II\nQUY ĐỊNH\nMục 1\nĐiều 5. Quyền\n"
                  "1. Khoản một dài dòng.\na) điểm a của khoản.").lines
    sections = split_sections(lines)
    assert [s.id for s in sections] == [
        "P1", "P1.I", "P1.I.1", "P1.I.1.1", "P1.I.1.1.a", "P1.I.1.1.a.(1)",
        "P1.CII", "P1.CII.M1", "P1.CII.M1.D5", "P1.CII.M1.D5.K1", "P1.CII.M1.D5.K1.a",
    ]
    assert sections[0].heading == "Phần thứ nhất. KẾT QUẢ"
    assert sections[5].text == "- gạch đầu dòng\n+ dấu cộng\n• chấm"   # bullets stay in their section
    assert sections[3].parent == "P1.I.1" and sections[9].label == "khoản 1" and sections[10].label == "điểm a"
