"""Sharing 2 cores between queries, ingest and the rest of the machine: how many cores are idle right now,
and the OpenMP runtime a model package bundles (its thread count is set per query thread)."""
from __future__ import annotations

import os
import time

SECOND_LOOK = 0.0005   # seconds: see idle_cores


def idle_cores(loadavg: str = "/proc/loadavg", second_look: float = SECOND_LOOK) -> int:
    """The cores no other task is running or waiting for, at least 1: the runnable count in /proc/loadavg,
    less the caller itself (1 where it cannot be read). A count that shows another task is read once more
    `second_look` seconds later, and the second count decides: the server's own event-loop thread, still
    running for a moment after it handed the request over, made 1-5 of the 33 haystack queries of a run take
    one thread on the quiet machine; a task that is really running is still there the second time."""
    cores = os.cpu_count() or 1
    idle = _idle(loadavg, cores)
    if idle < cores and second_look > 0:
        time.sleep(second_look)
        idle = _idle(loadavg, cores)
    return idle


def _idle(loadavg: str, cores: int) -> int:
    try:
        with open(loadavg, encoding="ascii") as f:
            runnable = int(f.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return 1
    return max(1, min(cores, cores - (runnable - 1)))


def openmp_threads(package: str):
    """(omp_get_max_threads, omp_set_num_threads) of the OpenMP runtime a package bundles, or None."""
    import ctypes

    from threadpoolctl import threadpool_info

    for info in threadpool_info():
        if info.get("user_api") == "openmp" and package in info.get("filepath", ""):
            try:
                lib = ctypes.CDLL(info["filepath"])
                return lib.omp_get_max_threads, lib.omp_set_num_threads
            except (OSError, AttributeError):
                return None
    return None
