"""Questions that ask what a term means, and the passages that define it.

A Vietnamese law defines its terms one per clause, "3. Tiếp cận thông tin là việc đọc, xem, …", mostly in
its "Giải thích từ ngữ" article. A question "Định nghĩa về tiếp cận thông tin như thế nào theo Luật Tiếp cận
thông tin?" asks for that clause, but once the law's name has picked the document every article of it
speaks of "tiếp cận thông tin", so the words alone cannot find the one that defines it. Both sides are
compared folded, so an unaccented question finds the same clause.
"""
from __future__ import annotations

import re

from core.text import fold

# the asking words around the term, folded: "định nghĩa (về) X (là gì)", "khái niệm X", "thế nào là X",
# "X là gì", "X được hiểu (là gì / như thế nào)", "X được định nghĩa (như thế nào)"
_BEFORE = re.compile(r"^(?:(?:hay )?cho biet |theo (?:quy dinh|phap luat) )?"
                     r"(?:(?:dinh nghia|khai niem)(?: cua| ve)?|the nao (?:la|duoc goi la|duoc hieu la)) ")
_AFTER = re.compile(r" (?:la gi|la nhu the nao|nhu the nao|the nao|duoc (?:hieu|dinh nghia|giai thich)"
                    r"(?: la gi| la| nhu the nao| the nao)?|co nghia la gi|nghia la gi|co nghia nhu the nao)$")
_LEAD = re.compile(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*[.)]|[a-z]\)|[-+*])\s*")   # folded: "đ)" is "d)", "–" is gone
MAX_TERM_WORDS = 8
# Added to the fused score of a passage that defines the asked term (scale: the top lexical score is 1).
DEFINED_BOOST = 0.5
DEFINED_DEPTH = 50


def asked_term(question: str) -> str | None:
    """The folded term a question asks the meaning of, or None when it asks something else."""
    text = " ".join(re.sub(r"[^\w\s]", " ", fold(question)).split())
    before, after = _BEFORE.search(text), _AFTER.search(text)
    if not before and not after:
        return None
    term = text[before.end() if before else 0:after.start() if after else len(text)].strip()
    term = re.sub(r"^(?:cua|ve) ", "", term)
    # "Định nghĩa về X như thế nào": the asking words on both sides leave X. A long phrase before "là gì"
    # ("Trách nhiệm của người sử dụng trái phép chất ma túy là gì?") asks what it holds, not what a term means
    if not term or len(term.split()) > MAX_TERM_WORDS:
        return None
    return term


def defines(text: str, term: str) -> bool:
    """Whether a line of the text (a clause, after its number, letter or bullet) opens with "<term> là": a
    passage when search reads it, one clause when the answer chooses its quote."""
    opening = (term + " la ", term + " duoc hieu la ")
    reach = len(term) + 24      # a list mark, the term and "được hiểu là": only a line's opening is folded
    for line in text.split("\n"):
        line = " ".join(re.sub(r"[^\w\s]", " ", _LEAD.sub("", fold(line[:reach]))).split()) + " "
        if line.startswith(opening):
            return True
    return False
