"""Citations as officials write them: the smallest unit first, then the document, its date and issuer.

    cite(("II. MỤC TIÊU …", "2.1. Chỉ tiêu hàng năm"), summary)
        -> "mục 2.1, phần II, Chương trình số 01/CTr-LĐLĐ ngày 21/01/2026 của LĐLĐ tỉnh Lai Châu"
    cite(("Chương III …", "Điều 25. Thời gian thử việc", "2. …"), law)
        -> "khoản 2 Điều 25, Bộ luật Lao động số 45/2019/QH14"

Pure functions over a passage's heading path and its document's metadata: a stored passage of any age is
cited the same way (nothing is re-ingested), and the section id stays beside it for links.
"""
from __future__ import annotations

import re

from core.text import vn_date
from ingest.records import DocMeta
from ingest.sections import classify

# a law is cited by its name and number alone (the number carries its year; the issuer is Quốc hội)
LAW_TYPES = ("Luật", "Bộ luật", "Hiến pháp", "Pháp lệnh")
# how officials shorten the issuing organisation in a citation ("LĐLĐ tỉnh Lai Châu")
_SHORT_ORG = (("Liên đoàn Lao động", "LĐLĐ"), ("Tổng Liên đoàn Lao động Việt Nam", "Tổng LĐLĐ Việt Nam"))
_SPAN = re.compile(r"\s\(([^()]+?) – ([^()]+?)\)$")
_LAW_UNITS = ("letter", "khoan", "dieu")


def span_of(stored_citation: str) -> tuple[str, str] | None:
    """The (first, last) child labels a grouped passage covers, from its stored citation ("… (1 – 2)")."""
    m = _SPAN.search(stored_citation or "")
    return (m.group(1), m.group(2)) if m else None


def units_of(heading_path: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    """(kind, label) of each numbered heading, top first; a khoản is an arabic number inside an article."""
    out: list[tuple[str, str]] = []
    for heading in heading_path:
        found = classify(heading.strip())
        if found is None:
            continue
        kind, _, label, _ = found
        if kind == "arabic" and any(k == "dieu" for k, _ in out):
            kind = "khoan"
        if kind == "phan" and not re.fullmatch(r"[IVX]+|\d+", label):
            label = f"thứ {label}"
        out.append((kind, label))
    return out


def place_in_document(heading_path: tuple[str, ...] | list[str], span: tuple[str, str] | None = None) -> str:
    """ "mục 2.1, phần II" or "điểm b khoản 2 Điều 25": where in its document a passage stands."""
    found = units_of(heading_path)
    if not found and not span:
        return _lower_first(heading_path[-1]) if heading_path else ""
    worded = span is not None and re.match(r"^(?:khoản|điểm|Điều)\s", span[0]) is not None
    law = [(k, label) for k, label in found if k in _LAW_UNITS]
    if law or worded:   # điểm b khoản 2 Điều 25 (a chapter or section of a law is not named beside its article)
        words = {"dieu": "Điều", "khoan": "khoản", "letter": "điểm"}
        parts = [f"{words[k]} {label}" for k, label in reversed(law)]
        if span:
            parts.insert(0, _span_words(span))
        rest = [] if law else [f"{_WORDS[k]} {label}" for k, label in reversed(found) if k in _WORDS]
        return ", ".join([" ".join(parts), *rest])
    phan = next((label for k, label in found if k == "phan"), None)
    dotted = _merge([label for k, label in found if k in ("roman", "arabic", "decimal", "decimal3")])
    rest = [f"{_WORDS[k]} {label}" for k, label in reversed(found) if k in _WORDS]
    roman = dotted[0] if dotted and re.fullmatch(r"[IVX]+", dotted[0]) and not phan else None
    number = ".".join(dotted[1:] if roman else dotted)
    if span:   # children "1 – 2" of mục 3 are "3.1 – 3.2"; children "1.5 – 1.6" already say so
        first, last = (_bare(x) for x in span)
        above = f"{number}." if number and "." not in first else ""
        number = f"{above}{first} – {above}{last}"
    out = [f"mục {number}"] if number else []
    if roman:
        out.append(f"phần {roman}")
    if phan:
        out.append(f"phần {phan}")
    return ", ".join(out + rest)


_WORDS = {"paren": "ý", "chuong": "Chương", "muc": "Mục"}


def _merge(labels: list[str]) -> list[str]:
    """["II", "2", "2.1"] → ["II", "2.1"]: a decimal number already holds its parent's."""
    out: list[str] = []
    for label in labels:
        if out and label.startswith(out[-1] + "."):
            out.pop()
        out.append(label)
    return out


def _bare(label: str) -> str:
    return re.sub(r"^(?:khoản|điểm|Điều|mục)\s+", "", label.strip())


def _span_words(span: tuple[str, str]) -> str:
    word = re.match(r"^(khoản|điểm|Điều)\s", span[0])
    return f"{word.group(1) + ' ' if word else ''}{_bare(span[0])} – {_bare(span[1])}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def organisation(issuer: str) -> str:
    """The issuing organisation as a citation names it: "Liên đoàn Lao động tỉnh Lai Châu — Ban Chấp hành"
    → "LĐLĐ tỉnh Lai Châu"."""
    org = issuer.split(" — ")[0].strip()
    for full, short in _SHORT_ORG:
        if org.startswith(full + " ") or org == full:
            return short + org[len(full):]
    return org


def document_part(name: str, meta: DocMeta) -> str:
    """The document as a citation names it: "Chương trình số 01/CTr-LĐLĐ ngày 21/01/2026 của LĐLĐ tỉnh Lai Châu"."""
    if meta.doc_type in LAW_TYPES:
        return name
    out = name
    if meta.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta.date):
        out += f" ngày {vn_date(meta.date)}"
    if meta.issuer:
        org = organisation(meta.issuer)
        if org and org.lower() not in name.lower() and meta.issuer.split(" — ")[0].lower() not in name.lower():
            out += f" của {org}"
    return out


def cite(heading_path: tuple[str, ...] | list[str], name: str, meta: DocMeta,
         span: tuple[str, str] | None = None) -> str:
    where = place_in_document(heading_path, span)
    doc = document_part(name, meta)
    return f"{where}, {doc}" if where else doc
