"""Limits checked before a file is read: archive size and compression ratio from the zip directory,
PDF page count, a per-file deadline and memory cap (enforced by ingest/bounded.py's child process). Each breach
is an IngestError (HTTP 422) naming the limit.
`precheck` is what can be judged without reading any content; the upload route runs it before it
queues a job, so a zip bomb or an .exe renamed .pdf is a 422 at once rather than a job that fails."""
from __future__ import annotations

import io
import time
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from core.errors import IngestError
from ingest.sniff import mismatch

ZIP_TYPES = (".docx", ".xlsx", ".odt")


@dataclass(frozen=True)
class ReadLimits:
    # defaults equal the Settings defaults (core/settings.py says how they were chosen)
    max_unzipped_mb: int = 100
    max_zip_ratio: int = 100
    max_pdf_pages: int = 2000
    seconds: float = 120.0
    memory_mb: int = 2048   # address space of the child that reads one file (ingest/bounded.py); 0 = no cap

    @classmethod
    def of(cls, settings) -> ReadLimits:
        return cls(settings.max_unzipped_mb, settings.max_zip_ratio, settings.max_pdf_pages,
                   settings.ingest_seconds, settings.ingest_mb)

    def deadline(self, name: str) -> Deadline:
        return Deadline(name, self.seconds, time.monotonic() + self.seconds)


@dataclass(frozen=True)
class Deadline:
    name: str
    seconds: float
    at: float

    def left(self) -> float:
        return self.at - time.monotonic()

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise IngestError(f"{self.name}: đọc tệp quá thời gian cho phép ({self.seconds:.0f} giây; "
                              "SOTAY_INGEST_SECONDS)")


def check_zip(data: bytes, name: str, limits: ReadLimits) -> None:
    """Refuse a zip bomb from its central directory, before any member is decompressed."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        kind = PurePath(name).suffix.upper()[1:] or "ZIP"
        raise IngestError(f"{name}: tệp {kind} bị hỏng hoặc không đầy đủ "
                          f"(corrupt {kind}: {type(exc).__name__})") from exc
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_mb * 1024 * 1024:
        raise IngestError(f"{name}: nội dung giải nén {total / 2**20:.0f} MB vượt giới hạn "
                          f"{limits.max_unzipped_mb} MB (SOTAY_MAX_UNZIPPED_MB)")
    for info in infos:
        # tiny members compress at any ratio harmlessly; only judge those above 1 MB uncompressed
        if info.file_size > 2**20 and info.file_size > limits.max_zip_ratio * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise IngestError(f"{name}: tỉ lệ nén {ratio:.0f}:1 của {info.filename} vượt giới hạn "
                              f"{limits.max_zip_ratio}:1 (SOTAY_MAX_ZIP_RATIO)")


def precheck(data: bytes, name: str, limits: ReadLimits) -> None:
    """The bytes fit the extension (an .exe named .pdf is refused as not a PDF), and a DOCX/XLSX/ODT's
    zip directory is within the size and ratio limits. Milliseconds: nothing is decompressed."""
    ext = PurePath(name).suffix.lower()
    problem = mismatch(data, ext)
    if problem:
        raise IngestError(f"{name}: {problem}")
    if ext in ZIP_TYPES:
        check_zip(data, name, limits)
