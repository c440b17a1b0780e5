"""The original bytes of every ingested file, kept in `SOTAY_DATA_DIR/originals/` so a document can be
downloaded as it was sent and read again by a newer reader (`sotay reread`).

Content-addressed: a file is named by the SHA-256 of its bytes (`originals/ab/abcdef…`), so the same bytes
sent twice are kept once, and two documents never share a name by accident (two units' "12/KH-CĐCS" are two
files, whatever they were called). A document's record names its file (`original`), written in the same
upsert that makes its version current; the file is written first (temp file, fsync, rename), under the
write lock, so a record never names a file that is not complete. A file is removed only under the write lock
and only when no record names it any more (`unused`).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path, PurePath

FOLDER = "originals"
# what a browser or office program needs to open the download; anything else is offered as bytes
MEDIA_TYPES = {
    ".txt": "text/plain; charset=utf-8", ".md": "text/markdown; charset=utf-8",
    ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8", ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".doc": "application/msword", ".rtf": "application/rtf", ".odt": "application/vnd.oasis.opendocument.text",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".tif": "image/tiff", ".tiff": "image/tiff",
}


def content_address(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def media_type(filename: str) -> str:
    return MEDIA_TYPES.get(PurePath(filename).suffix.lower(), "application/octet-stream")


class Originals:
    def __init__(self, data_dir: Path) -> None:
        self.folder = Path(data_dir) / FOLDER

    def path(self, address: str) -> Path:
        if len(address) != 64 or not all(c in "0123456789abcdef" for c in address):
            raise ValueError(f"not a content address: {address!r}")
        return self.folder / address[:2] / address

    def put(self, data: bytes) -> str:
        """Keep these bytes (once) and return their address. Call under the write lock."""
        address = content_address(data)
        target = self.path(address)
        if target.exists() and target.stat().st_size == len(data):
            return address
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return address

    def read(self, address: str) -> bytes | None:
        try:
            return self.path(address).read_bytes()
        except (OSError, ValueError):
            return None

    def has(self, address: str) -> bool:
        try:
            return self.path(address).is_file()
        except ValueError:
            return False

    def addresses(self) -> set[str]:
        """Every file kept (not the temporary files of a write under way)."""
        if not self.folder.is_dir():
            return set()
        return {p.name for p in self.folder.glob("??/*") if p.is_file() and not p.name.startswith(".")}

    def remove(self, addresses: set[str]) -> None:
        """Remove these files; the caller holds the write lock and has checked no record names them."""
        for address in addresses:
            try:
                self.path(address).unlink(missing_ok=True)
            except ValueError:
                continue


def unused(store, addresses: set[str]) -> set[str]:
    """Which of these addresses no document record (listed, pending or being deleted) names."""
    addresses = {a for a in addresses if a}
    if not addresses:
        return set()
    got = store.documents.get(where={"original": {"$in": sorted(addresses)}}, include=["metadatas"])
    return addresses - {m.get("original") for m in got["metadatas"]}
