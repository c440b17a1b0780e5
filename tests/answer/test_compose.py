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
    assert a.answer.startswith("Theo mục 2.1, phần II, Chương trình X:")   # as officials cite
    assert "http" not in a.answer and a.citations[0].section_id == "II.2.1"   # front ends build links
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


def test_list_item_is_quoted_with_its_lead_in():
    law = hit("Thời gian thử việc do hai bên thỏa thuận căn cứ vào tính chất và mức độ phức tạp của công việc "
              "nhưng chỉ được thử việc một lần đối với một công việc và bảo đảm điều kiện sau đây:\n"
              "a) Không quá 180 ngày đối với công việc của người quản lý doanh nghiệp;\n"
              "b) Không quá 60 ngày đối với công việc có chức danh nghề nghiệp cần trình độ chuyên môn, kỹ thuật "
              "từ cao đẳng trở lên;\n"
              "c) Không quá 30 ngày đối với công việc có chức danh nghề nghiệp cần trình độ trung cấp.",
              heading="Điều 25. Thời gian thử việc", pid="luat:D25")
    a = compose("Thời gian thử việc tối đa với công việc cần trình độ cao đẳng trở lên", [law])
    assert a.found
    lead, item = a.quote.split("\n")
    assert lead.endswith("sau đây:") and item.startswith("b) Không quá 60 ngày")


def test_whole_list_is_cut_with_the_count_of_the_rest():
    bullets = "\n".join(f"- Chỉ tiêu số {n}: " + "nội dung chỉ tiêu về công tác cán bộ, " * 6 for n in range(12))
    a = compose("Chương trình đặt những chỉ tiêu nào?", [hit("Chỉ tiêu đến năm 2030 gồm:\n" + bullets)])
    assert a.found and len(a.answer) <= MAX_ANSWER
    shown = a.quote.count("\n- ")
    assert shown >= 2 and a.quote.endswith(f"… (còn {12 - shown} ý)")


def test_closing_block_answers_only_recipient_questions():
    closing = make_hit("d:closing", "d", "closing", ("Nơi nhận và chữ ký",), "Chương trình X — Nơi nhận và chữ ký",
                       "Nơi nhận:\n- Các CĐCS trực thuộc;\n- Lưu VT.\nTM. BAN THƯỜNG VỤ\nCHỦ TỊCH\nNguyễn Văn An",
                       2.0, doc_name="Chương trình X")
    a = compose("chỉ tiêu đào tạo chủ tịch CĐCS trực thuộc là gì?", [closing, TARGETS])
    assert a.citations[0].passage_id == "d:II.2.1"
    b = compose("Chương trình X gửi đến nơi nhận nào?", [closing, TARGETS])
    assert b.citations[0].passage_id == "d:closing"


def law(text: str, article: str, pid: str = "luat:C1.D4") -> Hit:
    return make_hit(pid, "luat", pid.split(":")[1], ("Chương I. NHỮNG QUY ĐỊNH CHUNG", article),
                    f"Luật X — {article}", text, doc_name="Luật Phòng, chống ma túy")


DIEU_4 = law("Điều 4. Nguồn tài chính cho phòng, chống ma túy\n1. Ngân sách nhà nước.\n"
             "2. Nguồn tài trợ, viện trợ, đầu tư, tặng cho của tổ chức, cá nhân trong nước và ngoài nước.\n"
             "3. Chi trả của gia đình, người nghiện ma túy.\n4. Các nguồn tài chính hợp pháp khác.",
             "Điều 4. Nguồn tài chính cho phòng, chống ma túy")


def test_a_short_khoan_is_an_answer_and_is_cited_by_its_number():
    a = compose("Chi trả của gia đình người nghiện ma túy có phải nguồn tài chính không?", [DIEU_4])
    assert a.found and a.quote == "3. Chi trả của gia đình, người nghiện ma túy."
    assert a.citations[0].citation == "khoản 3 Điều 4, Luật Phòng, chống ma túy"
    assert a.citations[0].section_id == "C1.D4"   # links still open the passage


def test_which_of_the_following_question_gets_the_articles_khoan():
    a = compose("Nguồn tài chính nào sau đây được dùng cho phòng, chống ma túy?", [DIEU_4])
    assert a.found and a.quote.startswith("Điều 4. Nguồn tài chính")
    assert all(f"{n}. " in a.quote for n in (1, 2, 3, 4))


def test_a_paragraph_of_a_khoan_is_quoted_under_the_khoans_opening():
    dieu = law("Điều 4. Chủ thể thực hiện quyền tiếp cận thông tin\n"
               "1. Công dân thực hiện quyền tiếp cận thông tin theo quy định của Luật này.\n"
               "2. Người mất năng lực hành vi dân sự thực hiện yêu cầu cung cấp thông tin thông qua người đại diện.\n"
               "Người có khó khăn trong nhận thức, làm chủ hành vi thực hiện yêu cầu cung cấp thông tin thông qua "
               "người giám hộ.", "Điều 4. Chủ thể thực hiện quyền tiếp cận thông tin")
    a = compose("Người có khó khăn trong nhận thức làm chủ hành vi thực hiện yêu cầu cung cấp thông tin thế nào?",
                [dieu])
    head, body = a.quote.split("\n")
    assert head.startswith("2. Người mất năng lực") and body.startswith("Người có khó khăn")
    assert a.citations[0].citation.startswith("khoản 2 Điều 4,")


def test_a_later_sentence_of_a_long_khoan_keeps_the_khoans_opening():
    filler = "Hội đồng trọng tài xem xét thẩm quyền của mình theo quy định, " * 9
    dieu = law(f"Điều 43. Xem xét thẩm quyền\n1. Trước khi xem xét nội dung vụ tranh chấp, {filler}. "
               "Trong trường hợp vụ việc thuộc thẩm quyền thì Hội đồng trọng tài tiến hành giải quyết tranh chấp.",
               "Điều 43. Xem xét thẩm quyền", pid="luat:D43")
    a = compose("Khi nào Hội đồng trọng tài tiến hành giải quyết tranh chấp?", [dieu])
    assert a.quote.startswith("1. Trước khi xem xét nội dung vụ tranh chấp")
    assert "tiến hành giải quyết tranh chấp." in a.quote


def test_what_is_question_prefers_the_definition():
    dieu = law("Điều 2. Giải thích từ ngữ\n1. Chỗ ở hợp pháp là nơi được sử dụng để sinh sống.\n"
               "2. Cư trú là việc công dân sinh sống tại một địa điểm thuộc đơn vị hành chính cấp xã.\n"
               "3. Đăng ký cư trú là việc thực hiện thủ tục đăng ký thường trú, tạm trú; cư trú, cư trú.",
               "Điều 2. Giải thích từ ngữ", pid="luat:D2")
    assert compose("Cư trú là gì?", [dieu]).quote.startswith("2. Cư trú là việc")


def test_sources_question_scores_the_topic_not_the_framing():
    from query.question import topic
    assert topic("các văn bản nói gì về luân chuyển cán bộ công đoàn?") == "luân chuyển cán bộ công đoàn?"
    assert topic("Chỉ tiêu đào tạo là gì?") == "Chỉ tiêu đào tạo là gì?"


def test_the_closing_formula_is_never_the_quote():
    """"Trên đây là Chương trình … Yêu cầu các CĐCS triển khai thực hiện" ends a programme's last section and
    restates its title: it holds the question's words without answering it."""
    last = hit("2. Đối với Công đoàn cơ sở\n- Xây dựng kế hoạch tập huấn cán bộ từ tổ Công đoàn trở lên.\n"
               "Trên đây là Chương trình nâng cao chất lượng đội ngũ cán bộ. Yêu cầu các CĐCS trực thuộc nghiêm túc "
               "triển khai thực hiện nhiệm vụ.", heading="2. Đối với Công đoàn cơ sở", pid="d:IV.2")
    a = compose("Nhiệm vụ của công đoàn cơ sở khi triển khai chương trình", [last])
    assert a.found and "tập huấn cán bộ từ tổ Công đoàn" in a.quote and "Trên đây" not in a.answer


def test_another_documents_passage_takes_no_place_among_a_named_documents():
    """Ranked among the named programme's passages, another programme's heading must not push the named one's
    "I. MỤC TIÊU" out of the passages the quote is chosen from (seen with the onnx embedder: p-d06)."""
    def of(doc, section, heading, text, score):
        return make_hit(f"{doc}:{section}", doc, section, (heading,), f"{heading}", text, score,
                        doc_name=f"Chương trình số {doc}/CTr-CĐVC")
    other = make_hit("x:I", "x", "I", ("I. MỤC ĐÍCH, YÊU CẦU",), "I", "I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\n"
                     "Tiếp tục quán triệt nghị quyết.", 1.45, doc_name="Chương trình hành động")
    named = [of("04", s, h, t, sc) for s, h, t, sc in [
        ("IV", "IV. TỔ CHỨC THỰC HIỆN", "- Chỉ đạo, hướng dẫn công đoàn cấp dưới tổ chức thực hiện.", 1.34),
        ("III.2", "III. NHIỆM VỤ", "- Tích cực tổ chức hoạt động tập huấn, bồi dưỡng.", 1.30),
        ("III.3", "III. NHIỆM VỤ", "- Nhận xét, đánh giá kết quả thực hiện nhiệm vụ.", 1.25),
        ("III.1", "III. NHIỆM VỤ", "- Các cấp công đoàn thường xuyên đổi mới tuyên truyền.", 1.21),
        ("I", "I. MỤC TIÊU", "Xây dựng đội ngũ cán bộ công đoàn cơ sở có bản lĩnh chính trị vững vàng.", 1.18)]]
    a = compose("Chương trình 04/CTr-CĐVC nhằm mục đích gì?", [other, *named])
    assert a.found and "Xây dựng đội ngũ cán bộ công đoàn cơ sở có bản lĩnh chính trị" in a.quote
