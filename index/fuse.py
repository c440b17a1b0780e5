"""Fusion of the lexical and dense legs: small pure functions, measured against each other."""
from __future__ import annotations

from collections.abc import Callable


def _minmax(scores: dict[str, float]) -> dict[str, float]:
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    span = hi - lo
    return {k: ((v - lo) / span if span > 0 else 1.0) for k, v in scores.items()}


def weighted(lexical: dict[str, float], dense: dict[str, float], dense_weight: float) -> dict[str, float]:
    """Lexical scores scaled by their maximum plus min-max-scaled dense scores times `dense_weight`."""
    top = max(lexical.values(), default=0.0)
    lex = {k: v / top for k, v in lexical.items()} if top > 0 else {}
    den = _minmax(dense)
    keys = set(lex) | set(den)
    return {k: lex.get(k, 0.0) + dense_weight * den.get(k, 0.0) for k in keys}


def reciprocal_rank(lexical: dict[str, float], dense: dict[str, float], dense_weight: float = 1.0,
                    k: int = 60) -> dict[str, float]:
    """Classic RRF over the two rankings."""
    out: dict[str, float] = {}
    for weight, scores in ((1.0, lexical), (dense_weight, dense)):
        for rank, key in enumerate(sorted(scores, key=scores.__getitem__, reverse=True), 1):
            out[key] = out.get(key, 0.0) + weight / (k + rank)
    return out


def lifted(fused: dict[str, float], chosen: Callable[[str], bool], boost: float) -> dict[str, float]:
    """`boost` added to the fused scores of the chosen passages (a named document's, one defining a term)."""
    return {pid: s + boost if chosen(pid) else s for pid, s in fused.items()}
