"""Request and response bodies of the HTTP API. Responses are read from the domain records
(`Model.model_validate(record)`); only what the records do not hold is computed here (links, flat
document fields)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, computed_field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from core.text import MAX_QUESTION
from index.records import Filters
from ingest.records import Document, DocumentSummary


class Record(BaseModel):
    """A response read from a domain record's attributes."""

    model_config = ConfigDict(from_attributes=True)


class DocumentRecord(Record):
    """Read from a Document or DocumentSummary, whose metadata fields the API shows flat."""

    @model_validator(mode="before")
    @classmethod
    def _flat(cls, record: Any) -> Any:
        if isinstance(record, Document):
            return {**cls._flat(record.summary()), "sections": record.sections}   # type: ignore[operator]  # mypy sees the validator proxy
        if isinstance(record, DocumentSummary):
            meta = record.meta
            return {**vars(meta), "id": record.id, "source": record.source, "name": record.name,
                    "n_sections": record.n_sections, "ocr": meta.ocr_confidence is not None,
                    **vars(record.validity)}   # status, dates and relations (index/validity.py)
        return record


class DocInfo(DocumentRecord):
    title: str | None = None
    name: str | None = None
    doc_type: str | None = None
    number: str | None = None
    date: str | None = None
    issuer: str | None = None
    status: str = "unknown"


class Result(Record):
    passage_id: str
    text: str
    citation: str
    score: float
    doc_id: str
    section_id: str
    heading_path: list[str]
    doc: DocInfo = Field(validation_alias="document")


class SearchOut(BaseModel):
    query: str
    results: list[Result]


class FiltersIn(BaseModel):
    """Filters as the API takes them, from query parameters (GET) or the /ask body: they produce the
    one domain `Filters`."""

    type: str | None = Field(default=None, max_length=60, description="Loại văn bản, ví dụ 'Chương trình'")
    year: int | None = Field(default=None, ge=1900, le=2200, description="Năm ban hành")
    doc_id: str | None = Field(default=None, max_length=200, description="Mã văn bản")
    issuer: str | None = Field(default=None, max_length=200, description="Cơ quan ban hành (một phần tên)")
    date_from: str | None = Field(default=None, description="Từ ngày (YYYY-MM-DD), tính cả ngày này")
    date_to: str | None = Field(default=None, description="Đến ngày (YYYY-MM-DD), tính cả ngày này")
    status: Literal["in_force", "replaced", "term_ended", "unknown"] | None = Field(
        default=None, description="Hiệu lực: in_force (còn hiệu lực), replaced (đã bị thay thế), "
                                  "term_ended (hết nhiệm kỳ/giai đoạn), unknown (chưa rõ)")

    @field_validator("date_from", "date_to")
    @classmethod
    def _real_date(cls, value: str | None) -> str | None:
        if not value:
            return None
        try:
            if len(value) == 10:
                return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
        raise PydanticCustomError("date_parsing", "ngày '{value}' không hợp lệ: cần một ngày có thật, dạng YYYY-MM-DD "
                                  "(ví dụ 2024-05-23)", {"value": value})

    def to_filters(self) -> Filters:
        return Filters(doc_type=self.type or None, year=self.year, doc_id=self.doc_id or None,
                       issuer=self.issuer or None, date_from=self.date_from, date_to=self.date_to,
                       status=self.status)


class AskIn(BaseModel):
    question: str = Field(min_length=1, max_length=MAX_QUESTION)
    # earlier questions of the conversation, most recent last; their number and length are checked by
    # the engine, which says what is wrong in Vietnamese (422)
    history: list[str] = Field(default_factory=list)
    filters: FiltersIn | None = None


class CitationOut(Record):
    text: str
    citation: str
    doc_id: str
    section_id: str
    heading_path: list[str]
    passage_id: str
    scanned: bool = Field(False, description="quoted from a scanned document (OCR): may hold spelling errors")

    @computed_field
    @property
    def url(self) -> str:
        """The web page's view of the passage in its document (relative: the page is served here)."""
        return f"/#doc/{self.doc_id}/{self.section_id}"


class AskOut(Record):
    question: str
    answer: str
    found: bool
    quote: str
    mode: str = Field(description="extractive | llm | facts (a document's own record) | card (a number alone) | "
                                  "smalltalk")
    citations: list[CitationOut]
    # beside an answer, other passages; beside found=false, the closest ones, "có thể liên quan", never the answer
    suggestions: list[Result] = []
    followup: bool = Field(False, description="the question was read against the conversation's earlier ones")
    reason: str = Field("", description="why it abstained, or which step answered")
    explain: dict | None = Field(None, description="with ?explain=1: how the question was read and which step "
                                                   "answered (searched text, follow-up, named documents, intents)")


class LinkOut(Record):
    """A related document: `doc_id` when it is in the index, else the reference as written (dangling)."""

    text: str
    doc_id: str | None = None


class DocumentOut(DocumentRecord):
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
    # validity (index/validity.py): dates are ISO days, or a year when the text gives a term ("2018")
    status: str = "unknown"
    valid_from: str | None = None
    valid_to: str | None = None
    replaces: list[LinkOut] = []
    replaced_by: list[LinkOut] = []
    amends: list[LinkOut] = []
    amended_by: list[LinkOut] = []
    implements: list[LinkOut] = []
    implemented_by: list[LinkOut] = []
    current: LinkOut | None = None   # the document in force to read instead, for a replaced or ended one


class SectionOut(Record):
    id: str
    heading: str
    heading_path: list[str]
    level: int
    kind: str
    text: str
    footnotes: list[str]


class DocumentFull(DocumentOut):
    sections: list[SectionOut]
    has_original: bool = False   # its original file can be downloaded (GET /documents/{id}/original)


class IngestOut(Record):
    """What an ingest did: the document recognised, and whether it was new, updated or unchanged."""

    status: str                   # added | updated | unchanged
    doc_id: str | None
    source: str
    passages: int
    previous: str | None = None   # file the replaced version came from, when this was an update
    message: str                  # FileResult.describe(): one line a person can read
    document: DocumentOut | None = None

    @model_validator(mode="before")
    @classmethod
    def _described(cls, r: Any) -> Any:
        return r if isinstance(r, dict) else {**vars(r), "message": r.describe()}


class JobOut(Record):
    id: str
    source: str
    status: str                   # queued | running | done | failed
    stage: str
    progress: float
    error: str | None = None
    result: IngestOut | None = None
    removed: DocInfo | None = None   # a deletion job: the document it removed

    @computed_field
    @property
    def job_id(self) -> str:
        return self.id

    @computed_field
    @property
    def url(self) -> str:
        return f"/jobs/{self.id}"


class DocumentEdit(BaseModel):
    """PATCH /documents/{id}: the facts to correct; a field left out stays as it is (index/corrections.py
    checks the values and says in Vietnamese what is wrong)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    number: str | None = Field(default=None, description="Số, ký hiệu, ví dụ '01/CTr-LĐLĐ'")
    date: str | None = Field(default=None, description="Ngày ban hành, YYYY-MM-DD hoặc dd/mm/yyyy")
    doc_type: str | None = Field(default=None, validation_alias=AliasChoices("doc_type", "type"),
                                 description="Loại văn bản, ví dụ 'Kế hoạch'")
    issuer: str | None = Field(default=None, description="Cơ quan ban hành")
    title: str | None = Field(default=None, description="Trích yếu")


class EditOut(BaseModel):
    document: DocumentOut
    changed: dict[str, dict[str, str | None]]   # field → {"before", "after"}
    message: str
