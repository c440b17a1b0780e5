"""Relations and validity read from a document's own text: which documents it replaces ("… hết hiệu lực",
"thay thế …", "bãi bỏ …"), amends ("Sửa đổi, bổ sung … của …") or carries out (its title and its opening
"Thực hiện / Căn cứ / Triển khai …"), and when it is valid ("có hiệu lực thi hành từ ngày …", "nhiệm kỳ
2018 - 2023", "giai đoạn 2021 - 2025"). Pure functions over strings; index/validity.py resolves the
references against the documents in the index and derives each one's status."""
from __future__ import annotations

import re
from dataclasses import replace

from core.text import fold
from ingest.meta import DOC_TYPES, iso_date
from ingest.records import DocMeta, Reference

# a document number as officials write it: 68/2014/QH13, 03/NQ-TLĐ, 26-NQ/TW, "08- CTr/TU", 21/LCT-HĐNN8
_CODE = r"[A-ZĐ][A-Za-zĐđ0-9]*"
NUMBER = re.compile(rf"\d+[a-z]?(?:/\d{{4}})?\s?[/-]\s?{_CODE}(?:[-/]{_CODE})*")
_TYPES = "|".join(re.escape(t) for t in DOC_TYPES)
# a type as a name starts with a capital ("Luật Doanh nghiệp"); lower case only before its number
# ("thực hiện chương trình hành động số 08-CTr/TU")
_TYPE = re.compile(rf"(?<![\wÀ-ỹ])(?:({_TYPES})|(?i:({_TYPES}))(?=\s+số\b))(?![\wÀ-ỹ])")
# where a name ends: its number, date, issuer, subject, or the next clause
_NAME_END = re.compile(r"\s*(?:\b(?:số|năm|ngày|của|về|do|theo|và|đã|được|hết|thực hiện|nhiệm kỳ|khóa [IVXL]+|"
                       r"giai đoạn|kể từ|từ|như|này|trong|tại)\b|[,;:.()“”\"*]|$)", re.I)
_YEAR = re.compile(r"\s*,?\s*(?:năm\s+((?:19|20)\d\d)\b|ngày\s+\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*((?:19|20)\d\d)|"
                   r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+((?:19|20)\d\d))")
_NUMBER_AT = re.compile(rf"\s*(?:số\s*:?\s*)?({NUMBER.pattern})")
_LATER_NUMBER = re.compile(rf"\s*\bsố\s*:?\s*({NUMBER.pattern})")
_NOT_NAME = re.compile(r"[;.()]|\b(?:của|về|ngày|năm|theo|và)\b")   # a number past these is another document's
_NAME_GAP = 40
_WINDOW = 160   # characters after a type that may hold its name, number and date

# what a clause says about the documents it names
_ENDED = re.compile(r"\bhết hiệu lực\b", re.I)
_REPLACES = re.compile(r"\b(?:thay thế(?: cho)?|bãi bỏ)\s*:?\s*$", re.I)
_HISTORY = re.compile(r"\s*,?\s*đã được sửa đổi, bổ sung.*$", re.S)
# "Các quy định về … của Luật bảo hiểm xã hội số 58/2014/QH13 hết hiệu lực": a part of it ends, not the law
_PART_OF = re.compile(r"\bcủa\s*$")
_AMENDS = re.compile(r"^(?:\d+\.\s*|[a-zđ]\)\s*)?Sửa đổi, bổ sung\b")
_CARRIES_OUT = re.compile(r"^\s*(?:Thực hiện|Căn cứ|Triển khai|Thi hành)\b")
_CARRIES_OUT_IN = re.compile(r"\b(?:thực hiện|triển khai|căn cứ)\b", re.I)
# the opening's own subject: "…, Ban Thường vụ … xây dựng Chương trình …" names the document itself
_OWN_VERB = re.compile(r"\b(?:xây dựng|ban hành|báo cáo)\b")
_CLAUSES = re.compile(r"(?<=[;])\s*|(?<=\.)\s+(?=[A-ZĐÀ-Ỹ])|\n")

# the document's own effect clause, opening a line or a sentence: "1. Luật này có hiệu lực thi hành từ ngày …";
# not "… trước ngày Luật này có hiệu lực thi hành thì được tiếp tục thực hiện đến hết ngày …" (a transition)
_OWN_CLAUSE = rf"(?:^|(?<=\. ))[-+•\s]*(?:\d+\.\s*)?(?:{_TYPES}|Văn bản|Quy chế)\s+này có hiệu lực(?: thi hành)?"
_DAY = r"(?:(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})|(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4}))"
_SELF_EFFECT = re.compile(rf"{_OWN_CLAUSE}(?: kể)? từ ngày\s+(?:{_DAY}|(ký|ban hành))", re.I | re.M)
_UNTIL = re.compile(rf"{_OWN_CLAUSE}(?:(?: kể)? từ ngày\s+(?:{_DAY}|ký|ban hành))?\s+đến (?:hết )?ngày\s+{_DAY}",
                    re.I | re.M)
TERM = re.compile(r"(?:nhiệm kỳ|giai đoạn|thời kỳ)\s*\(?\s*((?:19|20)\d\d)\s*[-–—]\s*((?:19|20)\d\d)", re.I)


def number_key(number: str) -> str:
    """A number as it is compared: '71/KH-LĐLD', '71/kh-ldld' and '71/KH - LĐLĐ' are one document."""
    return fold(number).replace(" ", "").replace("–", "-").lower()


def references(text: str, kind: str) -> list[Reference]:
    """Every document named in `text` (type + name, number, year), in order."""
    out = []
    for m in _TYPE.finditer(text):
        doc_type = m.group(1) or _canonical(m.group(2))
        after = text[m.end():m.end() + _WINDOW]
        nxt = _TYPE.search(after)
        after = after[:nxt.start()] if nxt else after
        if re.match(r"\s*này\b", after) or re.search(r"\bban hành\s*$", text[max(0, m.start() - 12):m.start()]):
            continue   # "Luật này": the document itself; "ban hành Quy chế …": what the document before issued
        number = _NUMBER_AT.match(after)               # "Nghị quyết 03/NQ-TLĐ"
        name, name_end = "", 0
        if number is None:
            stop = _NAME_END.search(after)
            name_end = stop.start() if stop else len(after)
            name = after[:name_end].strip()
            number = _NUMBER_AT.match(after, name_end)
            later = _LATER_NUMBER.search(after, name_end, name_end + _NAME_GAP)
            if number is None and later and not _NOT_NAME.search(after, name_end, later.start()):
                number, name = later, after[:later.start()].strip(" ,")   # "Luật Thi đua, khen thưởng số 15/…"
        end = number.end() if number else name_end
        year = _YEAR.match(after, end)
        found = next((int(g) for g in (year.groups() if year else ()) if g), None)
        num = re.sub(r"\s+", "", number.group(1)) if number else None
        if num and found is None and (y := re.search(r"/((?:19|20)\d\d)/", num)):
            found = int(y.group(1))
        if year and not number:
            end = year.end()
        out.append(Reference(kind=kind, text=" ".join(text[m.start():m.end() + end].split()).strip(" ,;:"),
                             doc_type=doc_type, number=num, name=name or None, year=found))
    return out


def _canonical(typed: str) -> str:
    return next(t for t in DOC_TYPES if t.lower() == typed.lower())


def _specific(ref: Reference) -> bool:
    """Named well enough to say it is replaced or amended: by its number, or its name and year."""
    return bool(ref.number) or bool(ref.name and ref.year)


def replaced_in(text: str) -> list[Reference]:
    """"Bộ luật Lao động số 10/2012/QH13 hết hiệu lực …", "… thay thế Quyết định số …", "bãi bỏ …"."""
    out: list[Reference] = []
    for clause in _CLAUSES.split(text):
        ended = _ENDED.search(clause)
        if ended:
            # "… số 15/2003/QH11 đã được sửa đổi, bổ sung theo Luật số 47/2005/QH11 …": its history, not more laws
            named = _HISTORY.sub("", clause[:ended.start()])
            out += [r for r in references(named, "replaces") if _specific(r) and not _PART_OF.search(
                named[max(0, named.find(r.text) - 8):named.find(r.text)])]
        for m in _TYPE.finditer(clause):
            if _REPLACES.search(clause[max(0, m.start() - 20):m.start()]):
                out += [r for r in references(clause[m.start():], "replaces")[:1] if _specific(r)]
    return out


def amended_in(text: str) -> list[Reference]:
    """A line that opens "Sửa đổi, bổ sung (một số điều|Điều 32) của <văn bản>": that document, the first named."""
    out: list[Reference] = []
    for line in text.split("\n"):
        if _AMENDS.match(line.strip()):
            out += [r for r in references(line, "amends")[:1] if r.number]
    return out


def carried_out_in(title: str, opening: str) -> list[Reference]:
    """The documents the title ("Sơ kết 05 năm thực hiện Nghị quyết số 03/NQ-TLĐ") and the opening clauses
    ("Thực hiện …; Căn cứ …") say it carries out, up to the opening's own subject ("… xây dựng Chương trình")."""
    out: list[Reference] = []
    if (m := _CARRIES_OUT_IN.search(title or "")):
        out += references(title[m.end():], "implements")
    for paragraph in opening.split("\n"):
        if not _CARRIES_OUT.match(paragraph):
            continue
        own = list(_OWN_VERB.finditer(paragraph))
        out += references(paragraph[:own[-1].start()] if own else paragraph, "implements")
    return out


def term(title: str, opening: str) -> tuple[str, str] | None:
    """('2018', '2023') from "nhiệm kỳ 2018 - 2023" in the title, else in the opening."""
    found = TERM.search(title or "") or TERM.search(opening)
    if not found or int(found.group(2)) < int(found.group(1)):
        return None
    return found.group(1), found.group(2)


def effective(text: str, date: str | None) -> tuple[str | None, str | None]:
    """(valid from, valid to) as ISO dates from "… này có hiệu lực (thi hành) từ ngày …" ("kể từ ngày
    ký": the document's date) and "… có hiệu lực đến hết ngày …"."""
    start = end = None
    if (m := _SELF_EFFECT.search(text)):
        g = m.groups()
        start = date if g[6] else iso_date(g[0], g[1], g[2]) if g[0] else iso_date(g[3], g[4], g[5])
    if (m := _UNTIL.search(text)):
        g = m.groups()[-6:]
        end = iso_date(g[0], g[1], g[2]) if g[0] else iso_date(g[3], g[4], g[5])
    return start, end


def with_relations(meta: DocMeta, opening: str, body: str) -> DocMeta:
    """`meta` with the references and validity its text states. `opening` is the text between the header
    and the first numbered section; `body` the whole text."""
    own = number_key(meta.number) if meta.number else None
    seen: set[tuple[str, str]] = set()
    refs = []
    for ref in [*replaced_in(body), *amended_in(body), *carried_out_in(meta.title or "", opening)]:
        key = (ref.kind, number_key(ref.number) if ref.number else fold(f"{ref.doc_type} {ref.name} {ref.year}"))
        if key in seen or (own and ref.number and number_key(ref.number) == own) or not (ref.number or ref.name):
            continue
        seen.add(key)
        refs.append(ref)
    start, end = effective(body, meta.date)
    if start is None and end is None and (years := term(meta.title or "", opening)):
        start, end = years
    return replace(meta, references=tuple(refs), valid_from=start, valid_to=end)
