"""Text analysis: folding, abbreviations, document numbers, OCR slips."""
from index.analyze import analyze, expand, fold, has_diacritics


def test_fold_strips_marks_and_d():
    assert fold("Liên đoàn Lao động ĐỒNG") == "lien doan lao dong dong"


def test_accented_and_folded_tokens_both_present():
    tokens = analyze("Công đoàn cơ sở")
    assert "w:công_đoàn" in tokens and "cong" in tokens and "cong_doan" in tokens and "co_so" in tokens


def test_abbreviations_expand_for_documents_and_queries():
    assert "công đoàn cơ sở" in expand("CĐCS")
    for slip in ("CDCS", "cdcs", "CĐCS"):
        assert "co_so" in analyze(slip, query=True)
    assert "lien_doan" in analyze("LĐLD tỉnh")          # OCR slip of LĐLĐ
    assert "cong_nhan" in analyze("phong trao thi dua trong nu CNVCLD", query=True)


def test_document_numbers_are_single_tokens():
    tokens = analyze("Quyết định số 2828/QĐ-TLĐ và Luật 45/2019/QH14, Quy định 18-QĐ/ĐĐ")
    assert {"2828/qd-tld", "45/2019/qh14", "18-qd/dd"} <= set(tokens)
    assert "276/kh-ldld" in analyze("276/KH-LĐLĐ", query=True)


def test_question_words_are_not_topic_terms():
    tokens = analyze("chỉ tiêu là gì?", query=True)
    assert "gi" not in tokens and "chi_tieu" in tokens


def test_has_diacritics():
    assert has_diacritics("chỉ tiêu đào tạo")
    assert not has_diacritics("chi tieu dao tao chu tich cdcs")
