"""The real `sotay` command: ingest with a summary and clear failures, re-ingest, inspect, search."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED, seed_files


def sotay(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sotay.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=600)


@pytest.fixture(scope="module")
def env(tmp_path_factory, cache_dir) -> dict:
    return {"SOTAY_DATA_DIR": str(tmp_path_factory.mktemp("cli-data")), "SOTAY_CACHE_DIR": str(cache_dir)}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("inbox")
    for f in seed_files():
        shutil.copy(f, d / f.name)
    (d / "rong.txt").write_bytes(b"")
    (d / "nhi-phan.txt").write_bytes(bytes(range(256)) * 8)
    (d / "hong.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    return d


def test_ingest_reports_and_survives_bad_files(env, folder):
    r = sotay("ingest", str(folder), "-q", env=env)
    assert r.returncode == 1, r.stderr
    assert "5 mới, 0 cập nhật, 0 không đổi, 3 lỗi" in r.stdout
    for name in ("rong.txt", "nhi-phan.txt", "hong.docx"):
        assert name in r.stderr
    assert "Traceback" not in r.stderr


def test_reingest_is_a_noop_and_a_change_replaces(env, folder, tmp_path):
    r = sotay("ingest", *[str(folder / f.name) for f in seed_files()], "-q", env=env)
    assert r.returncode == 0 and "0 mới, 0 cập nhật, 5 không đổi, 0 lỗi" in r.stdout
    target = folder / seed_files()[-1].name   # the 01/CTr-LĐLĐ programme
    target.write_text(target.read_text(encoding="utf-8").replace("Kinh phí thực hiện", "Kinh phí thực hiện (sửa đổi)"),
                      encoding="utf-8")
    r = sotay("ingest", str(target), "-q", env=env)
    assert r.returncode == 0 and "1 cập nhật" in r.stdout and "5 văn bản" in r.stdout
    r = sotay("search", "kinh phí sửa đổi", "--k", "1", "--json", env=env)
    assert "sửa đổi" in json.loads(r.stdout)[0]["text"]


def test_search_command(env):
    r = sotay("search", "chi tieu dao tao chu tich cdcs", "--k", "3", env=env)
    assert r.returncode == 0 and "mục 2.1, phần II, Chương trình hành động" in r.stdout.split("\n")[0]
    r = sotay("search", "cán bộ", "--type", "Báo cáo", "--json", env=env)
    assert all(h["doc_type"] == "Báo cáo" for h in json.loads(r.stdout))


def test_inspect_seed(env):
    r = sotay("inspect", str(seed_files()[-1]), env=env)
    assert r.returncode == 0
    assert "01/CTr-LĐLĐ" in r.stdout and "2026-01-21" in r.stdout and "Lương Xuân Trường" in r.stdout
    assert "II.2  2. Chỉ tiêu đến năm 2030" in r.stdout
    data = json.loads(sotay("inspect", str(seed_files()[-1]), "--json", env=env).stdout)
    assert data["meta"]["number"] == "01/CTr-LĐLĐ" and data["passages"] > 5


def test_inspect_law_finds_chapters_and_articles(env):
    law = SHARED / "bench" / "laws" / "Luat-Cong-doan-2012-142186.txt"
    data = json.loads(sotay("inspect", str(law), "--json", env=env).stdout)
    labels = [s["label"] for s in data["sections"]]
    assert sum(1 for x in labels if x.startswith("Chương")) == 6
    assert sum(1 for x in labels if x.startswith("Điều")) == 33
    assert data["meta"]["number"] == "12/2012/QH13" and data["meta"]["doc_type"] == "Luật"


def test_inspect_bad_file_is_one_clear_line(env, folder):
    r = sotay("inspect", str(folder / "rong.txt"), env=env)
    assert r.returncode == 1 and r.stderr.strip().startswith("LỖI rong.txt")
