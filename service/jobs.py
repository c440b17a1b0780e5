"""Background writes: uploads and deletions run on worker threads, never on a web server's event loop or
request threads, in two lanes so a slow file never holds up a deletion or a small upload.

    job = jobs.submit(data, "ke-hoach.docx")   # returns at once, status "queued"
    jobs.get(job.id)                            # status, stage, progress, result or error
    jobs.run("xóa …", task, lane=QUICK)         # any write as a job (Engine.delete)

Lanes: FILES takes large files, files that may need OCR or a converter, and maintenance (completing the
vectors an interrupted ingest left out); QUICK takes deletions and small text uploads. Each lane runs its
jobs in turn; the store writes themselves are serialised by the engine's write lock, which a file holds
only while it writes, not while it is read or embedded (index/build.py).
"""
from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath

from core.errors import NotFound, SotayError, Unavailable
from index.build import FileResult
from index.chroma import UNREACHABLE, unreachable
from index.twins import Choice
from ingest.records import DocumentSummary
from service.jobfiles import JobFiles

log = logging.getLogger(__name__)
KEPT_JOBS = 500    # finished jobs remembered for GET /jobs/{id}; older ones are forgotten first
FILES, QUICK = "files", "quick"
# a text upload this small is read, indexed and embedded in a few seconds (the seeds: 9-31 KB, 2-5 s);
# anything larger, or a kind that may need OCR or LibreOffice (.pdf, images, .doc/.rtf/.odt, .xlsx), can
# take minutes and goes to the FILES lane
QUICK_BYTES = 64 * 1024
QUICK_KINDS = {".txt", ".md", ".html", ".htm", ".docx"}


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
    removed: DocumentSummary | None = None   # a deletion: what it removed
    lane: str = FILES
    # the domain error a failed job raised, for callers that wait on it (Engine.delete re-raises it)
    exception: Exception | None = field(default=None, repr=False, compare=False)


Progress = Callable[[str, float], None]
Work = Callable[..., FileResult]   # (data, filename, progress[, choice])
Task = Callable[[Progress], object]   # returns a FileResult (an upload) or a DocumentSummary (a deletion)


def lane_of(data: bytes, filename: str) -> str:
    small = len(data) <= QUICK_BYTES and PurePath(filename).suffix.lower() in QUICK_KINDS
    return QUICK if small else FILES


RESUMED = "tiếp tục sau khi máy chủ khởi động lại"
LOST = ("Máy chủ đã khởi động lại khi tệp này đang chờ xử lý, và bản tệp không còn: "
        "tệp chưa được nạp, hãy gửi lại")


class JobQueue:
    def __init__(self, work: Work, folder: Path | None = None) -> None:
        self._work = work
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._files: JobFiles | None = None   # uploads kept on disk (service/jobfiles.py)
        self._on_disk: set[str] = set()
        if folder is not None:
            try:
                self._files = JobFiles(folder, KEPT_JOBS)
            except OSError as e:
                log.warning("upload jobs are not kept on disk in %s (%s): a crash loses the queued ones", folder, e)
        self._queues: dict[str, queue.Queue[tuple[str, Task, str] | Callable[[], object] | None]] = {}
        self._threads: list[threading.Thread] = []
        for lane in (FILES, QUICK):
            self._queues[lane] = queue.Queue()
            thread = threading.Thread(target=self._run, args=(lane,), name=f"sotay-{lane}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def submit(self, data: bytes, filename: str, choice: Choice | None = None) -> Job:
        """An upload: its lane by size and kind (lane_of); `choice` answers a "similar" result (a crash forgets
        it: the resumed upload asks again, and writes nothing meanwhile)."""
        extra = (choice,) if choice is not None else ()
        return self.run(filename, lambda progress: self._work(data, filename, progress, *extra),
                        lane_of(data, filename),
                        stage="đang đọc tệp", data=data)

    def run(self, source: str, task: Task, lane: str = QUICK, stage: str = "đang xử lý",
            data: bytes | None = None) -> Job:
        """Queue a job; with `data` (an upload) it is kept on disk until it ends, so a crash loses none."""
        job = Job(id=uuid.uuid4().hex[:12], source=source, created=time.time(), lane=lane)
        if data is not None and self._files is not None:
            try:
                self._files.added(job, data)
                self._on_disk.add(job.id)
            except OSError as e:   # a full or read-only disk costs the crash safety, never the upload
                log.warning("upload %s not kept on disk (%s)", source, e)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > KEPT_JOBS:
                self._jobs.pop(next(iter(self._jobs)))
        self._queues[lane].put((job.id, task, stage))
        return job

    def resume(self) -> int:
        """Take up the uploads a crashed process left queued or running (re-read from their kept bytes) and
        remember the finished ones; an upload whose bytes are gone is marked failed with why. Returns how
        many were resumed."""
        if self._files is None:
            return 0
        finished, resumed = self._files.load(Job)
        with self._lock:
            for job in finished:
                if job.status not in ("done", "failed"):
                    job = replace(job, status="failed", stage="lỗi", error=f"{job.source}: {LOST}",
                                  finished=time.time())
                    self._files.save(job)
                self._jobs.setdefault(job.id, job)
        for job, data in resumed:
            job = replace(job, status="queued", stage=RESUMED)
            with self._lock:
                self._jobs[job.id] = job
            self._on_disk.add(job.id)
            work = self._work
            self._queues[lane_of(data, job.source)].put(
                (job.id, lambda progress, d=data, s=job.source, work=work: work(d, s, progress),
                 "đang đọc tệp (" + RESUMED + ")"))
            log.warning("resuming upload %s (job %s) left by a process that stopped", job.source, job.id)
        return len(resumed)

    def background(self, task: Callable[[], object]) -> None:
        """Queue maintenance work (completing missing embeddings) on the FILES lane, behind its uploads."""
        self._queues[FILES].put(task)

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
            time.sleep(0.02)
        return job

    def idle(self, timeout: float = 600) -> bool:
        """Block until every lane has run what was queued (tests, and a CLI that waits for maintenance)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(q.unfinished_tasks == 0 for q in self._queues.values()):
                return True
            time.sleep(0.02)
        return False

    def close(self) -> None:
        for lane, thread in zip(self._queues, self._threads):
            if thread.is_alive():
                self._queues[lane].put(None)
        for thread in self._threads:
            thread.join(timeout=30)   # a job under way finishes its current step first

    def _update(self, job_id: str, **changes) -> None:
        with self._lock:
            job = self._jobs[job_id] = replace(self._jobs[job_id], **changes)
        if job_id in self._on_disk and self._files is not None:
            try:
                self._files.save(job)
            except OSError as e:
                log.warning("job %s not saved on disk (%s)", job_id, e)
            if job.status in ("done", "failed"):
                self._on_disk.discard(job_id)

    def _run(self, lane: str) -> None:
        jobs = self._queues[lane]
        while True:
            item = jobs.get()
            try:
                if item is None:
                    return
                self._do(item)
            finally:
                jobs.task_done()

    def _do(self, item: tuple[str, Task, str] | Callable[[], object]) -> None:
        if callable(item):
            try:
                item()
            except Exception:   # maintenance is retried at the next start; uploads keep going
                log.exception("background task failed")
            return
        job_id, task, stage = item
        source = self.get(job_id).source
        self._update(job_id, status="running", stage=stage, progress=0.05)
        try:
            result = task(lambda stage, done: self._update(job_id, stage=stage, progress=round(done, 3)))
            done = {"result": result} if isinstance(result, FileResult) else {"removed": result}
            self._update(job_id, status="done", stage="xong", progress=1.0, finished=time.time(), **done)
        except SotayError as e:
            self._update(job_id, status="failed", stage="lỗi", error=str(e), finished=time.time(), exception=e)
            log.warning("job %s (%s) refused: %s", job_id, source, e)
        except Exception as e:   # a bug in one file's processing must not kill the worker
            if unreachable(e):
                error = f"{source}: {UNREACHABLE}. Việc này chưa được thực hiện: hãy gửi lại sau."
                self._update(job_id, status="failed", stage="lỗi", error=error, finished=time.time(),
                             exception=Unavailable(error))
                log.warning("job %s (%s): the Chroma server does not answer (%s)", job_id, source, e)
                return
            error = f"{source}: lỗi khi xử lý ({type(e).__name__}); đã ghi nhật ký để kiểm tra"
            self._update(job_id, status="failed", stage="lỗi", error=error, finished=time.time())
            log.exception("job %s (%s) failed", job_id, source)
