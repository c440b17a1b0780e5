"""Text helpers shared by every stage: diacritic folding, ASCII slugs and the sentence boundary."""
from __future__ import annotations

import re
import unicodedata

# the longest question or search query accepted anywhere (API, bot, CLI), in characters: a long
# paragraph pasted as a question; longer text is a document, not a question
MAX_QUESTION = 500
# a sentence ends at . ; ! ? … followed by space and a capital, digit, quote, bracket or bullet mark
SENTENCE_END = re.compile(r"(?<=[.;!?…])\s+(?=[\"“(]?[A-ZĐÀ-Ỹ0-9\-–+•])")


def fold(text: str) -> str:
    """Lowercase and strip diacritics, with đ→d."""
    text = text.lower().replace("đ", "d")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def vn_date(iso: str | None) -> str:
    """'2024-09-16' → '16/09/2024', as Vietnamese documents write a date; anything else as it is ('' for None)."""
    if iso and re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        y, m, d = iso.split("-")
        return f"{d}/{m}/{y}"
    return iso or ""


def slug(text: str) -> str:
    """ASCII slug: 'Số 01/CTr-LĐLĐ' → 'so-01-ctr-ldld'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
