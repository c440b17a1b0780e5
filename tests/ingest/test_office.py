"""Legacy office formats through real LibreOffice, .xlsx through openpyxl, and folder ingest that names
every file it leaves out."""
from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from core.errors import IngestError
from ingest import office
from ingest.parse import parse_document
from ingest.readers import extract, read_text
from tests.conftest import CORPUS

SEED = CORPUS / "2026-01-21_01-CTr-LDLD_lai-chau_nang-cao-chat-luong-can-bo.txt"


def convert(source: Path, fmt: str, outdir: Path) -> Path:
    """A seed saved by LibreOffice in another format, as an office would receive it."""
    profile = f"-env:UserInstallation=file://{outdir}/profile"
    subprocess.run([office.soffice(), profile, "--headless", "--convert-to", fmt, "--outdir", str(outdir),
                    str(source)], check=True, capture_output=True, timeout=180)
    return outdir / (source.stem + "." + fmt.split(":")[0])


def sections(text: str, name: str) -> list[tuple[str, str]]:
    return [(s.id, s.heading) for s in parse_document(text, name).sections]


@pytest.mark.parametrize("fmt", ["doc:MS Word 97", "odt", "rtf"])
def test_legacy_word_file_gives_the_same_sections_as_the_text(tmp_path, fmt):
    converted = convert(SEED, fmt, tmp_path)
    found = extract(converted.read_bytes(), converted.name)
    expected = sections(read_text(SEED), SEED.name)
    assert sections(found.text, converted.name) == expected
    assert parse_document(found.text, converted.name).meta.number == "01/CTr-LĐLĐ"


@pytest.mark.parametrize("data", [b"not a word file at all " * 10,
                                  b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00garbage" * 100])
def test_corrupt_doc_is_a_clear_error_not_a_garbage_document(data):
    with pytest.raises(IngestError, match=r"hong\.doc: .*(hỏng|LibreOffice)"):
        extract(data, "hong.doc")


def test_xlsx_targets_table_is_read_one_line_per_row():
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Chỉ tiêu 2025"
    sheet.append(["Chỉ tiêu", "Giá trị", "Thời hạn"])
    sheet.append(["Chủ tịch CĐCS được đào tạo, bồi dưỡng", "100%", "hàng năm"])
    sheet.append([None, None, None])
    sheet.append(["Kết nạp đoàn viên mới", 24500, "nhiệm kỳ 2023 - 2028"])
    out = io.BytesIO()
    book.save(out)
    text = extract(out.getvalue(), "chi-tieu.xlsx").text
    assert text.splitlines() == ["Chỉ tiêu 2025", "Chỉ tiêu | Giá trị | Thời hạn",
                                 "Chủ tịch CĐCS được đào tạo, bồi dưỡng | 100% | hàng năm",
                                 "Kết nạp đoàn viên mới | 24500 | nhiệm kỳ 2023 - 2028"]


def test_corrupt_xlsx_is_a_clear_error():
    with pytest.raises(IngestError, match="XLSX"):
        extract(b"PK\x03\x04 broken", "hong.xlsx")


def test_folder_ingest_lists_every_file_it_does_not_take(tmp_path):
    from sotay.cli import main

    folder = tmp_path / "van-ban"
    folder.mkdir()
    (folder / "ke-hoach.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "bang.numbers").write_bytes(b"x")
    (folder / "ghi-chu.xyz").write_bytes(b"x")
    (folder / ".an.txt").write_text("ẩn", encoding="utf-8")
    import contextlib
    import os

    err = io.StringIO()
    env = {"SOTAY_DATA_DIR": str(tmp_path / "data"), "SOTAY_EMBED_MODEL": "fake",
           "SOTAY_CACHE_DIR": str(tmp_path / "cache")}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with contextlib.redirect_stderr(err):
            code = main(["ingest", "-q", str(folder)])
    finally:
        for k, v in old.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    assert code == 0
    report = err.getvalue()
    assert "Bỏ qua 3 tệp" in report
    for name in ("bang.numbers", "ghi-chu.xyz", ".an.txt"):
        assert name in report
    assert "không hỗ trợ loại tệp .xyz" in report
