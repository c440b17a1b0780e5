"""Slow clients over raw sockets against uvicorn run with `sotay serve`'s options (api/server.py): idle
connections, headers or a body sent a byte at a time are closed within the deadlines, while a slow but
steady body and ordinary requests are served. All scenarios run at once, as a probe would send them."""
from __future__ import annotations

import json
import socket
import threading
import time
from urllib.parse import urlparse

import httpx
import pytest

from api.server import BODY_GRACE_S, HEADER_TIMEOUT_S, MIN_BODY_RATE, uvicorn_options
from tests.conftest import serve

SLACK_S = 3.0   # a tick of the body watch, plus a loaded 2-core machine


@pytest.fixture(scope="module")
def address(seed_settings, seed_engine):
    with serve(seed_settings, seed_engine, **uvicorn_options()) as base:
        url = urlparse(base)
        yield url.hostname, url.port, base


def connect(address) -> socket.socket:
    sock = socket.create_connection(address[:2], timeout=HEADER_TIMEOUT_S + BODY_GRACE_S + 30)
    return sock


def read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    out = b""
    while chunk := sock.recv(65536):
        out += chunk
    return out


def trickle(sock: socket.socket, data: bytes, every_s: float) -> tuple[float, bytes]:
    """Send data a byte at a time until the server closes; (seconds until closed, what it answered)."""
    start = time.monotonic()
    sock.setblocking(False)
    answer = b""
    for byte in data:
        try:
            sock.send(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            break
        time.sleep(every_s)
        try:
            chunk = sock.recv(65536)
            answer += chunk
            if not chunk:
                break
        except BlockingIOError:
            continue
        except ConnectionResetError:
            break
    sock.setblocking(True)
    try:
        answer += read_all(sock)
    except ConnectionResetError:
        pass
    return time.monotonic() - start, answer


def run_all(jobs: dict) -> dict:
    results, threads = {}, []
    for name, job in jobs.items():
        t = threading.Thread(target=lambda n=name, j=job: results.__setitem__(n, j()), daemon=True)
        t.start()
        threads.append(t)
    for t in threads:
        t.join(timeout=HEADER_TIMEOUT_S + BODY_GRACE_S + 60)
    return results


def test_slow_clients_are_closed_and_steady_ones_served(address):
    host = f"{address[0]}:{address[1]}".encode()
    idle = [connect(address) for _ in range(300)]

    def idle_closed() -> list[float]:
        start, times = time.monotonic(), []
        for sock in idle:
            assert read_all(sock) == b""          # closed silently: it never asked anything
            times.append(time.monotonic() - start)
            sock.close()
        return times

    def slow_headers():
        return trickle(connect(address), b"GET /health HTTP/1.1\r\nHost: " + host + b"\r\n" + b"X-Slow: " +
                       b"a" * 200 + b"\r\n\r\n", 0.2)

    def slow_body():
        body = json.dumps({"question": "chỉ tiêu " * 40}).encode()
        sock = connect(address)
        sock.sendall(b"POST /ask HTTP/1.1\r\nHost: " + host + b"\r\nContent-Type: application/json\r\n"
                     b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        return trickle(sock, body, 0.2)           # 5 bytes a second

    def trickle_after_keep_alive():
        sock = connect(address)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: " + host + b"\r\n\r\n")
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200")
        return trickle(sock, b"GET /health HTTP/1.1\r\nHost: " + host + b"\r\n" + b"X" * 500, 0.2)

    def steady_body():
        """Slower than a phone, faster than the minimum rate: 3 KB/s for longer than the grace period."""
        rate = 3 * MIN_BODY_RATE
        body = json.dumps({"question": "a" * int(rate * (BODY_GRACE_S + 4))}).encode()
        sock = connect(address)
        start = time.monotonic()
        sock.sendall(b"POST /ask HTTP/1.1\r\nHost: " + host + b"\r\nContent-Type: application/json\r\n"
                     b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        for i in range(0, len(body), rate // 4):
            sock.sendall(body[i:i + rate // 4])
            time.sleep(0.25)
        return time.monotonic() - start, read_all(sock)

    def ordinary():
        time.sleep(2)
        start = time.monotonic()
        response = httpx.get(address[2] + "/health", timeout=10)
        return time.monotonic() - start, response.status_code

    results = run_all({"idle": idle_closed, "headers": slow_headers, "body": slow_body,
                       "kept": trickle_after_keep_alive, "steady": steady_body, "ordinary": ordinary})

    times = results["idle"]
    assert len(times) == 300 and max(times) < HEADER_TIMEOUT_S + SLACK_S, max(times)
    for name in ("headers", "kept"):
        seconds, answer = results[name]
        assert HEADER_TIMEOUT_S - 1 < seconds < HEADER_TIMEOUT_S + SLACK_S, (name, seconds)
        assert answer.startswith(b"HTTP/1.1 408") or (name == "kept" and answer == b""), (name, answer[:200])
    seconds, answer = results["body"]
    assert BODY_GRACE_S < seconds < BODY_GRACE_S + SLACK_S + 1, seconds
    assert answer.startswith(b"HTTP/1.1 408")
    detail = json.loads(answer.split(b"\r\n\r\n", 1)[1])["detail"]
    assert "quá chậm" in detail
    seconds, answer = results["steady"]
    assert seconds > BODY_GRACE_S and answer.startswith(b"HTTP/1.1 422"), (seconds, answer[:200])  # served
    seconds, status = results["ordinary"]
    assert status == 200 and seconds < 2, seconds
    print(f"300 idle closed by {max(times):.1f} s; slow headers {results['headers'][0]:.1f} s, "
          f"slow body {results['body'][0]:.1f} s, kept-alive trickle {results['kept'][0]:.1f} s; "
          f"steady 3 KB/s body served after {results['steady'][0]:.1f} s; /health {results['ordinary'][0]:.3f} s")


def test_unfinished_headers_over_the_h11_cap_are_a_vietnamese_400(address):
    sock = connect(address)
    sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000)   # unfinished: buffered
    time.sleep(0.5)
    try:
        sock.sendall(b"\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass
    answer = read_all(sock)
    assert answer.startswith(b"HTTP/1.1 400")
    assert "Yêu cầu HTTP không hợp lệ" in json.loads(answer.split(b"\r\n\r\n", 1)[1])["detail"]
