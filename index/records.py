"""Records that flow out of the index: the Filters of a query and the Hit it returns."""
from __future__ import annotations

from dataclasses import dataclass

from ingest.cite import cite, span_of
from ingest.records import DocumentSummary, Passage


@dataclass(frozen=True)
class Filters:
    """Metadata filters; None means "any". The one definition of what a filter means: `matches`."""

    doc_type: str | None = None
    issuer: str | None = None     # any part of the issuing organisation, case-insensitive
    year: int | None = None
    date_from: str | None = None   # ISO date, inclusive
    date_to: str | None = None     # ISO date, inclusive
    doc_id: str | None = None
    status: str | None = None      # in_force | replaced | term_ended | unknown (index/validity.py)

    def is_empty(self) -> bool:
        return not any(v is not None for v in vars(self).values())

    def matches(self, doc: DocumentSummary) -> bool:
        m = self.doc_type, self.issuer, self.year, self.date_from, self.date_to, self.doc_id
        doc_type, issuer, year, date_from, date_to, doc_id = m
        meta = doc.meta
        date = meta.date or ""
        return all((
            not doc_id or doc.id == doc_id,
            not doc_type or (meta.doc_type or "").lower() == doc_type.lower(),
            not issuer or issuer.lower() in (meta.issuer or "").lower(),
            not year or date.startswith(f"{year:04d}") or (not date and meta.inferred_year == year),
            not date_from or (bool(date) and date >= date_from),
            not date_to or (bool(date) and date <= date_to),
            not self.status or doc.validity.status == self.status,
        ))


@dataclass(frozen=True)
class Hit:
    """A ranked passage with the document it belongs to: everything needed to show and cite it."""

    passage: Passage
    score: float
    document: DocumentSummary

    @property
    def passage_id(self) -> str:
        return self.passage.id

    @property
    def doc_id(self) -> str:
        return self.passage.doc_id

    @property
    def section_id(self) -> str:
        return self.passage.section_id

    @property
    def heading_path(self) -> tuple[str, ...]:
        return self.passage.heading_path

    @property
    def citation(self) -> str:
        """As officials write it: "mục 2.1, phần II, Chương trình số 01/CTr-LĐLĐ ngày 21/01/2026 của …"."""
        return self.cite()

    @property
    def scanned(self) -> bool:
        """The passage was read by OCR (a scan or a photo): its spelling may be wrong, and fronts say so."""
        return self.document.meta.ocr_confidence is not None

    def cite(self, within: tuple[str, ...] = ()) -> str:
        """The citation, narrowed by `within`: the numbered lines of the passage above a quoted unit
        ("2. …", "b) …"), so an answer names the khoản or điểm it quotes."""
        span = None if within else span_of(self.passage.citation)
        return cite(self.heading_path + within, self.document.name, self.document.meta, span)

    @property
    def text(self) -> str:
        return self.passage.text
