"""The targets table (chỉ tiêu) across every programme, plan and report, each row with its source.

    rows = target_table(library, topic="đào tạo cán bộ", filters=None)

Rows come from `ingest.targets.extract_targets` over each stored document (laws state no targets and are
skipped). A report's verdicts ("Đạt", "Vượt, 100%") are matched onto the programme targets they report
on by answer/results.py.
"""
from __future__ import annotations

from dataclasses import dataclass

from answer.library import Library
from answer.results import syllables, with_results
from core.text import vn_date
from index.records import Filters
from ingest.records import Document, DocumentSummary
from ingest.targets import Target, extract_targets

# document types that never state targets: reading their section trees would cost seconds on 208 laws
NO_TARGETS = ("luật", "bộ luật", "nghị định", "thông tư")
# a topic matches a row when this share of its syllables is in the row's subject, text or headings
# ("đào tạo cán bộ" must find "cán bộ … được đào tạo, bồi dưỡng"; half would also match "cán bộ nữ công")
TOPIC_COVERAGE = 0.75
_STOP = {"la", "gi", "cac", "nhung", "cua", "va", "ve", "cho", "trong", "so", "sanh", "chi", "tieu", "giua",
         "chuong", "trinh", "van", "ban"}


@dataclass(frozen=True)
class TargetRow:
    target: Target
    document: DocumentSummary
    heading: str              # the section's heading path, joined: where in the document it stands
    verdict: str = ""         # the target's result as a report states it
    verdict_source: str = ""  # which report says so

    @property
    def citation(self) -> str:
        d, m = self.document, self.document.meta
        where = f"mục {self.target.section_id}, " if self.target.section_id else ""
        date = f" ngày {vn_date(m.date)}" if m.date else ""
        return f"{where}{d.name}{date}"


def target_table(library: Library, topic: str | None = None, filters: Filters | None = None) -> list[TargetRow]:
    """All targets (optionally on a topic), newest document first, in document order within one."""
    rows: list[TargetRow] = []
    for summary in library.documents(filters):
        if (summary.meta.doc_type or "").lower() in NO_TARGETS:
            continue
        rows.extend(_rows(library.document(summary.id), summary))
    rows = with_results(rows)   # answer/results.py: which report result is whose
    if topic and topic.strip():
        wanted = syllables(topic) - _STOP
        if wanted:
            rows = [r for r in rows if len(wanted & _row_syllables(r)) / len(wanted) >= TOPIC_COVERAGE]
    return rows


def _rows(doc: Document, summary: DocumentSummary) -> list[TargetRow]:
    headings = {s.id: " › ".join(s.heading_path) for s in doc.sections}
    return [TargetRow(target=t, document=summary, heading=headings.get(t.section_id, ""), verdict=t.verdict)
            for t in extract_targets(doc)]


def _row_syllables(row: TargetRow) -> set[str]:
    return syllables(" ".join((row.target.subject, row.target.text, row.heading)))


