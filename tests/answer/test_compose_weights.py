"""The composer's named numbers pin what they decide: each test builds two candidate quotes that tie on
the question's terms (or nearly), shows which one the constant picks, and that setting it to zero
picks the other, so a change to a constant shows up here and not only in a dev-set score."""
from __future__ import annotations

import pytest

from answer import compose as C
from answer.compose import compose
from index.records import Hit
from tests.records import make_hit


def passage(text: str, pid: str = "d:1", score: float = 1.0, heading: str = "1. Mục một") -> Hit:
    return make_hit(pid, "d", pid.split(":")[1], (heading,), f"Văn bản — {heading}", text, score)


def quote(question: str, hits: list[Hit], idf=None, **constants: float) -> str:
    with pytest.MonkeyPatch.context() as mp:
        for name, value in constants.items():
            mp.setattr(C, name, value)
        a = compose(question, hits, idf)
    assert a.found, a.answer
    return a.quote


@pytest.mark.parametrize("constant, plain, marked, question, marker", [
    # a number question prefers the unit with a number
    ("NUMBER_BONUS", "- Đoàn viên được tuyên truyền pháp luật hằng năm.",
     "- Đoàn viên được tuyên truyền pháp luật đạt 98%.", "Chỉ tiêu đoàn viên được tuyên truyền pháp luật?", "98%"),
    # a "which document" question prefers the unit with a document number
    ("REFERENCE_BONUS", "- Ban hành quy chế làm việc của Ban Chấp hành theo số này.",
     "- Ban hành quy chế làm việc của Ban Chấp hành theo số 12/2024.",
     "Quy chế làm việc của Ban Chấp hành ban hành theo quyết định nào?", "12/2024"),
    # a "who" question prefers the unit naming who leads or is charged
    ("ACTOR_BONUS", "- Kiểm tra việc thực hiện nghị quyết hằng năm.",
     "- LĐLĐ tỉnh kiểm tra việc thực hiện nghị quyết hằng năm.", "Ai kiểm tra việc thực hiện nghị quyết?", "LĐLĐ"),
    # "X là gì?" prefers the unit that defines X
    ("DEFINITION_BONUS", "- Công dân cư trú ổn định tại địa phương.", "- Cư trú là việc sinh sống tại địa phương.",
     "Cư trú là gì?", "là việc"),
])
def test_an_intent_prefers_the_unit_that_has_what_it_asks_for(constant, plain, marked, question, marker):
    hits = [passage(f"{plain}\n{marked}")]   # equal on the question's terms; the first wins a tie
    assert marker in quote(question, hits)
    assert marker not in quote(question, hits, **{constant: 0})


def test_a_lower_ranked_passage_needs_clearly_more_of_the_question():
    # the second passage holds one more question word than the first, a common word worth little
    # (IDF 0.05 against 1.0): the rank terms outweigh it; without them the fuller passage is quoted
    top = passage("- Tổ chức hội nghị đại biểu người lao động.", pid="d:1", score=1.0)
    second = passage("- Tổ chức hội nghị đại biểu người lao động định kỳ.", pid="d:2", score=0.8)
    question = "tổ chức hội nghị đại biểu người lao động định kỳ"
    idf = lambda term: 0.05 if "dinh" in term or "ky" in term else 1.0   # noqa: E731
    assert quote(question, [top, second], idf) == top.text
    assert quote(question, [top, second], idf, RETRIEVAL_WEIGHT=0, RANK_PENALTY=0) == second.text
    assert quote(question, [top, second]) == second.text   # a word that weighs (IDF 1.0) wins over rank


def test_a_short_numbered_line_followed_by_text_is_a_heading_not_an_answer():
    hits = [passage("2. Tuyên truyền pháp luật cho đoàn viên\n- Tổ chức các buổi nói chuyện tại cơ sở.")]
    question = "tuyên truyền pháp luật cho đoàn viên"
    assert quote(question, hits).startswith("- Tổ chức")
    assert quote(question, hits, BARE_HEADING=0).startswith("2. Tuyên truyền")


def test_only_the_top_passages_decide_whether_to_answer():
    unrelated = [passage("- Nội dung khác hẳn.", pid=f"d:{i}") for i in range(C.SUPPORT_PASSAGES)]
    covering = passage("- Thương lượng tập thể về tiền lương tối thiểu vùng.", pid="d:9")
    a = compose("thương lượng tập thể về tiền lương tối thiểu vùng", [*unrelated, covering])
    assert not a.found and a.suggestions == tuple(unrelated)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(C, "SUPPORT_PASSAGES", C.SUPPORT_PASSAGES + 1)
        assert compose("thương lượng tập thể về tiền lương tối thiểu vùng", [*unrelated, covering]).found


def test_suggestions_are_the_next_passages_without_the_quoted_one():
    hits = [passage(f"- Thương lượng tập thể lần {i}.", pid=f"d:{i}", score=1.0 - i / 10) for i in range(6)]
    a = compose("thương lượng tập thể", hits)
    assert a.found and a.citations[0].passage_id == "d:0"
    assert [h.passage_id for h in a.suggestions] == ["d:1", "d:2", "d:3"]
    assert len(a.suggestions) == C.SUGGESTIONS
