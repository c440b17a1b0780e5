"""The targets table (chỉ tiêu) across every programme, plan and report, each row with its source.

    rows = target_table(library, topic="đào tạo cán bộ", filters=None)

Rows come from `ingest.targets.extract_targets` over each stored document (laws state no targets and are
skipped). A report's verdicts ("Đạt", "Vượt, 100%") are matched onto the programme targets they report
on when the report states the same value for the same subject, and the programme is not newer than the
report.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from answer.library import Library
from core.text import fold, vn_date
from index.records import Filters
from ingest.records import Document, DocumentSummary
from ingest.targets import Target, extract_targets

# document types that never state targets: reading their section trees would cost seconds on 208 laws
NO_TARGETS = ("luật", "bộ luật", "nghị định", "thông tư")
# a topic matches a row when this share of its syllables is in the row's subject, text or headings
# ("đào tạo cán bộ" must find "cán bộ … được đào tạo, bồi dưỡng"; half would also match "cán bộ nữ công")
TOPIC_COVERAGE = 0.75
# a report's line and a programme's target are the same target when they state the same value and share
# this much of their subject's syllables (Jaccard); the seeds' true pairs score .55-.8, others under .35
SAME_SUBJECT = 0.5
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
    rows = _with_verdicts(rows)
    if topic and topic.strip():
        wanted = _syllables(topic) - _STOP
        if wanted:
            rows = [r for r in rows if len(wanted & _row_syllables(r)) / len(wanted) >= TOPIC_COVERAGE]
    return rows


def _rows(doc: Document, summary: DocumentSummary) -> list[TargetRow]:
    headings = {s.id: " › ".join(s.heading_path) for s in doc.sections}
    return [TargetRow(target=t, document=summary, heading=headings.get(t.section_id, ""), verdict=t.verdict)
            for t in extract_targets(doc)]


def _with_verdicts(rows: list[TargetRow]) -> list[TargetRow]:
    """A programme target takes the verdict of the report line stating the same value for the same subject."""
    reported = [r for r in rows if r.target.verdict]
    if not reported:
        return rows
    out = []
    for row in rows:
        if row.verdict:
            out.append(row)
            continue
        subject = _syllables(row.target.subject)
        best, best_score = None, SAME_SUBJECT
        for r in reported:
            if r.target.value != row.target.value or r.document.id == row.document.id:
                continue
            if not _reports_on(r.document, row.document):
                continue
            other = _syllables(r.target.subject)
            score = len(subject & other) / max(1, len(subject | other))
            if score >= best_score:
                best, best_score = r, score
        out.append(replace(row, verdict=best.verdict, verdict_source=best.citation) if best else row)
    return out


def _year(doc: DocumentSummary) -> int | None:
    m = doc.meta
    return int(m.date[:4]) if m.date else m.inferred_year


def _reports_on(report: DocumentSummary, programme: DocumentSummary) -> bool:
    """A report can state results only for targets set before it: a 2024 report's "Đạt" is no result for a
    2026 programme's target worded the same way. Undated either side: no link rather than a wrong one."""
    made, reported = _year(programme), _year(report)
    return made is not None and reported is not None and made <= reported


def _syllables(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", fold(text)))


def _row_syllables(row: TargetRow) -> set[str]:
    return _syllables(" ".join((row.target.subject, row.target.text, row.heading)))


