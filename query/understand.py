"""A question read once, before anything is searched or quoted: one frozen `Query` that search and the
composer both read, so nothing about the question is worked out twice.

    q = understand("còn Công đoàn Viên chức Bình Định thì sao?", history, view.hints)
    q.searched     # the follow-up resolved against the conversation (query/followup.py)
    q.plan         # what search needs: tokens, restored text, named documents, asked term (index/hints.py)
    q.intents      # number, list, sources, actor, reference, purpose (query/question.py)
    q.explain()    # all of it as a dict, for /ask?explain=1 and `sotay ask --explain`

Without the corpus's hints (a unit test composing over a few passages) nothing is restored, and the
documents a question names are looked for among the given ones.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from index.analyze import folded_terms
from index.hints import Hints, Plan
from ingest.records import DocumentSummary
from query.asked import is_check
from query.followup import Turn, read
from query.question import intents, topic
from query.smalltalk import reply as smalltalk_reply


@dataclass(frozen=True)
class Query:
    question: str                      # as asked
    turn: Turn                         # how it reads in its conversation: what is searched, follow-up or not
    plan: Plan                         # the searched text as search reads it
    intents: frozenset[str]            # what kind of answer it wants (query/question.py)
    check: bool                        # a claim to check ("…, đúng hay sai?"): no slot asked (query/asked.py)
    smalltalk: str | None = None       # the one-line reply, when the message is a greeting, thanks or help
    # folded syllables and pairs of the topic: all of it (whether anything answers), and without the documents
    # it names (what the quote must cover: the name is covered by its document)
    asked_terms: frozenset[str] = field(default=frozenset())
    topic_terms: frozenset[str] = field(default=frozenset())

    @property
    def searched(self) -> str:
        return self.turn.searched

    def explain(self) -> dict:
        return {"searched": self.searched, "followup": self.turn.followup, "previous": self.turn.previous,
                "other_unit": self.turn.other_unit, "named": sorted(self.plan.named), "unnamed": self.plan.unnamed,
                "restored": self.plan.dense_text if self.plan.restored else None, "term": self.plan.term,
                "intents": sorted(self.intents), "check": self.check, "smalltalk": self.smalltalk is not None,
                "tokens": len(self.plan.tokens)}


def understand(question: str, history: Sequence[str] = (), hints: Hints | None = None,
               documents: Iterable[DocumentSummary] = ()) -> Query:
    """`hints`, the corpus snapshot's (index/search.py View.hints); without them, `documents` are the ones a
    question may name."""
    reply = smalltalk_reply(question)
    turn = Turn(question, question) if reply is not None else read(question, history)
    hints = hints or Hints.build((), documents)
    plan = hints.plan(turn.searched)
    wants = intents(turn.searched) | ({"list"} if turn.other_unit else set())
    if "sources" in wants:   # "các văn bản nói gì": each source's answering unit, not whole lists
        wants.discard("list")
    return Query(question=question, turn=turn, plan=plan, intents=frozenset(wants), check=is_check(plan.unnamed),
                 smalltalk=reply, asked_terms=frozenset(folded_terms(topic(turn.searched), query=True)),
                 topic_terms=frozenset(folded_terms(topic(plan.unnamed), query=True)))
