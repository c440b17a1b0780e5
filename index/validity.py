"""Each document's validity, derived over the whole collection: the references read at ingest
(ingest/relations.py) are resolved against the documents in the index, and each document gets a status —
`in_force`, `replaced` (by a document in the index that says so), `term_ended` (its nhiệm kỳ or period is
over by today's date) or `unknown`.

Nothing here is stored: a document that arrives later and says "Luật Doanh nghiệp số 68/2014/QH13 hết hiệu
lực" changes the 2014 law's status the moment the view is rebuilt, without re-reading the older one, and
deleting it changes it back. `today` is a parameter, so tests pin the date."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, TypeVar

from core.text import fold
from ingest.records import Document, DocumentSummary, Link, Reference, Validity
from ingest.relations import number_key

V = TypeVar("V", bound=Any)   # a dataclass with `docs` and `day` (index/search.py View; search imports this module)
STATUSES = ("in_force", "replaced", "term_ended", "unknown")
OUTDATED = frozenset({"replaced", "term_ended"})
# For a present-tense question the passages of outdated documents (replaced, or their term over) step down by
# this much on the fused scores (the lexical leg scaled to 1, dense .3): they lose near ties only, and the other
# documents' scores are untouched (a corpus with nothing outdated ranks and answers exactly as before; a report
# of unknown validity is not stale for it). Measured on the dev sets (README); enough to put Luật Doanh nghiệp
# 2020 above its near-identical 2014 text.
OUTDATED_STEP = 0.05
# the words of a question about the past: no step then ("nhiệm kỳ trước", "năm 2019", "giai đoạn 2018-2023").
# Folded, "cu" and "tung" would also be "cụ thể", "cử" and "từng đơn vị": those two count only as written
_PAST = re.compile(r"\b(?:truoc day|truoc kia|nhiem ky truoc|khoa truoc|giai doan truoc|nam truoc|nam ngoai|"
                   r"da het|het hieu luc|bi thay the|(?:19|20)\d\d)\b")
_PAST_WRITTEN = re.compile(r"(?<![\wÀ-ỹ])(?:cũ|đã từng)(?![\wÀ-ỹ])", re.I)


def present_tense(question: str) -> bool:
    """A question that names no year and no earlier period asks about what holds now."""
    return not (_PAST.search(fold(question)) or _PAST_WRITTEN.search(question))


def _org(issuer: str | None) -> list[str]:
    """The issuing organisation's words: "Liên đoàn Lao động tỉnh — Ban Thường vụ" → cong doan tinh."""
    head = fold((issuer or "").split(" — ")[0]).replace("lien doan lao dong", "cong doan")
    return head.split()


def _same_org(a: str | None, b: str | None) -> bool:
    x, y = _org(a), _org(b)
    n = min(len(x), len(y))
    return n > 0 and x[:n] == y[:n]


def _started(when: str, today: dt.date) -> bool:
    return int(when) <= today.year if len(when) == 4 else dt.date.fromisoformat(when) <= today


def _ended(when: str, today: dt.date) -> bool:
    """A term's last year is current until it is over; a date, from the day after."""
    return int(when) < today.year if len(when) == 4 else dt.date.fromisoformat(when) < today


def _year(doc: DocumentSummary) -> int | None:
    return int(doc.meta.date[:4]) if doc.meta.date else doc.meta.inferred_year


class _Index:
    """The documents by number and by type + name, to resolve references."""

    def __init__(self, docs: list[DocumentSummary]) -> None:
        self.by_number: dict[str, list[DocumentSummary]] = {}
        self.by_name: dict[tuple[str, str], list[DocumentSummary]] = {}
        for d in docs:
            if d.meta.number:
                self.by_number.setdefault(number_key(d.meta.number), []).append(d)
            if d.meta.doc_type and d.meta.title:
                self.by_name.setdefault((fold(d.meta.doc_type), fold(d.meta.title)), []).append(d)

    def resolve(self, ref: Reference, source: DocumentSummary) -> DocumentSummary | None:
        if ref.number:
            found = self.by_number.get(number_key(ref.number), [])
        elif ref.doc_type and ref.name:
            found = [d for d in self.by_name.get((fold(ref.doc_type), fold(ref.name)), [])
                     if ref.year is None or _year(d) == ref.year]
        else:
            found = []
        found = [d for d in found if d.id != source.id]
        return found[0] if len(found) == 1 else None


def validities(docs: Iterable[DocumentSummary], today: dt.date) -> dict[str, Validity]:
    """doc id → Validity for every document, with the relations resolved in both directions."""
    docs = list(docs)
    index = _Index(docs)
    links: dict[str, dict[str, list[Link]]] = {d.id: {} for d in docs}
    for d in docs:
        for ref in d.meta.references:
            target = index.resolve(ref, d)
            links[d.id].setdefault(ref.kind, []).append(Link(target.name, target.id) if target else Link(ref.text))
            if target is None:
                continue
            if ref.kind == "replaces" and d.meta.date and target.meta.date and d.meta.date < target.meta.date:
                continue   # an older text cannot replace a newer one: a misread, not a relation
            inverse = {"replaces": "replaced_by", "amends": "amended_by", "implements": "implemented_by"}[ref.kind]
            links[target.id].setdefault(inverse, []).append(Link(d.name, d.id))
    by_id = {d.id: d for d in docs}
    out: dict[str, Validity] = {}
    for d in docs:
        got = {k: tuple(dict.fromkeys(v)) for k, v in links[d.id].items()}
        meta = d.meta
        replacers = [by_id[link.doc_id] for link in got.get("replaced_by", ()) if link.doc_id]
        in_effect = [r for r in replacers if not r.meta.valid_from or _started(r.meta.valid_from, today)]
        valid_to, current, status = meta.valid_to, None, "unknown"
        if in_effect:
            newest = max(in_effect, key=lambda r: r.meta.date or "")
            status, current = "replaced", Link(newest.name, newest.id)
            if newest.meta.valid_from and len(newest.meta.valid_from) == 10:
                valid_to = newest.meta.valid_from
        elif meta.valid_to and _ended(meta.valid_to, today):
            status = "term_ended"
        elif meta.valid_from and _started(meta.valid_from, today):
            status = "in_force"
        out[d.id] = Validity(status=status, valid_from=meta.valid_from, valid_to=valid_to, current=current, **got)
    for d in docs:   # an ended term points to the same organisation's document of the same kind in force now
        if out[d.id].status == "term_ended":
            now = [o for o in docs if out[o.id].status == "in_force" and o.meta.doc_type == d.meta.doc_type
                   and o.meta.valid_to and _same_org(o.meta.issuer, d.meta.issuer)]
            if now:
                newest = max(now, key=lambda o: o.meta.valid_from or "")
                out[d.id] = replace(out[d.id], current=Link(newest.name, newest.id))
    return out


def outdated_docs(docs: Mapping[str, DocumentSummary], question: str) -> frozenset[str]:
    """The ids of replaced or ended documents, when the question asks about now; none for one about the past."""
    if not present_tense(question):
        return frozenset()
    return frozenset(doc_id for doc_id, doc in docs.items() if doc.validity.status in OUTDATED)


def dated(view: V, today: dt.date) -> V:
    """A search view (index/search.py `View`) with every document's validity derived for `today`: a document
    that arrived may change another's status (a law that replaces it), so all are derived again. 30-40 ms at the
    208 laws, measured on the loaded 2-core machine: paid on the writer's path, and once a day by the first
    query after midnight."""
    return replace(view, docs={d.id: d for d in with_validity(view.docs.values(), today)}, day=today)


def validated(doc: Document, docs: Iterable[DocumentSummary], today: dt.date) -> Document:
    """A document read from the store, with its status and relations over the collection `docs`."""
    found = validities(docs, today)
    return replace(doc, validity=found[doc.id]) if doc.id in found else doc


def with_validity(docs: Iterable[DocumentSummary], today: dt.date) -> list[DocumentSummary]:
    """The summaries with their validity filled in."""
    docs = list(docs)
    found = validities(docs, today)
    return [replace(d, validity=found[d.id]) for d in docs]
