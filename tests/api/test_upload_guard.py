"""POST /documents decides on the key and the declared size before it reads a byte of the body: a client
that sends only the headers of a 50 MB upload gets its answer at once."""
from __future__ import annotations

import socket
import time
from urllib.parse import urlparse

import pytest

DECLARED = 50 * 1024 * 1024    # over the default SOTAY_MAX_UPLOAD_MB (20)
ANSWER_WITHIN_S = 2.0


def headers_only(base: str, key: str | None) -> tuple[str, float]:
    """Send the request line and headers of a big multipart upload, no body; return the status line and
    how long the server took to answer."""
    url = urlparse(base)
    head = ["POST /documents HTTP/1.1", f"Host: {url.netloc}", f"Content-Length: {DECLARED}",
            "Content-Type: multipart/form-data; boundary=xyz"]
    if key is not None:
        head.append(f"X-API-Key: {key}")
    with socket.create_connection((url.hostname, url.port), timeout=ANSWER_WITHIN_S + 5) as s:
        started = time.perf_counter()
        s.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        status = s.recv(4096).decode("latin-1").split("\r\n", 1)[0]
        return status, time.perf_counter() - started


@pytest.mark.parametrize("key, code", [(None, "401"), ("wrong", "401"), ("test-key", "413")])
def test_key_and_declared_size_are_checked_before_the_body(server, key, code):
    status, seconds = headers_only(server, key)
    assert code in status and seconds < ANSWER_WITHIN_S, (status, seconds)
