"""Upload jobs kept on disk (`SOTAY_DATA_DIR/jobs/`), so a crash loses none: each upload's bytes and its
record are written when it is queued, the record is rewritten as it moves on, and the bytes are removed when
it ends. A process that starts picks up the uploads a dead one left queued or running (it re-runs them from
their bytes: an ingest of the same bytes completes or repeats the interrupted write), and answers
GET /jobs/{id} for the finished ones it remembers.

Several processes (API, bot) share a data dir: a process holds an flock on each upload's bytes while the
job is its own, and the kernel drops it when the process dies, so a job is resumed by one process only.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
from dataclasses import fields
from pathlib import Path

log = logging.getLogger(__name__)
RECORD_FIELDS = ("id", "source", "status", "stage", "progress", "error", "created", "finished", "lane")


class JobFiles:
    def __init__(self, folder: Path, kept: int) -> None:
        self.folder = folder
        self.kept = kept
        folder.mkdir(parents=True, exist_ok=True)
        self._locks: dict[str, int] = {}   # job id → fd of its bytes, flocked while the job is ours

    def added(self, job, data: bytes) -> None:
        """A new upload: its bytes (locked: ours) and its record."""
        path = self.folder / f"{job.id}.bin"
        path.write_bytes(data)
        self._lock(job.id)
        self.save(job)

    def save(self, job) -> None:
        record = {k: getattr(job, k) for k in RECORD_FIELDS}
        tmp = self.folder / f"{job.id}.json.tmp"
        tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.folder / f"{job.id}.json")
        if job.status in ("done", "failed"):
            (self.folder / f"{job.id}.bin").unlink(missing_ok=True)
            fd = self._locks.pop(job.id, None)
            if fd is not None:
                os.close(fd)

    def load(self, job_type) -> tuple[list, list[tuple[object, bytes]]]:
        """(finished jobs, oldest first; unfinished jobs this process now owns, with their bytes). Records
        past the `kept` newest are removed."""
        records = []
        for path in self.folder.glob("*.json"):
            try:
                records.append(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError) as e:
                log.warning("unreadable job record %s (%s); skipped", path, e)
        records.sort(key=lambda r: r.get("created") or 0)
        for old in records[:-self.kept] if len(records) > self.kept else []:
            (self.folder / f"{old['id']}.json").unlink(missing_ok=True)
        records = records[-self.kept:]
        known = {f.name for f in fields(job_type)}
        finished, resumed = [], []
        for r in records:
            job = job_type(**{k: v for k, v in r.items() if k in known})
            if job.status in ("done", "failed"):
                finished.append(job)
                continue
            data_path = self.folder / f"{job.id}.bin"
            if not data_path.exists():
                finished.append(job)   # the caller marks it failed: its bytes are gone
            elif self._lock(job.id, wait=False):
                resumed.append((job, data_path.read_bytes()))
        return finished, resumed

    def _lock(self, job_id: str, wait: bool = True) -> bool:
        fd = os.open(self.folder / f"{job_id}.bin", os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:   # another live process runs it
            os.close(fd)
            return False
        self._locks[job_id] = fd
        return True
