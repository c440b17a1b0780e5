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


def keys_for(name: str, doc_type: str | None, number: str | None, title: str | None) -> tuple[str, ...]:
    keys: set[str] = set()
    kind = _norm(doc_type or "").strip()
    subject = _norm(title or "").strip()
    if kind and subject and len(subject.split()) <= 8:
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


def resolve(question: str, docs: list[NamedDoc]) -> set[str]:
    """Ids of the documents the question names; empty when it names none. A phrase inside a longer
    matched phrase does not count ("Luật Giáo dục" inside "Luật Giáo dục nghề nghiệp")."""
    q = _norm(question)
    spans: list[tuple[int, int, str]] = []
    for d in docs:
        for key in d.keys:
            start = q.find(f" {key} ")
            while start >= 0:
                spans.append((start, start + len(key) + 2, d.doc_id))
                start = q.find(f" {key} ", start + 1)
    kept = {doc for s, e, doc in spans
            if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) and d2 != doc for s2, e2, d2 in spans)}
    return kept
