"""A scan of a document already stored is not a new document: OCR misreads the number ("04/CTr-CĐĐVC" for
04/CTr-CĐVC), and then the identity (ingest/parse.py `document_id`) differs and the scan was added as a
second document, reported "Đã thêm — mới". Nor may a scan silently replace a document read from its text.

    twin = twin_of(scan, summaries, text_of)   # the stored document the scan is, or None

A stored document is the scan's twin when the scan came from OCR and
- it has the scan's identity and was read from a text layer (not itself a scan), or
- it has the same date, a number whose digits are the same and whose letters differ by at most
  MAX_LETTER_EDITS (after the usual OCR confusions), or
- neither has a number (a programme known by its type and title), they have the same type, one issuer
  names the other ("Công đoàn tỉnh Lai Châu" read from a photographed page, "… — Ban Chấp hành" from the
  whole text) and no date that differs, and
- in both cases, most of the scan's words stand in it (CONTAINED): the same content, so two documents
  an office issued the same day with neighbouring numbers (04/KH and 05/KH) are never taken for twins.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core.errors import BadQuery
from core.text import fold
from ingest.records import Document, DocumentSummary

# "CĐVC" → "CĐĐVC": one letter doubled; a second slip in the same number is allowed, a third is another number
MAX_LETTER_EDITS = 2
# share of the scan's folded word pairs found in the stored text: a clean scan of the same text shares
# 0.8-1.0, a scan with OCR noise on every line 0.6-0.8, another document of the same office under 0.3
CONTAINED = 0.5
# what OCR reads in place of a digit
_DIGIT_LOOKALIKES = str.maketrans({"o": "0", "O": "0", "l": "1", "I": "1", "|": "1"})


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number.translate(_DIGIT_LOOKALIKES))


def _letters(number: str) -> str:
    return re.sub(r"[^a-z]", "", fold(number))


def edits(a: str, b: str) -> int:
    """Levenshtein distance (small strings: a number's letters)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def near_number(a: str | None, b: str | None) -> bool:
    """The same number read twice: equal digits, letters at most MAX_LETTER_EDITS apart."""
    if not a or not b:
        return False
    return _digits(a) == _digits(b) and bool(_digits(a)) and edits(_letters(a), _letters(b)) <= MAX_LETTER_EDITS


def _pairs(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", fold(text))
    return {f"{a} {b}" for a, b in zip(words, words[1:])}


def contained(part: str, whole: str) -> float:
    mine = _pairs(part)
    return len(mine & _pairs(whole)) / max(1, len(mine))


def unnumbered_alike(scan: Document, other: DocumentSummary) -> bool:
    """Two number-less documents of one type, issuer (one names the other) and date (or none)."""
    a, b = scan.meta, other.meta
    mine, theirs = fold(a.issuer or ""), fold(b.issuer or "")
    return (not a.number and not b.number and bool(a.doc_type) and a.doc_type == b.doc_type
            and bool(mine) and bool(theirs) and (mine in theirs or theirs in mine)
            and (not a.date or not b.date or a.date == b.date))


def twin_of(scan: Document, stored: Iterable[DocumentSummary],
            text_of: Callable[[str], str | None]) -> DocumentSummary | None:
    """The stored document this OCR'd document is (see the module docstring), or None."""
    if scan.meta.ocr_confidence is None:
        return None
    text = "\n".join(s.text for s in scan.sections)
    for other in stored:
        same_identity = other.id == scan.id and other.meta.ocr_confidence is None
        near = other.id != scan.id and other.meta.date is not None and other.meta.date == scan.meta.date \
            and near_number(other.meta.number, scan.meta.number)
        if not (same_identity or near or (other.id != scan.id and unnumbered_alike(scan, other))):
            continue
        whole = text_of(other.id)
        if whole is not None and contained(text, whole) >= CONTAINED:
            return other
    return None


# a new text of a stored document that keeps less than this share of the stored text's characters is not taken
# as its update unasked: a first page, or a scan of one page, of a document stored whole. Measured on the seeds:
# their first 30 lines (a page) keep .09-.20 of the text, 01/CTr-LĐLĐ without its part III .30; an edited
# version (a changed figure, an added paragraph) keeps about 1.0 (tests/index/test_build.py pins both sides)
SHORTER = 0.5


@dataclass(frozen=True)
class Choice:
    """What the person chose for an upload reported "similar": add it as a document of its own ("new"), or
    let it replace `target` ("replace"). Without a choice a similar upload writes nothing."""

    action: str                  # "new" | "replace"
    target: str | None = None    # the stored document to replace

    def __post_init__(self) -> None:
        if self.action not in ("new", "replace"):
            raise BadQuery(f"Lựa chọn '{self.action}' không hợp lệ: 'new' (thêm thành văn bản mới) "
                           "hoặc 'replace' (thay văn bản đã có)")
        if self.action == "replace" and not self.target:
            raise BadQuery("Thay văn bản đã có: cần mã văn bản được thay (target)")


def much_shorter(text: str, stored: str | None) -> bool:
    """This text is a small part of the stored one (SHORTER)."""
    return stored is not None and len(text) < SHORTER * len(stored)
