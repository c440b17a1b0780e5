"""Small talk and help (query/smalltalk.py): one short line, and never for a real question."""
from __future__ import annotations

import pytest

from query.smalltalk import REPLIES, kind_of, reply


@pytest.mark.parametrize("text, kind", [
    ("cảm ơn", "thanks"), ("ok cảm ơn bạn", "thanks"), ("xin chào", "greeting"), ("chào bot", "greeting"),
    ("bạn là ai?", "identity"), ("ban la ai", "identity"), ("bạn tên là gì?", "identity"),
    ("bạn làm được những gì?", "help"), ("hướng dẫn sử dụng", "help"), ("hay quá", "praise"), ("giỏi quá", "praise"),
    ("tuyệt vời", "praise"), ("tạm biệt nhé", "goodbye"), ("ok", "ack"),
    ("chào bạn, mình là cán bộ công đoàn cơ sở", "greeting"),
])
def test_small_talk_is_recognised(text, kind):
    assert kind_of(text) == kind
    assert 0 < len(reply(text)) <= 200


@pytest.mark.parametrize("question", [
    "Mức đóng đoàn phí công đoàn hằng tháng là bao nhiêu?",
    "cảm ơn các đồng chí đã tham gia hội nghị tổng kết năm nay",
    "Ai là Trưởng Ban Nữ công Liên đoàn Lao động tỉnh Lai Châu?",
    "chào bạn, mình là cán bộ công đoàn, chỉ tiêu kết nạp đoàn viên là gì?",
    "Hướng dẫn thực hiện chương trình 01/CTr-LĐLĐ là gì?",
    "chỉ tiêu đào tạo chủ tịch CĐCS là gì?",
])
def test_a_question_is_not_small_talk(question):
    assert reply(question) is None


def test_every_reply_is_short_and_vietnamese():
    assert all(0 < len(text) <= 200 and "Sổ tay" in REPLIES["identity"] for text in REPLIES.values())
