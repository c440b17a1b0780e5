"""Text → Document: cleanup, header metadata, section tree, closing block, stable id."""
from __future__ import annotations

import hashlib
from dataclasses import replace

from core.text import slug
from ingest.clean import clean
from ingest.meta import RECIPIENTS, SIGN_ROLE, build_meta, inferred_year, organisation, parse_closing, parse_header
from ingest.records import DocMeta, Document, Section
from ingest.relations import with_relations
from ingest.sections import split_sections

CLOSING_HEADING = "Nơi nhận và chữ ký"
# the issuing organisation is named in the opening paragraph ("Ban Thường vụ LĐLĐ tỉnh … xây dựng …")
OPENING_LINES = 3


def closing_start(lines: list[str], start: int) -> int:
    """Index of the closing block (Nơi nhận / TM. BAN …) in the second half of the document."""
    half = start + (len(lines) - start) // 2
    for i in range(half, len(lines)):
        line = lines[i]
        if RECIPIENTS.match(line) or (line.isupper() and SIGN_ROLE.match(line)):
            return i
    return len(lines)


def document_id(meta: DocMeta, content_hash: str, organisations: tuple[str, ...] = ()) -> str:
    """Who issued it, what it is and when: the number (or type and title), the date and the issuing
    organisation — every organisation line of the header (the parent body and the unit: two schools'
    "CĐCS Trường THCS Lê Lợi" under two districts differ; a header ending in "BAN CHẤP HÀNH" is told apart
    by the line above it) plus the resolved issuer. Two units' "12/KH-CĐCS" of 2025 get two ids; without an
    issuer, or without both a number and a title, the content itself is the identity. The file name never is."""
    issuer = "|".join(slug(o) for o in (*organisations, meta.issuer or "") if o)
    if not slug(meta.issuer or "") or not (meta.number or meta.title):
        return "vb-" + content_hash[:12]
    org = hashlib.sha1(issuer.encode()).hexdigest()[:6]
    date = (meta.date or "").replace("-", "")
    if meta.number:
        return "-".join(p for p in (slug(meta.number), date, org) if p)
    digest = hashlib.sha1((slug(meta.title or "") + "|" + issuer).encode()).hexdigest()[:8]
    return "-".join(p for p in (slug(meta.doc_type or "vb"), date[:4], digest) if p)


def parse_document(text: str, source: str, ocr_confidence: float | None = None) -> Document:
    cleaned = clean(text)
    lines = list(cleaned.lines)
    content_hash = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    header, start = parse_header(lines)
    end = closing_start(lines, start)
    closing_lines = lines[end:]
    sections = split_sections(lines[start:end], cleaned.footnotes)
    if closing_lines:
        sections.append(Section(
            id="closing", label="", heading=CLOSING_HEADING, heading_path=(CLOSING_HEADING,), level=0,
            text="\n".join(closing_lines), kind="closing",
        ))
    meta = replace(build_meta(header, parse_closing(closing_lines)), ocr_confidence=ocr_confidence)
    meta = organisation(meta, "\n".join(lines[start:start + OPENING_LINES]))
    meta = inferred_year(meta, "\n".join(lines[:start + OPENING_LINES]))
    opening = next((s.text for s in sections if s.kind == "preamble"), "")
    meta = with_relations(meta, opening, "\n".join(lines[start:end]))
    return Document(
        id=document_id(meta, content_hash, header.get("organisations", ())), source=source, content_hash=content_hash,
        meta=meta, sections=tuple(sections),
    )
