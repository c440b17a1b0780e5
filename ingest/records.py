"""Records that flow out of ingestion: Document, Section, Passage."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Section:
    """One node of a document's own numbering (I., 1., 2.1., a), Điều 5 …)."""

    id: str                      # stable across re-ingest, e.g. "II.2.1" or "C1.D5"
    label: str                   # the number as written: "2.1", "II", "Điều 5", "a"
    heading: str                 # the heading line as shown to people
    heading_path: tuple[str, ...]
    level: int
    text: str                    # body under the heading, without children
    kind: str = "body"           # "preamble" | "body" | "closing"
    footnotes: tuple[str, ...] = ()
    parent: str | None = None


@dataclass(frozen=True)
class DocMeta:
    """Header and signature facts; an absent field is None, never guessed."""

    doc_type: str | None = None
    number: str | None = None
    issuer: str | None = None
    place: str | None = None
    date: str | None = None      # ISO YYYY-MM-DD
    title: str | None = None
    signer: str | None = None
    recipients: tuple[str, ...] = ()
    ocr_confidence: float | None = None   # set when the text came from OCR: mean word confidence, 0-100
    # an undated document's year, read from its term or period ("nhiệm kỳ 2023 - 2028" → 2023); marked as
    # inferred by living here, not in `date`, and never part of the document's identity
    inferred_year: int | None = None
    # read by ingest/relations.py: the documents this one names as replaced, amended or carried out, and
    # its own validity as written: an ISO date ("có hiệu lực từ ngày …") or a year ("nhiệm kỳ 2018 - 2023")
    references: tuple[Reference, ...] = ()
    valid_from: str | None = None
    valid_to: str | None = None

    def written_validity(self) -> str:
        """The references and dates as JSON, as a store keeps them to derive the validity again."""
        return json.dumps({"references": [asdict(r) for r in self.references], "valid_from": self.valid_from,
                           "valid_to": self.valid_to}, ensure_ascii=False)

    @staticmethod
    def validity_fields(written: str) -> dict:
        """`written_validity` read back, as DocMeta fields."""
        d = json.loads(written or "{}")
        return {"references": tuple(Reference(**r) for r in d.get("references") or ()),
                "valid_from": d.get("valid_from"), "valid_to": d.get("valid_to")}


@dataclass(frozen=True)
class Reference:
    """Another document as this one names it: by number ("68/2014/QH13"), or by type and name (+ year)."""

    kind: str                    # "replaces" | "amends" | "implements"
    text: str                    # as written: "Luật Doanh nghiệp số 68/2014/QH13"
    doc_type: str | None = None
    number: str | None = None
    name: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class Link:
    """One end of a relation: a document in the index (`doc_id`), or a dangling reference (`doc_id` None)
    that resolves by itself when the named document arrives."""

    text: str                    # the other document's name when resolved, else the reference as written
    doc_id: str | None = None


@dataclass(frozen=True)
class Validity:
    """Whether a document is in force, derived over the whole collection (index/validity.py): its own
    term or dates and the other documents that name it. Never stored: a later document changes it."""

    status: str = "unknown"      # "in_force" | "replaced" | "term_ended" | "unknown"
    valid_from: str | None = None
    valid_to: str | None = None
    replaces: tuple[Link, ...] = ()
    replaced_by: tuple[Link, ...] = ()
    amends: tuple[Link, ...] = ()
    amended_by: tuple[Link, ...] = ()
    implements: tuple[Link, ...] = ()
    implemented_by: tuple[Link, ...] = ()
    current: Link | None = None  # the document to read instead of a replaced or ended one, when there is one


@dataclass(frozen=True)
class Document:
    id: str
    source: str                  # file name it came from
    content_hash: str
    meta: DocMeta
    sections: tuple[Section, ...] = field(default=())
    validity: Validity = Validity()   # filled in by the engine when the document is read, never stored

    @property
    def name(self) -> str:
        """Short human name used in citations (a long trích yếu is cut at a word)."""
        name = self._full_name()
        return name if len(name) <= 110 else name[:110].rsplit(" ", 1)[0].rstrip(",;:") + "…"

    def _full_name(self) -> str:
        m = self.meta
        if m.doc_type in ("Luật", "Bộ luật") and m.title:
            name = m.title if m.title.lower().startswith(m.doc_type.lower()) else f"{m.doc_type} {m.title}"
            return name + (f" số {m.number}" if m.number else "")
        if m.number and m.doc_type:
            return f"{m.doc_type} số {m.number}"
        if m.doc_type and m.title:
            title = m.title[0].lower() + m.title[1:] if m.title[:1].isupper() and not m.title[:2].isupper() else m.title
            return f"{m.doc_type} {title}"
        return m.title or m.doc_type or self.source

    def summary(self) -> DocumentSummary:
        return DocumentSummary(id=self.id, source=self.source, name=self.name, meta=self.meta,
                               n_sections=len(self.sections), validity=self.validity)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["name"] = self.name
        del d["validity"]
        return d

    @staticmethod
    def from_dict(d: dict) -> Document:
        meta = DocMeta(**{**d["meta"], "recipients": tuple(d["meta"].get("recipients") or ()),
                          "references": tuple(Reference(**r) for r in d["meta"].get("references") or ())})
        sections = tuple(
            Section(**{**s, "heading_path": tuple(s["heading_path"]), "footnotes": tuple(s.get("footnotes") or ())})
            for s in d.get("sections", ())
        )
        return Document(id=d["id"], source=d["source"], content_hash=d["content_hash"], meta=meta, sections=sections)


@dataclass(frozen=True)
class DocumentSummary:
    """A document's metadata without its section tree: what lists of documents need."""

    id: str
    source: str
    name: str
    meta: DocMeta
    n_sections: int
    validity: Validity = Validity()   # index/validity.py, over the whole collection


@dataclass(frozen=True)
class Passage:
    """The unit that is indexed and cited: at most about 1,500 characters of one section subtree."""

    id: str
    doc_id: str
    section_id: str
    heading_path: tuple[str, ...]
    citation: str
    text: str
