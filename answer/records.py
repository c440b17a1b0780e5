"""Records that flow out of the answer stage."""
from __future__ import annotations

from dataclasses import dataclass, field

from index.records import Hit


@dataclass(frozen=True)
class Citation:
    text: str          # the quoted passage text
    citation: str      # human citation string
    doc_id: str
    section_id: str
    heading_path: tuple[str, ...]
    passage_id: str


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str                    # plain text, at most ~800 characters
    found: bool
    quote: str = ""                # the quoted sentences alone
    citations: tuple[Citation, ...] = ()
    suggestions: tuple[Hit, ...] = field(default=())
    mode: str = "extractive"       # "extractive" | "llm"
