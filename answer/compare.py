"""Comparing targets across programmes, as an answer: "so sánh chỉ tiêu đào tạo cán bộ giữa các chương trình".

    answer = compare_targets(library, question)   # None when the question asks for no comparison

The answer lists, per document (newest first), the targets on the question's topic, each with its value,
period and section, and cites the passages that state them.
"""
from __future__ import annotations

import re

from answer.library import Library
from answer.records import Answer, Citation
from answer.targets import TargetRow, target_table
from core.text import fold
from index.records import Filters

_ASKS = re.compile(r"\bso sanh\b.*\b(?:chi tieu|muc tieu)\b|\b(?:chi tieu|muc tieu)\b.*\bso sanh\b")
# words of the question that frame the comparison rather than name its topic (folded)
_FRAME = re.compile(r"\b(?:so sanh|cac|giua|nhung|chi tieu|muc tieu|ve|cua|chuong trinh(?: hanh dong)?|"
                    r"van ban|ke hoach|nghi quyet|khac nhau|the nao|nhu the nao|ra sao)\b")
MAX_DOCUMENTS = 4
PER_DOCUMENT = 3
MAX_ANSWER = 1200


def asks_comparison(question: str) -> bool:
    return bool(_ASKS.search(fold(question)))


def topic_of(question: str) -> str:
    return " ".join(_FRAME.sub(" ", fold(question)).replace("?", " ").split())


def compare_targets(library: Library, question: str, filters: Filters | None = None) -> Answer | None:
    if not asks_comparison(question):
        return None
    rows = target_table(library, topic=topic_of(question) or None, filters=filters)
    by_doc: dict[str, list[TargetRow]] = {}
    for row in rows:
        by_doc.setdefault(row.document.id, []).append(row)
    if len(by_doc) < 1:
        return None
    lines = [f"So sánh chỉ tiêu giữa {min(len(by_doc), MAX_DOCUMENTS)} văn bản:"]
    cited: list[TargetRow] = []
    for doc_rows in list(by_doc.values())[:MAX_DOCUMENTS]:
        d = doc_rows[0].document
        when = f" ({d.meta.date[:4]})" if d.meta.date else ""
        items = "; ".join(_item(r) for r in doc_rows[:PER_DOCUMENT])
        more = f" (còn {len(doc_rows) - PER_DOCUMENT} chỉ tiêu)" if len(doc_rows) > PER_DOCUMENT else ""
        line = f"• {d.name}{when}: {items}{more}"
        if sum(len(x) + 1 for x in lines) + len(line) > MAX_ANSWER:
            break
        lines.append(line)
        cited.extend(doc_rows[:1])
    return Answer(question=question, answer="\n".join(lines), found=True, quote="",
                  citations=tuple(c for c in (_citation(library, r) for r in cited) if c is not None))


def _item(row: TargetRow) -> str:
    t = row.target
    subject = t.subject if len(t.subject) <= 90 else t.subject[:90].rsplit(" ", 1)[0] + "…"
    period = f", {t.period}" if t.period else ""
    return f"{t.stated} {subject}{period} (mục {t.section_id})"


def _citation(library: Library, row: TargetRow) -> Citation | None:
    """The passage stating the target: the best hit for its line within its document and section."""
    hits = library.search(row.target.text[:300], k=5, filters=Filters(doc_id=row.document.id))
    hit = next((h for h in hits if h.section_id == row.target.section_id), hits[0] if hits else None)
    return Citation.of(hit) if hit is not None else None
