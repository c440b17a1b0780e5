"""What a question asks for, and whether a quote holds it (query/asked.py), on the seeds' own sentences."""
from __future__ import annotations

import pytest

from query.asked import facets, holds, mentions_all, names_all, objects, specifics, unknown_words


@pytest.mark.parametrize("question, expected", [
    ("Cán bộ công đoàn đi học thạc sĩ được hỗ trợ bao nhiêu tiền?", {"money"}),
    ("can bo cong doan di hoc thac si duoc ho tro bao nhieu tien", {"money"}),
    ("Thủ tục kết nạp đoàn viên công đoàn gồm những bước nào?", {"procedure"}),
    ("Ai là Trưởng Ban Nữ công Liên đoàn Lao động tỉnh Lai Châu?", {"person"}),
    ("Bao lâu ban chấp hành công đoàn cơ sở đánh giá các ủy viên một lần?", {"frequency"}),
    ("Cán bộ được luân chuyển phải công tác ít nhất bao lâu?", {"duration"}),
    ("Hạn nộp báo cáo sơ kết là ngày nào?", {"date"}),
    ("Đến năm 2030 phấn đấu bao nhiêu phần trăm cán bộ có trình độ thạc sĩ?", {"count"}),
    ("Tiêu chí chính để đánh giá ủy viên ban chấp hành công đoàn là gì?", set()),
    ("Chỉ tiêu đào tạo chủ tịch CĐCS là gì?", set()),
])
def test_facets_read_what_is_asked(question, expected):
    assert facets(question) == expected


def test_a_share_is_not_an_amount_of_money():
    target = "- Phấn đấu 50% cán bộ công đoàn chuyên trách có trình độ thạc sĩ"
    assert not holds("money", target)
    assert holds("money", "Mức hỗ trợ 500.000 đồng/người/khóa học")
    assert holds("money", "mức đóng bằng 1% quỹ tiền lương làm căn cứ đóng bảo hiểm xã hội")
    assert holds("count", target)


def test_a_year_or_a_document_number_is_not_a_count():
    opening = ("Thực hiện Nghị quyết Đại hội V Công đoàn Viên chức tỉnh Bình Định nhiệm kỳ 2023 - 2028; "
               "Quyết định số 3169/QĐ-TLĐ")
    assert not holds("count", opening)
    assert holds("count", "Tổng số 777 công đoàn cơ sở")


def test_a_procedure_needs_its_steps_and_its_object():
    question = "thủ tục kết nạp đoàn viên công đoàn như thế nào?"
    asked = facets(question)
    assert objects(question, asked) == ("ket nap",)
    party = "- Bình quân mỗi CĐCS giới thiệu ít nhất 01 đoàn viên ưu tú trở lên cho Đảng xem xét, bồi dưỡng kết nạp."
    reform = "Đổi mới phương pháp, đẩy mạnh cải cách thủ tục hành chính"
    assert names_all(objects(question, asked), party) and not holds("procedure", party)
    assert holds("procedure", reform) and not names_all(objects(question, asked), reform)


def test_frequency_length_time_and_person():
    assert holds("frequency", "- Ban chấp hành công đoàn cơ sở hàng năm tổ chức đánh giá kết quả")
    assert holds("duration", "thời gian luân chuyển cán bộ ít nhất là 3 năm")
    assert not holds("duration", "giai đoạn 2025 - 2030")
    assert holds("date", "Bình Định, ngày 16 tháng 9 năm 2024") and not holds("date", "hằng năm")
    assert holds("when", "Trong trường hợp vụ việc thuộc thẩm quyền thì Hội đồng trọng tài giải quyết")
    assert holds("person", "TM. BAN CHẤP HÀNH\nCHỦ TỊCH\nNguyễn Thị Phương Loan")
    assert not holds("person", "- Ban Thường vụ LĐLĐ tỉnh chịu trách nhiệm chỉ đạo")


def test_the_numbers_a_question_gives_must_be_written():
    assert specifics("Khi nào tổ chức Đại hội Công đoàn tỉnh Lai Châu lần thứ XV?") == {"xv"}
    assert specifics("3 khâu đột phá của Công đoàn tỉnh Lai Châu nhiệm kỳ 2023-2028") == {"3", "2023", "2028"}
    assert specifics("Ai ký Chương trình 01/CTr-LĐLĐ?") == frozenset()
    assert mentions_all(frozenset({"3"}), "2. Thực hiện 03 khâu đột phá")
    assert not mentions_all(frozenset({"xv"}), "Đại hội Công đoàn tỉnh Lai Châu lần thứ XIII")


def test_words_no_document_writes():
    corpus = {"ban": 5, "nu": 3, "cong": 9, "quan": 2, "chung": 1, "dinh": 4, "ky": 3, "lan": 2, "mot": 1, "nam": 8,
              "nu_cong": 2, "quan_chung": 1, "dinh_ky": 2}
    df = lambda w: corpus.get(w, 0)   # noqa: E731 - a fake corpus count: the real one is tested over HTTP
    assert unknown_words("Ban Nữ công quần chúng họp định kỳ mấy lần một năm?", df) == ["họp"]
    assert unknown_words("ban nu cong quan chung dinh ky", df) == []
    assert unknown_words("Chị Lan Anh ở Hà Nội", {"chi": 1, "o": 1}.get) == []   # names are not asked words
