"""How `sotay serve` runs uvicorn: its HTTP protocol with deadlines for slow clients, and the options.

uvicorn closes an idle kept-alive connection after `timeout_keep_alive`, but nothing bounds a client
that is slow on purpose: a new connection that never sends a request, headers sent a byte at a time
(any byte cancels the keep-alive timer), or a body trickled in. Each held a connection, and its memory,
for as long as the client liked (issue 22's probe: 20-s slow bodies and slow headers never closed, 300
half-open connections stayed open). `SlowClientH11` adds two rules:

- the request line and headers must be complete within HEADER_TIMEOUT_S of the connection opening or
  of the previous response ending;
- after BODY_GRACE_S, a body must have arrived at MIN_BODY_RATE bytes a second on average. Time when
  the server itself is not reading (the app is busy, or has not yet asked for a `100-continue` body)
  does not count against the client.

A client that breaks a rule gets a 408 in Vietnamese JSON if it sent anything, and the connection is
closed; one that sent nothing is closed silently, like an idle keep-alive connection.
"""
from __future__ import annotations

import asyncio
import time

import h11

from api.middleware import SECURITY_HEADERS, VietnameseH11, error_body

HEADER_TIMEOUT_S = 10.0    # a browser sends its headers in one packet; 10 s allows for a very slow link
BODY_GRACE_S = 10.0
MIN_BODY_RATE = 1024       # bytes/s: a 20 MB upload over 1 Mbit/s arrives at ~120 KB/s
TICK_S = 1.0               # how often a body's progress is looked at
KEEP_ALIVE_S = 5           # uvicorn's default, stated: idle kept-alive connections close after it
MAX_HEADER_BYTES = 16 * 1024   # h11's incomplete-event cap: a request line + headers over it is a 400


def timeout_response() -> bytes:
    body = error_body(408, "Hết thời gian chờ: yêu cầu gửi quá chậm, kết nối đã được đóng")
    head = [b"HTTP/1.1 408 Request Timeout", b"content-type: application/json", b"connection: close",
            b"content-length: " + str(len(body)).encode()]
    head += [name + b": " + value for name, value in SECURITY_HEADERS]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


class SlowClientH11(VietnameseH11):
    """uvicorn's h11 protocol with a header deadline and a minimum body rate (see the module docstring)."""

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._clock = time.monotonic
        self._header_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._watched: object | None = None      # the request whose body is being watched
        self._body_bytes = 0
        self._waited = 0.0         # seconds the body watch did not count (server not reading)
        self._wait_for_headers(self.cycle)

    # -- headers ------------------------------------------------------------------------------
    def _wait_for_headers(self, previous) -> None:
        """Arm the header deadline: the next request (any cycle other than `previous`) must start in time."""
        self._cancel(self._header_timer)
        self._bytes_at_arm = 0
        self._header_timer = self.loop.call_later(HEADER_TIMEOUT_S, self._headers_late, previous)

    def _headers_late(self, previous) -> None:
        if self.cycle is previous and not self.transport.is_closing():
            # a reply only to a request being sent, not after a response to a body still trickling in
            self._close(reply=self._bytes_at_arm > 0 and self.conn.their_state is h11.IDLE)

    # -- body ---------------------------------------------------------------------------------
    def data_received(self, data: bytes) -> None:
        self._bytes_at_arm += len(data)
        before = self.cycle
        super().data_received(data)
        if self.cycle is not before:
            self._watch_body()
            self._body_bytes = len(data)
        elif self._watched is not None and self.cycle is self._watched:
            self._body_bytes += len(data)

    def on_response_complete(self) -> None:
        previous = self.cycle
        self._stop_body_watch()
        self._wait_for_headers(previous)
        super().on_response_complete()  # may start a pipelined request at once
        if self.cycle is not previous:
            self._watch_body()

    def _watch_body(self) -> None:
        self._cancel(self._header_timer)
        self._stop_body_watch()
        if self.cycle is None or not self.cycle.more_body:
            return
        self._watched, self._body_bytes, self._waited = self.cycle, 0, 0.0
        self._body_started = self._clock()
        self._body_timer = self.loop.call_later(TICK_S, self._check_body)

    def _check_body(self) -> None:
        cycle = self._watched
        if cycle is None or cycle is not self.cycle or not cycle.more_body or cycle.disconnected:
            self._stop_body_watch()
            return
        if self.flow.read_paused or cycle.waiting_for_100_continue:
            self._waited += TICK_S
        counted = self._clock() - self._body_started - self._waited
        if counted > BODY_GRACE_S and self._body_bytes < MIN_BODY_RATE * (counted - BODY_GRACE_S):
            self._close(reply=not cycle.response_started)
            return
        self._body_timer = self.loop.call_later(TICK_S, self._check_body)

    def _stop_body_watch(self) -> None:
        self._cancel(self._body_timer)
        self._body_timer, self._watched = None, None

    # -- closing ------------------------------------------------------------------------------
    def _close(self, reply: bool) -> None:
        self.logger.info("closing a connection from %s: %s", self.client and self.client[0],
                         "request sent too slowly" if reply else "no request")
        if reply:
            self.transport.write(timeout_response())
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True   # the app reads a disconnect and writes nothing more
            self.cycle.message_event.set()
        self.transport.close()

    def connection_lost(self, exc) -> None:
        self._cancel(self._header_timer)
        self._stop_body_watch()
        super().connection_lost(exc)

    @staticmethod
    def _cancel(timer) -> None:
        if timer is not None:
            timer.cancel()


def uvicorn_options() -> dict:
    """The keyword arguments `sotay serve` gives uvicorn.run / uvicorn.Config."""
    return {"http": SlowClientH11, "timeout_keep_alive": KEEP_ALIVE_S,
            "h11_max_incomplete_event_size": MAX_HEADER_BYTES}
