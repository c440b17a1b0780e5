"""The narrow read interface the trainer features need (search, the document list, one document), so
`compare`, `targets` and `dossier` never hold the whole service Engine (which implements it)."""
from __future__ import annotations

from typing import Protocol

from index.records import Filters, Hit
from ingest.records import Document, DocumentSummary


class Library(Protocol):
    def search(self, query: str, k: int = 10, filters: Filters | None = None, offset: int = 0) -> list[Hit]: ...

    def documents(self, filters: Filters | None = None) -> list[DocumentSummary]: ...

    def document(self, key: str) -> Document: ...
