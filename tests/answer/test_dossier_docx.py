"""The Word dossier as offices expect it, checked from the file: A4, Nghị định 30/2020 margins, Times New
Roman 13-14 in every style a paragraph uses (no theme font left to override it), quotations upright, and
no section heading repeated inside the quotation under it. Then LibreOffice lays it out on A4."""
from __future__ import annotations

import io
import subprocess
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from answer import export
from answer.dossier import build_dossier
from answer.office_page import QUOTE

TOPIC = "đào tạo bồi dưỡng cán bộ công đoàn"
THEMES = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


@pytest.fixture(scope="module")
def dossier(seed_engine):
    return build_dossier(seed_engine, TOPIC)


@pytest.fixture(scope="module")
def data(dossier) -> bytes:
    return export.dossier_docx(dossier)


def mm(length) -> float:
    return length / Mm(1)


def test_page_is_a4_with_the_margins_of_nghi_dinh_30(data):
    section = docx.Document(io.BytesIO(data)).sections[0]
    assert round(mm(section.page_width)) == 210 and round(mm(section.page_height)) == 297
    assert 20 <= round(mm(section.top_margin)) <= 25 and 20 <= round(mm(section.bottom_margin)) <= 25
    assert 30 <= round(mm(section.left_margin)) <= 35 and 15 <= round(mm(section.right_margin)) <= 20


def resolved(paragraph, attribute: str):
    """A run's font attribute as Word resolves it: the run, then the paragraph style and its bases."""
    for run in paragraph.runs:
        value = getattr(run.font, attribute)
        if value is not None:
            return value
    style = paragraph.style
    while style is not None:
        value = getattr(style.font, attribute)
        if value is not None:
            return value
        style = style.base_style
    return None


def test_every_paragraph_is_times_new_roman_13_to_14(data):
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    assert len(paragraphs) > 30
    for p in paragraphs:
        assert resolved(p, "name") == "Times New Roman", (p.style.name, p.text[:60])
        assert 13 <= resolved(p, "size").pt <= 14, (p.style.name, p.text[:60])
    styles = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode()
    defaults = styles[styles.index("<w:docDefaults>"):styles.index("</w:docDefaults>")]
    assert 'w:ascii="Times New Roman"' in defaults and not any(t in defaults for t in THEMES)
    for name in {p.style.name for p in paragraphs}:   # a theme font would override the named one
        fonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts is not None and not any(fonts.get(qn("w:" + t)) for t in THEMES), name


def test_quotations_are_upright_and_do_not_repeat_their_heading(data, dossier):
    paragraphs = docx.Document(io.BytesIO(data)).paragraphs
    quotes = [p for p in paragraphs if p.style.name == QUOTE]
    assert len(quotes) >= dossier.size
    assert all(not resolved(q, "italic") for q in quotes)
    assert "100% chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng" in " ".join(q.text for q in quotes)
    headings = 0
    for before, after in zip(paragraphs, paragraphs[1:]):
        if before.style.name == "Heading 2":
            headings += 1
            parts = before.text.split(" › ")
            assert after.style.name == QUOTE and after.text.strip() not in parts, (before.text, after.text)
    assert headings == dossier.size


def test_a_shortened_heading_is_shown_whole():
    from answer.export import quoted

    class HitLike:
        heading_path = ("III. NHIỆM VỤ", "1.2. Tiếp tục nâng cao chất lượng công tác đào tạo,…")
        text = "III. NHIỆM VỤ\n1.2. Tiếp tục nâng cao chất lượng công tác đào tạo, bồi dưỡng\n- Mở lớp tập huấn."
        section_id = "3.1.2"

    heading, lines = quoted(HitLike())
    assert heading == "III. NHIỆM VỤ › 1.2. Tiếp tục nâng cao chất lượng công tác đào tạo, bồi dưỡng"
    assert lines == ["- Mở lớp tập huấn."]


def test_libreoffice_lays_it_out_on_a4(data, tmp_path):
    from ingest import office

    if office.soffice() is None:
        pytest.skip("LibreOffice is not installed")
    (tmp_path / "ho-so.docx").write_bytes(data)
    subprocess.run([office.soffice(), f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "ho-so.docx")],
                   check=True, capture_output=True, timeout=180)
    import pypdf

    pages = pypdf.PdfReader(tmp_path / "ho-so.pdf").pages
    for page in pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1, (width, height)   # A4 in points
    fonts = {str(f.get_object()["/BaseFont"]) for page in pages for f in page["/Resources"]["/Font"].values()}
    # Times New Roman, or the serif LibreOffice puts in its place where it is not installed (DejaVu Serif on
    # the test machine); OpenSymbol draws the list bullets. Never Calibri or its twin Carlito, nor a sans
    text_fonts = {f for f in fonts if "OpenSymbol" not in f}
    assert text_fonts and all("Times" in f or "Serif" in f for f in text_fonts), fonts
    assert not any("Calibri" in f or "Carlito" in f or "Sans" in f for f in fonts), fonts
