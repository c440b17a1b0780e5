"""Vietnamese OCR for scanned PDFs and photographed pages: Tesseract (`vie`) over page images.

PDF pages are rendered with pypdfium2 (its own PDF engine, no system library). Tesseract runs as a
subprocess with TSV output, which gives both the text in reading order and a confidence per word.
OCR is optional at run time: without Tesseract a scan is refused with one line saying what to install.
The text that comes back is cleaned of scan debris (running headers, page numbers, hyphenated line
ends, look-alike letters) before the usual cleanup and segmentation.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from core.errors import IngestError
from ingest.limits import Deadline

IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
# 300 dpi is Tesseract's sweet spot: a seed page rendered at 300 dpi OCRs at 99.8% character similarity
RENDER_DPI = 300
# a page whose text layer has fewer characters than this is treated as a scan (a stamp, a page number
# or a signature caption is all a scanned page's text layer usually holds)
MIN_LAYER_CHARS = 80
# one page of Tesseract takes 5-15 s on this machine's 2 cores; a page taking 4x that is stuck
PAGE_TIMEOUT_S = 90
MAX_OCR_PAGES = 200
# running headers are looked for only on full pages (a typed A4 page holds about 40 lines): on a short
# page its first and last two lines are body text
RUNNING_MIN_LINES = 12
EDGE_LINES = 2
INSTALL_HINT = ("cần OCR nhưng máy chủ chưa cài Tesseract tiếng Việt — cài bằng: "
                "apt-get install tesseract-ocr tesseract-ocr-vie (needs OCR)")
# letters Tesseract confuses with Vietnamese ones: Icelandic eth looks exactly like Đ
_LOOKALIKES = str.maketrans({"Ð": "Đ", "ð": "đ", "ﬁ": "fi", "ﬂ": "fl"})
# Tesseract sometimes reads one Đ as "ĐÐ": eth never occurs in Vietnamese, so a pair with one is one Đ
_DOUBLED_D = re.compile("ĐÐ|ÐĐ")
_DIGITS = re.compile(r"\d+")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class OcrText:
    text: str
    confidence: float      # mean word confidence, 0-100
    pages: int
    page_texts: tuple[str, ...] = ()


def _error(name: str, reason: str) -> IngestError:
    return IngestError(f"{name}: {reason}")


@lru_cache(maxsize=1)
def available() -> bool:
    """True when the `tesseract` binary and its Vietnamese data are installed."""
    exe = shutil.which("tesseract")
    if exe is None:
        return False
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "vie" in (out.stdout + out.stderr).split()


def require(name: str) -> None:
    if not available():
        raise _error(name, INSTALL_HINT)


def pdf_page_images(data: bytes, name: str, pages: list[int] | None = None):
    """Render PDF pages to greyscale PIL images at RENDER_DPI (yields one at a time to bound memory)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:   # pdfium raises PdfiumError and others for damaged files
        raise _error(name, f"tệp PDF bị hỏng hoặc không đọc được (corrupt PDF: {type(exc).__name__})") from exc
    try:
        for index in pages if pages is not None else range(len(pdf)):
            page = pdf[index]
            yield page.render(scale=RENDER_DPI / 72, grayscale=True).to_pil()
            page.close()
    finally:
        pdf.close()


def image_frames(data: bytes, name: str):
    """The frames of an image file (a TIFF may hold several pages), as greyscale PIL images."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise _error(name, f"không mở được ảnh (corrupt image: {type(exc).__name__})") from exc
    for frame in range(getattr(image, "n_frames", 1)):
        image.seek(frame)
        yield ImageOps.exif_transpose(image).convert("L")


def ocr_images(images, name: str, total: int, progress: Progress | None = None,
               deadline: Deadline | None = None) -> OcrText:
    """OCR each image in turn; `progress(done, total)` is called after every page. The file's `deadline`
    (SOTAY_INGEST_SECONDS) bounds the whole OCR: each page's Tesseract run is given what is left of it."""
    require(name)
    pages: list[list[str]] = []
    confidences: list[float] = []
    for done, image in enumerate(images, 1):
        if done > MAX_OCR_PAGES:
            raise _error(name, f"quá {MAX_OCR_PAGES} trang cần OCR (too many pages)")
        if deadline is not None:
            deadline.check()
        lines, conf = _tesseract(image, name, deadline)
        pages.append(lines)
        confidences.extend(conf)
        if progress is not None:
            progress(done, total)
    page_texts = tuple("\n".join(lines) for lines in clean_ocr(pages))
    confidence = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrText(text="\n".join(t for t in page_texts if t), confidence=round(confidence, 1),
                   pages=len(pages), page_texts=page_texts)


def _tesseract(image, name: str, deadline: Deadline | None = None) -> tuple[list[str], list[float]]:
    """One page through `tesseract … tsv`: lines in reading order and the confidence of each word."""
    timeout = PAGE_TIMEOUT_S if deadline is None else max(0.1, min(PAGE_TIMEOUT_S, deadline.left()))
    with tempfile.TemporaryDirectory(prefix="sotay-ocr-") as tmp:
        path = os.path.join(tmp, "page.png")
        image.save(path, dpi=(RENDER_DPI, RENDER_DPI))
        try:
            out = subprocess.run(
                ["tesseract", path, "stdout", "-l", "vie", "--psm", "3", "--dpi", str(RENDER_DPI), "tsv"],
                capture_output=True, timeout=timeout, env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            )
        except subprocess.TimeoutExpired as exc:
            if deadline is not None and timeout < PAGE_TIMEOUT_S:
                deadline.check()   # the file's time is up: say so, naming SOTAY_INGEST_SECONDS
            raise _error(name, f"OCR một trang quá {PAGE_TIMEOUT_S} giây (OCR timeout)") from exc
    if out.returncode != 0:
        reason = out.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        raise _error(name, f"OCR thất bại (tesseract: {reason[0][:120]})")
    return parse_tsv(out.stdout.decode("utf-8", "replace"))


def parse_tsv(tsv: str) -> tuple[list[str], list[float]]:
    """Tesseract TSV → text lines (words of one (block, paragraph, line) joined) and word confidences."""
    lines: dict[tuple[str, str, str], list[str]] = {}
    confidences: list[float] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        lines.setdefault((cols[2], cols[3], cols[4]), []).append(cols[11].strip())
        try:
            conf = float(cols[10])
        except ValueError:
            continue
        if conf >= 0:
            confidences.append(conf)
    return [" ".join(words) for words in lines.values()], confidences


def clean_ocr(pages: list[list[str]]) -> list[list[str]]:
    """Scan debris out, page by page: running headers/footers repeated on most pages, look-alike letters,
    and lines cut after a hyphen ("CTr-" / "LĐLĐ") joined again. Page numbers go in the common cleanup."""
    running = _running_lines(pages)
    out: list[list[str]] = []
    previous: list[str] | None = None     # the page holding the last kept line
    for lines in pages:
        kept: list[str] = []
        for index, line in enumerate(lines):
            line = " ".join(_DOUBLED_D.sub("Đ", line).translate(_LOOKALIKES).split())
            at_edge = index < EDGE_LINES or index >= len(lines) - EDGE_LINES
            if not line or (at_edge and _masked(line) in running):
                continue
            last = kept if kept else previous
            if last and re.search(r"\w-$", last[-1]) and line[:1].isalnum():
                last[-1] += line
            else:
                kept.append(line)
        out.append(kept)
        if kept:
            previous = kept
    return out


def _masked(line: str) -> str:
    return _DIGITS.sub("#", " ".join(line.split()))


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Lines (digits masked, so "trang 3" matches "trang 4") found among the first or last EDGE_LINES lines
    of at least half of the full pages."""
    full = [lines for lines in pages if len(lines) >= RUNNING_MIN_LINES]
    if len(full) < 3:
        return set()
    seen: Counter[str] = Counter()
    for lines in full:
        seen.update({_masked(x) for x in lines[:EDGE_LINES] + lines[-EDGE_LINES:]})
    return {line for line, n in seen.items() if n >= max(3, len(full) // 2)}
