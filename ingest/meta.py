"""Document metadata from the header and the signature block: type, number, issuer, place, date,
title, signer, recipients. A field that is not written in the document stays None."""
from __future__ import annotations

import re
from dataclasses import replace

from ingest.records import DocMeta

# longest names first, so "CHƯƠNG TRÌNH HÀNH ĐỘNG" wins over "CHƯƠNG TRÌNH"
DOC_TYPES = sorted(
    [
        "Chương trình hành động", "Chương trình", "Nghị quyết", "Kế hoạch", "Báo cáo", "Quyết định",
        "Hướng dẫn", "Chỉ thị", "Kết luận", "Bộ luật", "Luật", "Nghị định", "Thông tư", "Công văn",
        "Thông báo", "Tờ trình", "Quy định", "Quy chế", "Điều lệ", "Pháp lệnh", "Thông tư liên tịch",
        "Biên bản", "Đề án", "Hiến pháp",
    ],
    key=len,
    reverse=True,
)
_NUMBER = re.compile(r"(?:^|\s)(?:[Ss]ố|SỐ)\s*[:：.]?\s*(\d+[\w/\-–.ĐđÀ-ỹ]*[\wĐđÀ-ỹ])")
_DATE = re.compile(r"^(?:(.{2,40}?),\s*)?ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)
_NATIONAL = re.compile(r"CỘNG H[ÒO]A|Độc lập|ĐỘC LẬP|^[-\s]*$")
SIGN_ROLE = re.compile(r"^(?:TM\.|T/M|KT\.|Q\.|TL\.|TUQ\.|CHỦ TỊCH|PHÓ CHỦ TỊCH|TRƯỞNG BAN|BAN )", re.I)
RECIPIENTS = re.compile(r"^N[ơo]i nhận\s*:?", re.I)

# words that keep a capital inside an otherwise sentence-cased name
_PROPER = [
    "Liên đoàn Lao động", "Tổng Liên đoàn", "Công đoàn", "Viên chức", "Việt Nam", "Ban Chấp hành",
    "Ban Thường vụ", "Quốc hội", "Chính phủ", "Đảng", "Nhà nước", "Lao động",
]
_PLACE_WORDS = ("tỉnh", "thành phố", "huyện", "quận", "thị xã")
# abbreviations that stay in capitals inside a sentence-cased name ("Trường THCS Bản Giang")
_ACRONYMS = ("THCS", "THPT", "TH", "MN", "PTDTBT", "PTDTNT", "GDTX", "UBND", "HĐND", "MTTQ", "LĐLĐ", "CĐCS", "CĐVC",
             "TNHH", "CP", "ĐH", "CNVCLĐ")
# a school or a company is named after its kind: "trường THCS bản giang" → "trường THCS Bản Giang"
_NAMED_AFTER = re.compile(r"\b(trường(?: (?:THCS|THPT|TH|MN|PTDTBT|PTDTNT|GDTX|mầm non|tiểu học|trung học cơ sở|"
                          r"trung học phổ thông))+|công ty(?: (?:TNHH|CP|cổ phần))*) (.+)$")


def doc_type_of(line: str) -> tuple[str, str] | None:
    """('Chương trình hành động', rest) when the line opens with a document type in capitals."""
    upper = line.upper()
    if upper != line:
        return None
    for name in DOC_TYPES:
        if upper.startswith(name.upper()) and (len(upper) == len(name) or upper[len(name)] in " :"):
            return name, line[len(name):].strip(" :")
    return None


def proper_case(text: str) -> str:
    """'CÔNG ĐOÀN VIÊN CHỨC TỈNH BÌNH ĐỊNH' → 'Công đoàn Viên chức tỉnh Bình Định'."""
    if text != text.upper():
        return text
    s = text.lower()
    for phrase in _PROPER:
        s = re.sub(rf"\b{re.escape(phrase.lower())}\b", phrase, s)
    for acronym in _ACRONYMS:
        s = re.sub(rf"(?<!\w){re.escape(acronym.lower())}(?!\w)", acronym, s)
    s = _NAMED_AFTER.sub(lambda m: m.group(1) + " " + _title(m.group(2)), s)
    for word in _PLACE_WORDS:   # the place name after "tỉnh …" is capitalised word by word
        s = re.sub(rf"\b({word}) (.+)$", lambda m: m.group(1) + " " + m.group(2).title(), s)
    return s[:1].upper() + s[1:]


_SECTOR = re.compile(r"\b(ngành) ([a-zà-ỹđ])")


def sector_case(name: str) -> str:
    """The sector in an organisation's name is capitalised: "Công đoàn ngành Giáo dục" (not in titles)."""
    return _SECTOR.sub(lambda m: m.group(1) + " " + m.group(2).upper(), name)


def _title(name: str) -> str:
    """Each word capitalised, abbreviations kept: "bản giang" → "Bản Giang"."""
    return " ".join(w if w.isupper() else w[:1].upper() + w[1:] for w in name.split(" "))


# the paragraph after a title that opens the body: "Thực hiện Kế hoạch số 20/KH-LĐLĐ … của …, Ban Thường vụ
# … xây dựng Kế hoạch như sau:". A title may itself begin "Thực hiện Nghị quyết …" (seed 2023), so such a
# line ends the title only after a first title line, and only when it reads as a sentence: closed by
# punctuation, or longer than a title line is written (120 characters, a judgement: the seeds' titles are
# unchanged by it, tests/ingest/test_parse.py)
_OPENS_BODY = re.compile(r"^(?:Thực hiện|Căn cứ|Theo|Để|Nhằm|Triển khai|Được sự|Trên cơ sở|Qua|Ngày \d)\b")
OPENING_MIN_CHARS = 120


def opens_body(line: str, title: list[str]) -> bool:
    """True when `line`, after the title lines so far, is the body's opening sentence, not more title."""
    if line.rstrip().endswith(":"):
        return True
    return bool(title) and bool(_OPENS_BODY.match(line)) \
        and (len(line) > OPENING_MIN_CHARS or line.rstrip()[-1:] in ".;,")


def iso_date(day: str, month: str, year: str) -> str | None:
    d, m, y = int(day), int(month), int(year)
    if 1 <= d <= 31 and 1 <= m <= 12 and 1900 < y < 2200:
        return f"{y:04d}-{m:02d}-{d:02d}"
    return None


def parse_header(lines: list[str]) -> tuple[dict, int]:
    """Read type/number/place/date/issuer/title from the top lines; returns (fields, body start)."""
    fields: dict = {}
    orgs: list[str] = []
    i = 0
    limit = min(len(lines), 30)
    while i < limit:
        line = lines[i]
        if "number" not in fields and len(line) < 120 and (m := _NUMBER.search(line)):
            fields["number"] = m.group(1).rstrip(".")
            head = line[: m.start()].strip()
            if head and head.upper() == head and not _NATIONAL.search(head):
                orgs.append(head)
        elif "date" not in fields and (m := _DATE.match(line)):
            fields["place"] = (m.group(1) or "").strip() or None
            fields["date"] = iso_date(m.group(2), m.group(3), m.group(4))
        elif (t := doc_type_of(line)) is not None:
            fields["doc_type"], rest = t
            title = [rest] if rest else []
            i += 1
            while i < len(lines) and len(" ".join(title + [lines[i]])) < 400 and len(lines[i]) < 300 \
                    and not lines[i].startswith("Căn cứ") and not _NUMBER.match(lines[i]) \
                    and not opens_body(lines[i], title):
                if re.match(r"^(?:[IVX]+\.|\d+\.|Điều|Chương|Phần|PHẦN|CHƯƠNG\s+[IVX\d])", lines[i]):
                    break
                title.append(lines[i])
                i += 1
            if title:
                fields["title"] = proper_case(" ".join(title)).strip(" :")
            break
        elif line.isupper() and not _NATIONAL.search(line) and len(line) < 120:
            orgs.append(line)
        elif len(line) > 200:
            break
        i += 1
    if orgs:
        fields["issuer"] = with_parent(sector_case(proper_case(orgs[-1].strip(" -"))), orgs[:-1])
        fields["organisations"] = tuple(o.strip(" -") for o in orgs)   # every line: part of identity
    if "doc_type" not in fields:
        i = 0
    return fields, i


def parse_closing(lines: list[str]) -> dict:
    """Recipients and signature from the closing lines (Nơi nhận … TM. … name)."""
    fields: dict = {}
    recipients: list[str] = []
    in_recipients = False
    roles: list[str] = []
    for line in lines:
        if RECIPIENTS.match(line):
            in_recipients = True
            rest = RECIPIENTS.sub("", line).strip()
            if rest:
                recipients.append(rest)
            continue
        if SIGN_ROLE.match(line):
            in_recipients = False
            roles.append(line)
            continue
        if in_recipients and re.match(r"^[-+•·}]\s*", line):
            item = recipient(line)
            if item:
                recipients.append(item)
            continue
        if roles and _looks_like_name(line):
            fields["signer"] = line.strip()
    if recipients:
        fields["recipients"] = tuple(recipients)
    role = next((r for r in roles if r.upper().startswith(("TM.", "T/M"))), None)
    if role and "issuer" not in fields:
        fields["issuer_from_signature"] = proper_case(re.sub(r"^(TM\.|T/M)\s*", "", role, flags=re.I))
    return fields


# a Word brace grouping lines ("}") and the purpose notes written beside them ("B/c" báo cáo, "t/h" thực hiện)
_RECIPIENT_NOTE = re.compile(r"[\s;,]*[{}]?\s*\(?\s*(?:b/c|t/h|đ/b|để b/c|để t/h|để biết|báo cáo|thực hiện)\s*\)?"
                             r"[\s;.,]*$", re.I)


def recipient(line: str) -> str:
    """One recipient without its bullet, stray braces or purpose note: "- } B/c" → ""."""
    item = re.sub(r"^[-+•·}\s]+", "", line)
    item = _RECIPIENT_NOTE.sub("", item)
    return item.replace("}", "").replace("{", "").strip(" ;.,")


def _looks_like_name(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= 5 and all(w[:1].isupper() and w[1:].islower() for w in words) \
        and not any(ch.isdigit() for ch in line)


def build_meta(header: dict, closing: dict) -> DocMeta:
    issuer = header.get("issuer") or closing.get("issuer_from_signature")
    return DocMeta(
        doc_type=header.get("doc_type"),
        number=header.get("number"),
        issuer=issuer,
        place=header.get("place"),
        date=header.get("date"),
        title=header.get("title"),
        signer=closing.get("signer"),
        recipients=closing.get("recipients", ()),
    )


_UNION_UNIT = re.compile(r"(?:Công đoàn|Nghiệp đoàn|Liên đoàn)\b", re.I)


def with_parent(unit: str, above: list[str]) -> str:
    """A unit whose name names nothing ("Công đoàn cơ sở", "Công đoàn bộ phận số 2": no proper name after
    its first word) keeps the organisation above it, so two units' "12/KH-CĐCS" read apart in citations:
    "Công đoàn cơ sở (Liên đoàn Lao động huyện Mường Tè)"."""
    if not above or not _UNION_UNIT.match(unit) or any(w[:1].isupper() for w in unit.split()[1:]):
        return unit
    return f"{unit} ({sector_case(proper_case(above[-1].strip(' -')))})"


# bodies that sign for an organisation: on their own they do not say which union issued the document
GENERIC_ISSUERS = ("ban chấp hành", "ban thường vụ", "ban chấp hành tổng liên đoàn")
_ORG = r"(?:Liên đoàn Lao động|Công đoàn|LĐLĐ)(?:\s+(?:ngành|tỉnh|thành phố|huyện|Viên chức|Giáo dục))*" \
       r"(?:\s+[A-ZĐ][\wÀ-ỹ]*)*"
_BODY_OF_ORG = re.compile(rf"\b(?:Ban Chấp hành|Ban Thường vụ|BCH|BTV)\s+({_ORG})")
_ORG_IN_TITLE = re.compile(rf"\b({_ORG}\s+(?:tỉnh|thành phố)\s+[A-ZĐ][\wÀ-ỹ]*(?:\s+[A-ZĐ][\wÀ-ỹ]*)*)")


def organisation(meta: DocMeta, opening: str) -> DocMeta:
    """When the issuer is only a body ("Ban Chấp hành"), name the organisation it belongs to, from the
    opening text ("Ban Thường vụ Liên đoàn Lao động tỉnh Lai Châu báo cáo …") or the title, with the place
    when the text says only "tỉnh": "Liên đoàn Lao động tỉnh Lai Châu — Ban Thường vụ"."""
    body = meta.issuer or ""
    if body and body.lower() not in GENERIC_ISSUERS:
        return meta
    opening = re.sub(r"\s*\([^)]{1,20}\)", "", opening)    # "Liên đoàn Lao động (LĐLĐ) tỉnh"
    found = _BODY_OF_ORG.search(opening) or _ORG_IN_TITLE.search(meta.title or "")
    if not found:
        return meta
    if not body and found.re is _BODY_OF_ORG:   # no signing block: the opening names the body too
        body = proper_case(found.group(0)[: found.start(1) - found.start(0)].strip())
    org = " ".join(found.group(1).split())
    place = (meta.place or "").strip()
    if place and re.search(r"\b(?:tỉnh|thành phố)$", org):
        org = f"{org} {place}"
    return replace(meta, issuer=f"{org} — {body}" if body else org)


# "nhiệm kỳ 2023 - 2028", "giai đoạn 2018-2023", "2021 – 2025": a term or period of years
_PERIOD = re.compile(r"(?:nhiệm kỳ|giai đoạn|thời kỳ)\s*\(?\s*((?:19|20)\d\d)\s*[-–—]\s*(?:19|20)\d\d", re.I)


def inferred_year(meta: DocMeta, opening: str) -> DocMeta:
    """An undated document's year from the term or period its title (else its opening) names: the first
    year of the term, when the programme of that term is written."""
    if meta.date:
        return meta
    found = _PERIOD.search(meta.title or "") or _PERIOD.search(opening)
    return replace(meta, inferred_year=int(found.group(1))) if found else meta
