"""Answers that know when they are wrong, through the real Application against the fake Bot API: small talk,
a document's facts and card, an abstention with related passages, a new question after an earlier topic."""
from __future__ import annotations

from bot import format as fmt
from query.smalltalk import REPLIES
from tests.bot.test_bot import ask, assert_no_errors


def test_small_talk_gets_one_line_and_no_buttons(bot):
    for i, text in enumerate(("bạn là ai?", "hay quá", "bạn làm được những gì?")):
        msg = ask(bot.fake, text, 401 + i)
        assert msg.text in {fmt.esc(r) for r in REPLIES.values()} and not msg.buttons()
    assert_no_errors(bot.fake)


def test_the_signer_and_the_card_come_from_the_document(bot):
    signer = ask(bot.fake, "Ai ký Chương trình 01/CTr-LĐLĐ?", 411)
    assert "Lương Xuân Trường" in signer.text and "📄 <b>Nguồn:</b>" in signer.text
    card = ask(bot.fake, "01/CTr-LĐLĐ", 412)
    assert "Nâng cao chất lượng, hiệu quả hoạt động của đội ngũ cán bộ Công đoàn" in card.text
    assert "Người ký: Lương Xuân Trường" in card.text and "Mục lục:" in card.text
    assert_no_errors(bot.fake)


def test_an_unanswered_question_says_so_and_offers_related_passages(bot):
    msg = ask(bot.fake, "Cán bộ công đoàn đi học thạc sĩ được hỗ trợ bao nhiêu tiền?", 421)
    assert msg.text.startswith("Chưa tìm thấy") and "có thể liên quan" in msg.text
    assert "📄 <b>Nguồn:</b>" not in msg.text
    assert_no_errors(bot.fake)


def test_a_new_question_after_another_topic_is_answered_on_its_own(bot):
    first = ask(bot.fake, "Chỉ tiêu thành lập Ban Nữ công quần chúng là gì?", 431)
    assert "Ban Nữ công" in first.text
    second = ask(bot.fake, "Tỷ lệ doanh nghiệp ký được thỏa ước lao động tập thể là bao nhiêu?", 431)
    assert "85% doanh nghiệp, đơn vị có tổ chức công đoàn đủ điều kiện" in second.text
    assert "Ban Nữ công" not in second.text.split("📄")[0]
    assert_no_errors(bot.fake)


def test_vanban_with_a_partial_number_shows_the_document(bot):
    for i, key in enumerate(("04", "CTr 01")):
        msg = ask(bot.fake, f"/vanban {key}", 441 + i)
        assert "Không tìm thấy" not in msg.text
        assert ("04/CTr-CĐVC" if key == "04" else "01/CTr-LĐLĐ") in msg.text and "Người ký" in msg.text
    assert_no_errors(bot.fake)
