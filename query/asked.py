"""What a question asks for, and whether a quoted text holds it: the answerability test of a quote.

    facets("Cán bộ đi học thạc sĩ được hỗ trợ bao nhiêu tiền?")   -> {"money"}
    holds("money", "- Phấn đấu 50% cán bộ … có trình độ thạc sĩ")   -> False   (a share, not an amount)
    specifics("Khi nào tổ chức Đại hội lần thứ XV?")                -> {"xv"}

A quote answers a question only when it holds what the question asks: an amount of money for "bao nhiêu
tiền", a time for "khi nào", a length of time for "bao lâu", a number for "bao nhiêu", a person's name for
"ai là …", steps or papers for "thủ tục", a condition for "điều kiện". And every number, year or
roman numeral the question gives ("năm 2031", "lần thứ XV") must be written in the quote or the headings
it stands under. A quote that shares the question's words but not what it asks is the confident wrong
answer a cadre would act on; the composer skips it, and abstains when nothing else is left.
"""
from __future__ import annotations

import re

from core.text import fold
from index.analyze import has_diacritics
from index.analyze import words as words_of

# question side, on the folded question; the first facets listed win over the broader "count"
_ASKS = {
    "money": r"\b(?:bao nhieu tien|may tien|tien (?:thuong|ho tro|luong|phu cap|an|tro cap)|muc (?:ho tro|thuong|"
             r"phu cap|luong|tro cap|chi|dong|tien|hoc phi)|phu cap|tro cap|hoc phi|tien luong|luong cua|vay von|"
             r"bao nhieu dong|ho tro (?:\w+ ){0,3}bao nhieu(?! (?:phan tram|nguoi|can bo|doan vien|lan|luot|%)))\b",
    "procedure": r"\b(?:thu tuc|quy trinh|trinh tu|cac buoc|nhung buoc|buoc nao|ho so|giay to|lam the nao|lam sao de|"
                 r"cach (?:lam|thuc hien|de|nao))\b",
    "condition": r"\b(?:dieu kien|tieu chuan) (?:de|gi|nao|xet|la gi|can|duoc)|\bcan (?:nhung )?gi de\b",
    "person": r"\b(?:ai la|la ai|nguoi nao|ho ten|ten (?:cua )?(?:nguoi|dong chi|ong|ba)|dong chi nao)\b",
    "name": r"\bten (?:la )?gi\b|\bten goi\b",
    "frequency": r"\b(?:may lan|bao nhieu lan|mot lan|dinh ky (?:\w+ ){0,3}(?:bao lau|may))\b",
    "duration": r"\b(?:bao lau|may nam|bao nhieu nam|may thang|bao nhieu thang|may ngay|bao nhieu ngay|"
                r"(?:thoi gian|thoi han) (?:\w+ ){0,8}(?:bao lau|bao nhieu))\b",
    "date": r"\b(?:ngay nao|ngay bao nhieu|ngay may|han chot|han nop|han cuoi)\b",
    "when": r"\b(?:khi nao|bao gio|luc nao|thoi diem nao|thang nao|nam nao)\b",
    "count": r"\b(?:bao nhieu|may(?! tinh| moc| chu| bay| in)|so luong|ty le|phan tram|gap (?:\w+ ){0,2}lan)\b",
}
# "bao nhiêu tiền" asks money, not any number; "bao lâu … một lần" a frequency, not a length
_NARROWER = {"count": ("money", "frequency", "duration", "date"), "duration": ("frequency",), "when": ("date",)}

# text side, on the folded text of the quote (and, where it says so, its headings)
_MONEY = re.compile(r"\d[\d.,]*\s*(?:dong|nghin|ngan|trieu|ty(?! le)|vnd)\b|\d+(?:[.,]\d+)?\s*%\s*(?:\S+\s+){0,4}?"
                    r"(?:tien luong|quy luong|muc luong)\b|\b(?:luong co so|luong toi thieu|thang luong|"
                    r"lan muc luong|muc huong)\b")
_PROCEDURE = re.compile(r"\b(?:thu tuc|quy trinh|trinh tu|buoc \d|cac buoc|ho so|giay to|dang ky|don de nghi|"
                        r"nop (?:ho so|don|ban)|gom (?:co )?:)")
_CONDITION = re.compile(r"(?<!tao )\bdieu kien\b|\btieu chuan\b|\btieu chi\b|\bphai (?:co|dat|bao dam|dam bao)\b")
_FREQUENCY = re.compile(r"\b(?:hang|moi) (?:nam|thang|quy|tuan|ngay)\b|\bdinh ky\b|\b\d+ lan\b|\bmot lan\b|"
                        r"\bthuong xuyen\b|\b\d+ thang\b")
_DURATION = re.compile(r"\b(?:\d+|mot|hai|ba|bon|sau|bay|tam|chin|muoi)\s+(?:nam|thang|ngay|tuan|gio|ky)\b")
_DATE = re.compile(r"\b(?:ngay \d|thang \d|\d{1,2}/\d{1,2}(?:/\d{4})?|truoc ngay|cham nhat|quy [ivx\d])")
# a time, or, as laws answer "khi nào", the case or moment it applies in ("Trong trường hợp …", "sau khi …")
_WHEN = re.compile(r"\b(?:ngay \d|thang \d|nam \d{4}|\d{1,2}/\d{1,2}(?:/\d{4})?|quy [ivx\d]|hang (?:nam|thang|quy)|"
                   r"dinh ky|truoc ngay|cham nhat|(?:19|20)\d\d|khi|neu|trong truong hop|ke tu|trong thoi han|"
                   r"tu ngay|den ngay|thoi diem)\b")
# a number that counts something: not a year, a date, a document number or a heading's own numbering
_NOT_COUNTS = re.compile(r"\b\d+[/-][\w/-]+|\b(?:19|20)\d\d\b|^\s*(?:[ivx]+|\d+(?:\.\d+)*)[.)]\s|\b\d{1,2}/\d{1,2}|"
                         r"\b(?:khoan|dieu|diem|chuong|muc|phan) \d+")
# "… bao gồm:" followed by its points answers "có bao nhiêu …" by listing them
_LISTS = re.compile(r"\b(?:bao gom|gom co|sau day|nhu sau)\b|:\s*$")
_PERSON = re.compile(
    r"\b(?:Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý|Lương|Đinh|Trịnh|Đoàn|Mai|Tô|"
    r"Lò|Lường|Tòng|Quàng|Vàng|Giàng|Sùng|Thào|Lù|Chu|Cao|Lâm|Tạ|Đào|Triệu|Kiều|Nông|Vi|Hứa|Lục)"
    r"(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){1,3}\b")
_NAMED_THING = re.compile(r"[“\"«][^”\"»]{3,}[”\"»]|(?<=\w )(?:[A-ZĐ][a-zà-ỹđ]+\s+){1,}[A-ZĐ][a-zà-ỹđ]+")

# facets checked against the quoted unit alone (the value must be quoted), or with its headings too
_IN_UNIT = {"money", "count", "duration", "frequency", "person", "name"}


# "…, đúng hay sai?", "… phải không?", "Điều nào sau đây không đúng …": the question states a claim to check, and
# its numbers, names and words are the claim's, not a fact it asks for (the ALQAC questions are mostly such)
_CHECK = re.compile(r"(?:dung hay sai|dung hay khong|phai khong|dung khong|co phai khong|hay khong|dung chua)\W*$|"
                    r"\bnao (?:sau|duoi) day\b")


def is_check(question: str) -> bool:
    return bool(_CHECK.search(" ".join(re.findall(r"\w+", fold(question)))))


def facets(question: str) -> frozenset[str]:
    """The kinds of fact the question asks for (folded matching, so unaccented questions read the same)."""
    q = " ".join(re.findall(r"\w+|%", fold(question)))
    found = {name for name, pattern in _ASKS.items() if re.search(pattern, q)}
    for broad, narrower in _NARROWER.items():
        if broad in found and found & set(narrower):
            found.discard(broad)
    return frozenset(found)


def holds(facet: str, unit: str, context: str = "") -> bool:
    """Whether a quote (its unit, and for some facets the headings above it) holds what the facet asks."""
    text = unit if facet in _IN_UNIT else f"{context}\n{unit}"
    if facet == "person":
        return bool(_PERSON.search(text))
    if facet == "name":
        return bool(_NAMED_THING.search(text))
    folded = fold(text)
    if facet == "count":
        return bool(re.search(r"\d", _NOT_COUNTS.sub(" ", folded)) or re.search(r"\b(?:toan bo|tat ca)\b", folded)
                    or _LISTS.search(folded))
    pattern = {"money": _MONEY, "procedure": _PROCEDURE, "condition": _CONDITION, "frequency": _FREQUENCY,
               "duration": _DURATION, "when": _WHEN, "date": _DATE}[facet]
    return bool(pattern.search(folded))


# "thủ tục kết nạp đoàn viên": a procedure, a name or a condition is asked of something; the quote must name it
_OBJECT_AFTER = re.compile(r"\b(?:thu tuc|quy trinh|trinh tu|ho so|lam the nao de|lam sao de|cach thuc|cach)"
                           r"((?: \w+){1,3})")
_OBJECT_SKIP = {"de", "cua", "cho", "ve", "viec", "khi", "duoc", "xin", "the", "nao", "gom", "nhung", "cac", "la"}


def objects(question: str, asked: frozenset[str]) -> tuple[str, ...]:
    """The folded words the quote must contain besides the facet itself: what the procedure is for
    ("thủ tục kết nạp …" → "ket nap"), what the name is asked of ("phần mềm … tên là gì" → "phan mem")."""
    q = " ".join(re.findall(r"\w+", fold(question)))
    out = []
    if "procedure" in asked and (m := _OBJECT_AFTER.search(q)):
        words = [w for w in m.group(1).split() if w not in _OBJECT_SKIP]
        if len(words) >= 2:
            out.append(" ".join(words[:2]))
    if "name" in asked:
        words = [w for w in q.split() if w not in _OBJECT_SKIP]
        if len(words) >= 2:
            out.append(" ".join(words[:2]))
    return tuple(out)


def names_all(wanted: tuple[str, ...], text: str) -> bool:
    folded = " ".join(re.findall(r"\w+", fold(text)))
    return all(f" {w} " in f" {folded} " for w in wanted)


_SPECIFIC = re.compile(r"\b\d+(?:[.,]\d+)*\b|\b[IVXLC]{2,6}\b")


def specifics(question: str) -> frozenset[str]:
    """The numbers, years and roman numerals a question gives, as they must appear in an answer's text:
    folded, leading zeros dropped ("03 khâu" and "3 khâu" are one), document numbers left to index/named.py."""
    text = re.sub(r"\b\d+(?:/[\w-]+)+|\b\d+-[^\W\d][\w/-]*", " ", question)   # "01/CTr-LĐLĐ" names a document
    return frozenset(_plain(m.group(0)) for m in _SPECIFIC.finditer(text))


def mentions_all(wanted: frozenset[str], text: str) -> bool:
    """Whether every specific of a question is written in this text."""
    if not wanted:
        return True
    have = {_plain(m.group(0)) for m in _SPECIFIC.finditer(text)}
    # a year inside a term or period the text gives ("nhiệm kỳ 2023 - 2028" covers 2025)
    spans = [(int(a), int(b)) for a, b in re.findall(r"\b((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)\b", text)]
    have |= {w for w in wanted if w.isdigit() and len(w) == 4 and any(a <= int(w) <= b for a, b in spans)}
    return wanted <= have


def _plain(token: str) -> str:
    token = token.lower()
    return (token.lstrip("0") or "0") if token.isdigit() else token


WHAT = {   # what an abstention says was not found, per facet
    "money": "số tiền, mức hỗ trợ cụ thể",
    "procedure": "thủ tục, các bước thực hiện",
    "condition": "điều kiện, tiêu chuẩn cụ thể",
    "person": "tên người cụ thể",
    "name": "tên gọi cụ thể",
    "frequency": "bao lâu một lần",
    "duration": "khoảng thời gian cụ thể",
    "when": "thời gian cụ thể",
    "date": "ngày tháng, thời hạn cụ thể",
    "count": "con số cụ thể",
}


# words that frame a question and may be written in no document ("gồm những gì", "phần trăm" is written "%"),
# and the function words a small corpus may lack
_FRAME_WORDS = set("gi nao sao dau gom ai khong chua the nhe a oi tram may bao nhieu lam ra la co cua va cac nhung "
                   "duoc cho ve trong theo de khi thi voi tu den tai o mot hay hoac nay do ay".split())
_FRAME_COMPOUNDS = {"dinh nghia", "khai niem", "y nghia", "mot vai", "mot so", "cu the", "vi du", "nhu the", "the nao"}


def unknown_words(question: str, df) -> list[str]:
    """The question's own words that no indexed passage writes, as typed: a question about "họp" or
    "tập sự" when no document mentions them is a question the documents cannot answer. Names (capitalised
    words after the first), numbers and framing words are left out; `df(folded_word)` is the corpus count."""
    words = re.findall(r"[^\W\d_]+", question)
    out = []
    for i, word in enumerate(words):
        folded = fold(word)
        if len(folded) < 2 or folded in _FRAME_WORDS or (i and word[:1].isupper()):
            continue
        if df(folded) == 0:
            out.append(word)
    # a compound the question writes ("tập sự", "khai giảng") whose syllables the documents only use apart
    if has_diacritics(question):
        for token in words_of(question):
            word = token[2:].replace("_", " ")
            parts = fold(word).split()
            if len(parts) == 2 and word[:1].islower() and not set(parts) & _FRAME_WORDS \
                    and " ".join(parts) not in _FRAME_COMPOUNDS and df("_".join(parts)) == 0:
                out.append(word)
    return out
