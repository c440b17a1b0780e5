"""Records that flow out of the index: Filters for a query and the Hit it returns."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Filters:
    """Metadata filters; None means "any"."""

    doc_type: str | None = None
    issuer: str | None = None
    year: int | None = None
    date_from: str | None = None   # ISO date, inclusive
    date_to: str | None = None     # ISO date, inclusive
    doc_id: str | None = None

    def is_empty(self) -> bool:
        return not any(v is not None for v in vars(self).values())


@dataclass(frozen=True)
class Hit:
    """A ranked passage with what is needed to cite it."""

    passage_id: str
    doc_id: str
    section_id: str
    heading_path: tuple[str, ...]
    citation: str
    text: str
    score: float
    doc: dict = field(default_factory=dict)   # title, doc_type, number, date, issuer, name
