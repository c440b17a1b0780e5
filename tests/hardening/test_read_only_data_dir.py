"""A read-only data dir (a read-only mount, as on a locked-down server) stops `sotay serve`, `sotay bot`
and `sotay search` with one clear Vietnamese line and exit code 2: never a traceback from Chroma, never a
half-started server. The mount lives in a private mount namespace (unshare), so nothing leaks."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def can_mount_read_only(tmp_path: Path) -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    probe = tmp_path / "probe"
    probe.mkdir()
    run = subprocess.run(["unshare", "-m", "sh", "-c", f"mount --bind {probe} {probe} && "
                          f"mount -o remount,bind,ro {probe} && ! touch {probe}/x"], capture_output=True)
    return run.returncode == 0


@pytest.fixture(scope="module")
def filled_data(tmp_path_factory) -> tuple[Path, dict]:
    tmp = tmp_path_factory.mktemp("ro")
    if not can_mount_read_only(tmp):
        pytest.skip("needs root and unshare to mount a read-only data dir (run as CI does, as root)")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOTAY_DATA_DIR": str(tmp / "data"),
           "SOTAY_CACHE_DIR": str(tmp / "cache"), "SOTAY_EMBED_MODEL": "fake", "SOTAY_TELEGRAM_TOKEN": "",
           "SOTAY_TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot"}
    seed = sorted((ROOT / "corpus").glob("*.txt"))[0]
    ingest = subprocess.run([sys.executable, "-m", "sotay.cli", "ingest", "-q", str(seed)], env=env,
                            capture_output=True, text=True, timeout=300)
    assert ingest.returncode == 0, ingest.stderr
    return tmp / "data", env


@pytest.mark.parametrize("command", [["serve", "--port", "9"], ["search", "công đoàn"], ["bot"]])
def test_read_only_data_dir_is_one_clear_line(filled_data, command):
    data, env = filled_data
    if command == ["bot"]:
        env = {**env, "SOTAY_TELEGRAM_TOKEN": "123456:fake-token-for-a-read-only-test"}
    cli = " ".join([sys.executable, "-m", "sotay.cli", *(f"'{c}'" for c in command)])
    run = subprocess.run(["unshare", "-m", "sh", "-c", f"mount --bind {data} {data} && "
                          f"mount -o remount,bind,ro {data} && exec {cli}"],
                         env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode == 2, run.stderr[-2000:]
    err = run.stderr.strip()
    assert "Traceback" not in err and "InternalError" not in err
    assert err.startswith("Lỗi: không ghi được vào thư mục dữ liệu") and "Read-only file system" in err
    assert str(data) in err and len(err.splitlines()) == 1
    assert any(data.joinpath("chroma").iterdir())   # the index is untouched, ready once rights are fixed
