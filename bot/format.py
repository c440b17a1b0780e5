"""Telegram HTML for engine results, and splitting at Telegram's 4,096-character limit.

Every piece of engine or user text goes through esc(); only the tags written here are markup.
"""
from __future__ import annotations

import html
import ipaddress
import re
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from bot import texts as t
from bot.core import ANSWER, SHORT, Reply, reply_of
from bot.split import pack, units
from core.text import vn_date

if TYPE_CHECKING:
    from answer.records import Answer
    from index.build import FileResult
    from index.records import Hit
    from ingest.records import Document, DocumentSummary, Validity

LIMIT = 4096
_RESERVE = 64              # room for the tags re-opened and closed around a cut
EXCERPT = 280



def esc(text: object) -> str:
    """Escape text for Telegram HTML (&, < and >)."""
    return html.escape(str(text or ""), quote=False)


def excerpt(text: str, heading_path: tuple[str, ...] = (), limit: int = EXCERPT) -> str:
    """The passage body without its heading lines, cut at a word near limit characters."""
    headings = {h.strip() for h in heading_path}
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip() and ln.strip() not in headings]
    body = "\n".join(lines) or (text or "").strip()
    if len(body) <= limit:
        return body
    cut = body[:limit]
    cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return cut.rstrip(",;:\n ") + "…"


def public_base(url: str | None) -> str | None:
    """SOTAY_PUBLIC_URL without its trailing slash, or None when it is empty or loopback (127.x,
    localhost, ::1): such a link is dead on a phone."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    if not host or host == "localhost" or host.endswith(".localhost"):
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return url.rstrip("/")


def passage_url(base: str, doc_id: str, section_id: str) -> str:
    """Where the web page shows the passage in its document (the page's #doc/<doc>/<section> route)."""
    return f"{base}/#doc/{quote(doc_id, safe='')}/{quote(section_id, safe='')}"


def reply_html(reply: Reply, base_url: str | None = None) -> str:
    """Any answer as Telegram HTML, by what it shows (bot.core.reply_of), not by its mode."""
    if reply.kind == ANSWER:
        return _answer_html(reply, base_url)
    if reply.kind == SHORT:
        return esc(reply.text)
    return _not_found_html(reply.text, reply.related)


def answer_html(answer: Answer, base_url: str | None = None) -> str:
    """The composed answer with its quote in italics, then '📄 Nguồn:' and the citations, each with a
    link to the web page when base_url (a public, non-loopback address) is given."""
    return reply_html(reply_of(answer), base_url)


def _answer_html(reply: Reply, base_url: str | None) -> str:
    body = esc(reply.text)
    quote_ = esc(reply.quote)
    if quote_ and quote_ in body:
        body = body.replace(quote_, f"<i>{quote_}</i>", 1)
    lines = [body]
    if reply.sources:
        lines.append("")
        lines.append("📄 <b>Nguồn:</b>")
        for s in reply.sources:
            url = passage_url(base_url, s.doc_id, s.section_id) if base_url else None
            link = f' — <a href="{html.escape(url, quote=True)}">{t.LINK}</a>' if url else ""
            mark = f" (<i>{t.SCANNED}</i>)" if s.scanned else ""
            lines.append(f"• {esc(s.citation)}{mark}{link}")
    return "\n".join(lines)


def not_found_html(answer: Answer, suggestions: list[Hit] | tuple[Hit, ...] = ()) -> str:
    """The honest 'not found' message, the closest passages, and a hint to rephrase or use /tim."""
    return _not_found_html(answer.answer.strip(), suggestions)


def _not_found_html(text: str, suggestions) -> str:
    parts = [esc(text or t.NOT_FOUND)]
    if suggestions:
        items = ["🔎 <b>Các đoạn gần nhất (có thể liên quan):</b>"]
        for i, h in enumerate(suggestions, 1):
            items.append(f"{i}. <b>{esc(h.citation)}</b>{_mark(h)}\n{esc(excerpt(h.text, h.heading_path, 200))}")
        parts.append("\n\n".join(items))
    parts.append(t.HINT)
    return "\n\n".join(parts)


def results_html(query: str, hits: list[Hit], page: int, start: int | None = None) -> str:
    """A page of ranked passages with their citations."""
    head = f"🔎 <b>Kết quả cho:</b> {esc(query)}"
    if page:
        head += f" — trang {page + 1}"
    if not hits:
        if page:
            return head + "\n\nKhông còn kết quả nào khác."
        return head + "\n\nKhông tìm thấy đoạn nào chứa các từ khóa này. Bạn thử từ khóa khác nhé."
    first = start if start is not None else 1
    items = [head]
    for i, h in enumerate(hits, first):
        items.append(f"{i}. <b>{esc(h.citation)}</b>{_mark(h)}\n{esc(excerpt(h.text, h.heading_path))}")
    items.append("Bấm 📖 để đọc toàn văn đoạn tương ứng.")
    return "\n\n".join(items)


def passage_html(hit: Hit) -> str:
    """A whole passage under its citation."""
    return f"📄 <b>{esc(hit.citation)}</b>{_mark(hit)}\n\n{esc(hit.text.strip())}"


def _mark(hit: Hit) -> str:
    return f" (<i>{t.SCANNED}</i>)" if hit.scanned else ""


def doc_line(doc: DocumentSummary) -> str:
    m = doc.meta
    bits = [b for b in (vn_date(m.date), m.issuer, m.place) if b]
    tail = f"\n   {esc(' · '.join(bits))}" if bits else ""
    return f"<b>{esc(doc.name)}</b>{tail}\n   /vanban {esc(m.number or doc.id)}"


def doc_list_html(docs: list[DocumentSummary], page: int, per_page: int) -> str:
    """One page of the document list."""
    if not docs:
        return "Chưa có văn bản nào trong kho."
    pages = (len(docs) + per_page - 1) // per_page
    start = page * per_page
    lines = [f"📚 <b>Văn bản hiện có</b>: {len(docs)} — trang {page + 1}/{pages}"]
    for i, d in enumerate(docs[start:start + per_page], start + 1):
        lines.append(f"{i}. {doc_line(d)}")
    lines.append("Bấm số để xem thông tin và mục lục của văn bản.")
    return "\n\n".join(lines)


def document_html(doc: Document) -> str:
    """Metadata and outline (section headings) of one document."""
    m = doc.meta
    rows = [f"📘 <b>{esc(doc.name)}</b>"]
    facts = [("Trích yếu", m.title), ("Loại văn bản", m.doc_type), ("Số, ký hiệu", m.number),
             ("Ngày ban hành", vn_date(m.date)), ("Cơ quan ban hành", m.issuer), ("Nơi ban hành", m.place),
             ("Người ký", m.signer), ("Tệp", doc.source)]
    rows.extend(f"{label}: {esc(value)}" for label, value in facts if value)
    rows.append(f"Mã: <code>{esc(doc.id)}</code>")
    rows.extend(validity_lines(doc.validity))
    outline = [s for s in doc.sections if s.kind == "body" and s.heading]
    if outline:
        rows.append("")
        rows.append("🗂 <b>Mục lục</b>")
        top = min(s.level for s in outline)
        for s in outline:
            rows.append("    " * max(0, s.level - top) + esc(s.heading))
    return "\n".join(rows)


_STATUS = {"in_force": "còn hiệu lực", "replaced": "đã bị thay thế", "term_ended": "đã hết nhiệm kỳ, giai đoạn"}
_RELATIONS = (("replaces", "Thay thế"), ("replaced_by", "Được thay thế bởi"), ("amends", "Sửa đổi, bổ sung"),
              ("amended_by", "Được sửa đổi, bổ sung bởi"), ("implements", "Thực hiện"),
              ("implemented_by", "Được thực hiện bởi"))


def validity_lines(v: Validity, html: bool = True) -> list[str]:
    """Hiệu lực and the related documents; one in the index is opened with its /vanban command. `html`: Telegram's
    markup, else plain text (Zalo)."""
    mark, code = (esc, "<code>{}</code>") if html else (str, "{}")
    rows = [f"Hiệu lực: {_STATUS[v.status]}"] if v.status in _STATUS else []
    for field, label in _RELATIONS:
        links = getattr(v, field)
        if links:
            rows.append(f"{label}: " + "; ".join(
                f"{mark(link.text)} (/vanban {code.format(mark(link.doc_id))})" if link.doc_id else mark(link.text)
                for link in links))
    return rows


def upload_html(result: FileResult) -> str:
    """What an upload was recognised as: status, number, type, date, issuer, sections, OCR or not."""
    m = result.document.meta if result.document else None
    name = result.document.name if result.document else result.source
    rows = [f"{t.UPLOAD_STATUS.get(result.status, result.status)}: <b>{esc(name)}</b>"]
    if result.status == "updated" and result.previous:
        rows.append(esc(t.UPLOAD_REPLACED.format(previous=result.previous)))
    ocr = (t.OCR_YES.format(conf=m.ocr_confidence) if m and m.ocr_confidence is not None else t.OCR_NO)
    facts = [("Số, ký hiệu", m.number if m else None), ("Loại văn bản", m.doc_type if m else None),
             ("Ngày ban hành", vn_date(m.date) if m else None), ("Cơ quan ban hành", m.issuer if m else None),
             ("Số mục", result.document.n_sections if result.document else None),
             ("Số đoạn", result.passages or None), ("Nhận dạng chữ (OCR)", ocr)]
    rows.extend(f"{label}: {esc(value if value not in (None, '') else t.UNKNOWN)}" for label, value in facts)
    rows.append(f"Mã: <code>{esc(result.doc_id)}</code>")
    return "\n".join(rows)


# ---------------------------------------------------------------------------------------------
# splitting

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")


def split_message(text: str, limit: int = LIMIT) -> list[str]:
    """Cut text into chunks of at most limit characters, at paragraph, then line, then word
    boundaries; an HTML tag open at a cut is closed there and re-opened in the next chunk."""
    text = text.strip()
    if not text:
        return []
    if units(text) <= limit:
        return [text]
    budget = max(limit - _RESERVE, 16)
    return [c for c in _balance(pack(text, budget)) if c]


def _balance(chunks: list[str]) -> list[str]:
    out: list[str] = []
    carry: list[tuple[str, str]] = []
    for chunk in chunks:
        chunk = "".join(f"<{name}{attrs}>" for name, attrs in carry) + chunk
        stack: list[tuple[str, str]] = []
        for m in _TAG.finditer(chunk):
            closing, name, attrs = m.group(1), m.group(2).lower(), m.group(3)
            if not closing:
                stack.append((name, attrs))
            elif stack and stack[-1][0] == name:
                stack.pop()
        out.append(chunk + "".join(f"</{name}>" for name, _ in reversed(stack)))
        carry = stack
    return out
