"""Read one file in a child process that is killed when the file's time (SOTAY_INGEST_SECONDS) runs out,
with its address space capped (SOTAY_INGEST_MB), so no reader — pypdf looping on a crafted PDF, pdfium,
Tesseract, LibreOffice, lxml — can hold the ingest worker or the server's memory.

    found = extract(data, "bao-cao.pdf", progress, limits)   # same contract as ingest.readers.extract

The readers' own deadline checks still run in the child and usually end a slow file first with their own
message; the kill is for a reader stuck where it never checks. The child starts its own process group, so
the kill takes the LibreOffice or Tesseract it started with it, and every process of that group is reaped:
nothing is left running or as a zombie. Nothing is written by the child: it only returns text.

Children come from a forkserver, not from fork(): the server and bot hold threads (uvicorn, onnxruntime,
Chroma) and a fork of a threaded process can inherit a held lock; a forkserver child is forked from a small
single-threaded process that has imported only the readers, so its address space is small enough to cap and
it starts in milliseconds (figures in tests/hardening/test_bounded_reads.py and the README).
"""
from __future__ import annotations

import contextlib
import ctypes
import glob
import multiprocessing
import multiprocessing.connection
import os
import resource
import shutil
import signal
import tempfile
import threading
import time
from multiprocessing import popen_forkserver, spawn
from multiprocessing.context import ForkServerProcess
from pathlib import PurePath

from core.errors import IngestError
from ingest import ocr
from ingest.limits import ReadLimits
from ingest.readers import Extracted
from ingest.readers import extract as extract_here

# the heavy reader libraries are imported once in the forkserver, so a child starts with them loaded
PRELOAD = ["ingest.readers", "pypdf", "pypdfium2", "bs4", "openpyxl", "docx", "PIL.Image", "lxml.etree"]
# a reader's own deadline check ends a slow file with its own message; the kill waits this much longer
KILL_GRACE_S = 1.0
_PR_SET_CHILD_SUBREAPER = 36
_context = None
_context_lock = threading.Lock()


_launch_lock = threading.Lock()


class _Popen(popen_forkserver.Popen):
    """The forkserver's Popen, leaving the main module out of what a child prepares. Python 3.11 never
    preloads it in the forkserver (its `main_path` is not a key get_preparation_data writes), so every child
    ran the main script again: under `sotay` that is importing sotay.cli, 0.28 s a file, for nothing a
    reader uses. Only this module starts processes this way, under the lock."""

    def _launch(self, process_obj):
        with _launch_lock:
            prepared = spawn.get_preparation_data
            spawn.get_preparation_data = lambda name: {k: v for k, v in prepared(name).items()
                                                       if not k.startswith("init_main_from")}
            try:
                super()._launch(process_obj)
            finally:
                spawn.get_preparation_data = prepared


class _Reader(ForkServerProcess):
    @staticmethod
    def _Popen(process_obj):
        return _Popen(process_obj)


def _error(name: str, reason: str) -> IngestError:
    return IngestError(f"{name}: {reason}")


def _forkserver():
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _become_subreaper()
            _sweep()
            _context = context
        return _context


def _sweep() -> None:
    """Scratch dirs left by a server that was killed mid-read (its pid in the name, no longer running)."""
    for path in glob.glob(os.path.join(tempfile.gettempdir(), "sotay-read-*-*")):
        pid = os.path.basename(path).split("-")[2]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    return _answers(os.kill, pid)


def _answers(send, target: int) -> bool:
    """Whether a process (os.kill) or group (os.killpg) exists: signal 0 is checked, not sent."""
    try:
        send(target, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _become_subreaper() -> None:
    """Orphans of a killed child (its LibreOffice, its Tesseract) come back to this process, which reaps
    them, instead of to an init that may never reap (a container whose PID 1 is not an init)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def extract(data: bytes, filename: str, progress: ocr.Progress | None = None,
            limits: ReadLimits | None = None) -> Extracted:
    """ingest.readers.extract in a child process bounded by `limits.seconds` and `limits.memory_mb`."""
    limits = limits or ReadLimits()
    name = PurePath(filename).name or filename
    context = _forkserver()
    # the child's temporary files (LibreOffice's profile, Tesseract's page images) go here, and it is removed
    # by this process: a killed child cannot clean up after itself
    scratch = tempfile.mkdtemp(prefix=f"sotay-read-{os.getpid()}-")
    receive, send = context.Pipe(duplex=False)
    child = _Reader(target=_read, args=(send, data, filename, limits, scratch), daemon=True,
                    name=f"sotay-read {name}")
    child.start()
    send.close()
    stop_at = time.monotonic() + limits.seconds + KILL_GRACE_S
    try:
        while True:
            left = stop_at - time.monotonic()
            if left <= 0 or not receive.poll(min(left, 1.0)):
                if left <= 0:
                    raise _error(name, f"đọc tệp quá thời gian cho phép ({limits.seconds:.0f} giây; "
                                       "SOTAY_INGEST_SECONDS), đã dừng trình đọc; tệp chưa được nạp")
                if not child.is_alive() and not receive.poll(0):
                    raise _died(name, child.exitcode, limits)
                continue
            try:
                kind, *value = receive.recv()
            except EOFError:
                child.join(5)
                raise _died(name, child.exitcode, limits) from None
            if kind == "progress" and progress is not None:
                progress(*value)
            elif kind == "text":
                return value[0]
            elif kind == "refused":
                raise IngestError(value[0])
            elif kind == "memory":
                raise _memory(name, limits)
            elif kind == "bug":
                raise _error(name, f"lỗi khi đọc tệp ({value[0]}); tệp chưa được nạp")
    finally:
        receive.close()
        _stop(child)
        shutil.rmtree(scratch, ignore_errors=True)


def _died(name: str, exitcode: int | None, limits: ReadLimits) -> IngestError:
    if exitcode is not None and exitcode < 0 and -exitcode in (signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS):
        # a C library that cannot get memory under the cap often aborts instead of raising MemoryError
        return _error(name, f"trình đọc tệp dừng bất thường (tín hiệu {-exitcode}), có thể vì tệp cần quá "
                            f"{limits.memory_mb} MB bộ nhớ (SOTAY_INGEST_MB); tệp chưa được nạp")
    return _error(name, f"trình đọc tệp dừng bất thường (mã {exitcode}); tệp chưa được nạp")


def _memory(name: str, limits: ReadLimits) -> IngestError:
    return _error(name, f"đọc tệp cần quá {limits.memory_mb} MB bộ nhớ (SOTAY_INGEST_MB); tệp chưa được nạp")


def _stop(child) -> None:
    """Kill the child's process group (it, and the LibreOffice or Tesseract it runs), then reap them all."""
    pid = child.pid
    if pid is None:
        return
    # also after a normal end: whatever the child left running in its group is a leak
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    if child.exitcode is None:
        with contextlib.suppress(ProcessLookupError):
            child.kill()   # the group may not exist yet if the child had not reached setpgid
    child.join(10)
    _reap_group(pid)
    child.close()


def _reap_group(pgid: int) -> None:
    """Orphaned members of the killed group, reparented to this process (subreaper): wait for each."""
    for _ in range(200):
        try:
            pid, _status = os.waitpid(-pgid, os.WNOHANG)
        except ChildProcessError:
            return   # none of that group is our child: all gone (or reparented to a reaping init)
        if pid == 0:
            if not _group_alive(pgid):
                return
            time.sleep(0.01)


def _group_alive(pgid: int) -> bool:
    return _answers(os.killpg, pgid)


def _follow_parent() -> None:
    """When the process that asked for this read dies (even by SIGKILL, or exiting with a job under way), this
    child's group goes with it: a LibreOffice or a stuck reader never outlives the server."""
    parent = multiprocessing.parent_process()
    sentinel = getattr(parent, "sentinel", None)
    if sentinel is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([sentinel])
        os.killpg(0, signal.SIGKILL)

    threading.Thread(target=watch, name="sotay-read-parent", daemon=True).start()


def _read(conn, data: bytes, filename: str, limits: ReadLimits, scratch: str) -> None:
    """The child: its own process group, its memory capped, the usual reader; only text goes back."""
    os.setpgid(0, 0)
    _follow_parent()
    tempfile.tempdir = os.environ["TMPDIR"] = scratch   # for LibreOffice and Tesseract too
    if limits.memory_mb:
        cap = limits.memory_mb * 2**20
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        found = extract_here(data, filename, lambda done, total: conn.send(("progress", done, total)), limits)
        conn.send(("text", found))
    except IngestError as e:   # a reader's catch-all may have turned a MemoryError into "corrupt file"
        conn.send(("memory",) if isinstance(e.__cause__, MemoryError) else ("refused", str(e)))
    except MemoryError:
        conn.send(("memory",))
    except Exception as e:   # a reader bug: the parent reports it; the child's traceback goes to its stderr
        import traceback

        traceback.print_exc()
        conn.send(("bug", type(e).__name__))
    finally:
        conn.close()
