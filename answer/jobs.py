"""Background ingestion: one worker thread per process takes uploads in turn, so parsing, OCR and embedding
never run on a web server's event loop and writes are serialised.

    job = jobs.submit(data, "ke-hoach.docx")   # returns at once, status "queued"
    jobs.get(job.id)                            # status, stage, progress, result or error
"""
from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace

from core.errors import NotFound, SotayError
from index.build import FileResult

log = logging.getLogger(__name__)
KEPT_JOBS = 500    # finished jobs remembered for GET /jobs/{id}; older ones are forgotten first


@dataclass(frozen=True)
class Job:
    id: str
    source: str
    status: str = "queued"          # queued | running | done | failed
    stage: str = "đang chờ xử lý"   # what it is doing, in Vietnamese
    progress: float = 0.0           # 0..1
    result: FileResult | None = None
    error: str | None = None
    created: float = 0.0
    finished: float | None = None


Work = Callable[[bytes, str, Callable[[str, float], None]], FileResult]


class JobQueue:
    def __init__(self, work: Work) -> None:
        self._work = work
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._queue: queue.Queue[tuple[str, bytes] | Callable[[], object] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="sotay-ingest", daemon=True)
        self._thread.start()

    def submit(self, data: bytes, filename: str) -> Job:
        job = Job(id=uuid.uuid4().hex[:12], source=filename, created=time.time())
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > KEPT_JOBS:
                self._jobs.pop(next(iter(self._jobs)))
        self._queue.put((job.id, data))
        return job

    def background(self, task: Callable[[], object]) -> None:
        """Queue maintenance work (completing missing embeddings) on the same worker, behind uploads."""
        self._queue.put(task)

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFound(f"Không có tác vụ '{job_id}'")
        return job

    def wait(self, job_id: str, timeout: float = 600) -> Job:
        """For the CLI and tests: block until the job ends."""
        deadline = time.monotonic() + timeout
        while (job := self.get(job_id)).status in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.05)
        return job

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout=30)   # a job under way finishes its current step first

    def _update(self, job_id: str, **changes) -> None:
        with self._lock:
            self._jobs[job_id] = replace(self._jobs[job_id], **changes)

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if callable(item):
                try:
                    item()
                except Exception:   # maintenance is retried at the next start; uploads keep going
                    log.exception("background task failed")
                continue
            job_id, data = item
            source = self.get(job_id).source
            self._update(job_id, status="running", stage="đang đọc tệp", progress=0.05)
            try:
                result = self._work(data, source, lambda stage, done: self._update(job_id, stage=stage,
                                                                                   progress=round(done, 3)))
                self._update(job_id, status="done", stage="xong", progress=1.0, result=result,
                             finished=time.time())
            except SotayError as e:
                self._update(job_id, status="failed", stage="lỗi", error=str(e), finished=time.time())
                log.warning("upload %s rejected: %s", source, e)
            except Exception as e:   # a bug in one file's processing must not kill the worker
                error = f"{source}: lỗi khi xử lý tệp ({type(e).__name__}); đã ghi nhật ký để kiểm tra"
                self._update(job_id, status="failed", stage="lỗi", error=error, finished=time.time())
                log.exception("upload %s failed", source)

