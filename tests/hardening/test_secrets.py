"""The bot token never reaches stderr, even inside tracebacks, from `sotay bot` or `sotay serve`; in
webhook mode the API starts although Telegram is unreachable (set_webhook retried in the background)."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456789:AAFakeTokenFakeTokenFakeTokenFake12345"
# no "/bot" and no trailing slash: the token lands in the port and every error message quotes the URL
BROKEN_BASE = "http://127.0.0.1:9"


def env(tmp_path: Path, cache_dir: Path, **extra) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "SOTAY_DATA_DIR": str(tmp_path / "data"),
            "SOTAY_CACHE_DIR": str(cache_dir), "SOTAY_TELEGRAM_TOKEN": TOKEN,
            "SOTAY_TELEGRAM_BASE_URL": BROKEN_BASE, **extra}


def test_sotay_bot_never_prints_the_token(tmp_path, cache_dir):
    """Telegram unreachable: `sotay bot` retries (each failure logged, masked) until it is stopped."""
    log = tmp_path / "bot.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "sotay.cli", "bot"], env=env(tmp_path, cache_dir),
                                stdout=out, stderr=subprocess.STDOUT, text=True, cwd=tmp_path)
        deadline = time.monotonic() + 180
        while "Telegram unreachable" not in log.read_text() and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    output = log.read_text()
    assert "Telegram unreachable" in output and "Traceback" not in output, output
    assert "AAFakeToken" not in output and "123456789:" not in output
    assert "đã ẩn" in output  # the failure was logged, with the token masked


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def webhook_server(tmp_path_factory, cache_dir):
    """`sotay serve` in webhook mode with Telegram unreachable; yields (port, stop) where stop() ends the
    server and returns everything it printed."""
    tmp_path = tmp_path_factory.mktemp("webhook")
    port = free_port()
    extra = {"SOTAY_TELEGRAM_WEBHOOK_URL": "https://sotay.example/telegram",
             "SOTAY_TELEGRAM_WEBHOOK_SECRET": "webhook-secret-123", "SOTAY_API_KEY": "khóa-ß-secret"}
    proc = subprocess.Popen([sys.executable, "-m", "sotay.cli", "serve", "--port", str(port)],
                            env=env(tmp_path, cache_dir, **extra), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, cwd=tmp_path)

    def stop() -> str:
        if proc.returncode is None:
            proc.send_signal(signal.SIGINT)
            stop.output = proc.communicate(timeout=60)[0]
        return stop.output
    try:
        deadline, health = time.monotonic() + 180, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        assert health is not None and health.status_code == 200, "API did not start in webhook mode"
        yield port, stop
    finally:
        stop()


def test_unparseable_http_request_gets_vietnamese_json_400(webhook_server):
    port, _ = webhook_server
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GARBAGE \x00\x01 NOT-HTTP\r\n\r\n")
        reply = b""
        while chunk := s.recv(4096):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400") and b"application/json" in head.lower()
    assert "không hợp lệ" in json.loads(body)["detail"]


def test_server_starts_in_webhook_mode_without_telegram_and_never_prints_the_token(webhook_server):
    time.sleep(3)  # let at least one set_webhook retry fail and be logged
    output = webhook_server[1]()
    assert "AAFakeToken" not in output and "webhook-secret-123" not in output and "khóa-ß-secret" not in output
    assert "retrying" in output and "đã ẩn" in output


def test_zalo_secrets_are_redacted_too():
    import logging

    from core.redact import Redactor, secrets_of
    from core.settings import Settings

    s = Settings(zalo_token="1234567890:zalo-token-value", zalo_webhook_secret="zalo-hook-secret-42")
    redactor = Redactor(secrets_of(s))
    record = logging.LogRecord("sotay", logging.INFO, __file__, 1, "token %s secret %s", None, None)
    record.args = (s.zalo_token, s.zalo_webhook_secret)
    redactor.filter(record)
    assert "zalo-token-value" not in record.getMessage() and "zalo-hook-secret-42" not in record.getMessage()
