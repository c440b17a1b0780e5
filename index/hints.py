"""What the corpus itself tells about a query before it is searched (issue 14): diacritics restored
from the corpus's own syllable and pair counts, and the documents the question names.

Counted from the indexed passages at start-up (or loaded beside the saved lexical index), and adjusted by
each change's own documents, so an ingest refreshes it at the cost of what it changed.
"""
from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from index.analyze import analyze, folded_terms, has_diacritics
from index.defined import asked_term
from index.named import Mention, NamedDoc, mentions, named_docs, without_mentions
from index.restore import Restorer, count

log = logging.getLogger(__name__)
FORMAT = "sotay-restore-1"

# Dense weight for an unaccented query whose accents were restored: see scripts/probe_search.py.
DENSE_WEIGHT_RESTORED = 0.2
# Added to the fused score (lexical is scaled to 1 at the top) of passages in a document the question
# names. The name itself is cut from the ranking text (index/named.py without_mentions), so the boost alone
# picks the document and the rest of the question ranks inside it. Swept on the dev sets with maxP rerank
# (scripts/probe_search.py): .2 and .3 leave a same-titled section of another programme first (seeds dev-25);
# .5 and 1.0 give seeds 1.0, haystack .968, ALQAC .910 hit@1 alike; 3.0 costs ALQAC .005. 1.0, the top
# lexical score's own scale: the follow-up "còn chỉ tiêu cụ thể thì sao?" about 04/CTr-CĐVC needs .83 to
# quote that programme rather than another's heading "2. Chỉ tiêu cụ thể" (conversation-dev conv-d3).
NAMED_BOOST = 1.0


@dataclass(frozen=True)
class Plan:
    tokens: list[str]              # BM25 tokens: folded as typed, accented words from the restored text
    dense_text: str                # what the dense leg embeds (the restored text for unaccented queries)
    restored: bool
    named: frozenset[str]          # ids of documents the question names
    term: str | None = None        # the folded term the question asks the meaning of (index/defined.py)
    question: str = ""             # as it came, before the names were cut
    mentions: tuple[Mention, ...] = ()   # where the question names them
    unnamed: str = ""              # the question without those names: what ranks inside the named documents


@dataclass(frozen=True)
class Hints:
    docs: list[NamedDoc]
    totals: tuple[Counter, Counter]   # the corpus's accented syllable and pair counts (see restore.count)
    # built with the hints, before the searcher swaps them in, so no question pays for it: built on first
    # use, the first unaccented question after a start or a change paid 20 ms on the haystack, 95 ms at 208 laws
    restorer: Restorer = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "restorer", Restorer.of_totals(*self.totals))

    @classmethod
    def build(cls, passages, documents) -> Hints:
        """From the indexed passages and their DocumentSummary records (start-up without a saved copy)."""
        return cls(named_docs(documents), count(p.text for p in passages))

    def changed(self, removed_texts, added_texts, documents) -> Hints:
        """After a change: the totals adjusted by the changed documents' old and new texts only, so an
        ingest costs its own documents, not the corpus (recounting the 208 laws takes seconds)."""
        old, new = count(removed_texts), count(added_texts)
        totals = []
        for total, gone, came in zip(self.totals, old, new):
            total = Counter(total)          # a C-level copy; the loops below touch only the changed keys
            for key, n in gone.items():
                left = total[key] - n
                if left > 0:
                    total[key] = left
                else:
                    del total[key]
            total.update(came)
            totals.append(total)
        return Hints(named_docs(documents), tuple(totals))

    # the totals are saved beside the lexical index snapshot, under the same key -------------------------
    def save(self, path: Path) -> None:
        syllables, pairs = self.totals
        data = {"format": FORMAT, "syllables": syllables, "pairs": [[a, b, n] for (a, b), n in pairs.items()]}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path, documents) -> Hints | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return None
            totals = Counter(data["syllables"]), Counter({(a, b): n for a, b, n in data["pairs"]})
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as e:
            log.warning("saved restoration counts at %s unreadable (%s); recounting", path, e)
            return None
        return cls(named_docs(documents), totals)

    def plan(self, query: str) -> Plan:
        asked = query
        found = mentions(query, self.docs)
        named = frozenset(m.doc_id for m in found)
        query = without_mentions(query, found)   # the named document is lifted; the rest ranks inside it
        term = asked_term(query)
        same = {"named": named, "term": term, "question": asked, "mentions": tuple(found), "unnamed": query}
        if has_diacritics(query):
            return Plan(analyze(query, query=True), query, False, **same)
        restored = self.restorer.restore(query)
        if restored == query.lower() or not has_diacritics(restored):
            return Plan(analyze(query, query=True), query, False, **same)
        accented = [t for t in analyze(restored, query=True) if t.startswith("w:")]
        return Plan(accented + folded_terms(query, query=True), restored, True, **same)
