"""The lead of an answer that quotes a replaced or ended document says so, and names the document in force
when the index holds one: "Lưu ý: Luật Doanh nghiệp số 68/2014/QH13 đã được thay thế bởi Luật Doanh nghiệp
số 59/2020/QH14 từ ngày 01/01/2021." The statuses come from index/validity.py.

Documents are named short (by number, else by kind and term: "Chương trình hành động nhiệm kỳ 2018 - 2023"),
and the note never takes the answer past MAX_ANSWER, the scorer's limit for a focused answer."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from answer.compose import MAX_ANSWER
from answer.records import Answer
from core.text import fold
from ingest.records import DocumentSummary


def _day(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if len(iso) == 10 else iso


def _term(doc: DocumentSummary) -> tuple[str, str] | None:
    """("nhiệm kỳ", "nhiệm kỳ 2018 - 2023"), or "giai đoạn" as the title says, for a document dated by a term."""
    start, end = doc.meta.valid_from or "", doc.meta.valid_to or ""
    if len(start) != 4 or len(end) != 4:
        return None
    word = "giai đoạn" if "giai doan" in fold(doc.meta.title or "") else "nhiệm kỳ"
    return word, f"{word} {start} - {end}"


def short_name(doc: DocumentSummary) -> str:
    """By number when it has one ("Luật Doanh nghiệp số 59/2020/QH14"), else by kind and term."""
    term = _term(doc)
    return f"{doc.meta.doc_type} {term[1]}" if not doc.meta.number and doc.meta.doc_type and term else doc.name


def status_note(doc: DocumentSummary, docs: Mapping[str, DocumentSummary]) -> str | None:
    """One sentence on a replaced or ended document, None for any other."""
    v = doc.validity
    current = docs.get(v.current.doc_id) if v.current and v.current.doc_id else None
    if v.status == "replaced" and current is not None:
        since = f" từ ngày {_day(v.valid_to)}" if v.valid_to and len(v.valid_to) == 10 else ""
        return f"Lưu ý: {short_name(doc)} đã được thay thế bởi {short_name(current)}{since}."
    if v.status != "term_ended":
        return None
    term = _term(doc)
    over = f"đã hết {term[0]}" if term else f"hết hiệu lực từ ngày {_day(v.valid_to or '')}"
    now = f"; văn bản hiện hành: {short_name(current)}" if current is not None else ""
    return f"Lưu ý: {short_name(doc)} ({over}){now}."


def with_status(answer: Answer, docs: Mapping[str, DocumentSummary]) -> Answer:
    """`answer` with a note before its text for each cited document that is replaced or whose term is over,
    as many as fit within MAX_ANSWER (the first cited first)."""
    if not answer.found:
        return answer
    notes: list[str] = []
    room = MAX_ANSWER - len(answer.answer)
    for doc_id in dict.fromkeys(c.doc_id for c in answer.citations):
        doc = docs.get(doc_id)
        note = status_note(doc, docs) if doc is not None else None
        if note and len(note) + 1 <= room:
            notes.append(note)
            room -= len(note) + 1
    return replace(answer, answer="\n".join([*notes, answer.answer])) if notes else answer
