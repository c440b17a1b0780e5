"""Readers: real files of every supported format, built from the seed corpus, read back through read_text."""
from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from core.errors import IngestError
from ingest.legacy import encode_tcvn3, encode_vni
from ingest.readers import check_supported, read_bytes, read_text

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
FONT_PACKAGES = "apt: fonts-dejavu-core (/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf)"


# ----------------------------------------------------------------------------------------------------
# Fixtures and helpers
# ----------------------------------------------------------------------------------------------------

def seed_texts() -> list[str]:
    files = sorted(CORPUS.glob("*.txt"))
    assert files, f"no seed documents in {CORPUS}"
    return [f.read_text(encoding="utf-8") for f in files]


@pytest.fixture(scope="module")
def seed() -> str:
    return seed_texts()[0]


@pytest.fixture(scope="module")
def paragraphs(seed) -> list[str]:
    """The first body paragraphs of the first seed that are long enough to be distinctive."""
    return [p.strip() for p in seed.split("\n") if len(p.strip()) > 120][:4]


def squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def legacy_safe(text: str) -> str:
    """Drop characters a legacy 8-bit file cannot carry: latin-1 symbols (which are letter codes there) and
    anything outside cp1252. Vietnamese letters are kept."""
    return "".join(
        ch for ch in text
        if unicodedata.name(ch, "").startswith("LATIN")
        or (not 0xA1 <= ord(ch) <= 0xFF and ch.encode("cp1252", errors="ignore"))
    )


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def unicode_font() -> Path:
    """A TTF with Vietnamese glyphs; CI installs it with apt. Fails loudly rather than skipping."""
    candidates = [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")]
    try:
        import matplotlib

        candidates.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")
    except ImportError:
        pass
    if shutil.which("fc-match"):
        command = ["fc-match", "--format=%{file}", "DejaVu Sans:lang=vi"]
        found = subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()
        if found.lower().endswith(".ttf"):
            candidates.append(Path(found))
    for path in candidates:
        if path.is_file():
            return path
    pytest.fail(f"no Unicode TTF font for building test PDFs; install {FONT_PACKAGES}")


def expect_error(path: Path, *fragments: str) -> str:
    with pytest.raises(IngestError) as info:
        read_text(path)
    message = str(info.value)
    assert message.startswith(f"{path.name}: "), message
    for fragment in fragments:
        assert fragment in message, message
    return message


# ----------------------------------------------------------------------------------------------------
# Plain text and encodings
# ----------------------------------------------------------------------------------------------------

def test_seeds_read_back_unchanged(tmp_path):
    for i, text in enumerate(seed_texts()):
        path = write(tmp_path, f"seed{i}.txt", text.encode("utf-8"))
        assert read_text(path) == unicodedata.normalize("NFC", text)


@pytest.mark.parametrize("encoding,bom", [
    ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b""),
])
def test_unicode_encodings_read_back_equal(tmp_path, seed, encoding, bom):
    path = write(tmp_path, "doc.md", bom + seed.encode(encoding))
    assert read_text(path) == seed


def test_windows_newlines_become_newlines(tmp_path, paragraphs):
    path = write(tmp_path, "crlf.txt", "\r\n".join(paragraphs).encode())
    assert read_text(path) == "\n".join(paragraphs)


def test_nfd_input_comes_back_nfc(tmp_path, paragraphs):
    path = write(tmp_path, "nfd.txt", unicodedata.normalize("NFD", paragraphs[0]).encode("utf-8"))
    assert read_text(path) == paragraphs[0]


def test_vni_file_reads_back_as_unicode(tmp_path):
    for i, text in enumerate(seed_texts()):
        original = legacy_safe(text)
        path = write(tmp_path, f"vni{i}.txt", encode_vni(original))
        assert read_text(path) == original


def test_tcvn3_file_reads_back_as_unicode(tmp_path, paragraphs):
    # These paragraphs have no title-case accented capital ("Ủy"), so TCVN3 round-trips them exactly.
    original = legacy_safe("\n".join(paragraphs))
    assert read_text(write(tmp_path, "tcvn3.txt", encode_tcvn3(original))) == original
    # In general only the case of accented capitals can be lost (TCVN3 has no codes for them).
    for i, text in enumerate(seed_texts()):
        original = legacy_safe(text)
        text = read_text(write(tmp_path, f"tcvn3_{i}.txt", encode_tcvn3(original)))
        assert text.casefold() == original.casefold()


def test_legacy_text_saved_as_utf8_is_repaired(tmp_path):
    path = write(tmp_path, "copied.txt", "C«ng ®oµn c¬ së ViÖt Nam".encode())
    assert read_text(path) == "Công đoàn cơ sở Việt Nam"


# ----------------------------------------------------------------------------------------------------
# DOCX
# ----------------------------------------------------------------------------------------------------

def test_docx_paragraphs_and_table_in_document_order(tmp_path, paragraphs):
    def build(document):
        document.add_heading("CHƯƠNG TRÌNH HÀNH ĐỘNG", level=1)
        document.add_paragraph(paragraphs[0])
        table = document.add_table(rows=2, cols=3)
        rows = (("Họ và tên", "Chức vụ", "Đơn vị"), ("Nguyễn Thị Hường", "Chủ tịch", "Công đoàn cơ sở"))
        for row, texts in zip(table.rows, rows, strict=True):
            for cell, text in zip(row.cells, texts, strict=True):
                cell.text = text
        document.add_paragraph(paragraphs[1])

    text = read_text(write(tmp_path, "plan.docx", docx_bytes(build)))
    lines = text.split("\n")
    assert lines == [
        "CHƯƠNG TRÌNH HÀNH ĐỘNG", squash(paragraphs[0]), "Họ và tên | Chức vụ | Đơn vị",
        "Nguyễn Thị Hường | Chủ tịch | Công đoàn cơ sở", squash(paragraphs[1]),
    ]


def test_docx_with_vntime_runs_is_converted(tmp_path):
    def build(document):
        run = document.add_paragraph().add_run("Ban ChÊp hµnh C«ng ®oµn c¬ së ®· häp")
        run.font.name = ".VnTime"

    assert read_text(write(tmp_path, "old.docx", docx_bytes(build))) == "Ban Chấp hành Công đoàn cơ sở đã họp"


def test_truncated_docx_is_an_error(tmp_path, paragraphs):
    data = docx_bytes(lambda d: [d.add_paragraph(p) for p in paragraphs])
    expect_error(write(tmp_path, "cut.docx", data[: len(data) // 2]), "DOCX")


def test_docx_missing_its_document_part_is_an_error(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
    expect_error(write(tmp_path, "hollow.docx", buffer.getvalue()), "DOCX")


# ----------------------------------------------------------------------------------------------------
# PDF
# ----------------------------------------------------------------------------------------------------

def test_pdf_text_layer_reads_back(tmp_path, paragraphs):
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(unicode_font()))
    pdf.set_font("DejaVu", size=11)
    for paragraph in paragraphs:
        pdf.add_page()
        pdf.multi_cell(0, 6, paragraph)
    text = read_text(write(tmp_path, "plan.pdf", bytes(pdf.output())))
    for paragraph in paragraphs:
        sentence = re.split(r"(?<=[.;])\s", paragraph)[0]
        assert squash(sentence) in squash(text)


def test_pdf_without_text_layer_needs_ocr(tmp_path):
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    expect_error(write(tmp_path, "scan.pdf", bytes(pdf.output())), "OCR")


def test_pdf_encrypted_for_permissions_only_is_read(tmp_path, paragraphs):
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(unicode_font()))
    pdf.set_font("DejaVu", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, paragraphs[0])
    pdf.set_encryption(owner_password="owner")  # empty user password: anyone may open it
    assert squash(paragraphs[0]) in squash(read_text(write(tmp_path, "locked.pdf", bytes(pdf.output()))))


def test_pdf_with_user_password_is_an_error(tmp_path):
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.cell(text="secret")
    pdf.set_encryption(owner_password="owner", user_password="user")
    expect_error(write(tmp_path, "secret.pdf", bytes(pdf.output())), "encrypted")


def test_corrupt_pdf_is_an_error(tmp_path):
    expect_error(write(tmp_path, "broken.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 4), "PDF")


# ----------------------------------------------------------------------------------------------------
# HTML
# ----------------------------------------------------------------------------------------------------

def test_html_drops_script_style_nav_and_keeps_blocks(tmp_path):
    html = """<!doctype html><html><head><meta charset="utf-8"><title>Tiêu đề</title>
    <style>p { color: red }</style></head><body><nav>Trang chủ | Tin tức</nav>
    <h1>Chương trình hành động</h1><p>Nâng cao <b>chất lượng</b> cán bộ<br>công đoàn cơ sở.</p>
    <script>var secret = "không được hiện";</script><!-- ghi chú -->
    <table><tr><th>Họ và tên</th><th>Chức vụ</th></tr><tr><td>Trần Văn Đức</td><td>Ủy viên</td></tr></table>
    <div>Hết.</div></body></html>"""
    text = read_text(write(tmp_path, "page.html", html.encode("utf-8")))
    assert text.split("\n") == [
        "Chương trình hành động", "Nâng cao chất lượng cán bộ", "công đoàn cơ sở.",
        "Họ và tên | Chức vụ", "Trần Văn Đức | Ủy viên", "Hết.",
    ]


def test_html_declared_windows_1258_charset(tmp_path, paragraphs):
    # cp1258 stores ê, ơ, ư … precomposed and the tone as a separate combining mark.
    def cp1258(text: str) -> bytes:
        out = []
        for ch in text:
            parts = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
            out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones)) + tones)
        return "".join(out).encode("cp1258")

    body = legacy_safe(paragraphs[0])
    html = b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258"></head>' \
           b"<body><p>" + cp1258(body) + b"</p></body></html>"
    assert read_text(write(tmp_path, "old.htm", html)) == squash(body)


def test_html_with_tcvn3_text_is_converted(tmp_path):
    html = '<html><head><meta charset="windows-1252"></head><body><p>C«ng ®oµn c¬ së</p></body></html>'
    assert read_text(write(tmp_path, "abc.htm", html.encode("cp1252"))) == "Công đoàn cơ sở"


def test_html_unclosed_head_and_no_charset(tmp_path):
    html = "<html><head><title>Tiêu đề</title><body><p>Xin chào</p><p>Công đoàn</p>"
    assert read_text(write(tmp_path, "bare.html", html.encode())) == "Xin chào\nCông đoàn"


# ----------------------------------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["empty.txt", "empty.docx", "empty.pdf", "empty.html"])
def test_empty_file(tmp_path, name):
    expect_error(write(tmp_path, name, b""), "empty")


def test_whitespace_only_file(tmp_path):
    expect_error(write(tmp_path, "blank.txt", "  \n\t\n".encode("utf-16")), "empty")


def test_random_bytes_are_binary(tmp_path):
    expect_error(write(tmp_path, "noise.txt", random.Random(7).randbytes(5000)), "binary")


def test_png_renamed_txt_is_binary(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00" * 40
    expect_error(write(tmp_path, "image.txt", png), "binary")


def test_high_bytes_that_are_not_vietnamese_are_undecodable(tmp_path):
    rng = random.Random(3)
    data = bytes(rng.randrange(0x80, 0x100) if i % 6 else 0x20 for i in range(6000))
    expect_error(write(tmp_path, "mojibake.txt", data), "undecodable bytes")


@pytest.mark.parametrize("name", ["report.numbers", "scan.heic", "old.wps", "README"])
def test_unsupported_extension(tmp_path, name):
    expect_error(write(tmp_path, name, b"some content"), "unsupported file type")


def test_check_supported_is_the_one_file_type_check():
    """The upload route refuses a type before reading the body with this same check."""
    with pytest.raises(IngestError, match=r"^virus\.exe: không hỗ trợ loại tệp \.exe"):
        check_supported("some/dir/virus.exe")
    assert check_supported("Kế hoạch.DOCX") is None and check_supported("scan.png") is None


def test_missing_file_is_an_error(tmp_path):
    expect_error(tmp_path / "absent.txt", "absent.txt")


def test_read_bytes_names_the_upload():
    with pytest.raises(IngestError, match=r"^upload\.pdf: .*OCR"):
        pdf = FPDF()
        pdf.add_page()
        read_bytes(bytes(pdf.output()), "some/dir/upload.pdf")
