"""Backups and original files (issue 26), on the seeds with the real model and a real Chroma, over HTTP:
`sotay backup` run as its own process while uploads and deletions go on restores into a fresh data dir that
passes its own consistency check and serves the same top-5 for every dev question (its vectors read from the
restored store: it gets an empty embedding cache); a restore never writes over a data dir that holds
something; a damaged archive is refused; an original downloads byte for byte; `reread` re-reads it, and a
reader that fails keeps the document."""
from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import threading
import time

import httpx
import pytest

import index.build
from core.errors import IngestError
from index.check import check
from index.originals import Originals
from index.records_db import chroma_rows
from index.store import Store
from service.engine import Engine
from service.originals import original_of, reread
from tests.api.test_ambiguous import PLAN, UNITS  # two units, one number: two documents
from tests.conftest import ROOT, dev_questions, seed_files, serve

KEY = {"X-API-Key": "test-key"}
EXTRA = """LIÊN ĐOÀN LAO ĐỘNG TỈNH LAI CHÂU\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
CÔNG ĐOÀN NGÀNH GIÁO DỤC\tĐộc lập - Tự do - Hạnh phúc
Số: {n}/TB-CĐN\tLai Châu, ngày {day} tháng 4 năm 2025

THÔNG BÁO
Lịch sinh hoạt chuyên đề số {n} của Ban Chấp hành

1. Thời gian: buổi sáng ngày {day} tháng 4 năm 2025.
2. Nội dung: trao đổi kinh nghiệm tổ chức sinh hoạt chuyên đề lần {n} cho cán bộ công đoàn.
"""


def sotay(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sotay.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **env}, timeout=600)


@pytest.fixture(scope="module")
def settings(seed_settings, tmp_path_factory):
    return seed_settings.model_copy(update={"data_dir": tmp_path_factory.mktemp("backup-live")})


@pytest.fixture(scope="module")
def engine(settings):
    with Engine.open(settings) as engine:
        for f in seed_files():
            assert engine.add_bytes(f.read_bytes(), f.name).status == "added"
        yield engine


@pytest.fixture(scope="module")
def base(settings, engine):
    with serve(settings, engine) as url:
        yield url


@pytest.fixture(scope="module")
def units(base) -> dict[str, bytes]:
    """The two units' plans, uploaded over HTTP: doc id → the bytes sent."""
    out = {}
    for parent, place in UNITS.items():
        data = PLAN.format(parent=parent, place=place).encode()
        job = httpx.post(base + "/documents", files={"file": (f"kế hoạch {place}.txt", data)}, headers=KEY).json()
        out[_done(base, job["id"])["result"]["doc_id"]] = data
    assert len(out) == 2
    return out


def _done(base: str, job_id: str) -> dict:
    deadline = time.monotonic() + 120
    while (job := httpx.get(f"{base}/jobs/{job_id}").json())["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.05)
    assert job["status"] == "done", job
    return job


def _top5(base: str, question: str) -> list[str]:
    r = httpx.get(base + "/search", params={"q": question, "k": 5}, timeout=60)
    assert r.status_code == 200, r.text
    return [h["passage_id"] for h in r.json()["results"]]


def test_each_units_original_downloads_byte_for_byte_with_its_name(base, units):
    for doc_id, data in units.items():
        r = httpx.get(f"{base}/documents/{doc_id}/original")
        assert r.status_code == 200 and r.content == data
        assert r.headers["content-type"] == "text/plain; charset=utf-8"
        assert "attachment" in r.headers["content-disposition"]
        assert "filename*=UTF-8''k%E1%BA%BF%20ho%E1%BA%A1ch" in r.headers["content-disposition"]
        assert httpx.get(f"{base}/documents/{doc_id}").json()["has_original"] is True
    shared = httpx.get(base + "/documents/12%2FKH-C%C4%90CS/original")
    assert shared.status_code in (404, 409)   # a number two units share never picks one of them
    assert httpx.get(base + "/documents/khong-co/original").status_code == 404


def test_a_backup_taken_during_uploads_and_deletions_restores_the_same_top5(settings, engine, base, units,
                                                                           tmp_path, cache_dir):
    env = {"SOTAY_DATA_DIR": str(settings.data_dir), "SOTAY_CACHE_DIR": str(cache_dir),
           "SOTAY_EMBED_MODEL": settings.embed_model}
    extras = {n: EXTRA.format(n=n, day=10 + n).encode() for n in range(1, 40)}
    stop, spans, errors = threading.Event(), [], []

    def write() -> None:   # upload a document, delete it, next one: until the backup is done
        try:
            for n, data in extras.items():
                if stop.is_set():
                    return
                started = time.monotonic()
                job = httpx.post(base + "/documents", files={"file": (f"tb-{n}.txt", data)}, headers=KEY).json()
                doc_id = _done(base, job["id"])["result"]["doc_id"]
                if n % 2:   # the odd ones are deleted again, the even ones stay
                    assert httpx.delete(f"{base}/documents/{doc_id}", headers=KEY, timeout=60).status_code == 200
                spans.append((started, time.monotonic()))
        except Exception as e:   # reported by the test, not lost in the thread
            errors.append(e)

    writer = threading.Thread(target=write)
    writer.start()
    while len(spans) < 2 and writer.is_alive():
        time.sleep(0.05)
    archive = tmp_path / "sotay.tar"
    backup_started = time.monotonic()
    made = sotay("backup", str(archive), env=env)
    backup_ended = time.monotonic()
    while writer.is_alive() and sum(s > backup_ended for s, _ in spans) < 2:
        time.sleep(0.05)
    stop.set()
    writer.join()
    assert not errors, errors
    assert made.returncode == 0, made.stderr
    assert "Đã sao lưu" in made.stdout and "not whole" not in made.stderr   # the file copy was whole
    assert any(s < backup_ended and e > backup_started for s, e in spans)   # writes ran during the backup

    target = tmp_path / "restored"
    done = sotay("restore", str(archive), str(target), env=env)
    assert done.returncode == 0, done.stderr
    restored = settings.model_copy(update={"data_dir": target, "cache_dir": tmp_path / "empty-cache"})
    store = Store(restored, engine.searcher.embedder.name)
    collections = {"documents": store.documents, "trees": store.trees, "passages": store.passages,
                   "units": store.units.collection}
    assert check(lambda name: chroma_rows(collections[name]), Originals(target).has) == []
    kept = set(store.versions())
    store.client.close()
    assert set(units) | {d.id for d in engine.documents() if not d.source.startswith("tb-")} <= kept

    # the live store is brought to the snapshot's documents: the extra ones it held, and no others
    with Engine.open(restored, watch=False) as back:
        snapshot_extras = {d.id: d.source for d in back.documents() if d.source.startswith("tb-")}
    live_extras = {d.id for d in engine.documents() if d.source.startswith("tb-")}
    for doc_id in live_extras - set(snapshot_extras):
        engine.delete(doc_id)
    for doc_id, source in snapshot_extras.items():
        n = int(source[3:-4])
        assert engine.add_bytes(extras[n], source).doc_id == doc_id
    with Engine.open(restored) as back, serve(restored, back) as restored_base:
        for q in dev_questions():
            assert _top5(restored_base, q["question"]) == _top5(base, q["question"]), q["question"]
        for doc_id, data in units.items():
            assert httpx.get(f"{restored_base}/documents/{doc_id}/original").content == data


def test_restore_never_writes_over_a_data_dir_that_holds_something(settings, units, tmp_path, cache_dir):
    env = {"SOTAY_DATA_DIR": str(settings.data_dir), "SOTAY_CACHE_DIR": str(cache_dir),
           "SOTAY_EMBED_MODEL": settings.embed_model}
    archive = tmp_path / "b.tar"
    assert sotay("backup", str(archive), env=env).returncode == 0
    again = sotay("backup", str(archive), env=env)
    assert again.returncode == 2 and "không ghi đè" in again.stderr
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "ghi-chu.txt").write_text("của người dùng", encoding="utf-8")
    refused = sotay("restore", str(archive), str(occupied), env=env)
    assert refused.returncode == 2 and "không trống" in refused.stderr and "--force" in refused.stderr
    assert [p.name for p in occupied.iterdir()] == ["ghi-chu.txt"]
    forced = sotay("restore", str(archive), str(occupied), "--force", env=env)
    assert forced.returncode == 0, forced.stderr
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("occupied.before-restore-")]
    assert len(aside) == 1 and (aside[0] / "ghi-chu.txt").read_text(encoding="utf-8") == "của người dùng"
    assert (occupied / "chroma").is_dir() and not [p for p in tmp_path.iterdir() if ".restoring-" in p.name]


def test_a_damaged_archive_is_refused_and_nothing_is_written(settings, units, tmp_path, cache_dir):
    env = {"SOTAY_DATA_DIR": str(settings.data_dir), "SOTAY_CACHE_DIR": str(cache_dir),
           "SOTAY_EMBED_MODEL": settings.embed_model}
    archive = tmp_path / "b.tar"
    assert sotay("backup", str(archive), env=env).returncode == 0
    with tarfile.open(archive) as tar:
        member = tar.getmember("records.sqlite")
    flipped = bytearray(archive.read_bytes())
    flipped[member.offset_data + member.size // 2] ^= 0xFF
    (tmp_path / "flipped.tar").write_bytes(bytes(flipped))
    (tmp_path / "cut.tar").write_bytes(archive.read_bytes()[: member.offset_data + 100])
    (tmp_path / "other.tar").write_bytes(b"khong phai tep tar" * 100)
    for name, reason in (("flipped.tar", "sai mã kiểm tra"), ("cut.tar", "hỏng hoặc bị cắt cụt"),
                         ("other.tar", "hỏng hoặc bị cắt cụt")):
        r = sotay("restore", str(tmp_path / name), str(tmp_path / f"to-{name}"), env=env)
        assert r.returncode == 2 and reason in r.stderr and "Traceback" not in r.stderr, (name, r.stderr)
        assert not (tmp_path / f"to-{name}").exists()
    assert not [p for p in tmp_path.iterdir() if ".restoring-" in p.name]


def test_reread_reads_the_original_again_and_a_failing_reader_keeps_the_document(engine, units, monkeypatch):
    doc_id = sorted(units)[0]
    assert reread(engine, doc_id).status == "unchanged"   # this code read these very bytes already
    before = engine.document(doc_id)
    monkeypatch.setattr(index.build, "_CODE_STAMP", b"a newer reader")   # what an upgrade of ingest/ does
    redone = reread(engine, doc_id)
    assert redone.status == "updated" and redone.doc_id == doc_id
    assert engine.document(doc_id).meta == before.meta and original_of(engine, doc_id).data == units[doc_id]

    def broken(*args, **kwargs):
        raise IngestError("tệp.txt: bộ đọc mới lỗi")

    monkeypatch.setattr(index.build, "_CODE_STAMP", b"a reader that fails")
    monkeypatch.setattr(index.build, "extract", broken)
    failed = reread(engine, doc_id)
    assert failed.status == "failed" and "giữ nguyên" in failed.error
    assert engine.document(doc_id).meta == before.meta
    assert doc_id in {h.doc_id for h in engine.search("hội thao rèn luyện thân thể", k=10)}
    assert original_of(engine, doc_id).data == units[doc_id]
    assert set(units) <= {d.id for d in engine.documents()}   # the other unit's plan of the same number too


def test_the_backup_waits_for_a_write_step_of_another_process_and_cleans_a_crashed_one(settings, engine, units,
                                                                                      tmp_path, cache_dir):
    env = {"SOTAY_DATA_DIR": str(settings.data_dir), "SOTAY_CACHE_DIR": str(cache_dir),
           "SOTAY_EMBED_MODEL": settings.embed_model}
    from ingest.parse import parse_document

    crashed = parse_document(EXTRA.format(n=77, day=7), "tb-77.txt")
    with engine.indexer.lock:   # a write that crashed after its first step: a pending mark, no version
        engine.store.begin(crashed, "v-crashed")
    held = threading.Event()

    def hold() -> None:   # a write step of this (the serving) process, 3 s long
        with engine.indexer.lock:
            held.set()
            time.sleep(3)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait()
    started = time.monotonic()
    made = sotay("backup", str(tmp_path / "b.tar"), env=env)
    holder.join()
    assert made.returncode == 0, made.stderr
    assert time.monotonic() - started >= 3   # another process's backup waited for this process's write
    assert "cleaned 1 writes a crash interrupted" in made.stderr
    assert engine.store.record(crashed.id) is None
    target = tmp_path / "restored"
    assert sotay("restore", str(tmp_path / "b.tar"), str(target), env=env).returncode == 0
    store = Store(settings.model_copy(update={"data_dir": target}), engine.searcher.embedder.name)
    assert store.record(crashed.id) is None and set(units) <= set(store.versions())
    store.client.close()


def test_a_corrected_document_keeps_its_original(base, units):
    doc_id, data = next((i, d) for i, d in units.items() if "Mường Tè" in d.decode())
    r = httpx.patch(f"{base}/documents/{doc_id}", json={"title": "Tổ chức hội thao năm 2025"}, headers=KEY, timeout=60)
    assert r.status_code == 200, r.text
    assert httpx.get(f"{base}/documents/{doc_id}/original").content == data
    assert all(httpx.get(f"{base}/documents/{i}/original").content == d for i, d in units.items())


def test_the_document_page_links_its_original_and_the_link_downloads_it(base, units, tmp_path):
    browser_test = pytest.importorskip("tests.api.test_browser")
    doc_id, data = next((i, d) for i, d in units.items() if "Sìn Hồ" in d.decode())
    with browser_test.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_test.CHROMIUM, args=browser_test.CHROMIUM_ARGS)
        try:
            context, page, errors = browser_test.new_page(browser)
            context.set_default_timeout(browser_test.TIMEOUT)
            page.goto(f"{base}/#doc/{doc_id}")
            link = page.locator("#doc-meta a.original-link")
            browser_test.expect(link).to_contain_text("kế hoạch Sìn Hồ.txt")
            with page.expect_download() as got:
                link.click()
            saved = tmp_path / "tai-ve.txt"
            got.value.save_as(saved)
            assert saved.read_bytes() == data and got.value.suggested_filename == "kế hoạch Sìn Hồ.txt"
            assert not errors, errors
        finally:
            browser.close()
