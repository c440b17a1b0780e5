"""Documents named in the question: "… theo Luật Công đoàn", "Chương trình 01/CTr-LĐLĐ", "NQ 03",
"chương trình hành động nhiệm kỳ 2023-2028". Resolved against each document's name, type, number,
title and the numbered acts its title cites, all folded, so unaccented questions resolve too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from core.text import fold

_NUM = re.compile(r"\b(\d+)/(?:\d{4}/)?([a-z][a-z0-9]*(?:-[a-z0-9]+)*)")
_RANGE = re.compile(r"\b(\d{4})\s*-\s*(\d{4})\b")
# The short forms cadres write for the types and issuers in number suffixes ("NQ-TLĐ" → "nq").
_TYPE_WORDS = {"nq": "nghi quyet", "ctr": "chuong trinh", "kh": "ke hoach", "bc": "bao cao", "qd": "quyet dinh",
               "ct": "chi thi", "hd": "huong dan", "tb": "thong bao"}


def _norm(text: str) -> str:
    folded = _RANGE.sub(r"\1-\2", fold(text))
    return " " + re.sub(r"[^a-z0-9/\-]+", " ", folded).strip() + " "


@dataclass(frozen=True)
class NamedDoc:
    doc_id: str
    keys: tuple[str, ...]      # normalised phrases that name this document
    places: tuple[str, ...] = ()   # the province or city it was issued in: names it only when nothing else does


# "Công đoàn Viên chức tỉnh Bình Định", "Liên đoàn Lao động thành phố Hà Nội": the place in an issuer's name
_ISSUER_PLACE = re.compile(r"\b(?:tỉnh|thành phố)\s+((?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)*)")


def places_for(place: str | None, issuer: str | None) -> tuple[str, ...]:
    """"Lai Châu" → ("lai chau",): a question about "Bình Định" means the documents issued there."""
    found = {place or ""} | set(_ISSUER_PLACE.findall(issuer or ""))
    return tuple(sorted(k for k in (_norm(p).strip() for p in found) if len(k) >= 4))


def keys_for(name: str, doc_type: str | None, number: str | None, title: str | None) -> tuple[str, ...]:
    keys: set[str] = set()
    kind = _norm(doc_type or "").strip()
    subject = _norm(title or "").strip()
    if kind and subject and (len(subject.split()) <= 8 or kind in ("luat", "bo luat")):   # a law by its full name
        keys.add(f"{kind} {subject}")
        if kind == "bo luat":            # "Luật Lao động" names "Bộ luật Lao động" too
            keys.add(f"luat {subject}")
    if number:
        keys.add(_norm(number).strip())
    for text in (number or "", name, title or ""):
        for digits, suffix in _NUM.findall(fold(text)):
            keys.add(f"{digits}/{suffix}")
            head = suffix.split("-")[0]
            for word in {head, _TYPE_WORDS.get(head, head)}:
                keys.add(f"{word} {digits}")
                keys.add(f"{word} so {digits}")
    if kind:
        for a, b in _RANGE.findall(fold(name + " " + (title or ""))):
            keys.add(f"{kind} nhiem ky {a}-{b}")
            keys.add(f"{kind} {a}-{b}")
    return tuple(sorted(k for k in keys if len(k) >= 5))


# A question's words as the keys are written: folded, "2023 - 2028" as one range, only [a-z0-9/-] kept.
_QWORD = re.compile(r"\d{4}\s*-\s*\d{4}|[^\W_]+(?:[/\-][^\W_]+)*")
# Words that name a document's type, before or after its number ("Chương trình 01/CTr-LĐLĐ", "04/CTr-CĐVC
# chương trình"), and words that introduce a name ("theo", "số"): dropped with the name from the ranking text.
_TYPES = {"luat", "bo luat", "van ban", "chuong trinh hanh dong", "nghi quyet dai hoi"} | set(_TYPE_WORDS) \
    | set(_TYPE_WORDS.values())
_LEADS = _TYPES | {"so", "theo", "cua", "tai", "trong"}
# "kế hoạch 12 tháng", "chương trình 5 năm": a count, not the number of "12/KH-…"
_COUNTED = {"nam", "thang", "ngay", "tuan", "gio", "lan", "nguoi", "ty", "trieu", "nghin", "%"}


@dataclass(frozen=True)
class Mention:
    start: int     # character span in the question
    end: int
    doc_id: str
    place: bool = False   # named by its place alone


def mentions(question: str, docs: list[NamedDoc]) -> list[Mention]:
    """Where the question names documents. A phrase inside a longer matched phrase of another document
    does not count ("Luật Giáo dục" inside "Luật Giáo dục nghề nghiệp")."""
    spans = [(m.start(), m.end()) for m in _QWORD.finditer(question)]
    words = [re.sub(r"[^a-z0-9/\-]+", "", _norm(question[s:e]).replace(" ", "")) for s, e in spans]
    index: dict[str, list[int]] = {}
    for i, w in enumerate(words):
        index.setdefault(w, []).append(i)
    found: list[tuple[int, int, str]] = []      # word range [i, j) and document
    placed: list[tuple[int, int, str]] = []
    for d in docs:
        for keys, into in ((d.keys, found), (d.places, placed)):
            for key in keys:
                parts = key.split(" ")
                for i in index.get(parts[0], ()):
                    after = words[i + len(parts)] if i + len(parts) < len(words) else ""
                    if words[i:i + len(parts)] == parts and not (parts[-1].isdigit() and after in _COUNTED):
                        into.append((i, i + len(parts), d.doc_id))
    kept = [(i, j, doc) for i, j, doc in found
            if not any(i2 <= i and j <= j2 and (j2 - i2) > (j - i) and d2 != doc for i2, j2, d2 in found)]
    # a place narrows what the question names by number or title; alone, it names the documents issued there
    strong = {doc for _, _, doc in kept}
    kept += [(i, j, doc) for i, j, doc in placed if not strong or doc in strong]
    out = []
    for i, j, doc in kept:
        while i > 0 and any(" ".join(words[k:i]) in _LEADS for k in range(max(0, i - 4), i)):
            i = next(k for k in range(max(0, i - 4), i) if " ".join(words[k:i]) in _LEADS)
        while j < len(words) and any(" ".join(words[j:k]) in _TYPES for k in range(j + 1, j + 5)):
            j = max(k for k in range(j + 1, min(j + 5, len(words) + 1)) if " ".join(words[j:k]) in _TYPES)
        out.append(Mention(spans[i][0], spans[j - 1][1], doc, place=(i, j, doc) in placed and doc not in strong))
    return out


def named_docs(documents) -> list[NamedDoc]:
    """The names of these documents (DocumentSummary records)."""
    return [NamedDoc(d.id, keys_for(d.name, d.meta.doc_type, d.meta.number, d.meta.title),
                     places_for(d.meta.place, d.meta.issuer)) for d in documents]


def resolve(question: str, docs: list[NamedDoc]) -> set[str]:
    """Ids of the documents the question names; empty when it names none."""
    return {m.doc_id for m in mentions(question, docs)}


def without_mentions(question: str, found: list[Mention]) -> str:
    """The question with the names of the documents it names cut out, for ranking inside them: once the
    named document is lifted, "Chương trình 01/CTr-LĐLĐ" would only favour its passages that repeat
    "chương trình". The question as typed when nothing else would be left."""
    keep, at = [], 0
    # a place names several documents alike and its words still tell their passages apart: it stays
    for m in sorted((m for m in found if not m.place), key=lambda m: m.start):
        if m.start >= at:
            keep.append(question[at:m.start])
            at = m.end
        else:
            at = max(at, m.end)
    keep.append(question[at:])
    rest = re.sub(r"\s+", " ", " ".join(keep)).strip()
    return rest if re.search(r"[^\W\d_]{2,}", rest) else question
