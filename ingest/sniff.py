"""What a file really is, from its first bytes: an .exe renamed .pdf is refused as "not a PDF, looks like
a Windows program" instead of failing inside the PDF parser with "PdfStreamError".

    problem = mismatch(data, ".pdf")   # None when the bytes fit the extension, else a Vietnamese reason
"""
from __future__ import annotations

# opening bytes → what a person would call the file
_KINDS = (
    (b"%PDF-", "tệp PDF"),
    (b"PK\x03\x04", "tệp nén ZIP (hoặc .docx/.xlsx/.odt)"),
    (b"PK\x05\x06", "tệp nén ZIP rỗng"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "tệp Office cũ (.doc/.xls/.ppt)"),
    (b"{\\rtf", "tệp RTF"),
    (b"MZ", "tệp chương trình Windows (.exe/.dll)"),
    (b"\x7fELF", "tệp chương trình Linux"),
    (b"\x89PNG\r\n\x1a\n", "ảnh PNG"),
    (b"\xff\xd8\xff", "ảnh JPEG"),
    (b"GIF8", "ảnh GIF"),
    (b"II*\x00", "ảnh TIFF"),
    (b"MM\x00*", "ảnh TIFF"),
    (b"Rar!\x1a\x07", "tệp nén RAR"),
    (b"7z\xbc\xaf\x27\x1c", "tệp nén 7z"),
    (b"\x1f\x8b", "tệp nén gzip"),
    (b"ID3", "tệp âm thanh MP3"),
)
# the PDF reference lets "%PDF-" start anywhere in the first 1024 bytes (some writers put junk first)
PDF_HEADER_WITHIN = 1024
# extension → (what the bytes must start with, the name of the format for the message)
_EXPECTED = {
    ".pdf": ((b"%PDF-",), "PDF"),
    ".docx": ((b"PK\x03\x04",), "DOCX (Word 2007 trở lên)"),
    ".xlsx": ((b"PK\x03\x04",), "XLSX (Excel 2007 trở lên)"),
    ".odt": ((b"PK\x03\x04",), "ODT"),
}
# a file in an older format of the same program, saved under the newer extension
_HINTS: dict[tuple[str, str | None], str] = {
    (".docx", "tệp Office cũ (.doc/.xls/.ppt)"): "; nếu là văn bản Word cũ, hãy đổi đuôi tệp thành .doc",
    (".docx", "tệp RTF"): "; hãy đổi đuôi tệp thành .rtf",
    (".pdf", "tệp nén ZIP (hoặc .docx/.xlsx/.odt)"): "; nếu là văn bản Word, hãy đổi đuôi tệp thành .docx",
}


def kind_of(data: bytes) -> str | None:
    """What the opening bytes say the file is (Vietnamese), or None when they say nothing known."""
    head = data[:16]
    return next((kind for magic, kind in _KINDS if head.startswith(magic)), None)


def mismatch(data: bytes, ext: str) -> str | None:
    """Why these bytes are not a file of type `ext` (Vietnamese), or None when they are or it is not checked."""
    if ext not in _EXPECTED:
        return None
    starts, label = _EXPECTED[ext]
    window = data[:PDF_HEADER_WITHIN] if ext == ".pdf" else data[:8]
    if any(window.startswith(s) or (ext == ".pdf" and s in window) for s in starts):
        return None
    kind = kind_of(data)
    seen = f"có vẻ là {kind}" if kind else "nội dung không phải định dạng này"
    return f"không phải tệp {label}: {seen}{_HINTS.get((ext, kind), '')} (not a {ext[1:].upper()} file)"
