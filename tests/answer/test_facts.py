"""A document's own facts and cards (answer/facts.py), on records shaped like the seeds'."""
from __future__ import annotations

from answer.facts import asked, card_answer, identify, matching, number_query
from ingest.records import DocMeta, DocumentSummary, Passage


def summary(doc_id, doc_type, number, title, issuer, place=None, date=None, signer=None):
    meta = DocMeta(doc_type=doc_type, number=number, title=title, issuer=issuer, place=place, date=date, signer=signer)
    name = f"{doc_type} số {number}" if number else f"{doc_type} {title}"
    return DocumentSummary(id=doc_id, source=f"{doc_id}.txt", name=name, meta=meta, n_sections=3)


PLAN_A = summary("kh-a", "Kế hoạch", "12/KH-CĐCS", "Tổ chức giải bóng đá", "Công đoàn cơ sở Trường THCS Bản Giang")
PLAN_B = summary("kh-b", "Kế hoạch", "12/KH-CĐN", "Hội thi văn nghệ", "Công đoàn ngành Giáo dục tỉnh Lai Châu")
PROGRAMME = summary("ctr", "Chương trình", "04/CTr-CĐVC", "Nâng cao năng lực cán bộ công đoàn cơ sở",
                    "Công đoàn Viên chức tỉnh Bình Định", "Bình Định", "2024-09-16", "Nguyễn Thị Phương Loan")
REPORT = summary("bc", "Báo cáo", None, "Sơ kết 05 năm thực hiện Nghị quyết số 03/NQ-TLĐ", "LĐLĐ tỉnh Lai Châu")


def test_what_a_question_asks_of_a_document():
    assert asked("Ai ký Chương trình 01/CTr-LĐLĐ?") == "signer"
    assert asked("chuong trinh 04/ctr-cdvc ky ngay nao") == "date"
    assert asked("Cơ quan nào ban hành Chương trình 01/CTr-LĐLĐ?") == "issuer"
    assert asked("Chương trình 04/CTr-CĐVC được gửi đến những nơi nào?") == "recipients"
    assert asked("Hạn nộp báo cáo sơ kết là ngày nào?") is None   # a date inside the text, not the document's
    assert asked("Chỉ tiêu đào tạo chủ tịch CĐCS là gì?") is None


def test_a_document_is_named_by_its_own_number_type_and_title_not_by_an_act_it_cites():
    docs = [PLAN_A, PLAN_B, PROGRAMME, REPORT]
    assert identify("Số hiệu của chương trình nâng cao năng lực cán bộ công đoàn cơ sở của Bình Định là gì?",
                    docs) == [PROGRAMME]
    assert identify("Ai ký báo cáo sơ kết Nghị quyết 03?", docs) == [REPORT]
    assert identify("Nghị quyết 03/NQ-TLĐ do ai ký?", docs) == []          # the report only cites it
    assert identify("Ai ký kế hoạch?", docs) == []                          # two plans: not one document


def test_number_queries_and_the_documents_they_match():
    assert number_query("01/CTr-LĐLĐ") == ({"chuong trinh"}, "01/ctr-ldld")
    assert number_query("CTr 01") == ({"chuong trinh"}, "01")
    assert number_query("văn bản số 04") == (set(), "04")
    assert number_query("chỉ tiêu năm 2025") is None and number_query("04 và 05") is None
    docs = [PLAN_A, PLAN_B, PROGRAMME]
    assert matching(number_query("12"), docs) == [PLAN_A, PLAN_B]
    assert matching(number_query("kế hoạch 12"), docs) == [PLAN_A, PLAN_B]
    assert matching(number_query("CTr 12"), docs) == []
    assert matching(number_query("12/KH-CĐN"), docs) == [PLAN_B]


def test_a_partial_number_lists_the_documents_to_choose_from():
    first = {d.id: [Passage(f"{d.id}:preamble", d.id, "preamble", ("Phần mở đầu",), "", "…")] for d in (PLAN_A, PLAN_B)}
    answer = card_answer("12", [PLAN_A, PLAN_B], first, {})
    assert answer.found and answer.mode == "card" and len(answer.citations) == 2
    assert "Có 2 văn bản khớp «12»" in answer.answer and "12/KH-CĐCS" in answer.answer and "12/KH-CĐN" in answer.answer
