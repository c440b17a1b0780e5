"""Files built to hurt: a sheet whose one cell sits at XFD1000000, a DOCX that expands to 1 GB, an .exe
named .pdf. Each ends within the per-file limit with a Vietnamese reason, the ingest worker takes the
next upload at once, and what can be judged without reading is refused at upload (422, no job)."""
from __future__ import annotations

import io
import time
import zipfile

import openpyxl
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from core.errors import IngestError
from core.settings import Settings
from ingest import office
from ingest.limits import ReadLimits
from ingest.readers import extract
from service.engine import Engine
from tests.conftest import seed_files
from tests.hardening.slow_files import bad_then_good

KEY = {"X-API-Key": "test-key"}
NEXT_UPLOAD_S = 5.0   # the bar: the next upload starts within 5 s of a pathological one


def far_cell_xlsx(column: int = 16384) -> bytes:
    """One real cell at A1 and one at row 1,000,000: openpyxl used to pad to the declared A1:XFD1000000."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "Chỉ tiêu"
    sheet.cell(row=1_000_000, column=column, value="cuối bảng")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def gigabyte_docx() -> bytes:
    """A real zip: word/document.xml inflates to 1 GiB of one byte (about 1 MB compressed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            block = b"a" * 2**20
            for _ in range(1024):
                f.write(block)
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return gigabyte_docx()


def test_far_cell_sheet_is_read_in_seconds():
    start = time.monotonic()
    text = extract(far_cell_xlsx(), "xa.xlsx").text
    assert text.splitlines() == ["Sheet", "Chỉ tiêu", "cuối bảng"]
    assert time.monotonic() - start < NEXT_UPLOAD_S   # was over 300 s (killed) before reset_dimensions


def test_sheet_reader_stops_at_the_file_deadline():
    book = openpyxl.Workbook()
    for i in range(1, 15_001):
        book.active.append([f"Chỉ tiêu {i}", i, "nhiệm kỳ"])
    out = io.BytesIO()
    book.save(out)
    start = time.monotonic()
    with pytest.raises(IngestError, match="SOTAY_INGEST_SECONDS"):
        office.read_xlsx(out.getvalue(), "dai.xlsx", ReadLimits(seconds=0.2))
    assert time.monotonic() - start < 0.2 + 2.0


def test_next_upload_starts_within_5_s_of_a_pathological_sheet(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", embed_model="fake",
                        api_key="k", llm_url=None, telegram_token=None)
    with Engine.open(settings) as engine:
        bad = engine.submit(far_cell_xlsx(), "xa.xlsx")
        seed = seed_files()[0]
        good = engine.submit(seed.read_bytes(), seed.name)
        first, second, started = bad_then_good(engine, bad, good, settings.ingest_seconds + 30)
    assert first.finished is not None and first.finished - first.created < settings.ingest_seconds
    assert started is not None and started - first.finished < NEXT_UPLOAD_S, (started, first.finished)
    assert second.status == "done" and second.result.status == "added"
    print(f"far-cell sheet: {first.status} in {first.finished - first.created:.2f} s; "
          f"next upload started {started - first.finished:.2f} s after it")


@pytest.fixture(scope="module")
def client(seed_settings, seed_engine):
    settings = seed_settings.model_copy(update={"max_upload_mb": 2})
    with TestClient(create_app(settings, engine=seed_engine), raise_server_exceptions=False) as c:
        yield c


def test_gigabyte_docx_is_refused_at_upload_before_a_job(client, bomb):
    assert len(bomb) < 2 * 2**20
    response = client.post("/documents", files={"file": ("bom.docx", bomb)}, headers=KEY)
    assert response.status_code == 422, response.text[:300]
    detail = response.json()["detail"]
    assert "1024 MB" in detail and "SOTAY_MAX_UNZIPPED_MB" in detail


def test_exe_named_pdf_says_what_it_is_not(client):
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(range(256)) * 8
    response = client.post("/documents", files={"file": ("bao-cao.pdf", exe)}, headers=KEY)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith("bao-cao.pdf: không phải tệp PDF: có vẻ là tệp chương trình Windows")
    assert "PdfStreamError" not in detail
    with pytest.raises(IngestError, match="không phải tệp PDF"):   # the CLI and the bot's jobs say the same
        extract(exe, "bao-cao.pdf")


@pytest.mark.parametrize("name,data,expected", [
    ("cu.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "đổi đuôi tệp thành .doc"),
    ("anh.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 600, "có vẻ là ảnh PNG"),
    ("bang.xlsx", b"%PDF-1.7\n" + b"x" * 600, "không phải tệp XLSX (Excel 2007 trở lên): có vẻ là tệp PDF"),
    ("rac.pdf", b"xin chao " * 100, "không phải tệp PDF: nội dung không phải định dạng này"),
])
def test_wrong_bytes_for_the_extension_are_named(client, name, data, expected):
    response = client.post("/documents", files={"file": (name, data)}, headers=KEY)
    assert response.status_code == 422 and expected in response.json()["detail"], response.text[:300]


def test_pdf_with_junk_before_its_header_is_still_a_pdf():
    from ingest.sniff import mismatch

    assert mismatch(b"\r\n\x00junk" + b"%PDF-1.4\n", ".pdf") is None
