"""A document's own facts, answered from its record and cited to it: who signed it, when and by whom it was
issued, its number, type, recipients and term; and its card when a question is only a number.

    ask = facts.asked("Ai ký Chương trình 01/CTr-LĐLĐ?")     -> "signer"
    docs = facts.identify(question, documents)               -> the documents the question is about
    facts.answer(question, "signer", doc, passages)          -> "Chương trình số 01/CTr-LĐLĐ … do Lương Xuân Trường ký."
    facts.number_query("CTr 01")                             -> ("ctr", "01")   (None for a real question)

A document is named by its own number, type and title, place or term ("Chương trình 04/CTr-CĐVC", "báo cáo
sơ kết Nghị quyết 03", "chương trình hành động nhiệm kỳ 2023-2028 của Lai Châu"). A number its title only
cites does not name it: "Nghị quyết 03/NQ-TLĐ do ai ký?" asks about the resolution, which is not in the
store, not about the report that reviews it.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from answer.records import Answer, Citation
from core.text import fold, vn_date
from index.records import Hit
from ingest.cite import document_part
from ingest.parse import CLOSING_HEADING
from ingest.records import DocumentSummary, Passage

_FIELDS = (   # (field, folded pattern): what a question asks of a document
    ("signer", r"\b(?:ai ky|nguoi ky|ky ten|ky boi|nguoi da ky|ai da ky|ai la nguoi ky)\b"),
    ("date", r"\b(?:ban hanh|ky|ra doi)\b(?: \w+){0,3} (?:ngay nao|khi nao|bao gio|nam nao|luc nao|ngay bao nhieu|"
             r"ngay thang nam nao)\b|\b(?:ngay ban hanh|ngay ky)\b"),
    ("number", r"\b(?:so hieu|so ky hieu|ky hieu|mang so|so van ban)\b|\bla so (?:may|bao nhieu|gi)\b"),
    ("issuer", r"\b(?:(?:co quan|don vi|to chuc|cap) nao ban hanh|ai ban hanh|do ai ban hanh|co quan ban hanh|"
               r"don vi ban hanh|ban hanh boi|cua co quan nao|cua don vi nao|"
               r"(?:co quan|don vi) nao (?:ra|xay dung))\b"),
    ("recipients", r"\b(?:noi nhan|gui den|gui cho|gui toi|gui nhung|gui ve dau|gui di dau)\b"),
    ("type", r"\b(?:loai van ban (?:gi|nao)|la loai van ban)\b"),
    ("term", r"\b(?:nhiem ky nao|giai doan nao|thoi ky nao|ap dung (?:cho )?(?:giai doan|nhiem ky) nao)\b"),
)
# the words of a question that say which document, once the asked field's words are gone
_ASKING = re.compile(r"\b(?:ai|la|do|duoc|nao|gi|cua|ngay|ban hanh|ky|ten|so hieu|ky hieu|so|co quan|don vi|"
                     r"nguoi|gui|den|cho|nhung|noi|nhan|loai|van ban|nhiem|giai doan|thoi|khi|bao gio|nam|"
                     r"vao|luc|mang|thang|bao nhieu|may|toi|dau|ve|di|ra|boi|hieu|tu|cap|to chuc)\b")
_TYPE_WORDS = {"chuong trinh", "ke hoach", "nghi quyet", "bao cao", "quyet dinh", "huong dan", "chi thi", "ket luan",
               "luat", "bo luat", "nghi dinh", "thong tu", "cong van", "thong bao", "to trinh", "quy dinh", "quy che",
               "dieu le", "de an"}
_ABBREVIATIONS = {"ctr": "chuong trinh", "kh": "ke hoach", "nq": "nghi quyet", "bc": "bao cao", "qd": "quyet dinh",
                  "hd": "huong dan", "ct": "chi thi", "tb": "thong bao", "kl": "ket luan", "cv": "cong van"}
_NUMBER = re.compile(r"\b\d+/[\w/-]+")
# the identity text must hold this share of the question's document-naming words, and lead the next by this
MATCH = 0.75
MARGIN = 0.15


def asked(question: str) -> str | None:
    q = " ".join(re.findall(r"\w+", fold(question)))
    return next((name for name, pattern in _FIELDS if re.search(pattern, q)), None)


def _type_of(doc: DocumentSummary) -> str:
    return fold(doc.meta.doc_type or "")


def _types_in(folded: str) -> set[str]:
    words = f" {folded} "
    found = {t for t in _TYPE_WORDS if f" {t} " in words}
    found |= {_ABBREVIATIONS[w] for w in folded.replace("/", " ").replace("-", " ").split() if w in _ABBREVIATIONS}
    return found


def _identity(doc: DocumentSummary) -> str:
    m = doc.meta
    digits = (m.number or "").split("/")[0]   # "chương trình 04" names 04/CTr-CĐVC
    return fold(" ".join(x for x in (doc.name, m.doc_type, m.number, digits, m.title, m.issuer, m.place, m.date) if x))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:/[a-z0-9/-]+)?", text)


def identify(question: str, documents: Iterable[DocumentSummary]) -> list[DocumentSummary]:
    """The documents a question is about, by number first, else by its words against each document's
    type, number, title, issuer, place and date. A type the question names must be the document's own."""
    q = fold(question)
    docs = list(documents)
    numbers = [re.sub(r"\s+", "", n) for n in _NUMBER.findall(q)]
    if numbers:
        return [d for d in docs if d.meta.number and re.sub(r"\s+", "", fold(d.meta.number)) in numbers]
    types = _types_in(q)
    wanted = [w for w in _words(_ASKING.sub(" ", q)) if len(w) > 1]
    if not wanted:
        return []
    scored = []
    for d in docs:
        own = _type_of(d)
        if types and not any(own.startswith(t) for t in types):
            continue
        have = set(_words(_identity(d)))
        scored.append((sum(w in have for w in wanted) / len(wanted), d))
    scored.sort(key=lambda s: -s[0])
    if not scored or scored[0][0] < MATCH or (len(scored) > 1 and scored[0][0] - scored[1][0] < MARGIN):
        return []
    return [scored[0][1]]


def cited_number(question: str) -> str | None:
    """The document number a question gives, as typed ("3169/QĐ-TLĐ"), if any."""
    m = re.search(r"\b\d+/[\wĐđÀ-ỹ/-]+", question)
    return m.group(0).rstrip("?.,;:") if m else None


def answer(question: str, field: str, doc: DocumentSummary, passages: Sequence[Passage]) -> Answer:
    """The asked fact from the record, with the passage it is written in (the signature block for the signer
    and recipients, the document's opening otherwise)."""
    m = doc.meta
    whole = document_part(doc.name, m)
    closing = next((p for p in passages if p.heading_path[:1] == (CLOSING_HEADING,)), None)
    opening = passages[0] if passages else None
    value = {"signer": m.signer, "date": vn_date(m.date), "number": m.number, "issuer": m.issuer,
             "recipients": "; ".join(m.recipients) or None, "type": m.doc_type,
             "term": _term(doc, opening.text if opening else "")}[field]
    if not value:
        return Answer(question=question, answer=NOT_RECORDED.format(what=_WHAT[field], doc=whole), found=False,
                      mode="facts", reason=f"văn bản không ghi {_WHAT[field]}")
    sentence = {
        "signer": f"{whole} do {value} ký.",
        "date": f"{doc.name} ban hành ngày {value}" + (f" ({_long_date(m.date)})." if m.date else "."),
        "number": f"Số hiệu của văn bản là {value}: {whole}.",
        "issuer": f"Cơ quan ban hành: {value.replace(' — ', ', ')} ({doc.name}).",
        "recipients": f"{whole} gửi đến: {value}.",
        "type": f"Đây là văn bản loại {value}: {whole}.",
        "term": f"{whole} thuộc {value}.",
    }[field]
    source = closing if field in ("signer", "recipients") and closing is not None else opening
    if source is None:
        return Answer(question=question, answer=sentence, found=True, mode="facts",
                      reason=f"thông tin văn bản: {_WHAT[field]}")
    if source is closing:
        quote = _signature(source.text) if field == "signer" else source.text.strip()
        cited = Citation.of(Hit(passage=source, score=1.0, document=doc))
        text = f"{sentence}\n\nTheo phần nơi nhận và chữ ký, {whole}:\n“{quote}”"
    else:   # number, date and issuer stand in the header above the text: quoted as the record holds them
        quote = _header(doc)
        cited = Citation(text=quote, citation=f"Đầu văn bản, {whole}", doc_id=doc.id, section_id=source.section_id,
                         heading_path=(), passage_id=source.id, scanned=doc.meta.ocr_confidence is not None)
        text = f"{sentence}\n\nTheo đầu văn bản (số, ngày, cơ quan ban hành):\n“{quote}”"
    return Answer(question=question, answer=text, found=True, quote=quote, mode="facts", citations=(cited,),
                  reason=f"thông tin văn bản: {_WHAT[field]}")


def card(doc: DocumentSummary, passages: Sequence[Passage], outline: Sequence[str]) -> str:
    """A document's card as text: name, title, date, issuer, signer, outline."""
    m = doc.meta
    lines = [document_part(doc.name, m)]
    if m.title:
        lines.append(f"Trích yếu: {m.title}")
    facts = [("Loại", m.doc_type), ("Số", m.number), ("Ngày ban hành", vn_date(m.date)),
             ("Cơ quan ban hành", (m.issuer or "").replace(" — ", ", ")), ("Người ký", m.signer),
             ("Thời kỳ", _term(doc))]
    lines += [f"{k}: {v}" for k, v in facts if v]
    if outline:
        lines.append("Mục lục: " + "; ".join(outline))
    return "\n".join(lines)


_CARD_WORDS = {"van ban", "vanban", "vb", "so", "xem", "tim", "tra cuu", "ky hieu", "so hieu"} | _TYPE_WORDS \
    | set(_ABBREVIATIONS)


def number_query(question: str) -> tuple[set[str], str] | None:
    """(type words, number) when a question is only a document number, whole or partial: "01/CTr-LĐLĐ",
    "04", "CTr 01", "văn bản số 04"; None for anything else."""
    q = re.sub(r"[?.!:;,]+", " ", fold(question)).strip()
    full = _NUMBER.findall(q)
    rest = _NUMBER.sub(" ", q) if full else q
    digits = re.findall(r"\b\d+\b", rest)
    if len(full) + len(digits) != 1:
        return None
    words = " ".join(re.findall(r"[a-z]+", rest))
    for phrase in sorted(_CARD_WORDS, key=len, reverse=True):
        words = re.sub(rf"\b{phrase}\b", " ", words)
    if words.strip():
        return None
    return _types_in(q), (full[0] if full else digits[0])


def matching(query: tuple[set[str], str], documents: Iterable[DocumentSummary]) -> list[DocumentSummary]:
    """The documents a number query names: the whole number, or its leading digits and type."""
    types, number = query
    out = []
    for d in documents:
        own = re.sub(r"\s+", "", fold(d.meta.number or ""))
        if not own:
            continue
        if "/" in number:
            hit = own == number
        else:
            hit = own.split("/")[0].lstrip("0") == number.lstrip("0")
            hit = hit and (not types or any(_type_of(d).startswith(t) for t in types))
        if hit:
            out.append(d)
    return out


NOT_RECORDED = "Trong kho, {doc} không ghi {what}."
_WHAT = {"signer": "người ký", "date": "ngày ban hành", "number": "số hiệu", "issuer": "cơ quan ban hành",
         "recipients": "nơi nhận", "type": "loại văn bản", "term": "nhiệm kỳ hay giai đoạn"}
_RANGE = re.compile(r"(?:nhiệm kỳ|giai đoạn)?\s*\b(\d{4})\s*[-–]\s*(\d{4})\b", re.I)


def _term(doc: DocumentSummary, opening: str = "") -> str | None:
    """The term or period, from the title, else from the opening paragraph ("… khóa XIV, nhiệm kỳ 2025-2030")."""
    m = _RANGE.search(f"{doc.meta.title or ''} {doc.name}") or _RANGE.search(opening)
    if not m:
        return None
    word = "nhiệm kỳ" if "nhiệm kỳ" in m.group(0).lower() else "giai đoạn"
    return f"{word} {m.group(1)} - {m.group(2)}"


def _long_date(iso: str) -> str:
    y, mo, d = iso.split("-")
    return f"ngày {int(d)} tháng {int(mo)} năm {y}"


def _header(doc: DocumentSummary) -> str:
    m = doc.meta
    lines = [(m.issuer or "").split(" — ")[0].upper()] if m.issuer else []
    if m.number:
        lines.append(f"Số: {m.number}")
    if m.date:
        lines.append(f"{m.place + ', ' if m.place else ''}{_long_date(m.date)}")
    return "\n".join(lines) or doc.name


def _signature(text: str) -> str:
    """The signature lines of the closing block (after "Nơi nhận" and its list)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    tail = [ln for ln in lines if not ln.startswith(("-", "+", "•")) and not re.match(r"^N[ơo]i nhận", ln)]
    return "\n".join(tail[-4:]) or text.strip()


def card_answer(question: str, docs: Sequence[DocumentSummary], passages: dict[str, Sequence[Passage]],
                outlines: dict[str, Sequence[str]]) -> Answer:
    """The card of the one document a number names, or the list of those a partial number matches."""
    cites = []
    for d in docs:
        first = passages[d.id][0] if passages.get(d.id) else None
        if first is not None:
            cites.append(Citation(text=card(d, passages[d.id], outlines.get(d.id, ())),
                                  citation=document_part(d.name, d.meta), doc_id=d.id, section_id=first.section_id,
                                  heading_path=(), passage_id=first.id))
    if len(docs) == 1:
        text = card(docs[0], passages.get(docs[0].id, ()), outlines.get(docs[0].id, ()))
        return Answer(question=question, answer=text, found=True, citations=tuple(cites), mode="card",
                      reason="số văn bản: thẻ văn bản")
    lines = [f"Có {len(docs)} văn bản khớp «{question.strip()}»:"]
    lines += [f"{i}. {document_part(d.name, d.meta)}" + (f" — {d.meta.title}" if d.meta.title else "")
              for i, d in enumerate(docs, 1)]
    lines.append("Bạn gõ số đầy đủ (ví dụ «" + (docs[0].meta.number or "") + "») để xem thông tin một văn bản.")
    return Answer(question=question, answer="\n".join(lines)[:1200], found=True, citations=tuple(cites),
                  mode="card", reason="số văn bản: nhiều văn bản khớp")


def absent(question: str, number: str, related: Sequence[Hit]) -> Answer:
    """A number no stored document carries: said so, with the passages that cite it."""
    wanted = fold(number).replace(" ", "")
    citing = [h for h in related if wanted in fold(h.text).replace(" ", "")] if "/" in number else []
    text = f"Chưa có văn bản «{number}» trong kho văn bản đã nạp."
    if citing:
        text += " Các đoạn dưới đây có nhắc đến văn bản này (không phải nội dung của nó)."
    return Answer(question=question, answer=text, found=False, suggestions=tuple(citing[:3]), mode="card",
                  reason="số văn bản không có trong kho")
