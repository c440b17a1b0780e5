"""What the corpus itself tells about a query before it is searched (issue 14): diacritics restored
from the corpus's own syllable and pair counts, and the documents the question names.

Built from the indexed passages and document records on every reload, so an ingest refreshes it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from index.analyze import analyze, folded_terms, has_diacritics
from index.named import NamedDoc, keys_for, resolve
from index.restore import Restorer, count

# Dense weight for an unaccented query whose accents were restored: see scripts/probe_search.py.
DENSE_WEIGHT_RESTORED = 0.2
# Added to the fused score (lexical is scaled to 1 at the top) of passages in a document the question
# names: see scripts/probe_search.py.
NAMED_BOOST = 0.2


@dataclass(frozen=True)
class Plan:
    tokens: list[str]              # BM25 tokens: folded as typed, accented words from the restored text
    dense_text: str                # what the dense leg embeds (the restored text for unaccented queries)
    restored: bool
    named: frozenset[str]          # ids of documents the question names


@dataclass(frozen=True)
class Hints:
    docs: list[NamedDoc]
    counts: dict[str, tuple]       # doc id → its syllable and pair counts (see restore.count)
    totals: tuple[Counter, Counter]   # the sum of `counts`, kept so a change costs its own documents
    _restorer: list = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def build(cls, passages, documents, previous: Hints | None = None, changed=()) -> Hints:
        """From the indexed passages and their DocumentSummary records. With `previous`, only the
        `changed` documents are recounted and the totals adjusted by their difference: an ingest costs
        its own documents, not the corpus (the 208 laws recounted in full take seconds)."""
        changed = set(changed)
        if previous is None:
            changed = None
        by_doc: dict[str, list[str]] = {}
        for p in passages:
            if changed is None or p.doc_id in changed:
                by_doc.setdefault(p.doc_id, []).append(p.text)
        counts = dict(previous.counts) if previous is not None else {}
        syllables, pairs = (Counter(previous.totals[0]), Counter(previous.totals[1])) if previous is not None \
            else (Counter(), Counter())
        for d in (changed if changed is not None else by_doc):
            old = counts.pop(d, None)
            if old is not None:
                syllables.subtract(old[0])
                pairs.subtract(old[1])
            if d in by_doc:
                counts[d] = count(by_doc[d])
                syllables.update(counts[d][0])
                pairs.update(counts[d][1])
        if changed:   # drop what fell to zero so the totals stay the size of the corpus's vocabulary
            syllables = +syllables
            pairs = +pairs
        return cls(docs=[NamedDoc(d.id, keys_for(d.name, d.meta.doc_type, d.meta.number, d.meta.title))
                         for d in documents], counts=counts, totals=(syllables, pairs))

    @property
    def restorer(self) -> Restorer:
        """Built on first use after a change (an ingest of many files pays for it once, not per file)."""
        if not self._restorer:
            self._restorer.append(Restorer.of_totals(*self.totals))
        return self._restorer[0]

    def plan(self, query: str) -> Plan:
        named = frozenset(resolve(query, self.docs))
        if has_diacritics(query):
            return Plan(analyze(query, query=True), query, False, named)
        restored = self.restorer.restore(query)
        if restored == query.lower() or not has_diacritics(restored):
            return Plan(analyze(query, query=True), query, False, named)
        accented = [t for t in analyze(restored, query=True) if t.startswith("w:")]
        return Plan(accented + folded_terms(query, query=True), restored, True, named)


def boost_named(fused: dict[str, float], doc_of, named: frozenset[str], boost: float = NAMED_BOOST) -> dict[str, float]:
    """Lift the passages of the documents a question names; `doc_of(pid)` gives a passage's document."""
    if not named:
        return fused
    return {pid: s + boost if doc_of(pid) in named else s for pid, s in fused.items()}
