"""Topic dossiers for trainers: every passage on a topic, grouped by document, newest document first.

    dossier = build_dossier(library, "đào tạo bồi dưỡng cán bộ công đoàn", filters=None)

Passages come from the shared search. A passage whose text stands, nearly the same, in a newer document is
shown once, under the newest, with a "cũng có trong …" note naming the others.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from answer.library import Library
from core.errors import BadQuery
from core.text import fold
from index.records import Filters, Hit
from ingest.records import DocumentSummary

# how many passages search is asked for; a dossier on a seed topic uses 10-25 of them
CANDIDATES = 50
# a passage belongs to the dossier when its score is at least this share of the best one (on the seeds,
# passages under a third of the top score are about neighbouring topics: kinh phí, khen thưởng …)
RELATIVE_FLOOR = 0.35
# two passages are the same text when this share of their word triples is shared (Jaccard); programmes
# that copy a paragraph from an earlier one score .7-1.0, related but rewritten ones under .3
NEAR_DUPLICATE = 0.5
CLOSING = "closing"


@dataclass(frozen=True)
class DossierPassage:
    hit: Hit
    also_in: tuple[str, ...] = ()     # citations of near-identical passages in other documents


@dataclass(frozen=True)
class DossierGroup:
    document: DocumentSummary
    passages: tuple[DossierPassage, ...]


@dataclass(frozen=True)
class Dossier:
    topic: str
    groups: tuple[DossierGroup, ...] = field(default=())

    @property
    def size(self) -> int:
        return sum(len(g.passages) for g in self.groups)


def build_dossier(library: Library, topic: str, filters: Filters | None = None) -> Dossier:
    topic = " ".join((topic or "").split())
    if not topic:
        raise BadQuery("Chủ đề trống: hãy nhập chủ đề, ví dụ «đào tạo bồi dưỡng cán bộ công đoàn»")
    hits = [h for h in library.search(topic, k=CANDIDATES, filters=filters) if h.section_id != CLOSING]
    if not hits:
        return Dossier(topic=topic)
    floor = hits[0].score * RELATIVE_FLOOR
    hits = [h for h in hits if h.score >= floor]
    documents = {d.id: d for d in library.documents()}
    newest_first = sorted({h.doc_id for h in hits}, key=lambda i: _date(documents.get(i)), reverse=True)
    kept: list[tuple[Hit, set[str], list[str]]] = []     # (hit, shingles, also-in citations)
    for doc_id in newest_first:
        order = {s.id: i for i, s in enumerate(library.document(doc_id).sections)}
        for hit in sorted((h for h in hits if h.doc_id == doc_id), key=lambda h: order.get(h.section_id, 0)):
            shingles = _shingles(hit.text)
            twin = next((k for k in kept if k[0].doc_id != doc_id and _jaccard(k[1], shingles) >= NEAR_DUPLICATE),
                        None)
            if twin is not None:
                twin[2].append(hit.citation)
                continue
            kept.append((hit, shingles, []))
    groups = []
    for doc_id in newest_first:
        passages = tuple(DossierPassage(hit=h, also_in=tuple(also)) for h, _, also in kept if h.doc_id == doc_id)
        if passages and doc_id in documents:
            groups.append(DossierGroup(document=documents[doc_id], passages=passages))
    return Dossier(topic=topic, groups=tuple(groups))


def _date(doc: DocumentSummary | None) -> str:
    return (doc.meta.date or "") if doc else ""


def _shingles(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", fold(text))
    return {" ".join(words[i:i + 3]) for i in range(max(1, len(words) - 2))}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(1, len(a | b))
