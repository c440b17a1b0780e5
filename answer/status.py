"""The lead of an answer that quotes a replaced or ended document says so, and names the document in force
when the index holds one: "Lưu ý: Luật Doanh nghiệp số 68/2014/QH13 đã được thay thế bởi Luật Doanh nghiệp
số 59/2020/QH14." The statuses come from index/validity.py."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from answer.records import Answer
from ingest.records import DocumentSummary, Validity


def _day(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if len(iso) == 10 else iso


def status_note(name: str, validity: Validity) -> str | None:
    """One sentence on a replaced or ended document, None for any other."""
    current = validity.current
    if validity.status == "replaced" and current is not None:
        since = f" từ ngày {_day(validity.valid_to)}" if validity.valid_to and len(validity.valid_to) == 10 else ""
        return f"Lưu ý: {name} đã được thay thế bởi {current.text}{since}."
    if validity.status != "term_ended":
        return None
    start, end = validity.valid_from or "", validity.valid_to or ""
    over = f"nhiệm kỳ {start} - {end}, đã hết nhiệm kỳ" if len(end) == 4 and len(start) == 4 else \
        f"đã hết hiệu lực từ ngày {_day(end)}"
    now = f"; văn bản hiện hành: {current.text}" if current is not None else ""
    return f"Lưu ý: {name} ({over}){now}."


def with_status(answer: Answer, docs: Mapping[str, DocumentSummary]) -> Answer:
    """`answer` with a note before its text for each cited document that is replaced or whose term is over."""
    if not answer.found:
        return answer
    notes = []
    for doc_id in dict.fromkeys(c.doc_id for c in answer.citations):
        doc = docs.get(doc_id)
        note = status_note(doc.name, doc.validity) if doc is not None else None
        if note:
            notes.append(note)
    return replace(answer, answer="\n".join([*notes, answer.answer])) if notes else answer
