"""Who may use the bot (allowed chats) and how fast (per-user sliding-window rate limit)."""
from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable

OK, WARN, DROP = "ok", "warn", "drop"


class RateLimiter:
    """At most `limit` events per key in any `window` seconds; the first refusal in a row says WARN
    (tell the user once), later ones DROP (stay quiet), so a flood gets one "chậm lại" reply."""

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = max(1, int(limit))
        self.window = window
        self.clock = clock
        self._events: dict[Hashable, deque[float]] = {}
        self._warned: set[Hashable] = set()
        self._lock = threading.Lock()

    def check(self, key: Hashable) -> str:
        """Record one event for key if allowed; return OK, WARN or DROP."""
        now = self.clock()
        with self._lock:
            q = self._events.setdefault(key, deque())
            while q and now - q[0] >= self.window:
                q.popleft()
            if len(q) < self.limit:
                q.append(now)
                self._warned.discard(key)
                return OK
            if key in self._warned:
                return DROP
            self._warned.add(key)
            return WARN

    def retry_after(self, key: Hashable) -> float:
        """Seconds until key may ask again."""
        with self._lock:
            q = self._events.get(key)
            if not q or len(q) < self.limit:
                return 0.0
            return max(0.0, self.window - (self.clock() - q[0]))


class Access:
    """The allowed chat ids; an empty set lets every chat in."""

    def __init__(self, allowed: set) -> None:
        self.allowed = set(allowed)

    def allows(self, chat_id: Hashable | None) -> bool:
        return not self.allowed or chat_id in self.allowed
