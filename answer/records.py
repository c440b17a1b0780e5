"""Records that flow out of the answer stage."""
from __future__ import annotations

from dataclasses import dataclass, field

from index.records import Hit
from query.understand import Query


@dataclass(frozen=True)
class Citation:
    """Where an answer comes from: the whole passage and how to name and open it."""

    text: str          # the quoted passage text
    citation: str      # human citation string
    doc_id: str
    section_id: str
    heading_path: tuple[str, ...]
    passage_id: str
    scanned: bool = False   # quoted from a scan (OCR): every front marks it "văn bản quét"

    @classmethod
    def of(cls, hit: Hit, within: tuple[str, ...] = ()) -> Citation:
        """The one place a citation is made from a ranked passage; `within` names the quoted unit's
        numbered lines (see Hit.cite). The section id stays the passage's, for links."""
        return cls(text=hit.text, citation=hit.cite(within), doc_id=hit.doc_id, section_id=hit.section_id,
                   heading_path=hit.heading_path, passage_id=hit.passage_id, scanned=hit.scanned)


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str                    # plain text, at most 1,200 characters (answer/compose.py MAX_ANSWER)
    found: bool
    quote: str = ""                # the quoted sentences alone
    citations: tuple[Citation, ...] = ()
    suggestions: tuple[Hit, ...] = field(default=())
    mode: str = "extractive"       # "extractive" | "llm" | "smalltalk" | "facts" | "card"
    reason: str = ""               # why it abstained, or which step answered (shown by --explain)
    followup: bool = False         # read against the conversation's earlier questions
    query: Query | None = field(default=None, compare=False, repr=False)   # how the question was read

    def explanation(self) -> dict:
        """Why this answer: how the question was read (query/understand.py), which step answered, what it
        quotes and what it offered instead (/ask?explain=1, `sotay ask --explain`)."""
        return {"query": self.query.explain() if self.query is not None else None, "mode": self.mode,
                "found": self.found, "reason": self.reason,
                "cited": [c.passage_id for c in self.citations], "suggested": [h.passage_id for h in self.suggestions]}

