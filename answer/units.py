"""Quotable units of a passage and the lists they belong to.

    parts = units(passage.text)          # bullets and lines; long lines cut into sentences
    leads = lead_ins(parts)              # for each list item, the index of its lead-in ("… sau đây:")
    span = list_span(parts, i, leads)    # the whole list unit i opens or belongs to
"""
from __future__ import annotations

import re

from core.text import SENTENCE_END
from ingest.sections import classify

MAX_QUOTE = 560   # one unit longer than this is cut into sentences
# a list item: "a)", "đ)", "-", "+", "•", or a khoản "2." inside an article
ITEM = re.compile(r"^(?:[a-zđ]\)|[-+•–*]\s|\d{1,2}\.\s)")
BULLET = re.compile(r"^[-+•–*]\s")
ARTICLE = re.compile(r"^Điều\s+\d+[a-zđ]?\s*[.:]")   # a law article's heading line
KHOAN = re.compile(r"^\d{1,3}\.\s")                   # a khoản, inside an article
HEADING = re.compile(r"^(?:[IVX]+\.|\d+(?:\.\d+)*\.|[a-zđ]\)|Điều\s+\d+|Chương\s+\S+|Phần\s+\S+|Mục\s+\d+)\s*\S")
# a heading of the document's own numbering ("2.1.", "II.", "Điều 5"): never an item of the list above it
SECTION_HEADING = re.compile(r"^(?:[IVX]+\.|\d+\.\d+(?:\.\d+)*\.?|Điều\s+\d+|Chương\s+\S+|Phần\s+\S+|Mục\s+\d+)\s")


def units(text: str) -> list[str]:
    """Quotable units of a passage: bullets and lines, long lines cut into sentences."""
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if len(line) <= MAX_QUOTE:
            out.append(line)
        else:
            out.extend(sentences(line))
    return out


_MARKER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*|[a-zđ]|[IVX]+)[.)]$")


def sentences(line: str) -> list[str]:
    """A long line's sentences; a bare numbering marker ("1.", "a)") stays with the sentence it opens."""
    out: list[str] = []
    for piece in (s.strip() for s in SENTENCE_END.split(line)):
        if not piece:
            continue
        if out and _MARKER.match(out[-1]):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


def is_lead_in(unit: str) -> bool:
    return unit.rstrip().endswith(":")


def lead_ins(parts: list[str]) -> list[int | None]:
    """For each unit, the index of the lead-in line ("… sau đây:") whose list it belongs to (None if none).
    A list runs until the next lead-in, a section heading, or a khoản ("2.") after lettered points."""
    out: list[int | None] = []
    lead: int | None = None
    lettered = False
    for i, unit in enumerate(parts):
        if SECTION_HEADING.match(unit) or (lettered and re.match(r"^\d{1,2}\.\s", unit)):
            lead = None
        out.append(lead)
        if is_lead_in(unit):
            lead, lettered = i, False
        elif lead is not None and re.match(r"^[a-zđ]\)", unit):
            lettered = True
    return out


def list_span(parts: list[str], i: int, leads: list[int | None]) -> tuple[int | None, list[int]]:
    """(lead-in index or None, indices of the items) of the list unit i opens or belongs to."""
    lead = i if is_lead_in(parts[i]) else leads[i]
    if lead is None:
        return None, [i]
    items = [j for j in range(lead + 1, len(parts)) if leads[j] == lead]
    return lead, items or [i]


def numbered_above(parts: list[str], i: int, heading_path: tuple[str, ...]) -> tuple[str, ...]:
    """The numbered lines of a passage that unit i stands under, top first, below the passage's own headings:
    ("2. …", "b) …") for a point of a khoản, so its citation can name "điểm b khoản 2"."""
    own = {h.strip() for h in heading_path}
    ranks = [found[1] for h in heading_path if (found := classify(h.strip()))]
    floor = max(ranks, default=-1)
    out: list[str] = []
    last = None
    for j in range(i, -1, -1):
        line = parts[j]
        found = classify(line) if line not in own else None
        if found is None:
            continue
        rank = found[1]
        if rank <= floor:
            break
        if last is None or rank < last:
            out.append(line)
            last = rank
    return tuple(reversed(out))


def line_opening(text: str, unit: str) -> str | None:
    """When `unit` is a later sentence of a long line of `text` (a khoản cut into sentences), the line's
    opening sentence up to it; None when the unit starts its line."""
    for line in text.split("\n"):
        line = line.strip()
        if len(line) <= MAX_QUOTE or line.startswith(unit):
            continue
        at = line.find(unit)
        if at > 0:
            return sentences(line[:at].strip())[0]
    return None
