"""`sotay backup` and `sotay restore`: a data dir as one .tar file, taken while the server runs.

    backup(settings, Path("sotay-2026-12-02.tar")) -> Snapshot
    restore(settings, Path("sotay-2026-12-02.tar"), Path("data-new"), force=False) -> Snapshot

The archive holds `manifest.json` (format, schema, embedding model, collection prefix, counts, a digest of
each collection's rows, the SHA-256 and size of every other file), `records.sqlite` (every record of the
documents, trees, passages and paragraph-vector collections: index/records_db.py) and `originals/` (the files
documents were read from). The BM25 index and the embedding cache are derived and not kept: a restored data
dir rebuilds its BM25 index from the passages' tokens at its first start, and reads its vectors from the store.

Consistent while serving: the backup holds the data dir's write lock (index/writelock.py) while it copies
Chroma's files (SQLite through its backup API), and every writer of every process holds it for each write step,
so the copy has each document as before or after a write, never in between; a pending mark it finds is a
crashed write (no write can be under way), cleaned as `recover()` would clean it. The copy is then read through
Chroma's API and checked (index/check.py) with no lock held. Written atomically: a temporary file beside the
target, fsynced, then renamed.
A restore never writes into a data dir that holds anything unless told (`force` moves it aside, never deletes
it), verifies every checksum before it writes, builds the store in a temporary dir beside the target, checks
it row for row against the manifest and with index/check.py, and only then renames it into place.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from core.errors import SotayError
from core.settings import Settings
from index.check import check
from index.chroma import stored_model
from index.originals import FOLDER as ORIGINALS
from index.originals import Originals
from index.records_db import COLLECTIONS, RecordsDb, chroma_rows, digest, same_vectors
from index.store import SCHEMA, Store
from index.writelock import WriteLock

log = logging.getLogger(__name__)
FORMAT = "sotay-backup-1"
MANIFEST, RECORDS = "manifest.json", "records.sqlite"
_ADD_BATCH = 2000   # records per Chroma call when restoring (nothing else reads the new store meanwhile)


@dataclass(frozen=True)
class Snapshot:
    path: Path
    documents: int
    passages: int
    units: int
    originals: int
    size: int              # bytes of the archive
    seconds: float
    locked_seconds: float = 0.0   # how long writers waited for the backup (0 for a restore)

    def describe(self) -> str:
        return (f"{self.documents} văn bản, {self.passages} đoạn, {self.units} vector đoạn con, "
                f"{self.originals} tệp gốc; {self.size / 1e6:.1f} MB, {self.seconds:.1f} giây")


def backup(settings: Settings, out: Path) -> Snapshot:
    if settings.chroma_url:
        raise SotayError("sotay backup đọc thư mục dữ liệu cục bộ; với SOTAY_CHROMA_URL hãy sao lưu máy chủ Chroma "
                         "theo cách của nó (và thư mục originals/ của SOTAY_DATA_DIR)")
    model = stored_model(settings) if (settings.data_dir / "chroma").is_dir() else None
    if not model:
        raise SotayError(f"{settings.data_dir} chưa có chỉ mục nào để sao lưu (SOTAY_DATA_DIR)")
    out = out.resolve()
    if out.exists():
        raise SotayError(f"{out} đã có: chọn tên tệp khác (bản sao lưu không ghi đè tệp nào)")
    if not out.parent.is_dir():
        raise SotayError(f"không có thư mục {out.parent} để ghi bản sao lưu")
    started = time.perf_counter()
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}."))
    try:
        counts, digests, locked = _read_store(settings, model, staging)
        files = {str(p.relative_to(staging)): _file_sum(p) for p in sorted(staging.rglob("*")) if p.is_file()}
        manifest = {"format": FORMAT, "schema": SCHEMA, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "embed_model": model, "collection": settings.collection, "counts": counts,
                    "digests": digests, "files": files}
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp = out.with_name(f".{out.name}.partial")
        with tarfile.open(tmp, "w") as tar:
            tar.add(staging / MANIFEST, MANIFEST)
            for name in files:
                tar.add(staging / name, name)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        out.with_name(f".{out.name}.partial").unlink(missing_ok=True)
    snap = Snapshot(out, counts["documents"], counts["passages"], counts["units"], counts["originals"],
                    out.stat().st_size, time.perf_counter() - started, locked)
    log.info("backup of %s written to %s: %s (writers waited %.1f s)", settings.data_dir, out, snap.describe(),
             locked)
    return snap


def _read_store(settings: Settings, model: str, staging: Path) -> tuple[dict, dict, float]:
    """Every record and every named original as of one moment no process writes. Writers wait only while
    Chroma's files are copied (SQLite's backup API, then the segment files, which only writers change);
    the copy is then read through Chroma's API and checked. A copy that does not pass (a Chroma that had not
    written everything to its files) is dropped and the live store is read under the lock instead."""
    originals = Originals(settings.data_dir)
    copy = settings.model_copy(update={"data_dir": staging / "copy"})
    with WriteLock(settings.data_dir):
        locked_at = time.perf_counter()
        store = Store(settings, model)
        try:
            cleaned = store.recover(older_than=0)   # no write is under way: a mark left is a crashed write
            if cleaned:
                log.warning("backup: cleaned %d writes a crash interrupted: %s", len(cleaned), ", ".join(cleaned))
        finally:
            store.client.close()
        _copy_chroma(settings.data_dir / "chroma", copy.data_dir / "chroma")
        kept = _link_originals(originals, originals.addresses(), staging / ORIGINALS)
        locked = time.perf_counter() - locked_at
    counts, problems = _export(copy, model, staging, kept)
    shutil.rmtree(copy.data_dir, ignore_errors=True)
    if problems:
        log.warning("backup: the copy of Chroma's files is not whole (%s); reading the live store under the lock",
                    "; ".join(problems[:3]))
        shutil.rmtree(staging / ORIGINALS, ignore_errors=True)
        (staging / RECORDS).unlink(missing_ok=True)
        with WriteLock(settings.data_dir):
            locked_at = time.perf_counter()
            kept = _link_originals(originals, originals.addresses(), staging / ORIGINALS)
            counts, problems = _export(settings, model, staging, kept)
            locked += time.perf_counter() - locked_at
        if problems:
            raise SotayError("chỉ mục hiện tại không nhất quán, không sao lưu được: " + "; ".join(problems))
    db = RecordsDb(staging / RECORDS)
    try:
        digests = {name: digest(db.rows(name)) for name in COLLECTIONS}
    finally:
        db.close()
    return counts, digests, locked


def _export(settings: Settings, model: str, staging: Path, kept: set[str]) -> tuple[dict, list[str]]:
    """The store's records into records.sqlite, the originals no record names dropped; (counts, problems)."""
    store = Store(settings, model)
    db = RecordsDb(staging / RECORDS)
    try:
        collections = {"documents": store.documents, "trees": store.trees, "passages": store.passages,
                       "units": store.units.collection}
        counts = {name: db.write(name, chroma_rows(collections[name])) for name in COLLECTIONS}
        named = {r.metadata["original"] for r in db.rows("documents") if r.metadata.get("original")}
        for address in kept - named:
            (staging / ORIGINALS / address[:2] / address).unlink()
        counts["originals"] = len(named)
        return counts, check(db.rows, lambda a: a in kept)
    finally:
        store.client.close()
        db.close()


def _copy_chroma(source: Path, target: Path) -> None:
    """Chroma's SQLite through SQLite's backup API (never a copy of a live file), then its segment folders."""
    target.mkdir(parents=True)
    live = sqlite3.connect(source / "chroma.sqlite3")
    try:
        copy = sqlite3.connect(target / "chroma.sqlite3")
        try:
            live.backup(copy)
        finally:
            copy.close()
    finally:
        live.close()
    for path in source.iterdir():
        if path.is_dir():
            shutil.copytree(path, target / path.name)


def _link_originals(originals: Originals, addresses: set[str], folder: Path) -> set[str]:
    for address in addresses:
        target = folder / address[:2] / address
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(originals.path(address), target)   # originals are never rewritten: a link is a copy
        except OSError:
            shutil.copyfile(originals.path(address), target)
    return set(addresses)


def restore(settings: Settings, archive: Path, target: Path, force: bool = False) -> Snapshot:
    if settings.chroma_url:
        raise SotayError("sotay restore ghi một thư mục dữ liệu cục bộ: bỏ SOTAY_CHROMA_URL khi khôi phục")
    started = time.perf_counter()
    target = target.resolve()
    if target.exists() and not target.is_dir():
        raise SotayError(f"{target} là một tệp, không phải thư mục")
    occupied = target.is_dir() and any(target.iterdir())
    if occupied and not force:
        raise SotayError(f"thư mục {target} không trống: không khôi phục đè lên dữ liệu đang có. Chọn một thư mục "
                         "mới, hoặc thêm --force để chuyển thư mục cũ sang bên cạnh (không xóa gì)")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.restoring-"))
    try:
        manifest = _unpack(archive, staging / "archive")
        data = staging / "data"
        counts = _rebuild(settings, manifest, staging / "archive", data)
        if occupied:
            aside = target.with_name(f"{target.name}.before-restore-{time.strftime('%Y%m%d-%H%M%S')}")
            target.rename(aside)
            log.warning("restore: the data dir that was in %s is kept in %s", target, aside)
        elif target.is_dir():
            target.rmdir()
        data.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    snap = Snapshot(target, counts["documents"], counts["passages"], counts["units"], counts["originals"],
                    archive.stat().st_size, time.perf_counter() - started)
    log.info("restored %s into %s: %s", archive, target, snap.describe())
    return snap


def _unpack(archive: Path, into: Path) -> dict:
    """Extract the archive, refusing anything but its own files, and verify every checksum."""
    bad = f"{archive.name} không phải bản sao lưu Sổ tay dùng được"
    try:
        with tarfile.open(archive, "r:") as tar:
            members = tar.getmembers()
            for m in members:
                if not m.isfile() or not _allowed(m.name):
                    raise SotayError(f"{bad}: có mục lạ {m.name!r}")
            tar.extractall(into, filter="data")
    except (tarfile.TarError, EOFError, OSError) as e:
        raise SotayError(f"{bad} (hỏng hoặc bị cắt cụt: {e})") from e
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
        files = dict(manifest["files"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise SotayError(f"{bad}: không đọc được {MANIFEST} ({e})") from e
    if manifest.get("format") != FORMAT:
        raise SotayError(f"{bad}: định dạng {manifest.get('format')!r}, bản này đọc {FORMAT!r}")
    if manifest.get("schema") != SCHEMA:
        raise SotayError(f"{bad}: sao lưu từ chỉ mục kiểu {manifest.get('schema')}, phiên bản này dùng kiểu {SCHEMA}")
    present = {m.name for m in members} - {MANIFEST}
    if present != set(files):
        raise SotayError(f"{bad}: thiếu hoặc thừa tệp so với {MANIFEST} "
                         f"({', '.join(sorted(present ^ set(files))[:5])})")
    for name, expected in files.items():
        if _file_sum(into / name) != expected:
            raise SotayError(f"{bad}: tệp {name} sai mã kiểm tra (SHA-256): bản sao lưu đã bị hỏng")
    return manifest


def _rebuild(settings: Settings, manifest: dict, unpacked: Path, data: Path) -> dict:
    """A fresh store in `data` from the records, checked against the manifest row for row."""
    local = settings.model_copy(update={"data_dir": data, "collection": manifest["collection"], "chroma_url": None})
    db = RecordsDb(unpacked / RECORDS)
    store = Store(local, manifest["embed_model"])
    try:
        collections = {"documents": store.documents, "trees": store.trees, "passages": store.passages,
                       "units": store.units.collection}
        for name in COLLECTIONS:
            started = time.perf_counter()
            _add_all(collections[name], db.rows(name))
            log.info("restore: %d %s records added in %.1f s", db.count(name), name, time.perf_counter() - started)
        if (unpacked / ORIGINALS).is_dir():
            shutil.move(unpacked / ORIGINALS, data / ORIGINALS)
        back = RecordsDb(unpacked.parent / "restored.sqlite")   # the restored store read once, then compared
        for name in COLLECTIONS:
            back.write(name, chroma_rows(collections[name]))
            if digest(back.rows(name)) != manifest["digests"][name] or same_vectors(back.rows(name), db, name):
                raise SotayError(f"khôi phục không khớp bản sao lưu ở bảng {name}; thư mục đích không bị động đến")
        problems = check(back.rows, Originals(data).has)
        back.close()
        if problems:
            raise SotayError("chỉ mục khôi phục không nhất quán: " + "; ".join(problems))
    finally:
        store.client.close()
        db.close()
    return dict(manifest["counts"])


def _add_all(collection, rows) -> None:
    batch: list = []

    def flush() -> None:
        if batch:
            documents = [r.document for r in batch]
            collection.add(ids=[r.id for r in batch], embeddings=[r.embedding.tolist() for r in batch],
                           metadatas=[r.metadata or None for r in batch],
                           **({} if all(d is None for d in documents) else {"documents": documents}))
            batch.clear()

    for row in rows:
        batch.append(row)
        if len(batch) >= _ADD_BATCH:
            flush()
    flush()


def _allowed(name: str) -> bool:
    parts = PurePosixPath(name).parts
    if name in (MANIFEST, RECORDS):
        return True
    return len(parts) == 3 and parts[0] == ORIGINALS and len(parts[2]) == 64 and parts[2].startswith(parts[1]) \
        and all(c in "0123456789abcdef" for c in parts[2])


def _file_sum(path: Path) -> dict:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return {"sha256": h.hexdigest(), "size": path.stat().st_size}
