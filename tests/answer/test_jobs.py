"""The job queue's two lanes: a slow file on FILES never holds up what QUICK runs."""
from __future__ import annotations

import threading

import pytest

from core.errors import NotFound
from index.build import FileResult
from service.jobs import FILES, QUICK, JobQueue, lane_of


def test_lane_by_size_and_kind():
    assert lane_of(b"x" * 1000, "ke-hoach.txt") == QUICK
    assert lane_of(b"x" * 1000, "ke-hoach.docx") == QUICK
    assert lane_of(b"x" * 200_000, "luat.txt") == FILES          # minutes to embed
    assert lane_of(b"x" * 1000, "ban-quet.pdf") == FILES         # may need OCR
    assert lane_of(b"x" * 1000, "cu.doc") == FILES               # LibreOffice


def test_a_slow_file_does_not_hold_up_the_quick_lane():
    release = threading.Event()

    def work(data, name, progress):
        if name == "cham.pdf":
            assert release.wait(30)
        return FileResult(source=name, status="added")

    jobs = JobQueue(work)
    try:
        slow = jobs.submit(b"%PDF", "cham.pdf")
        small = jobs.submit(b"van ban", "nho.txt")
        removal = jobs.run("xóa", lambda progress: "removed", lane=QUICK)
        assert jobs.wait(small.id, timeout=5).status == "done"
        assert jobs.wait(removal.id, timeout=5).status == "done"
        assert jobs.get(slow.id).status == "running"
        release.set()
        assert jobs.wait(slow.id, timeout=10).status == "done" and jobs.idle(timeout=5)
    finally:
        release.set()
        jobs.close()


def test_a_failed_job_keeps_its_domain_error():
    jobs = JobQueue(lambda data, name, progress: None)
    try:
        def missing(progress):
            raise NotFound("Không có văn bản 'x'")

        job = jobs.wait(jobs.run("xóa x", missing).id, timeout=5)
        assert job.status == "failed" and job.error == "Không có văn bản 'x'"
        assert isinstance(job.exception, NotFound)
    finally:
        jobs.close()


def test_deleting_twice_removes_once_then_says_not_found(seed_settings, tmp_path):
    from service.engine import Engine
    from tests.conftest import seed_files

    settings = seed_settings.model_copy(update={"data_dir": tmp_path / "data"})
    with Engine.open(settings) as engine:
        seed = seed_files()[3]
        doc_id = engine.add_bytes(seed.read_bytes(), seed.name).doc_id
        first, second = engine.delete_later(doc_id), engine.delete_later(doc_id)   # one batch
        assert engine.jobs.wait(first.id).removed.id == doc_id
        assert isinstance(engine.jobs.wait(second.id).exception, NotFound)
        with pytest.raises(NotFound):
            engine.delete(doc_id)
        assert doc_id not in {d.id for d in engine.documents()}
