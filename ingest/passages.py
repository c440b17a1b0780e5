"""Passages: the cited units. A section subtree that fits in MAX_CHARS stays whole; a larger one is
cut at its own boundaries (sub-sections, bullets, groups of bullets), never inside a sentence.
With ARTICLES_ALONE a law's article (Điều) is never grouped with another: a chapter of short articles
gives one passage per article, each under its chapter's heading."""
from __future__ import annotations

import re

from core.text import SENTENCE_END
from ingest.records import Document, Passage, Section
from ingest.sections import label_path

MAX_CHARS = 1500
ARTICLES_ALONE = False
_BULLET = re.compile(r"^[-+•·▪●◦–]\s")


def own_text(section: Section) -> str:
    """Heading (when it is a pure title) + body + attached footnotes."""
    parts = []
    if section.kind == "body" and not section.text.startswith(section.heading.rstrip("…")):
        parts.append(section.heading)
    if section.text:
        parts.append(section.text)
    parts.extend(section.footnotes)
    return "\n".join(parts)


def _pack(units: list[str], limit: int, sep: str = "\n") -> list[str]:
    """Greedy packing of ordered units into chunks of at most `limit` characters."""
    chunks: list[str] = []
    for unit in units:
        if chunks and len(chunks[-1]) + 1 + len(unit) <= limit:
            chunks[-1] += sep + unit
        else:
            chunks.append(unit)
    return chunks


_CLAUSE_END = re.compile(r"(?<=[;,])\s+")


def _pieces(line: str, limit: int) -> list[str]:
    """An over-long line is cut between sentences; a sentence longer than the limit (a long list in
    a law) between clauses; a clause longer still, between words."""
    if len(line) <= limit:
        return [line]
    for splitter in (SENTENCE_END, _CLAUSE_END):
        parts = splitter.split(line)
        if len(parts) > 1:
            return _pack([p for part in parts for p in _pieces(part, limit)], limit, sep=" ")
    words = line.split(" ")
    return _pack(words, limit, sep=" ")


def split_text(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Cut at line boundaries (bullets, paragraphs), and inside a line only when it is over-long."""
    units: list[str] = []
    for line in text.split("\n"):
        units.extend(_pieces(line, limit))
    return _pack(units, limit)


def _is_article(section: Section) -> bool:
    return section.label.startswith("Điều ")


def build_passages(doc: Document, limit: int = MAX_CHARS, articles_alone: bool | None = None) -> list[Passage]:
    alone = ARTICLES_ALONE if articles_alone is None else articles_alone
    by_id = {s.id: s for s in doc.sections}
    children: dict[str | None, list[Section]] = {}
    for s in doc.sections:
        children.setdefault(s.parent, []).append(s)

    above_cache: dict[str, bool] = {}

    def above_articles(s: Section) -> bool:
        """A chapter or section that holds articles (with ARTICLES_ALONE it is never one passage)."""
        if s.id not in above_cache:
            above_cache[s.id] = alone and not _is_article(s) and any(
                _is_article(c) or above_articles(c) for c in children.get(s.id, []))
        return above_cache[s.id]

    def solo(s: Section) -> bool:
        return alone and _is_article(s)

    subtree_cache: dict[str, str] = {}

    def subtree(s: Section) -> str:
        if s.id not in subtree_cache:
            parts = [own_text(s)] + [subtree(c) for c in children.get(s.id, [])]
            subtree_cache[s.id] = "\n".join(p for p in parts if p)
        return subtree_cache[s.id]

    out: list[tuple[Section, str, str]] = []   # (cited section, text, range of the grouped children)

    def emit(s: Section) -> None:
        whole = subtree(s)
        if len(whole) <= limit and not above_articles(s):
            out.append((s, whole, ""))
            return
        own = own_text(s)
        kids = children.get(s.id, [])
        context = s.heading + "\n" if kids and s.kind == "body" else ""
        if own and (s.text or s.footnotes):   # a bare heading travels as context of its children
            for chunk in split_text(own, limit):
                out.append((s, chunk, ""))

        def fits(kid: Section) -> bool:
            return len(subtree(kid)) <= limit - len(context) and not above_articles(kid)

        group: list[Section] = []
        for kid in kids + [None]:   # type: ignore[list-item]
            if kid is not None and fits(kid) and not (group and (solo(kid) or solo(group[0]))) and \
                    len(context) + sum(len(subtree(g)) + 1 for g in group) + len(subtree(kid)) <= limit:
                group.append(kid)
                continue
            if group:
                body = "\n".join(subtree(g) for g in group)
                if len(group) == 1:
                    out.append((group[0], context + body, ""))
                else:
                    out.append((s, context + body, f" ({group[0].label} – {group[-1].label})"))
                group = []
            if kid is not None:
                if fits(kid):
                    group = [kid]
                else:
                    emit(kid)

    top = children.get(None, [])
    for s in top:
        emit(s)

    passages: list[Passage] = []
    counts: dict[str, int] = {}
    for s, text, span in out:
        counts[s.id] = counts.get(s.id, 0) + 1
        n = counts[s.id]
        pid = f"{doc.id}:{s.id}" + (f":{n}" if n > 1 else "")
        passages.append(Passage(
            id=pid, doc_id=doc.id, section_id=s.id, heading_path=s.heading_path,
            citation=citation(doc, s, by_id) + span, text=text.strip(),
        ))
    return passages


def citation(doc: Document, section: Section, by_id: dict[str, Section]) -> str:
    if section.kind != "body":
        return f"{doc.name} — {section.heading}"
    title = section.heading
    label = label_path(by_id, section)
    m = re.match(r"^(?:Phần\s+\S+(?:\s+\S+)?|Chương\s+\S+|Mục\s+\S+|Điều\s+\S+|[IVX]+[.)]|\d+(?:\.\d+)*[.)]?|"
                 r"[a-zđ]\)|\(\d+\))\s*[.:]?\s*", title)
    if m:
        title = title[m.end():]
    return f"{doc.name} — {label} {title}".rstrip()
