"""Turn an uploaded or on-disk file into one NFC Unicode string: .txt, .md, .docx, .pdf, .html; scanned PDFs and
images through Vietnamese OCR (ingest/ocr.py); .doc, .rtf, .odt through LibreOffice and .xlsx through openpyxl
(ingest/office.py). `extract` also says whether the text came from OCR, and how confident it was.

Paragraphs are separated by newlines. Legacy Vietnamese encodings (TCVN3, VNI) are repaired after decoding
whatever the format, because they survive inside .docx runs, PDF text layers and HTML as well as in raw bytes.
Every failure is an :class:`IngestError` whose message starts with the file name, then ": " and the reason in
Vietnamese with a short English tag in parentheses, e.g.
``scan.pdf: PDF không có lớp văn bản, cần OCR (needs OCR)``.
"""
from __future__ import annotations

import codecs
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePath

from core.errors import IngestError
from ingest import ocr, office, word
from ingest.legacy import decode_cp1252, detect, fix_legacy
from ingest.limits import Deadline, ReadLimits, precheck

TEXT_TYPES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
SUPPORTED = TEXT_TYPES + office.CONVERTED_TYPES + office.SHEET_TYPES + ocr.IMAGE_TYPES


@dataclass(frozen=True)
class Extracted:
    """A file's text, and where it came from: OCR pages lower the trust one can put in its spelling."""

    text: str
    ocr_confidence: float | None = None   # mean Tesseract word confidence (0-100) when OCR was used
    ocr_pages: int = 0

_BOMS = (  # longest first: the UTF-32 LE BOM begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0 controls that never occur in text files (tab, newlines, form feed and EOF 0x1A excluded).
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f]")


def _error(name: str, reason: str) -> IngestError:
    return IngestError(f"{name}: {reason}")


def read_text(path: Path, limits: ReadLimits | None = None) -> str:
    """Read a file from disk; see :func:`read_bytes`."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _error(path.name, f"không đọc được tệp (cannot read: {exc.strerror or exc})") from exc
    return read_bytes(data, path.name, limits)


def unsupported_reason(filename: str) -> str | None:
    """Why a file of this name is not taken (Vietnamese), or None when its type is supported."""
    name = PurePath(filename).name or filename
    ext = PurePath(name).suffix.lower()
    if ext in SUPPORTED:
        return None
    what = f"loại tệp {ext}" if ext else "tệp không có phần mở rộng"
    return f"không hỗ trợ {what} (unsupported file type); chỉ nhận {', '.join(SUPPORTED)}"


def check_supported(filename: str) -> None:
    """Raise IngestError (naming the file and why) unless files of this name are read."""
    name = PurePath(filename).name or filename
    reason = unsupported_reason(name)
    if reason:
        raise _error(name, reason)


def read_bytes(data: bytes, filename: str, limits: ReadLimits | None = None) -> str:
    """Return the text of a document given its bytes; the extension of ``filename`` picks the format."""
    return extract(data, filename, limits=limits).text


def extract(data: bytes, filename: str, progress: ocr.Progress | None = None,
            limits: ReadLimits | None = None) -> Extracted:
    """The text of a document and its provenance; `progress(done, total)` follows OCR page by page.
    Archives (size, ratio), PDF pages and time are checked against `limits` (default ReadLimits())."""
    limits = limits or ReadLimits()
    name = PurePath(filename).name or filename
    ext = PurePath(name).suffix.lower()
    check_supported(name)
    if not data.strip():
        raise _error(name, "tệp rỗng (empty)")
    precheck(data, name, limits)   # the bytes are what the extension says; a zip's directory within limits
    found = Extracted("")
    if ext in office.CONVERTED_TYPES:
        found = Extracted(_read_docx(office.to_docx(data, name, ext), name, limits))
    elif ext in office.SHEET_TYPES:
        found = Extracted(office.read_xlsx(data, name, limits))
    elif ext in ocr.IMAGE_TYPES:
        frames = list(ocr.image_frames(data, name))
        found = _from_ocr(ocr.ocr_images(frames, name, len(frames), progress, limits.deadline(name)), name)
    elif ext == ".docx":
        found = Extracted(_read_docx(data, name, limits))
    elif ext == ".pdf":
        found = _read_pdf(data, name, progress, limits)
    elif ext in (".html", ".htm"):
        found = Extracted(_read_html(data, name))
    else:
        found = Extracted(decode_plain(data, name))
    text = unicodedata.normalize("NFC", fix_legacy(unicodedata.normalize("NFC", found.text)))
    if not text.strip():
        raise _error(name, "tệp không có nội dung chữ (empty)")
    return Extracted(text, found.ocr_confidence, found.ocr_pages)


def _from_ocr(result: ocr.OcrText, name: str) -> Extracted:
    if not result.text.strip():
        raise _error(name, "OCR không nhận ra chữ nào trên trang quét hoặc ảnh (no text found by OCR)")
    return Extracted(result.text, result.confidence, result.pages)


# ----------------------------------------------------------------------------------------------------
# Plain text
# ----------------------------------------------------------------------------------------------------

def decode_plain(data: bytes, name: str) -> str:
    """Text-file bytes → str: BOM, BOM-less UTF-16, UTF-8, then legacy 8-bit Vietnamese, else an error."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(_strict(data[len(bom):], encoding, name), name)
    utf16 = _sniff_utf16(data)
    if utf16:
        return _checked(_strict(data, utf16, name), name)
    if b"\x00" in data:
        raise _binary(name)
    text = _utf8(data)
    if text is None:
        # Not UTF-8: only an 8-bit legacy Vietnamese file is worth recovering; anything else is mojibake.
        text = decode_cp1252(data)
        if detect(text) is None:
            reason = "không giải mã được nội dung: không phải UTF-8, UTF-16 hay TCVN3/VNI (undecodable bytes)"
            raise _error(name, reason)
    return _checked(text, name)


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _error(name, f"nội dung không hợp lệ theo {encoding} (undecodable bytes)") from exc


def _utf8(data: bytes) -> str | None:
    """Strict UTF-8, forgiving only a character cut off at the very end (a truncated copy)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8", errors="strict")
        return None


def _sniff_utf16(data: bytes) -> str | None:
    """BOM-less UTF-16: most text is ASCII, so one byte of each pair is NUL, always on the same side."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nul = sample[0::2].count(0) / pairs
    odd_nul = sample[1::2].count(0) / pairs
    if odd_nul >= 0.3 and even_nul <= 0.02:
        return "utf-16-le"
    if even_nul >= 0.3 and odd_nul <= 0.02:
        return "utf-16-be"
    return None


def _binary(name: str) -> IngestError:
    return _error(name, "không phải tệp văn bản, có vẻ là tệp nhị phân (binary)")


def _checked(text: str, name: str) -> str:
    """Reject decoded text that is really binary data (many control characters), and unify newlines."""
    if text and len(_CONTROL.findall(text)) > max(2, 0.01 * len(text)):
        raise _binary(name)
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ----------------------------------------------------------------------------------------------------
# DOCX (ingest/word.py: header and signature tables read as an office lays them out)
# ----------------------------------------------------------------------------------------------------

def _read_docx(data: bytes, name: str, limits: ReadLimits) -> str:
    return _tidy(word.read_docx(data, name, limits))


# ----------------------------------------------------------------------------------------------------
# PDF
# ----------------------------------------------------------------------------------------------------

def _read_pdf(data: bytes, name: str, progress: ocr.Progress | None, limits: ReadLimits) -> Extracted:
    """The text layer, with the pages that have (almost) none read by OCR instead. Without Tesseract a
    PDF that is all scan is refused with what to install; one with a few scanned pages keeps its layer."""
    import pypdf

    # pypdf raises many exception types on malformed files; all of them mean "cannot read this PDF".
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
    except Exception as exc:
        raise _corrupt_pdf(name, exc) from exc
    _unlock(reader, name)
    deadline = limits.deadline(name)   # one for the file: the text layer and OCR count together
    pages = _pdf_layer(reader, name, limits, deadline)
    scans = [i for i, page in enumerate(pages) if len(page.strip()) < ocr.MIN_LAYER_CHARS]
    if not scans or (not ocr.available() and len(scans) < len(pages)):
        if not any(page.strip() for page in pages):
            raise _error(name, "PDF không có lớp văn bản, cần OCR (needs OCR)")
        return Extracted(_tidy("\n".join(pages)))
    images = ocr.pdf_page_images(data, name, scans)
    result = ocr.ocr_images(images, name, len(scans), progress, deadline)
    if len(scans) == len(pages):
        return _from_ocr(result, name)
    # mixed: OCR text of the scanned pages takes their place; the confidence covers those pages only
    by_page = dict(zip(scans, result.page_texts))
    text = "\n".join(by_page.get(i, page) for i, page in enumerate(pages))
    return Extracted(_tidy(text), result.confidence, result.pages)


def _pdf_layer(reader, name: str, limits: ReadLimits, deadline: Deadline) -> list[str]:
    """Each page's text layer, refusing more pages than the cap and stopping at the file's deadline."""
    try:
        if len(reader.pages) > limits.max_pdf_pages:
            raise _error(name, f"PDF có {len(reader.pages)} trang, vượt giới hạn {limits.max_pdf_pages} trang "
                               "(SOTAY_MAX_PDF_PAGES)")
        pages = []
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            deadline.check()
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many types on malformed files
        raise _corrupt_pdf(name, exc) from exc
    return pages


def _corrupt_pdf(name: str, exc: Exception) -> IngestError:
    return _error(name, f"tệp PDF bị hỏng hoặc không đọc được (corrupt PDF: {type(exc).__name__})")


def _unlock(reader, name: str) -> None:
    """Many PDFs are encrypted with an empty password only to restrict printing; those can still be read."""
    if not reader.is_encrypted:
        return
    try:
        unlocked = reader.decrypt("")
    except Exception as exc:  # e.g. AES without the optional cryptography package
        raise _error(name, f"PDF được mã hoá, không mở được (encrypted: {type(exc).__name__})") from exc
    if not unlocked:
        raise _error(name, "PDF được bảo vệ bằng mật khẩu (encrypted)")


# ----------------------------------------------------------------------------------------------------
# HTML
# ----------------------------------------------------------------------------------------------------

# <head> is not dropped wholesale: html.parser nests <body> inside an unclosed <head>. Only <body> is walked.
_DROP_TAGS = ["script", "style", "nav", "noscript", "template", "iframe", "svg", "title"]
_BLOCK_TAGS = frozenset(
    "address article aside blockquote caption dd details div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main ol p pre section summary table tbody thead tfoot ul".split()
)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_WESTERN = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "windows-1252", "cp1252"}


def _decode_html(data: bytes, name: str) -> str:
    """Use the declared charset; pages declaring a Western charset are often really UTF-8: try that first."""
    match = _CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii", "ignore").lower() if match else None
    if declared and not any(data.startswith(bom) for bom, _ in _BOMS):
        as_utf8 = _utf8(data) if declared in _WESTERN else None
        if as_utf8 is not None:
            return _checked(as_utf8, name)
        try:
            return _checked(data.decode(declared), name)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: fall back to sniffing like a text file
    return decode_plain(data, name)


def _read_html(data: bytes, name: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_decode_html(data, name), "html.parser")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    root = soup.body or soup
    parts: list[str] = []
    try:
        _html_walk(root, parts)
    except RecursionError as exc:  # thousands of nested tags: generated junk, not a document
        raise _error(name, "HTML lồng nhau quá sâu, không đọc được (corrupt HTML)") from exc
    return _tidy("".join(parts))


def _html_walk(node, parts: list[str]) -> None:
    """Collect text, putting block elements, <br> and table rows on their own lines."""
    from bs4 import NavigableString, Tag
    from bs4.element import CData, PreformattedString

    for child in node.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, PreformattedString) or isinstance(child, CData):
                parts.append(str(child))  # comments, doctypes (other PreformattedStrings) are not content
        elif isinstance(child, Tag):
            if child.name == "br":
                parts.append("\n")
            elif child.name == "tr":
                cells = child.find_all(["td", "th"], recursive=False)
                parts.append("\n" + " | ".join(" ".join(c.get_text(" ").split()) for c in cells) + "\n")
            elif child.name in _BLOCK_TAGS:
                parts.append("\n")
                _html_walk(child, parts)
                parts.append("\n")
            else:
                _html_walk(child, parts)


# ----------------------------------------------------------------------------------------------------

def _tidy(text: str) -> str:
    """Collapse spaces inside lines and drop empty lines, for formats whose layout whitespace is noise."""
    lines = (" ".join(line.split()) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)
