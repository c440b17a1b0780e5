"""`sotay bot` started while Telegram is unreachable keeps retrying with backoff (no traceback, no exit) and
starts polling once the Bot API answers."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.bot.fake_telegram import TOKEN, FakeTelegram
from tests.index.test_chroma_server import free_port


def test_sotay_bot_waits_for_telegram(tmp_path):
    port = free_port()
    env = {**os.environ, "SOTAY_DATA_DIR": str(tmp_path / "data"), "SOTAY_CACHE_DIR": str(tmp_path / "cache"),
           "SOTAY_EMBED_MODEL": "fake", "SOTAY_TELEGRAM_TOKEN": TOKEN,
           "SOTAY_TELEGRAM_BASE_URL": f"http://127.0.0.1:{port}/bot", "SOTAY_TELEGRAM_WEBHOOK_URL": ""}
    env.pop("SOTAY_TELEGRAM_WEBHOOK_URL")
    log = (tmp_path / "bot.log").open("w+")
    proc = subprocess.Popen([sys.executable, "-m", "sotay.cli", "bot"], env=env, stdout=log, stderr=subprocess.STDOUT,
                            cwd=Path(__file__).resolve().parents[2])
    fake = FakeTelegram()
    try:
        deadline = time.monotonic() + 120
        while "Telegram unreachable" not in Path(log.name).read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(4)                                    # nothing listens: getMe fails, again and again
        assert proc.poll() is None, Path(log.name).read_text()
        fake.start(port)
        deadline = time.monotonic() + 40
        while fake.get_updates_count == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert fake.get_updates_count > 0, Path(log.name).read_text()
        assert proc.poll() is None
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        fake.stop()
    output = Path(log.name).read_text()
    assert "Telegram unreachable at start-up" in output and "Traceback" not in output, output
