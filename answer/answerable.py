"""Whether a quote answers the question, and what an abstention says: the answerability decision, its own step.

The composer asks `Need.of(question).met(unit, headings, document)` of every candidate unit (query/asked.py
reads what the question asks); a unit that shares the question's words but not what it asks is never quoted.
When no unit is left, `abstain` says plainly what was looked for, and the closest passages go along as
"có thể liên quan", never as the answer.
"""
from __future__ import annotations

from dataclasses import dataclass

from answer.records import Answer
from index.records import Hit
from query.asked import WHAT, facets, holds, mentions_all, names_all, objects, specifics

SUGGESTIONS = 3           # other passages offered beside an answer or an abstention; a choice of layout, not measured
NOT_FOUND = ("Chưa tìm thấy nội dung này trong các văn bản đã nạp. "
             "Bạn thử hỏi lại bằng từ ngữ khác, hoặc xem các đoạn gần nhất dưới đây.")
NOT_WRITTEN = ("Chưa tìm thấy: các văn bản đã nạp không nhắc đến {words}. "
               "Các đoạn dưới đây chỉ có thể liên quan, không phải câu trả lời.")
NOT_STATED = ("Chưa tìm thấy trong các văn bản đã nạp đoạn nào nêu {what} cho câu hỏi này. "
              "Các đoạn dưới đây chỉ có thể liên quan, không phải câu trả lời.")


@dataclass(frozen=True)
class Need:
    """What the quote must hold beyond the question's words (query/asked.py)."""

    facets: frozenset[str] = frozenset()
    specifics: frozenset[str] = frozenset()
    objects: tuple[str, ...] = ()

    @classmethod
    def of(cls, question: str) -> Need:
        asked = facets(question)
        return cls(asked, specifics(question), objects(question, asked))

    def met(self, unit: str, context: str, document: str) -> bool:
        """`context`: the headings and lead-in the unit stands under; `document`: its name, title, date."""
        near = f"{context}\n{unit}"
        return all(holds(f, unit, context) for f in self.facets) and names_all(self.objects, near) \
            and mentions_all(self.specifics, f"{document}\n{near}")


def abstain(question: str, hits: list[Hit], need: Need = Need()) -> Answer:
    """ "Chưa tìm thấy", saying what was looked for; the closest passages go along as "có thể liên quan"."""
    what = [WHAT[f] for f in sorted(need.facets)]
    text = NOT_STATED.format(what=", ".join(what)) if what else NOT_FOUND
    return Answer(question=question, answer=text, found=False, suggestions=tuple(hits[:SUGGESTIONS]),
                  reason=("không có đoạn nào nêu " + ", ".join(what)) if what else "không đoạn nào đủ sát câu hỏi")


