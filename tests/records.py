"""Building records by hand for unit tests (the real-engine paths build them from the store)."""
from __future__ import annotations

from index.records import Hit
from ingest.records import DocMeta, DocumentSummary, Passage


def make_hit(passage_id: str, doc_id: str, section_id: str, heading_path: tuple[str, ...], citation: str,
             text: str, score: float = 1.0, doc_name: str = "Văn bản") -> Hit:
    passage = Passage(id=passage_id, doc_id=doc_id, section_id=section_id, heading_path=heading_path,
                      citation=citation, text=text)
    document = DocumentSummary(id=doc_id, source=f"{doc_id}.txt", name=doc_name, meta=DocMeta(), n_sections=1)
    return Hit(passage=passage, score=score, document=document)
