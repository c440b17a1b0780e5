"""Per-client limits on the routes that cost the server a search (/search, /ask, /dossier): a token bucket
per client address, `SOTAY_RATE_PER_MINUTE` a minute after a burst of `SOTAY_RATE_BURST`. Off for loopback
(the page's own scripts, tests, a reverse proxy that does not pass the client on) and when the rate is 0.

Behind a reverse proxy on the same machine, uvicorn reads the client's address from X-Forwarded-For (it
trusts 127.0.0.1 by default), so each visitor still has a bucket of their own.
"""
from __future__ import annotations

import ipaddress
import math
import threading
import time

LIMITED = ("/search", "/ask", "/dossier")
# buckets kept at most; past it, the full ones (clients quiet for a while) are forgotten first
MAX_CLIENTS = 10_000


def exempt(host: str | None) -> bool:
    """Loopback, or no IP address at all (a unix socket, an in-process test client): nobody to limit."""
    try:
        return ipaddress.ip_address((host or "").split("%")[0]).is_loopback
    except ValueError:
        return True


class RateLimiter:
    """`wait(client)`: 0 when the request may go on (one token spent), else the seconds until it could."""

    def __init__(self, per_minute: float, burst: int, clock=time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(1, burst)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}   # client → (tokens, when counted)
        self._lock = threading.Lock()

    def applies(self, path: str, client: str | None) -> bool:
        return self.rate > 0 and path.rstrip("/") in LIMITED and not exempt(client)

    def wait(self, client: str) -> float:
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - then) * self.rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                if len(self._buckets) > MAX_CLIENTS:
                    self._forget(now)
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def _forget(self, now: float) -> None:
        full = [c for c, (t, then) in self._buckets.items() if t + (now - then) * self.rate >= self.burst]
        for c in full or list(self._buckets)[:len(self._buckets) - MAX_CLIENTS]:
            del self._buckets[c]


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
