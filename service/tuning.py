"""Process-wide tuning for a serving process, set once when its Engine opens (never by library code)."""
from __future__ import annotations

import sys

from threadpoolctl import threadpool_limits

SWITCH_INTERVAL_S = 0.001


def tune_process() -> None:
    # One BLAS thread: after a matrix product OpenBLAS workers spin-wait for a while and steal the
    # cores the embedder needs next (measured: query embedding 27 ms → 83 ms on 2 cores).
    threadpool_limits(limits=1, user_api="blas")
    # An upload's indexing is Python (pyvi, analysis) and Chroma writes that hold the GIL for their whole
    # call (~100 ms each, measured), on a thread beside the requests. At CPython's default 5 ms switch
    # interval a request waited that long for each of its many GIL hand-overs: searches during a
    # 200 KB law's indexing took 46-49 ms median, 0.87-1.0 s worst; at 1 ms, 18-22 ms and 0.40-0.61 s.
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))
