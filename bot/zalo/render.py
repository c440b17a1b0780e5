"""Plain text for Zalo, within its 2,000-character message limit: the same core replies Telegram
renders as HTML, with typed replies ("1", "2", "đúng"/"sai") said where Telegram shows buttons.

Lengths are counted in UTF-16 code units (bot.split.units), which is never less than the characters
Zalo counts, so a message accepted here is within the limit however the platform counts.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot import texts as t
from bot.core import ANSWER, NOT_FOUND, SHORT, Page, Reply
from bot.format import excerpt, passage_url, validity_lines, vn_date
from bot.split import pack, units

if TYPE_CHECKING:
    from index.build import FileResult
    from index.records import Hit
    from ingest.records import Document, DocumentSummary

LIMIT = 2000             # Zalo sendMessage: text of 1 to 2,000 characters
MAX_PARTS = 4            # a reply longer than this many messages is trimmed, and says so
DOCS_LISTED = 10


def messages(text: str, footer: str = "", limit: int = LIMIT, max_parts: int = MAX_PARTS) -> list[str]:
    """text (and the typed-reply footer after it) as messages of at most `limit` units each."""
    text = text.strip()
    parts = pack(text, limit) if text else []
    if len(parts) > max_parts:
        parts = parts[:max_parts]
        room = limit - units(t.Z_TRIMMED) - 2
        last = parts[-1]
        if units(last) > room:
            last = pack(last, room)[0]
        parts[-1] = last.rstrip() + "\n" + t.Z_TRIMMED
    if footer:
        if parts and units(parts[-1]) + 2 + units(footer) <= limit:
            parts[-1] = parts[-1] + "\n\n" + footer
        else:
            parts.extend(pack(footer, limit))
    assert all(0 < units(p) <= limit for p in parts)
    return parts


def reply_text(reply: Reply, base_url: str | None = None) -> str:
    """Any answer as plain text, by what it shows (bot.core.reply_of)."""
    if reply.kind == ANSWER:
        lines = [reply.text]
        if reply.sources:
            lines += ["", "📄 Nguồn:"]
            for s in reply.sources:
                link = f" — {passage_url(base_url, s.doc_id, s.section_id)}" if base_url else ""
                mark = f" ({t.SCANNED})" if s.scanned else ""
                lines.append(f"• {s.citation}{mark}{link}")
        return "\n".join(lines)
    if reply.kind == SHORT:
        return reply.text
    parts = [reply.text or t.NOT_FOUND]
    if reply.related:
        # bullets, not numbers: "1" and "2" are typed replies here
        items = ["🔎 Các đoạn gần nhất (có thể liên quan):"]
        items += [f"• {h.citation}{_mark(h)}\n{excerpt(h.text, h.heading_path, 200)}" for h in reply.related]
        parts.append("\n\n".join(items))
    parts.append(t.Z_HINT)
    return "\n\n".join(parts)


def reply_footer(reply: Reply) -> str:
    """The typed replies this answer offers: "1" only when it cites a passage."""
    if reply.kind == ANSWER and reply.cited:
        return t.Z_TYPED_ANSWER
    return t.Z_TYPED_NOT_FOUND if reply.kind in (ANSWER, NOT_FOUND) else ""


def results_text(page: Page) -> str:
    head = f"🔎 Kết quả cho: {page.query}" + (f" — trang {page.page + 1}" if page.page else "")
    if not page.hits:
        more = "Không còn kết quả nào khác." if page.page else \
            "Không tìm thấy đoạn nào chứa các từ khóa này. Bạn thử từ khóa khác nhé."
        return f"{head}\n\n{more}"
    items = [head] + [f"• {h.citation}{_mark(h)}\n{excerpt(h.text, h.heading_path)}" for h in page.hits]
    return "\n\n".join(items)


def results_footer(page: Page) -> str:
    if not page.hits:
        return ""
    return t.Z_TYPED_RESULTS if page.has_next else t.Z_TYPED_LAST_PAGE


def passage_text(hit: Hit) -> str:
    return f"📄 {hit.citation}{_mark(hit)}\n\n{hit.text.strip()}"


def _mark(hit: Hit) -> str:
    return f" ({t.SCANNED})" if hit.scanned else ""


def doc_list_text(docs: list[DocumentSummary]) -> str:
    if not docs:
        return "Chưa có văn bản nào trong kho."
    lines = [f"📚 Văn bản hiện có: {len(docs)}"]
    for d in docs[:DOCS_LISTED]:
        m = d.meta
        bits = " · ".join(b for b in (vn_date(m.date), m.issuer) if b)
        lines.append(f"• {d.name}" + (f"\n   {bits}" if bits else "") + f"\n   /vanban {m.number or d.id}")
    if len(docs) > DOCS_LISTED:
        lines.append(t.Z_DOCS_MORE.format(n=len(docs) - DOCS_LISTED))
    return "\n\n".join(lines)


def document_text(doc: Document) -> str:
    m = doc.meta
    rows = [f"📘 {doc.name}"]
    facts = [("Trích yếu", m.title), ("Loại văn bản", m.doc_type), ("Số, ký hiệu", m.number),
             ("Ngày ban hành", vn_date(m.date)), ("Cơ quan ban hành", m.issuer), ("Người ký", m.signer)]
    rows += [f"{label}: {value}" for label, value in facts if value]
    rows += validity_lines(doc.validity, html=False)   # hiệu lực and related documents, as on Telegram
    outline = [s for s in doc.sections if s.kind == "body" and s.heading]
    if outline:
        top = min(s.level for s in outline)
        rows += ["", "🗂 Mục lục"] + ["  " * max(0, s.level - top) + s.heading for s in outline]
    return "\n".join(rows)


def upload_text(result: FileResult) -> str:
    m = result.document.meta if result.document else None
    name = result.document.name if result.document else result.source
    rows = [f"{t.UPLOAD_STATUS.get(result.status, result.status)}: {name}"]
    if result.status == "updated" and result.previous:
        rows.append(t.UPLOAD_REPLACED.format(previous=result.previous))
    ocr = t.OCR_YES.format(conf=m.ocr_confidence) if m and m.ocr_confidence is not None else t.OCR_NO
    facts = [("Số, ký hiệu", m.number if m else None), ("Loại văn bản", m.doc_type if m else None),
             ("Ngày ban hành", vn_date(m.date) if m else None), ("Cơ quan ban hành", m.issuer if m else None),
             ("Số đoạn", result.passages or None), ("Nhận dạng chữ (OCR)", ocr)]
    rows += [f"{label}: {value if value not in (None, '') else t.UNKNOWN}" for label, value in facts]
    rows.append(t.Z_UPLOAD_DONE.format(key=(m.number if m and m.number else result.doc_id)))
    return "\n".join(rows)
