"""A report's results ("Đạt", "Vượt, 100%") matched onto the programme targets they report on.

    rows = with_results(rows)   # TargetRow-like: .target, .document, .verdict, .citation

A report's line is the result of a programme's target when both state the same value for the same subject,
the programme is not newer than the report, and either
  - the report names the programme it reports on ("Thực hiện Kế hoạch số 71/KH-LĐLĐ …", resolved in the
    index: `validity.implements`): then a looser subject match is enough, since the reference says which
    targets it reports on; or
  - no reference: the subjects must match closely, and the two must not come from different places (a Lai
    Châu report's "Đạt" is no result of a Bình Định programme worded the same way).
An empty cell is better than a wrong result: when nothing qualifies, nothing is linked.

The seed report (2024-05, sơ kết Nghị quyết 03/NQ-TLĐ) reports on Nghị quyết 03/NQ-TLĐ, Kế hoạch 42/KH-TLĐ
and Kế hoạch 71/KH-LĐLĐ, none of them a seed: its six results stay its own rows until one of them is stored.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, ClassVar, Protocol, TypeVar

from core.text import fold
from ingest.records import DocumentSummary
from ingest.targets import Target


class _RowLike(Protocol):
    """What is read of a row: answer/targets.py's TargetRow, not imported (targets imports this); a dataclass."""
    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def target(self) -> Target: ...
    @property
    def document(self) -> DocumentSummary: ...
    @property
    def verdict(self) -> str: ...
    @property
    def citation(self) -> str: ...


Row = TypeVar("Row", bound=_RowLike)
# a report's line and a programme's target are the same target when they state the same value and share
# this much of their subject's syllables (Jaccard); the seeds' true pairs score .55-.8, others under .35
SAME_SUBJECT = 0.5
# with the report naming the programme, a target reworded by the report (.35-.5) is still that target;
# unrelated pairs on the seeds stay under .35
REFERENCED_SUBJECT = 0.35
# the place an issuer names: "Liên đoàn Lao động tỉnh Lai Châu — Ban Thường vụ" → "lai chau"
_PLACE = re.compile(r"\b(?:tinh|thanh pho|tp\.?)\s+([a-z ]+)")


def with_results(rows: list[Row]) -> list[Row]:
    """Each programme row without a verdict takes the report result it pairs with (see `pairs`)."""
    reported = [r for r in rows if r.target.verdict]
    if not reported:
        return rows
    taken = pairs(rows, reported)
    return [replace(row, verdict=taken[i].verdict, verdict_source=taken[i].citation) if i in taken else row
            for i, row in enumerate(rows)]


def pairs(rows: list[Row], reported: list[Row]) -> dict[int, Row]:
    """Row index → the report result it takes: a pair qualifies (same value, subject match, dates, place or
    reference), and each is the other's best within one report and one programme, so a result goes to one
    target of a programme and a programme's similar neighbouring target does not take it too."""
    scored: dict[tuple[str, str], list[tuple[float, int, int]]] = {}
    for i, row in enumerate(rows):
        if row.verdict:
            continue
        for j, r in enumerate(reported):
            score = match(r, row)
            if score is not None:
                scored.setdefault((r.document.id, row.document.id), []).append((score, i, j))
    taken: dict[int, Row] = {}
    for candidates in scored.values():
        best_of_row: dict[int, float] = {}
        best_of_result: dict[int, float] = {}
        for score, i, j in candidates:
            best_of_row[i] = max(best_of_row.get(i, 0.0), score)
            best_of_result[j] = max(best_of_result.get(j, 0.0), score)
        for score, i, j in sorted(candidates, reverse=True):
            if score == best_of_row[i] == best_of_result[j] and i not in taken:
                taken[i] = reported[j]
    return taken


def match(result: Row, row: Row) -> float | None:
    """How well a report's result fits a programme's target (Jaccard of subjects), None when it cannot be its
    result: another value, the same document, a programme newer than the report, another place."""
    if result.target.value != row.target.value or result.document.id == row.document.id:
        return None
    if not reports_after(result.document, row.document):
        return None
    named = names(result.document, row.document)
    if not named and other_place(result.document, row.document):
        return None
    subject, other = syllables(row.target.subject), syllables(result.target.subject)
    score = len(subject & other) / max(1, len(subject | other))
    return score if score >= (REFERENCED_SUBJECT if named else SAME_SUBJECT) else None


def names(report: DocumentSummary, programme: DocumentSummary) -> bool:
    """The report says it carries out or reports on this very programme (a resolved reference)."""
    return any(link.doc_id == programme.id for link in report.validity.implements)


def other_place(report: DocumentSummary, programme: DocumentSummary) -> bool:
    """Both issuers name a province or city, and not the same one."""
    a, b = place(report.meta.issuer), place(programme.meta.issuer)
    return bool(a and b and a != b)


def place(issuer: str | None) -> str:
    head = fold((issuer or "").split(" — ")[0])
    m = _PLACE.search(head)
    return m.group(1).strip() if m else ""


def year(doc: DocumentSummary) -> int | None:
    m = doc.meta
    return int(m.date[:4]) if m.date else m.inferred_year


def reports_after(report: DocumentSummary, programme: DocumentSummary) -> bool:
    """A report can state results only for targets set before it: a 2024 report's "Đạt" is no result for a
    2026 programme's target worded the same way. Undated either side: no link rather than a wrong one."""
    made, reported = year(programme), year(report)
    return made is not None and reported is not None and made <= reported


def syllables(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", fold(text)))
