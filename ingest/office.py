"""Legacy and other office formats: .doc, .rtf and .odt through LibreOffice headless (converted to DOCX,
then read like any DOCX), and .xlsx tables of targets through openpyxl, one line per row."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from functools import lru_cache

from core.errors import IngestError
from ingest.limits import ReadLimits

CONVERTED_TYPES = (".doc", ".rtf", ".odt")
SHEET_TYPES = (".xlsx",)
# LibreOffice starts in 3-6 s on this machine and converts a seed in under 2 s more; a conversion taking
# 20x that is a hung process or a hostile file
CONVERT_TIMEOUT_S = 120
INSTALL_HINT = ("cần LibreOffice để đọc tệp {ext} — cài bằng: apt-get install libreoffice-writer-nogui, "
                "hoặc lưu lại tệp thành .docx (needs LibreOffice)")
MAX_SHEET_ROWS = 20_000


def _error(name: str, reason: str) -> IngestError:
    return IngestError(f"{name}: {reason}")


@lru_cache(maxsize=1)
def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


# each format's opening bytes → LibreOffice's import filter for it (Word also saves RTF under a .doc name).
# The filter is named because LibreOffice otherwise imports a file it cannot parse as plain text
_FILTERS = {
    ".doc": ((b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Word 97"), (b"{\\rtf", "Rich Text Format")),
    ".rtf": ((b"{\\rtf", "Rich Text Format"),),
    ".odt": ((b"PK\x03\x04", "writer8"),),
}


def to_docx(data: bytes, name: str, ext: str) -> bytes:
    """Convert one .doc/.rtf/.odt to DOCX bytes in a private temporary profile, with a time limit."""
    head = data.lstrip()[:8]
    infilter = next((f for magic, f in _FILTERS[ext] if head.startswith(magic)), None)
    if infilter is None:
        raise _error(name, f"không phải tệp {ext} hợp lệ, có thể bị hỏng (corrupt {ext.upper()[1:]})")
    exe = soffice()
    if exe is None:
        raise _error(name, INSTALL_HINT.format(ext=ext))
    with tempfile.TemporaryDirectory(prefix="sotay-office-") as tmp:
        source = os.path.join(tmp, "input" + ext)
        with open(source, "wb") as f:
            f.write(data)
        profile = "file://" + os.path.join(tmp, "profile")
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", f"--infilter={infilter}",
               "--convert-to", "docx", "--outdir", tmp, source]
        try:
            subprocess.run(cmd, capture_output=True, timeout=CONVERT_TIMEOUT_S, cwd=tmp,
                           env={**os.environ, "HOME": tmp})
        except subprocess.TimeoutExpired as exc:
            raise _error(name, f"chuyển đổi {ext} quá {CONVERT_TIMEOUT_S} giây (conversion timeout)") from exc
        target = os.path.join(tmp, "input.docx")
        if not os.path.exists(target) or os.path.getsize(target) == 0:
            raise _error(name, f"tệp {ext} bị hỏng hoặc LibreOffice không đọc được (conversion failed)")
        with open(target, "rb") as converted:
            return converted.read()


def read_xlsx(data: bytes, name: str, limits: ReadLimits | None = None) -> str:
    """Each sheet: its name as a line, then one line per non-empty row, cells joined by " | ".

    Only the rows and cells the file holds are visited: openpyxl pads every row to the declared sheet
    size and yields the missing rows, so one cell at XFD1000000 meant 16 billion empty cells (a probe's
    file kept the ingest worker busy for over 90 s; killed after 300 s here). `reset_dimensions` drops
    the declared size, and the file's deadline is checked on every row."""
    import openpyxl

    limits = limits or ReadLimits()
    deadline = limits.deadline(name)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:   # zipfile, lxml and openpyxl raise many types; all mean "cannot open it"
        raise _error(name, f"tệp XLSX bị hỏng hoặc không đầy đủ (corrupt XLSX: {type(exc).__name__})") from exc
    lines: list[str] = []
    rows = 0
    try:
        for sheet in book.worksheets:
            lines.append(sheet.title)
            sheet.reset_dimensions()
            for row in sheet.iter_rows(values_only=True):
                deadline.check()
                cells = [" ".join(str(c).split()) for c in row if c is not None and str(c).strip()]
                if cells:
                    lines.append(" | ".join(cells))
                    rows += 1
                if rows > MAX_SHEET_ROWS:
                    raise _error(name, f"bảng tính quá {MAX_SHEET_ROWS} dòng (too many rows)")
    finally:
        book.close()
    return "\n".join(lines)
