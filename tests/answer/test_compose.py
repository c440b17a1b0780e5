"""Extractive answers: quote choice by intent, length limits, abstention (unit tests over built hits;
the real-engine paths are in tests/api)."""
from __future__ import annotations

from answer.compose import MAX_ANSWER, NOT_FOUND, compose, focus, intents, units
from index.records import Hit
from tests.records import make_hit


def hit(text: str, heading: str = "2.1. Chỉ tiêu hàng năm", pid: str = "d:II.2.1", score: float = 1.0) -> Hit:
    return make_hit(pid, "d", pid.split(":")[1], ("II. NỘI DUNG", heading),
                    f"Chương trình X — {pid.split(':')[1]} {heading.split('. ', 1)[-1]}", text, score,
                    doc_name="Chương trình X")


TARGETS = hit("2.1. Chỉ tiêu hàng năm\n- 98% trở lên đoàn viên được tuyên truyền.\n"
              "- Bình quân mỗi CĐCS giới thiệu ít nhất 01 đoàn viên ưu tú.\n"
              "- 100% chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng với hình thức phù hợp.")


def test_intents():
    assert "number" in intents("bao nhiêu phần trăm cán bộ có trình độ thạc sĩ?")
    assert "list" in intents("Những kỹ năng nào cần bồi dưỡng?")
    assert "actor" in intents("Ai chủ trì xây dựng kế hoạch?")
    assert "reference" in intents("được ban hành theo quyết định nào?")


def test_quotes_the_bullet_that_answers():
    a = compose("chỉ tiêu đào tạo chủ tịch CĐCS là gì?", [TARGETS])
    assert a.found and a.quote == "- 100% chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng với hình thức phù hợp."
    assert a.answer.startswith("Theo Chương trình X — II.2.1 Chỉ tiêu hàng năm:")
    assert a.answer.endswith("”") and "http" not in a.answer   # links are the front ends' job
    assert a.citations[0].passage_id == "d:II.2.1"


def test_unaccented_question_finds_the_same_quote():
    a = compose("chi tieu dao tao chu tich cdcs", [TARGETS])
    assert a.found and "100% chủ tịch công đoàn cơ sở" in a.quote


def test_list_question_takes_following_bullets():
    skills = hit("3. Bồi dưỡng kỹ năng\n- Kỹ năng đại diện, thương lượng, đối thoại.\n- Kỹ năng tuyên truyền.\n"
                 "- Kỹ năng tổ chức hội nghị.", heading="3. Bồi dưỡng kỹ năng", pid="d:III.3")
    a = compose("Những kỹ năng nào cần bồi dưỡng?", [skills])
    assert a.found and "đại diện" in a.quote and "tuyên truyền" in a.quote and "hội nghị" in a.quote


def test_abstains_when_nothing_covers_the_question():
    a = compose("Thủ tục đăng ký kết hôn cần giấy tờ gì?", [TARGETS])
    assert not a.found and a.answer == NOT_FOUND and a.citations == () and a.suggestions == (TARGETS,)
    assert not compose("bất kỳ", []).found


def test_answers_stay_short_and_quotes_verbatim():
    long_line = ("Thực hiện Nghị quyết Đại hội, với chủ đề đổi mới nội dung, phương thức hoạt động, " * 12 +
                 "với phương châm “Đổi mới - dân chủ - đoàn kết - phát triển”, Ban Chấp hành xây dựng chương trình.")
    a = compose("Phương châm của Đại hội là gì", [hit(long_line, heading="Phần mở đầu", pid="d:preamble")])
    assert a.found and len(a.answer) <= MAX_ANSWER
    assert "Đổi mới - dân chủ - đoàn kết - phát triển" in a.quote
    assert a.quote.strip("… ") in long_line


def test_focus_and_units():
    assert units("a\n\n- b\n") == ["a", "- b"]
    text = "mở đầu, " * 100 + "điểm cần tìm ở đây, " + "kết thúc, " * 100
    assert "điểm cần tìm" in focus(text, {"diem", "tim"}, lambda t: 1.0, limit=200)
