"""Conversation: small talk gets one friendly line; a follow-up question is read against the previous one.

    smalltalk("cảm ơn bạn")  -> "Không có gì ạ. …"   (None for a real question)
    resolve("năm 2025?", ["Chỉ tiêu kết nạp đoàn viên của LĐLĐ tỉnh Lai Châu?"])
        -> "Chỉ tiêu kết nạp đoàn viên của LĐLĐ tỉnh Lai Châu? năm 2025"

A follow-up is a short question, or one that opens with "còn/thế còn/vậy" or ends with "thì sao". When it
names a topic of its own, that topic is searched within the previous question's document reference
(number, named programme, place, term); when it names only a place, a year or nothing, the previous
question is searched again with the new detail. A full question starts over.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from core.text import fold

MAX_HISTORY = 5          # earlier questions read; the API refuses more
SMALLTALK_MAX_WORDS = 6  # "ok cảm ơn bạn nhiều nhé" is six words; a real question with these words is longer
# a question of at most this many content words (after the framing words) has no topic of its own:
# "ở Lai Châu thì sao?", "năm 2025?" (2 and 2); "chỉ tiêu kết nạp đảng viên" has 6
TOPIC_MIN_WORDS = 3
# questions this short never stand alone ("năm 2025?"); longer ones need a follow-up marker
SHORT_QUESTION_WORDS = 4

_THANKS = re.compile(r"\b(?:cam on|thank|thanks|tks|cam ta)\b")
_GREETING = re.compile(r"\b(?:xin chao|chao|hello|hi|alo)\b")
_ACK = re.compile(r"\b(?:ok|oke|okay|vang|da ro|hieu roi|duoc roi|tot qua|tuyet)\b")
_SMALL_WORDS = set(
    "xin chao cam on thank thanks tks ta ok oke okay vang da ro hieu roi duoc tot qua tuyet "
    "ban bot nhe nha a nhieu rat hello hi alo so tay em anh chi moi nguoi".split())
REPLY_THANKS = "Không có gì ạ. Bạn cần tra cứu thêm văn bản nào cứ hỏi nhé."
REPLY_GREETING = ("Xin chào! Bạn hỏi về nội dung văn bản công đoàn nào, "
                  "tôi sẽ trích đúng điều, mục và dẫn nguồn cho bạn.")
REPLY_ACK = "Vâng ạ. Bạn cần hỏi thêm gì cứ nhắn nhé."

_FOLLOW_OPEN = re.compile(r"^(?:the con|con|vay con|vay thi|vay|the|the thi|the nhung|nhung con)\b")
_FOLLOW_CLOSE = re.compile(r"\b(?:thi sao|the nao|ra sao|nhu the nao|thi the nao|nua|thi co khong)\s*$")
# words that frame a follow-up without naming anything (folded)
_FRAME = re.compile(r"\b(?:the con|vay con|vay thi|con|vay|thi sao|the nao|ra sao|nhu the nao|"
                    r"thi the nao|nua|o|cua|ve|cho|thi|nhe|a|the)\b")
_DOC_NUMBER = re.compile(r"\b\d+[/-][\wĐđ-]+")
_TERM = re.compile(r"\b(?:nhiệm kỳ|giai đoạn)?\s*\d{4}\s*[-–]\s*\d{4}\b", re.I)
_DOC_KIND = re.compile(r"\b(?:Chương trình(?: hành động)?|Nghị quyết|Kế hoạch|Báo cáo|Quyết định|"
                       r"Hướng dẫn|Luật|Bộ luật|Nghị định|Thông tư)\b(?: số)?", re.I)
# a proper name: two or more capitalised syllables in a row ("Lai Châu", "Công đoàn Viên chức")
_NAME = re.compile(r"\b(?:LĐLĐ|CĐVC|CĐCS|[A-ZĐ][\wÀ-ỹ]*)(?:\s+(?:[A-ZĐ][\wÀ-ỹ]*))+")


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def smalltalk(question: str) -> str | None:
    """One friendly line for a greeting, thanks or acknowledgement; None for anything else."""
    words = _words(question)
    if not words or len(words) > SMALLTALK_MAX_WORDS or not set(words) <= _SMALL_WORDS:
        return None
    q = " ".join(words)
    if _THANKS.search(q):
        return REPLY_THANKS
    if _GREETING.search(q):
        return REPLY_GREETING
    if _ACK.search(q):
        return REPLY_ACK
    return None


def is_followup(question: str) -> bool:
    q = " ".join(_words(question))
    if _DOC_NUMBER.search(question):
        return False
    return bool(_FOLLOW_OPEN.match(q) or _FOLLOW_CLOSE.search(q)) or len(q.split()) <= SHORT_QUESTION_WORDS


def topic_words(question: str) -> list[str]:
    """The words of a follow-up that name something, framing removed."""
    return _FRAME.sub(" ", " ".join(_words(question))).split()


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


def resolve(question: str, history: Sequence[str]) -> str:
    """The question to search: itself when it stands alone, else merged with the conversation."""
    earlier = [h.strip() for h in history if h and h.strip() and smalltalk(h) is None]
    if not earlier or not is_followup(question):
        return question
    previous = resolve(earlier[-1], earlier[:-1])
    body = _unframed(question)
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
