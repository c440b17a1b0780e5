"""Dossiers and target tables written out for trainers: Markdown, Word (.docx), CSV and plain dicts (JSON).
The CLI and the API both call these, so a file made from either is the same."""
from __future__ import annotations

import csv
import io

from answer.dossier import Dossier, DossierGroup
from answer.targets import TargetRow
from core.text import vn_date
from ingest.records import DocumentSummary

EMPTY = "Không tìm thấy đoạn văn bản nào về chủ đề này."


def _header(d: DocumentSummary) -> str:
    m = d.meta
    parts = [f"Số {m.number}" if m.number else None, f"ngày {vn_date(m.date)}" if m.date else None,
             m.issuer, m.title if m.title and m.title not in d.name else None]
    return " · ".join(p for p in parts if p)


def _sections(group: DossierGroup) -> str:
    return ", ".join(dict.fromkeys(p.hit.heading_path[-1] if p.hit.heading_path else p.hit.section_id
                                   for p in group.passages))


def dossier_dict(dossier: Dossier) -> dict:
    return {
        "topic": dossier.topic,
        "passages": dossier.size,
        "documents": [{
            "id": g.document.id, "name": g.document.name, "number": g.document.meta.number,
            "date": g.document.meta.date, "issuer": g.document.meta.issuer, "title": g.document.meta.title,
            "doc_type": g.document.meta.doc_type,
            "passages": [{"passage_id": p.hit.passage_id, "section_id": p.hit.section_id,
                          "heading_path": list(p.hit.heading_path), "citation": p.hit.citation,
                          "text": p.hit.text, "also_in": list(p.also_in)} for p in g.passages],
        } for g in dossier.groups],
    }


def quoted(hit) -> tuple[str, list[str]]:
    """The heading shown above a passage, and the passage's lines without the heading lines it opens with
    (a passage's text repeats its section headings, which the dossier already shows above it). A heading
    shortened with "…" in the path is shown whole, from the text."""
    path = list(hit.heading_path)
    lines = hit.text.split("\n")
    while lines and path:
        line = lines[0].strip()
        match = next((i for i, h in enumerate(path) if line == h or (h.endswith("…") and line.startswith(h[:-1]))),
                     None)
        if match is None:
            break
        path[match] = line
        lines.pop(0)
    return " › ".join(path) or hit.section_id, lines or hit.text.split("\n")


def dossier_markdown(dossier: Dossier) -> str:
    lines = [f"# Hồ sơ chủ đề: {dossier.topic}", ""]
    if not dossier.groups:
        return "\n".join(lines + [EMPTY, ""])
    lines += [f"{dossier.size} đoạn trích từ {len(dossier.groups)} văn bản, văn bản mới nhất trước.", "",
              "## Tóm lược", ""]
    lines += [f"- **{g.document.name}**: {_sections(g)}" for g in dossier.groups]
    for g in dossier.groups:
        lines += ["", f"## {g.document.name}", ""]
        if _header(g.document):
            lines += [f"*{_header(g.document)}*", ""]
        for p in g.passages:
            heading, quote = quoted(p.hit)
            lines += [f"### {heading}", ""]
            lines += [f"> {line}" if line else ">" for line in quote]
            lines += ["", f"Nguồn: {p.hit.citation}"]
            if p.also_in:
                lines += [f"Cũng có trong: {'; '.join(p.also_in)}"]
            lines.append("")
    lines += ["## Nguồn", ""] + [f"{i}. {g.document.name} — {_header(g.document)}"
                                  for i, g in enumerate(dossier.groups, 1)]
    return "\n".join(lines) + "\n"


def dossier_docx(dossier: Dossier) -> bytes:
    """A Word file as offices expect it (answer/office_page.py: A4, Nghị định 30 margins, Times New Roman
    13-14): headings, quoted passages upright in an indented, ruled style, a sources list at the end."""
    from answer.office_page import QUOTE, SOURCE, a4_document

    doc = a4_document()
    doc.core_properties.title = f"Hồ sơ chủ đề: {dossier.topic}"
    doc.add_heading(f"Hồ sơ chủ đề: {dossier.topic}", level=0)
    if not dossier.groups:
        doc.add_paragraph(EMPTY)
    else:
        doc.add_paragraph(f"{dossier.size} đoạn trích từ {len(dossier.groups)} văn bản, văn bản mới nhất trước.")
        doc.add_heading("Tóm lược", level=1)
        for g in dossier.groups:
            doc.add_paragraph(f"{g.document.name}: {_sections(g)}", style="List Bullet")
        for g in dossier.groups:
            doc.add_heading(g.document.name, level=1)
            if _header(g.document):
                doc.add_paragraph(_header(g.document), style=SOURCE)
            for p in g.passages:
                heading, quote = quoted(p.hit)
                doc.add_heading(heading, level=2)
                for line in quote:
                    doc.add_paragraph(line, style=QUOTE)
                note = f"Nguồn: {p.hit.citation}"
                if p.also_in:
                    note += f". Cũng có trong: {'; '.join(p.also_in)}"
                doc.add_paragraph(note, style=SOURCE)
        doc.add_heading("Nguồn", level=1)
        for g in dossier.groups:
            doc.add_paragraph(f"{g.document.name} — {_header(g.document)}", style="List Number")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


TARGET_COLUMNS = ("subject", "value", "qualifier", "period", "verdict", "document", "date", "citation", "text")


def target_dicts(rows: list[TargetRow]) -> list[dict]:
    return [{"subject": r.target.subject, "value": r.target.value, "qualifier": r.target.qualifier,
             "unit": r.target.unit, "number": r.target.number,
             "stated": r.target.stated,
             "period": r.target.period, "verdict": r.verdict, "verdict_source": r.verdict_source,
             "document": r.document.name, "doc_id": r.document.id, "date": r.document.meta.date,
             "section_id": r.target.section_id, "heading": r.heading, "citation": r.citation,
             "text": r.target.text} for r in rows]


# OWASP, CSV injection: a cell a spreadsheet could read as a formula starts with one of these. Target lines
# are the document's text ("- Phấn đấu …": 40 of the 46 seed rows), and a document can be anyone's upload
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value: object) -> str:
    """A cell no spreadsheet evaluates: one that could start a formula (also after leading spaces or line
    breaks) gets a leading apostrophe, as OWASP advises; the text after it is the document's, verbatim."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) or text.lstrip(" \n\t\r").startswith(FORMULA_START):
        return "'" + text
    return text


def targets_csv(rows: list[TargetRow]) -> str:
    """Every cell quoted (a separator or quote inside a cell never splits it) and made inert."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=TARGET_COLUMNS, extrasaction="ignore", quoting=csv.QUOTE_ALL)
    writer.writeheader()
    writer.writerows({k: inert(v) for k, v in row.items()} for row in target_dicts(rows))
    return out.getvalue()


def targets_markdown(rows: list[TargetRow]) -> str:
    if not rows:
        return "Không có chỉ tiêu nào khớp.\n"
    lines = [f"{len(rows)} chỉ tiêu", "", "| Đối tượng | Giá trị | Thời hạn | Kết quả | Nguồn |",
             "|---|---|---|---|---|"]
    for r in rows:
        cells = (r.target.subject, r.target.stated, r.target.period, r.verdict, r.citation)
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines) + "\n"


