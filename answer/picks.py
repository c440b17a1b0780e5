"""A chosen unit of a passage, and how its citation and note are worded: the unit's place (a list's lead-in,
an article, the unit itself), and a word when a source is older than, or from another unit than, the newest."""
from __future__ import annotations

from dataclasses import dataclass

from answer.units import ARTICLE, lead_ins, list_span, numbered_above
from index.records import Hit
from ingest.cite import organisation


@dataclass(frozen=True)
class Pick:
    score: float
    hit: Hit
    parts: tuple[str, ...]
    index: int
    shown: int = -1   # the unit whose place the citation names: a whole list is cited at its lead-in or article
    coverage: float = 0.0   # share of the question's IDF mass in the unit, its headings counting HEADING_WEIGHT
    context: frozenset[str] = frozenset()   # the terms of its headings, lead-in and document title


def age(pick: Pick) -> str:
    return year_of(pick.hit) + (pick.hit.document.meta.date or "")


def year_of(hit: Hit) -> str:
    """The document's year, dated or inferred from its term ("" when neither is known)."""
    meta = hit.document.meta
    return (meta.date or "")[:4] or (str(meta.inferred_year) if meta.inferred_year else "")


def shown_unit(pick: Pick, want: set[str]) -> int:
    """Which unit's place names the quote _quote makes: a list's lead-in, an article, or the unit itself."""
    parts, i = list(pick.parts), pick.index
    lead, _ = list_span(parts, i, lead_ins(parts))
    if lead is not None:
        return lead if "list" in want or lead == i else i
    article = article_start(parts, i)
    if "list" in want and article is not None and article < i:
        return article
    return i


def within(pick: Pick) -> tuple[str, ...]:
    shown = pick.shown if pick.shown >= 0 else pick.index
    return numbered_above(list(pick.parts), shown, pick.hit.heading_path)


def cite_of(pick: Pick) -> str:
    return pick.hit.cite(within(pick))


def note(pick: Pick, first: Pick) -> str:
    """Says when a source is older than, or from another unit than, the newest one (shown first); the unit
    only when its citation does not already name it."""
    notes = []
    year, first_year = year_of(pick.hit), year_of(first.hit)
    if year and first_year and year < first_year:
        notes.append(f"văn bản cũ hơn, năm {year}")
    issuer, first_issuer = pick.hit.document.meta.issuer or "", first.hit.document.meta.issuer or ""
    org = organisation(issuer)
    cited = cite_of(pick)
    if issuer and first_issuer and org != organisation(first_issuer) \
            and org not in cited and issuer.split(" — ")[0] not in cited:
        notes.append(f"đơn vị khác: {org}")
    return f" ({'; '.join(notes)})" if notes else ""




def article_start(parts: list[str], i: int) -> int | None:
    """Index of the "Điều N." line unit i stands under in its passage, if any."""
    return next((j for j in range(i, -1, -1) if ARTICLE.match(parts[j])), None)
