"""Small talk and help, one path for every front end (page, /ask, Telegram, Zalo): a greeting, thanks, praise,
a goodbye, "bạn là ai?" or "bạn làm được gì?" gets one short Vietnamese line, never a search.

    reply("cảm ơn bạn")        -> "Không có gì ạ. …"
    reply("bạn là ai?")        -> "Tôi là Sổ tay, …"
    reply("chỉ tiêu kết nạp")  -> None   (a real question)

A message is small talk when it is short and made only of such words, or when it is one of the few whole
phrases that ask about the assistant itself. A real question that uses these words is longer, or has a
word of its own ("cảm ơn các đồng chí đã tham gia hội nghị tổng kết năm nay" is not thanks to the bot).
"""
from __future__ import annotations

import re

from core.text import fold

MAX_WORDS = 6   # "ok cảm ơn bạn nhiều nhé" is six words; a real question with these words is longer

_KINDS = (   # (kind, folded pattern searched in the message), first match wins
    ("help", r"\b(?:huong dan su dung|huong dan dung|dung the nao|su dung the nao|lam duoc (?:nhung )?gi|"
             r"giup duoc (?:nhung )?gi|hoi (?:duoc )?(?:nhung )?gi|help|tro giup|giup toi voi|giup minh voi)\b"),
    ("identity", r"\b(?:la ai|la gi|ten (?:la )?gi|ten gi)\b"),
    ("goodbye", r"\b(?:tam biet|bye|hen gap lai|chao tam biet)\b"),
    ("thanks", r"\b(?:cam on|thank|thanks|tks|cam ta)\b"),
    ("greeting", r"\b(?:xin chao|chao|hello|hi|alo)\b"),
    ("praise", r"\b(?:hay qua|gioi qua|tuyet voi|tuyet qua|tuyet|hay lam|gioi lam|xuat sac|tot qua|qua hay)\b"),
    ("ack", r"\b(?:ok|oke|okay|vang|da ro|hieu roi|duoc roi|dung roi|ro roi|da|u)\b"),
)
_WORDS = set(
    "xin chao cam on thank thanks tks ta ok oke okay vang da ro hieu roi duoc tot qua tuyet voi hay gioi lam "
    "xuat sac dung tam biet bye hen gap lai help tro giup huong dan su dung the nao lam nhung gi giup hoi voi "
    "ban bot nhe nha a nhieu rat hello hi alo so tay em anh chi moi nguoi minh toi la ai ten u gi lam".split())
# the few words that ask about the bot itself: "bạn là ai", "sổ tay là gì", "bạn tên gì"
_ABOUT_BOT = re.compile(r"^(?:(?:ban|bot|so tay|em|anh|chi|cau)\s+)?(?:la ai|la gi|ten (?:la )?gi|ten gi)$")
# "chào bạn, mình là cán bộ công đoàn cơ sở": a greeting, then who is writing, with no question in it
_GREETING_INTRO = re.compile(r"^(?:xin chao|chao|hello|hi|alo)\b.*\b(?:toi|minh|em|chau) la\b")
_QUESTION_WORDS = re.compile(r"\b(?:gi|nao|bao nhieu|may|ai|sao|khong|chua|the nao)\b")

REPLIES = {
    "thanks": "Không có gì ạ. Bạn cần tra cứu thêm văn bản nào cứ hỏi nhé.",
    "greeting": ("Xin chào! Bạn hỏi về nội dung văn bản công đoàn nào, tôi sẽ trích đúng điều, mục và dẫn nguồn "
                 "cho bạn."),
    "ack": "Vâng ạ. Bạn cần hỏi thêm gì cứ nhắn nhé.",
    "praise": "Cảm ơn bạn! Bạn cần tra cứu thêm chỉ tiêu, nhiệm vụ hay văn bản nào cứ hỏi nhé.",
    "goodbye": "Tạm biệt bạn! Khi cần tra cứu văn bản công đoàn, bạn cứ nhắn cho tôi.",
    "identity": ("Tôi là Sổ tay, trợ lý tra cứu văn bản Công đoàn: tôi trả lời bằng đoạn trích nguyên văn từ các "
                 "văn bản đã nạp, kèm nguồn (văn bản, mục) để bạn kiểm tra."),
    "help": ("Bạn gõ câu hỏi (có dấu hay không dấu đều được), ví dụ «Chỉ tiêu đào tạo chủ tịch CĐCS là gì?», "
             "hoặc số văn bản như «01/CTr-LĐLĐ» để xem thông tin văn bản. Tôi trích đoạn trả lời kèm nguồn."),
}


def reply(question: str) -> str | None:
    """One friendly line for small talk; None for anything that should be searched."""
    kind = kind_of(question)
    return REPLIES[kind] if kind else None


def kind_of(question: str) -> str | None:
    words = re.findall(r"\w+", fold(question))
    if not words:
        return None
    q = " ".join(words)
    if _ABOUT_BOT.match(q):
        return "identity"
    if _GREETING_INTRO.match(q) and not _QUESTION_WORDS.search(q.split(" la ", 1)[-1]):
        return "greeting"
    if len(words) > MAX_WORDS or not set(words) <= _WORDS:
        return None
    return next((kind for kind, pattern in _KINDS if re.search(pattern, q)), None)
