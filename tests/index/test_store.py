"""The document store: identity (never the file name), updates said out loud, and crash safety —
`sotay ingest` killed at each write step, and by a real SIGKILL, leaves every document whole or absent,
and running it again equals a clean ingest."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from core.settings import Settings
from service.engine import Engine
from tests.conftest import ROOT, SHARED, seed_files

PLAN = """{parent}
{unit}
Số: 12/KH-CĐCS
{province_name}, ngày {day} tháng 3 năm 2025
KẾ HOẠCH
Tổ chức {activity}
I. MỤC ĐÍCH
1. {purpose}
II. NỘI DUNG
- Thời gian tổ chức trong tháng 5 năm 2025.
"""
LAWS = [SHARED / "bench/laws" / n for n in ("Luat-Cong-doan-2012-142186.txt", "Luat-viec-lam-nam-2013-215628.txt",
                                            "Luat-Binh-dang-gioi-2006-73-2006-QH11-15866.txt")]


def plan(unit: str, activity: str, day: int = 2, province: str = "LAI CHÂU", parent: str | None = None) -> bytes:
    parent = parent or f"LIÊN ĐOÀN LAO ĐỘNG TỈNH {province}"
    unit = unit if unit.startswith("BAN ") else f"CÔNG ĐOÀN CƠ SỞ {unit}"
    return PLAN.format(parent=parent, unit=unit, province_name=province.title(), day=day, activity=activity,
                       purpose=f"Nâng cao hiệu quả {activity.lower()} cho đoàn viên.").encode()


@pytest.fixture
def engine(tmp_path, cache_dir):
    e = Engine.open(Settings(data_dir=tmp_path / "data", cache_dir=cache_dir, embed_model="fake", llm_url=None))
    yield e
    e.close()


def test_two_units_same_number_and_year_are_two_documents(engine):
    a = engine.add_bytes(plan("TRƯỜNG THCS BẢN GIANG", "hội thi văn nghệ"), "a.txt")
    b = engine.add_bytes(plan("BỆNH VIỆN ĐA KHOA TỈNH", "giải bóng đá"), "b.txt")
    assert a.status == b.status == "added" and a.doc_id != b.doc_id
    assert {d.meta.number for d in engine.documents()} == {"12/KH-CĐCS"} and len(engine.documents()) == 2
    assert engine.search("giải bóng đá", k=1)[0].doc_id == b.doc_id
    assert engine.search("hội thi văn nghệ", k=1)[0].doc_id == a.doc_id


@pytest.mark.parametrize("first, second", [
    # a header that ends in the body, not the unit: the line above tells them apart
    (dict(parent="CÔNG ĐOÀN CƠ SỞ TRƯỜNG THCS BẢN GIANG", unit="BAN CHẤP HÀNH"),
     dict(parent="CÔNG ĐOÀN CƠ SỞ BỆNH VIỆN ĐA KHOA TỈNH", unit="BAN CHẤP HÀNH")),
    # two schools of one name in two districts
    (dict(parent="LIÊN ĐOÀN LAO ĐỘNG HUYỆN MƯỜNG TÈ", unit="TRƯỜNG THCS LÊ LỢI"),
     dict(parent="LIÊN ĐOÀN LAO ĐỘNG HUYỆN SÌN HỒ", unit="TRƯỜNG THCS LÊ LỢI")),
])
def test_same_number_and_date_from_units_told_apart_by_any_header_line(engine, first, second):
    a = engine.add_bytes(plan(activity="hội thi văn nghệ", **first), "a.txt")
    b = engine.add_bytes(plan(activity="giải bóng đá", **second), "b.txt")
    assert a.status == b.status == "added" and a.doc_id != b.doc_id, (a, b)
    assert len(engine.documents()) == 2


def test_a_file_name_is_never_identity(engine, tmp_path):
    first = engine.add_bytes(plan("TRƯỜNG THCS BẢN GIANG", "hội thi văn nghệ"), "ke-hoach.txt")
    other = engine.add_bytes(plan("BỆNH VIỆN ĐA KHOA TỈNH", "giải bóng đá", day=9), "ke-hoach.txt")
    assert first.status == other.status == "added" and first.doc_id != other.doc_id
    assert len(engine.documents()) == 2

    # the same name in two folders of one CLI run: both kept
    for folder, unit in (("a", "CÔNG TY MAY"), ("b", "CÔNG TY GIẦY")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "ke-hoach.txt").write_bytes(plan(unit, "hội diễn", day=15))
    env = {**os.environ, "SOTAY_DATA_DIR": str(engine.settings.data_dir), "SOTAY_EMBED_MODEL": "fake",
           "SOTAY_CACHE_DIR": str(engine.settings.cache_dir), "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "sotay.cli", "ingest", "-q", str(tmp_path / "a"), str(tmp_path / "b")],
                       env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "2 mới, 0 cập nhật" in r.stdout, r.stdout + r.stderr
    deadline = time.monotonic() + 5          # this engine learns of the other process's writes by itself
    while len(engine.documents()) < 4 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(engine.documents()) == 4


def test_same_document_with_new_content_is_an_update_that_says_so(engine):
    first = engine.add_bytes(plan("TRƯỜNG THCS BẢN GIANG", "hội thi văn nghệ"), "ban-dau.txt")
    revised = plan("TRƯỜNG THCS BẢN GIANG", "hội thi văn nghệ").replace("tháng 5".encode(), "tháng 6".encode())
    second = engine.add_bytes(revised, "ban-sua.txt")
    assert second.status == "updated" and second.doc_id == first.doc_id and second.previous == "ban-dau.txt"
    assert "cập nhật" in second.describe() and "ban-dau.txt" in second.describe()
    assert len(engine.documents()) == 1
    texts = " ".join(h.text for h in engine.search("thời gian tổ chức", k=5))
    assert "tháng 6" in texts and "tháng 5 năm 2025" not in texts      # the old version is gone, not mixed in
    assert engine.add_bytes(revised, "ban-sua-lan-2.txt").status == "unchanged"


@pytest.mark.parametrize("schema", [None, 2, 3])
def test_a_data_dir_of_an_older_layout_gives_one_clear_message(tmp_path, schema):
    """A pre-versioning data dir (no schema mark) or one with the older id scheme: one Vietnamese line telling
    the user to re-ingest, and nothing in it is touched."""
    import chromadb

    client = chromadb.PersistentClient(path=str(tmp_path / "data" / "chroma"))
    meta = {"hnsw:space": "cosine", "embed_model": "fake", **({"schema": schema} if schema else {})}
    old = client.get_or_create_collection("sotay_passages", metadata=meta, embedding_function=None)
    old.add(ids=["p1"], embeddings=[[0.1] * 8], documents=["Điều 1. Phạm vi"], metadatas=[{"doc_id": "12-kh-2025"}])
    del client
    r = _ingest(tmp_path / "data", tmp_path / "cache", seed_files()[:1])
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1 and "nạp lại" in lines[0] and "phiên bản Sổ tay cũ" in lines[0], \
        r.stderr[-2000:]
    check = chromadb.PersistentClient(path=str(tmp_path / "data" / "chroma"))
    assert check.get_collection("sotay_passages").count() == 1


def _ingest(data_dir: Path, cache: Path, files: list[Path], crash_at: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOTAY_DATA_DIR": str(data_dir), "SOTAY_CACHE_DIR": str(cache), "SOTAY_EMBED_MODEL": "fake",
           "PYTHONPATH": str(ROOT)}
    env.pop("SOTAY_TEST_CRASH_AT", None)
    if crash_at:
        env["SOTAY_TEST_CRASH_AT"] = crash_at
    return subprocess.run([sys.executable, "-m", "sotay.cli", "ingest", "-q", *map(str, files)], env=env,
                          capture_output=True, text=True, timeout=600)


def _state(data_dir: Path, cache: Path) -> dict:
    """What a reader sees: every listed document with its passages, and what a search returns."""
    engine = Engine.open(Settings(data_dir=data_dir, cache_dir=cache, embed_model="fake"), watch=False)
    try:
        listed = {d.id for d in engine.documents()}
        rows = {}
        for p in engine.searcher.items:
            rows.setdefault(p.doc_id, set()).add(p.id)
        assert set(rows) <= listed, "a passage belongs to a document that is not listed"
        hits = engine.search("người lao động công đoàn", k=50)
        return {"listed": listed, "rows": rows, "hits": [h.passage_id for h in hits]}
    finally:
        engine.close()


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    root = tmp_path_factory.mktemp("clean")
    files = [*seed_files()[:2], *LAWS]
    assert _ingest(root / "data", root / "cache", files).returncode == 0
    return files, _state(root / "data", root / "cache")


@pytest.mark.parametrize("point", ["begun", "passages", "flipped", "embedded"])
def test_killed_at_each_write_step_leaves_documents_whole_or_absent_and_a_rerun_completes(tmp_path, clean, point):
    files, expected = clean
    data, cache = tmp_path / "data", tmp_path / "cache"
    assert _ingest(data, cache, files[:2]).returncode == 0          # some documents are already there
    crashed = _ingest(data, cache, files, crash_at=point)
    assert crashed.returncode == 9, crashed.stderr[-2000:]
    seen = _state(data, cache)
    for doc_id in seen["listed"]:
        assert seen["rows"].get(doc_id) == expected["rows"][doc_id], f"{doc_id} is listed but not whole"
    assert _ingest(data, cache, files).returncode == 0
    assert _state(data, cache) == expected


def test_embeddings_an_interrupted_ingest_left_out_are_completed_when_an_engine_starts(tmp_path, clean):
    files, expected = clean
    data, cache = tmp_path / "data", tmp_path / "cache"
    assert _ingest(data, cache, files, crash_at="embedded").returncode == 9   # lexical rows written, no vectors
    engine = Engine.open(Settings(data_dir=data, cache_dir=cache, embed_model="fake"))
    try:
        assert {d.id for d in engine.documents()} == expected["listed"]   # searchable by words meanwhile
        deadline = time.monotonic() + 120
        while not engine.searcher.view.has_vector.all() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert engine.searcher.view.has_vector.all() and not engine.store.without_vectors()
    finally:
        engine.close()


def test_delete_killed_half_way_is_finished_by_recovery(tmp_path, clean):
    files, expected = clean
    data, cache = tmp_path / "data", tmp_path / "cache"
    assert _ingest(data, cache, files).returncode == 0
    doc_id = sorted(expected["listed"])[0]
    env = {**os.environ, "SOTAY_DATA_DIR": str(data), "SOTAY_CACHE_DIR": str(cache), "SOTAY_EMBED_MODEL": "fake",
           "PYTHONPATH": str(ROOT), "SOTAY_TEST_CRASH_AT": "unlisted"}
    r = subprocess.run([sys.executable, "-m", "sotay.cli", "delete", doc_id], env=env, capture_output=True, timeout=300)
    assert r.returncode == 9
    seen = _state(data, cache)
    assert doc_id not in seen["listed"] and doc_id not in seen["rows"]
    engine = Engine.open(Settings(data_dir=data, cache_dir=cache, embed_model="fake"), watch=False)
    try:
        assert engine.store.units.collection.get(where={"doc_id": doc_id}, include=[])["ids"]   # paragraphs stored
        assert engine.store.recover(older_than=0) == [doc_id]
        assert not engine.store.passages.get(where={"doc_id": doc_id}, include=[])["ids"]
        assert not engine.store.units.collection.get(where={"doc_id": doc_id}, include=[])["ids"]
    finally:
        engine.close()


def test_a_real_sigkill_during_ingest_then_a_rerun_equals_a_clean_ingest(tmp_path, clean):
    files, expected = clean
    data, cache = tmp_path / "data", tmp_path / "cache"
    env = {**os.environ, "SOTAY_DATA_DIR": str(data), "SOTAY_CACHE_DIR": str(cache), "SOTAY_EMBED_MODEL": "fake",
           "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "sotay.cli", "ingest", "-q", *map(str, files)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(random.Random(os.getpid()).uniform(2.5, 5.0))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    seen = _state(data, cache)
    for doc_id in seen["listed"]:
        assert seen["rows"].get(doc_id) == expected["rows"][doc_id]
    assert _ingest(data, cache, files).returncode == 0
    assert _state(data, cache) == expected


def test_a_newer_reader_giving_the_same_text_another_id_keeps_the_stored_document(engine, monkeypatch):
    """An upgrade that resolves the issuer or title differently must not add the same document a second time."""
    import index.build as build

    first = engine.add_bytes(plan("CÔNG ĐOÀN CƠ SỞ", "giải bóng đá"), "ke-hoach.txt")
    parse = build.parse_document

    def newer_reader(text, source, ocr_confidence=None):
        doc = parse(text, source, ocr_confidence=ocr_confidence)
        return replace(doc, id=doc.id + "-read-anew")

    monkeypatch.setattr(build, "parse_document", newer_reader)
    monkeypatch.setattr(build, "_CODE_STAMP", b"a newer ingest code")   # the upgrade re-reads every file
    again = engine.add_bytes(plan("CÔNG ĐOÀN CƠ SỞ", "giải bóng đá"), "ke-hoach.txt")
    assert again.doc_id == first.doc_id and again.status in ("updated", "unchanged")
    assert [d.id for d in engine.documents()] == [first.doc_id]
