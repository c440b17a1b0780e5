"""What a question asks, read before any passage: its intents (a number, a list, several sources, who,
which document) and its topic without the framing words. The term a "X là gì?" question asks about is read
by index/defined.py, which search uses too."""
from __future__ import annotations

import re

from core.text import fold

_INTENTS = {
    "number": r"\b(bao nhieu|ty le|chi tieu|may|bao lau|so luong|phan tram|muc|gap)\b",
    "list": r"\b(gom|nhung|cac .* nao|noi dung gi|nhiem vu gi|nhiem vu cua|ky nang nao|nao (?:sau|duoi) day|"
            r"(?:chi tieu|muc tieu|giai phap|nhiem vu) (?:gi|nao|cu the))\b",
    "sources": r"\b(?:cac|nhung) (?:van ban|chuong trinh|ke hoach|nghi quyet|bao cao|luat)\b",
    "actor": r"\b(ai|co quan nao|don vi nao|chu tri|trach nhiem|giao cho)\b",
    "reference": r"\b(quyet dinh nao|quy dinh so|so may|van ban nao|nghi quyet nao|theo .* nao)\b",
    "purpose": r"\b(muc dich|nham (?:muc dich )?gi|nham gi|de lam gi|muc tieu (?:gi|la gi|chung|cua))\b",
}


# "các văn bản nói gì về …": the words that address the documents, not the topic (folded); their syllable
# pairs ("noi_ve", "van_ban") are rare in the corpus and outweighed the topic when scoring quotes (conv-d2)
_SOURCES_FRAME = re.compile(
    r"\b(?:cac|nhung) (?:van ban|chuong trinh(?: hanh dong)?|ke hoach|nghi quyet|bao cao|luat)"
    r"(?: (?:nay|do|da nap|hien co))?(?: (?:noi|de cap|neu|viet|quy dinh|dat ra|co))?(?: (?:gi|nhung gi))?"
    r"(?: (?:ve|den|toi))?\b")


# "Điều nào sau đây KHÔNG đúng về …", "…, đúng hay sai?": the framing of a check or a choice, not its topic
_CHOICE_FRAME = re.compile(
    r"\b(?:(?:dieu|y|phuong an|nhan dinh|khang dinh|truong hop) )?nao (?:sau day|duoi day)"
    r"(?: (?:khong )?(?:dung|sai|chinh xac))?(?: (?:ve|voi))?\b|,? ?(?:la )?dung hay sai\b")


def topic(question: str) -> str:
    """The question without the words that frame it: "các văn bản nói gì về luân chuyển cán bộ?" →
    "luân chuyển cán bộ?"; "Điều nào sau đây không đúng về quyền của bên cầm cố?" → "quyền của bên cầm cố?"."""
    words = question.split()
    for frame in (_SOURCES_FRAME, _CHOICE_FRAME):
        folded = " ".join(fold(w) for w in words)
        m = frame.search(folded)
        if not m or not m.group(0).strip(" ,"):
            continue
        start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip(" ,")))
        first = folded[:start].count(" ")
        last = first + m.group(0).strip(" ,").count(" ")
        rest = words[:first] + words[last + 1:]
        if rest:
            words = rest
    return " ".join(words)


def intents(question: str) -> set[str]:
    q = fold(question)
    return {name for name, pattern in _INTENTS.items() if re.search(pattern, q)}
