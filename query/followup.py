"""Conversation: a follow-up question is read against the previous one; a question that stands alone is not.

    read("năm 2025?", ["Chỉ tiêu kết nạp đoàn viên của LĐLĐ tỉnh Lai Châu?"])
        -> Turn(searched="Chỉ tiêu kết nạp đoàn viên của LĐLĐ tỉnh Lai Châu? năm 2025", followup=True)
    read("Thủ tục kết nạp đoàn viên như thế nào?", ["Chỉ tiêu thành lập Ban Nữ công là gì?"])
        -> Turn(searched="Thủ tục kết nạp đoàn viên như thế nào?", followup=False)

A follow-up opens with "còn/thế còn/vậy còn", ends with "thì sao/thì thế nào/nữa", points back at a document
("văn bản đó", "chương trình này"), or is too short to stand alone ("năm 2025?"). "như thế nào", "ra sao"
and "thế nào" end ordinary questions and say nothing about the conversation. When a follow-up names a topic
of its own, that topic is searched within the previous question's document reference (number, named
programme, place, term); when it names only a place, a year or nothing, the previous question is searched
again with the new detail. A full question starts over, whatever came before.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.text import fold
from query.smalltalk import reply as smalltalk

MAX_HISTORY = 5          # earlier questions read; the API refuses more
# a question of at most this many content words (after the framing words) has no topic of its own:
# "ở Lai Châu thì sao?", "năm 2025?" (2 and 2); "chỉ tiêu kết nạp đảng viên" has 6
TOPIC_MIN_WORDS = 3
# questions this short never stand alone ("năm 2025?"); longer ones need a follow-up marker
SHORT_QUESTION_WORDS = 4

_FOLLOW_OPEN = re.compile(r"^(?:the con|con|vay con|vay thi|vay|the|the thi|the nhung|nhung con)\b")
_FOLLOW_CLOSE = re.compile(r"\b(?:thi sao|thi the nao|thi nhu the nao|thi ra sao|nua|thi co khong|thi sao a)\s*$")
# a question that points back at a document the conversation named ("văn bản đó do ai ký?")
_ANAPHORA = re.compile(r"\b(?:van ban|chuong trinh(?: hanh dong)?|ke hoach|nghi quyet|bao cao|quyet dinh|huong dan|"
                       r"luat|bo luat|tai lieu)\s+(?:do|nay|tren|vua roi|vua hoi|ay|kia)\b")
# words that frame a follow-up without naming anything (folded)
_FRAME = re.compile(r"\b(?:the con|vay con|vay thi|con|vay|thi sao|the nao|ra sao|nhu the nao|"
                    r"thi the nao|nua|o|cua|ve|cho|thi|nhe|a|the)\b")
_DOC_NUMBER = re.compile(r"\b\d+[/-][\wĐđ-]+")
_TERM = re.compile(r"\b(?:nhiệm kỳ|giai đoạn)?\s*\d{4}\s*[-–]\s*\d{4}\b", re.I)
_DOC_KIND = re.compile(r"\b(?:Chương trình(?: hành động)?|Nghị quyết|Kế hoạch|Báo cáo|Quyết định|"
                       r"Hướng dẫn|Luật|Bộ luật|Nghị định|Thông tư)\b(?: số)?", re.I)
# a union body and where it is: "Công đoàn Viên chức Bình Định", "LĐLĐ tỉnh Lai Châu", "Công đoàn ngành Y tế"
_UNIT = re.compile(r"\b(?:(?:Liên đoàn Lao động|LĐLĐ|Công đoàn(?: Viên chức| ngành \w+)?|CĐVC|CĐCS)\s+)?"
                   r"(?:(?:tỉnh|thành phố|huyện)\s+)?[A-ZĐ][\wÀ-ỹ]*(?:\s+[A-ZĐ][\wÀ-ỹ]*)+")
# a proper name: two or more capitalised syllables in a row ("Lai Châu", "Công đoàn Viên chức")
_NAME = re.compile(r"\b(?:LĐLĐ|CĐVC|CĐCS|[A-ZĐ][\wÀ-ỹ]*)(?:\s+(?:[A-ZĐ][\wÀ-ỹ]*))+")


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def is_followup(question: str) -> bool:
    q = " ".join(_words(question))
    if _FOLLOW_OPEN.match(q) or _FOLLOW_CLOSE.search(q) or _ANAPHORA.search(q):
        return True
    # a short question stands alone when it names a document ("04/CTr-CĐVC", "01/CTr-LĐLĐ ký ngày nào")
    return len(q.split()) <= SHORT_QUESTION_WORDS and not _DOC_NUMBER.search(question)


def topic_words(question: str) -> list[str]:
    """The words of a follow-up that name something, framing and the units or places it names removed."""
    return _FRAME.sub(" ", " ".join(_words(_UNIT.sub(" ", question)))).split()


def reference(question: str) -> str:
    """What a question says about which document it means: number, kind, names, term."""
    parts = [m.group(0) for m in _DOC_NUMBER.finditer(question)]
    parts += [m.group(0).strip() for m in _TERM.finditer(question)]
    parts += [m.group(0) for m in _DOC_KIND.finditer(question)]
    start = re.match(r"\s*\S+", question)
    first = start.end() if start else 0
    parts += [m.group(0) for m in _NAME.finditer(question) if m.start() >= first or " " in m.group(0)]
    seen: list[str] = []
    for p in parts:
        if p and not any(p in s for s in seen):
            seen.append(p)
    return " ".join(seen)


@dataclass(frozen=True)
class Turn:
    """How a question is read in its conversation: what is searched, and whether the history was used."""

    question: str
    searched: str
    followup: bool = False
    previous: str | None = None    # the earlier question it was read against, itself resolved
    # "còn ở Bình Định thì sao?": the same question of another unit or place, whose documents may not hold the
    # same item; the answer quotes the list the closest item belongs to
    other_unit: bool = False


def read(question: str, history: Sequence[str]) -> Turn:
    earlier = [h.strip() for h in history if h and h.strip() and smalltalk(h) is None]
    if not earlier or not is_followup(question):
        return Turn(question, question)
    previous = resolve(earlier[-1], earlier[:-1])
    other_unit = bool(_NAME.search(question)) and len(topic_words(question)) < TOPIC_MIN_WORDS
    return Turn(question, _merged(question, previous), True, previous, other_unit)


def resolve(question: str, history: Sequence[str]) -> str:
    """The question to search: itself when it stands alone, else merged with the conversation."""
    return read(question, history).searched


def _merged(question: str, previous: str) -> str:
    body = _unframed(question)
    if _DOC_NUMBER.search(question):   # "còn 04/CTr-CĐVC thì sao?": the same question of another document
        return f"{_DOC_NUMBER.sub(' ', previous).rstrip('?').strip()} {body}"
    names = [m.group(0) for m in _NAME.finditer(question)]
    if names:   # "ở Lai Châu thì sao?" replaces the place the previous question named
        previous = _NAME.sub(" ", previous)
    if len(topic_words(question)) >= TOPIC_MIN_WORDS:
        ref = reference(previous)
        return f"{body} {ref}".strip() if ref else f"{body} {previous}"
    return f"{previous.rstrip('?').strip()} {body}"


def _unframed(question: str) -> str:
    """The follow-up without its opening "thế còn" and closing "thì sao?"."""
    text = question.strip().rstrip("?.! ").strip()
    text = re.sub(r"^(?:thế còn|vậy còn|vậy thì|còn|vậy|thế)\s+", "", text, flags=re.I)
    text = re.sub(r"\s+(?:thì sao|thế nào|ra sao|như thế nào|thì thế nào|nữa)$", "", text, flags=re.I)
    return re.sub(r"^ở\s+", "", text, flags=re.I)
