"""What the service refuses before any work: empty, too long or broken questions and histories (422s)."""
from __future__ import annotations

from collections.abc import Sequence

from core.errors import BadQuery
from core.text import MAX_QUESTION
from query.followup import MAX_HISTORY

# most earlier questions a client may send (the last MAX_HISTORY are read); more is a client bug
MAX_HISTORY_SENT = 20


def checked_history(history: Sequence[str]) -> tuple[str, ...]:
    if isinstance(history, str) or len(history) > MAX_HISTORY_SENT:
        raise BadQuery(f"Lịch sử hội thoại quá dài (tối đa {MAX_HISTORY_SENT} câu hỏi)")
    for item in history:
        if not isinstance(item, str) or len(item) > MAX_QUESTION or not is_unicode(item):
            raise BadQuery(f"Mỗi câu hỏi trong lịch sử hội thoại phải là văn bản, tối đa {MAX_QUESTION} ký tự")
    return tuple(history)[-MAX_HISTORY:]


def checked(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise BadQuery("Câu hỏi trống")
    if len(text) > MAX_QUESTION:
        raise BadQuery(f"Câu hỏi quá dài (tối đa {MAX_QUESTION} ký tự)")
    if not is_unicode(text):
        raise BadQuery("Câu hỏi có ký tự không hợp lệ (nửa cặp UTF-16 đứng một mình)")
    return text


def is_unicode(text: str) -> bool:
    """False with a lone surrogate: JSON allows "\\ud800", the word tokenizer fails on it."""
    return text.isascii() or not any("\ud800" <= c <= "\udfff" for c in text)
