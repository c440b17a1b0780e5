"""Per-client rate limits on /search, /ask and /dossier: a client past its burst gets a Vietnamese 429 with
Retry-After; other clients, loopback and the other routes are not affected."""
from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from api.main import create_app
from api.ratelimit import RateLimiter, exempt
from tests.conftest import serve


def test_bucket_refills_at_the_rate():
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=3, clock=lambda: now[0])
    assert [limiter.wait("203.0.113.1") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.wait("203.0.113.1") == pytest.approx(1.0)
    assert limiter.wait("203.0.113.2") == 0.0            # another client has its own bucket
    now[0] = 1.0
    assert limiter.wait("203.0.113.1") == 0.0


def test_loopback_and_addressless_clients_are_exempt():
    assert exempt("127.0.0.1") and exempt("::1") and exempt("testclient") and exempt(None)
    assert not exempt("192.0.2.7") and not exempt("2001:db8::1")


async def _burst(app, client_addr: tuple[str, int], n: int) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app, client=client_addr)
    async with httpx.AsyncClient(transport=transport, base_url="http://sotay") as client:
        return [await client.get("/search", params={"q": "công đoàn cơ sở", "k": 1}) for _ in range(n)]


def test_a_remote_client_past_its_burst_gets_429(seed_settings, seed_engine):
    settings = seed_settings.model_copy(update={"rate_per_minute": 6, "rate_burst": 3})
    app = create_app(settings, engine=seed_engine)
    app.state.engine, app.state.settings = seed_engine, settings
    replies = asyncio.run(_burst(app, ("198.51.100.4", 5000), 5))
    assert [r.status_code for r in replies] == [200, 200, 200, 429, 429]
    refused = replies[-1]
    assert "quá nhiều" in refused.json()["detail"] and int(refused.headers["retry-after"]) >= 1
    assert refused.headers["x-content-type-options"] == "nosniff"          # still through the guard
    others = asyncio.run(_burst(app, ("198.51.100.5", 5000), 3))           # a second client is not held up
    assert [r.status_code for r in others] == [200, 200, 200]
    local = asyncio.run(_burst(app, ("127.0.0.1", 5000), 8))               # loopback: never limited
    assert {r.status_code for r in local} == {200}


def _own_address() -> str | None:
    """A non-loopback address of this machine, so a real TCP client is not loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))   # no packet is sent: this only picks the outgoing interface
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_over_real_http_from_a_non_loopback_address(seed_settings, seed_engine):
    address = _own_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    settings = seed_settings.model_copy(update={"rate_per_minute": 6, "rate_burst": 2})
    with serve(settings, seed_engine, host="0.0.0.0") as base:
        url = base.replace("127.0.0.1", address)
        codes = [httpx.post(url + "/ask", json={"question": "chỉ tiêu đào tạo chủ tịch CĐCS?"}).status_code
                 for _ in range(3)]
        assert codes == [200, 200, 429]
        assert httpx.get(url + "/health").status_code == 200              # other routes are not limited
        assert httpx.get(base + "/search", params={"q": "cán bộ"}).status_code == 200   # loopback is not
