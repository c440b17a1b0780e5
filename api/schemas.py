"""Response and request bodies of the HTTP API."""
from __future__ import annotations

from pydantic import BaseModel, Field

from answer.jobs import Job
from answer.records import Answer
from index.build import FileResult
from index.records import Filters, Hit
from ingest.records import Document, DocumentSummary


class DocInfo(BaseModel):
    title: str | None = None
    name: str | None = None
    doc_type: str | None = None
    number: str | None = None
    date: str | None = None
    issuer: str | None = None


class Result(BaseModel):
    passage_id: str
    text: str
    citation: str
    score: float
    doc_id: str
    section_id: str
    heading_path: list[str]
    doc: DocInfo

    @classmethod
    def of(cls, h: Hit) -> "Result":
        m = h.document.meta
        doc = DocInfo(title=m.title, name=h.document.name, doc_type=m.doc_type, number=m.number, date=m.date,
                      issuer=m.issuer)
        return cls(passage_id=h.passage_id, text=h.text, citation=h.citation, score=h.score, doc_id=h.doc_id,
                   section_id=h.section_id, heading_path=list(h.heading_path), doc=doc)


class SearchOut(BaseModel):
    query: str
    results: list[Result]


class AskFilters(BaseModel):
    type: str | None = Field(default=None, max_length=60)
    year: int | None = Field(default=None, ge=1900, le=2200)
    doc_id: str | None = Field(default=None, max_length=200)
    issuer: str | None = Field(default=None, max_length=200)

    def to_filters(self) -> Filters:
        return Filters(doc_type=self.type, year=self.year, doc_id=self.doc_id, issuer=self.issuer)


class AskIn(BaseModel):
    question: str = Field(min_length=1, max_length=500)
    # earlier questions of the conversation, most recent last; their number and length are checked by
    # the engine, which says what is wrong in Vietnamese (422)
    history: list[str] = Field(default_factory=list)
    filters: AskFilters | None = None


class CitationOut(BaseModel):
    text: str
    citation: str
    doc_id: str
    section_id: str
    heading_path: list[str]
    passage_id: str
    url: str


class AskOut(BaseModel):
    question: str
    answer: str
    found: bool
    quote: str
    mode: str
    citations: list[CitationOut]
    suggestions: list[Result] = []

    @classmethod
    def of(cls, a: Answer) -> "AskOut":
        cites = [CitationOut(text=c.text, citation=c.citation, doc_id=c.doc_id, section_id=c.section_id,
                             heading_path=list(c.heading_path), passage_id=c.passage_id,
                             url=f"/#doc/{c.doc_id}/{c.section_id}") for c in a.citations]
        return cls(question=a.question, answer=a.answer, found=a.found, quote=a.quote, mode=a.mode,
                   citations=cites, suggestions=[Result.of(h) for h in a.suggestions])


class DocumentOut(BaseModel):
    id: str
    name: str
    title: str | None
    doc_type: str | None
    number: str | None
    date: str | None
    place: str | None
    issuer: str | None
    signer: str | None
    recipients: list[str]
    source: str
    n_sections: int
    ocr: bool = False
    ocr_confidence: float | None = None

    @classmethod
    def of(cls, d: DocumentSummary) -> DocumentOut:
        m = d.meta
        return cls(id=d.id, name=d.name, title=m.title, doc_type=m.doc_type, number=m.number, date=m.date,
                   place=m.place, issuer=m.issuer, signer=m.signer, recipients=list(m.recipients),
                   ocr=m.ocr_confidence is not None, ocr_confidence=m.ocr_confidence,
                   source=d.source, n_sections=d.n_sections)


class SectionOut(BaseModel):
    id: str
    heading: str
    heading_path: list[str]
    level: int
    kind: str
    text: str
    footnotes: list[str]


class DocumentFull(DocumentOut):
    sections: list[SectionOut]

    @classmethod
    def full(cls, d: Document) -> "DocumentFull":
        base = DocumentOut.of(d.summary()).model_dump()
        sections = [SectionOut(id=s.id, heading=s.heading, heading_path=list(s.heading_path), level=s.level,
                               kind=s.kind, text=s.text, footnotes=list(s.footnotes)) for s in d.sections]
        return cls(**base, sections=sections)


class IngestOut(BaseModel):
    """What an ingest did: the document recognised, and whether it was new, updated or unchanged."""

    status: str                   # added | updated | unchanged
    doc_id: str | None
    source: str
    passages: int
    previous: str | None = None   # file the replaced version came from, when this was an update
    message: str
    document: DocumentOut | None = None

    @classmethod
    def of(cls, r: FileResult) -> IngestOut:
        return cls(status=r.status, doc_id=r.doc_id, source=r.source, passages=r.passages, previous=r.previous,
                   message=r.describe(), document=DocumentOut.of(r.document) if r.document else None)


class JobOut(BaseModel):
    id: str
    job_id: str
    url: str
    source: str
    status: str                   # queued | running | done | failed
    stage: str
    progress: float
    error: str | None = None
    result: IngestOut | None = None

    @classmethod
    def of(cls, job: Job) -> JobOut:
        return cls(id=job.id, job_id=job.id, url=f"/jobs/{job.id}", source=job.source, status=job.status,
                   stage=job.stage, progress=job.progress, error=job.error,
                   result=IngestOut.of(job.result) if job.result else None)
