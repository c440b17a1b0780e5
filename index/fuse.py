"""Fusion of the lexical and dense legs: a weighted sum (it did better than reciprocal-rank fusion, README)."""
from __future__ import annotations


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
