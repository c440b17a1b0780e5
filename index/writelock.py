"""The one write lock of a data dir, across threads and processes: every store write (an upload's steps, a
deletion, embeddings, recovery) holds it, and so does `sotay backup` while it reads the store, so a snapshot
never sees a write half done even though the server, the bot and the CLI are separate processes.

An flock on `SOTAY_DATA_DIR/write.lock`: the kernel releases it when a process dies (kill -9 included), so a
crashed writer never leaves the data dir locked. Within a process a re-entrant thread lock is taken first
(flock is per open file, not per thread), so it is used exactly like the `threading.RLock` it replaces.
"""
from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from pathlib import Path

from core.errors import SotayError

log = logging.getLogger(__name__)
LOCK_NAME = "write.lock"
# a wait this long for another process's write step is worth a line in the log (a step takes ~1 s; a backup
# of the 208 laws holds it for its whole read of the store)
SLOW_WAIT_S = 5.0


class WriteLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_NAME
        self._thread = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    def acquire(self) -> None:
        self._thread.acquire()
        try:
            if self._depth == 0:
                self._lock_file()
            self._depth += 1
        except BaseException:
            self._thread.release()
            raise

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._thread.release()

    def __enter__(self) -> WriteLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def _lock_file(self) -> None:
        if self._fd is None:   # opened at the first write: a process that only reads never creates it
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as e:
                raise SotayError(f"không tạo được tệp khóa ghi {self.path} ({e.strerror or e})") from e
        started = time.monotonic()
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        waited = time.monotonic() - started
        if waited > SLOW_WAIT_S:
            log.info("waited %.1f s for the data dir's write lock (another process was writing or backing up)",
                     waited)
