"""Chroma holds everything durable: passages with metadata, embeddings and lexical tokens, and one
record per document (metadata + section tree). Embeddings are always passed in explicitly, and both
search legs are derived from what is stored here, so replicas sharing one Chroma server agree."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings

from core.errors import SotayError
from core.settings import Settings
from ingest.records import DocMeta, Document, DocumentSummary, Passage

log = logging.getLogger(__name__)
_BATCH = 2000


@dataclass(frozen=True)
class StoredPassage:
    passage: Passage
    lex: str          # analysed tokens, space-joined as Chroma stores them; the view keeps only term ids
    meta: dict        # doc display fields + filter fields
    vector: np.ndarray


class ExplicitOnly(EmbeddingFunction):
    """Stands in for Chroma's default embedding function, which would download a model: refuse instead."""

    def __init__(self) -> None:
        pass

    def __call__(self, input: Documents) -> Embeddings:
        raise SotayError("embeddings must be passed to Chroma explicitly")

    @staticmethod
    def name() -> str:
        return "sotay-explicit"

    def get_config(self) -> dict:
        return {}

    @staticmethod
    def build_from_config(config: dict) -> "ExplicitOnly":
        return ExplicitOnly()


def doc_fields(doc: Document) -> dict:
    """The document facts every passage carries (for filters and for display)."""
    m = doc.meta
    date = m.date or ""
    return {
        "doc_id": doc.id, "name": doc.name, "title": m.title or "", "doc_type": m.doc_type or "",
        "number": m.number or "", "date": date, "issuer": m.issuer or "", "place": m.place or "",
        "year": int(date[:4]) if date else 0, "date_num": int(date.replace("-", "")) if date else 0,
    }


def chroma_client(settings: Settings):
    no_telemetry = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                   ssl=url.scheme == "https", settings=no_telemetry)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.data_dir / "chroma"), settings=no_telemetry)


class Store:
    def __init__(self, settings: Settings, model_name: str) -> None:
        self.client = chroma_client(settings)
        base = settings.collection
        self.passages = self.client.get_or_create_collection(
            f"{base}_passages", embedding_function=ExplicitOnly(),
            metadata={"hnsw:space": "cosine", "embed_model": model_name},
        )
        found = (self.passages.metadata or {}).get("embed_model")
        if found and found != model_name:
            raise SotayError(
                f"Chỉ mục được tạo bằng mô hình {found!r}, khác SOTAY_EMBED_MODEL={model_name!r}. "
                f"Hãy xóa {settings.data_dir} rồi nạp lại, hoặc dùng lại mô hình cũ."
            )
        self.documents = self.client.get_or_create_collection(f"{base}_documents", embedding_function=ExplicitOnly())

    # documents -----------------------------------------------------------------
    def get_document(self, doc_id: str) -> Document | None:
        got = self.documents.get(ids=[doc_id], include=["documents"])
        return Document.from_dict(json.loads(got["documents"][0])) if got["ids"] else None

    def list_documents(self) -> list[DocumentSummary]:
        """From record metadata only: parsing every section tree would cost seconds on a law corpus."""
        got = self.documents.get(include=["metadatas"])
        return [_summary(doc_id, meta) for doc_id, meta in zip(got["ids"], got["metadatas"])]

    def documents_from_source(self, source: str) -> list[str]:
        return self.documents.get(where={"source": source}, include=[])["ids"]

    # writes ----------------------------------------------------------------------
    def put(self, doc: Document, passages: list[Passage], vectors: np.ndarray, lex: list[list[str]]) -> None:
        """Replace a document's passages and record. Everything is computed before the first write;
        on a failed write the new passages are removed again so no half document stays."""
        fields = doc_fields(doc)
        ids = [p.id for p in passages]
        old = set(self.passages.get(where={"doc_id": doc.id}, include=[])["ids"])
        try:
            for i in range(0, len(passages), _BATCH):
                chunk = slice(i, i + _BATCH)
                self.passages.upsert(
                    ids=ids[chunk],
                    embeddings=vectors[chunk].tolist(),
                    documents=[p.text for p in passages[chunk]],
                    metadatas=[
                        {**fields, "section_id": p.section_id, "citation": p.citation,
                         "heading_path": json.dumps(list(p.heading_path), ensure_ascii=False),
                         "lex": " ".join(tokens)}
                        for p, tokens in zip(passages[chunk], lex[chunk])
                    ],
                )
            stale = sorted(old - set(ids))
            if stale:
                self.passages.delete(ids=stale)
            self.documents.upsert(
                ids=[doc.id], embeddings=[[1.0]],
                documents=[json.dumps(doc.to_dict(), ensure_ascii=False)],
                metadatas=[{"source": doc.source, "content_hash": doc.content_hash, **fields,
                            "signer": doc.meta.signer or "", "n_sections": len(doc.sections),
                            "recipients": json.dumps(list(doc.meta.recipients), ensure_ascii=False)}],
            )
        except Exception:
            new = sorted(set(ids) - old)
            if new:
                self.passages.delete(ids=new)
            raise

    def delete(self, doc_id: str) -> None:
        self.passages.delete(where={"doc_id": doc_id})
        self.documents.delete(ids=[doc_id])

    # reads for the in-process indexes -------------------------------------------------
    def all_passages(self) -> list[StoredPassage]:
        out: list[StoredPassage] = []
        total = self.passages.count()
        for offset in range(0, total, _BATCH):
            got = self.passages.get(include=["documents", "metadatas", "embeddings"], limit=_BATCH, offset=offset)
            for pid, text, meta, vec in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"]):
                out.append(_stored(pid, text, meta, vec))
        return out

    def passage_count(self) -> int:
        return self.passages.count()

    def document_count(self) -> int:
        return self.documents.count()


def _summary(doc_id: str, meta: dict) -> DocumentSummary:
    text = {k: (meta.get(k) or None) for k in ("doc_type", "number", "issuer", "place", "date", "title", "signer")}
    recipients = tuple(json.loads(meta.get("recipients") or "[]"))
    return DocumentSummary(id=doc_id, source=meta.get("source") or "", name=meta.get("name") or doc_id,
                           meta=DocMeta(**text, recipients=recipients), n_sections=int(meta.get("n_sections") or 0))


def _stored(pid: str, text: str, meta: dict, vector) -> StoredPassage:
    passage = Passage(
        id=pid, doc_id=meta["doc_id"], section_id=meta["section_id"],
        heading_path=tuple(json.loads(meta.get("heading_path") or "[]")),
        citation=meta["citation"], text=text,
    )
    display = {k: meta.get(k) for k in ("doc_id", "name", "title", "doc_type", "number", "date", "issuer",
                                        "place", "year", "date_num")}
    return StoredPassage(passage=passage, lex=meta.get("lex") or "", meta=display,
                         vector=np.asarray(vector, dtype=np.float32))
