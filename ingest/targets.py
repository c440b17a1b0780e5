"""Targets (chỉ tiêu) stated in programmes, plans and reports: pure functions over a parsed Document.

A target is a line of a "chỉ tiêu" section (or a report's "Mục tiêu (n): …" line) that states a quantity:
"100% chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng", "Phấn đấu 50% cán bộ … có trình độ thạc sĩ",
"có 24.500 đoàn viên". A line holding several quantities ("…; 100% cán bộ …, trong đó có 80% trở lên …")
gives one target per clause. A report's verdict at the end of a line ("(*Đạt*)", "(*Vượt, 100%*)") is kept.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from core.text import fold
from ingest.records import Document, Section

# the heading words that make a section a list of targets (folded): "Chỉ tiêu hàng năm", "II. CHỈ TIÊU",
# "Mục tiêu và các chỉ tiêu cụ thể"
_TARGET_HEADING = re.compile(r"\bchi tieu\b")
_GOAL_LINE = re.compile(r"^Mục tiêu\s*\((\d+)\)\s*:\s*", re.I)
_BULLET = re.compile(r"^\s*[-+•·▪●◦–]\s*")
_VERDICT = re.compile(r"\(\*?\s*((?:Đạt|Vượt|Không đạt|Chưa đạt)[^)*]*)\*?\)\s*\.?\s*$")
_PERCENT = r"\d{1,3}(?:[.,]\d+)?\s?%"
_COUNT = r"\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?"
# a quantity: a range ("từ 3 đến 4", "từ 1,5 đến 2 lần"), a percentage, or a count followed by its noun
_QUANTITY = re.compile(
    rf"(?:từ\s+(?:{_COUNT})(?:\s*%)?\s+đến\s+(?:{_COUNT})(?:\s*%)?(?:\s+lần)?)|(?:{_PERCENT})|"
    rf"(?:\b(?:{_COUNT})\b(?=\s+(?:đoàn viên|cán bộ|CĐCS|công đoàn|người|lượt|doanh nghiệp|đơn vị|"
    rf"lần|chi|tổ|hội|sáng kiến|công trình|mô hình)))"
)
# qualifiers kept with the value; folded text is matched so OCR or typing without marks still counts
_QUALIFIERS = (("phan dau", "phấn đấu"), ("it nhat", "ít nhất"), ("toi thieu", "tối thiểu"),
               ("tren", "trên"), ("tro len", "trở lên"), ("khong qua", "không quá"), ("toi da", "tối đa"),
               ("dat tu", "đạt từ"), ("khong duoi", "không dưới"))
_PERIODS = (
    (re.compile(r"\b(?:hang|hiang) nam\b"), "hàng năm"),
    (re.compile(r"\bden (?:nam|het nam) (\d{4})\b"), "đến năm {0}"),
    (re.compile(r"\bnhiem ky (\d{4})\s*-\s*(\d{4})\b"), "nhiệm kỳ {0}–{1}"),
    (re.compile(r"\b(?:trong|het|cuoi) nhiem ky\b|\bchi tieu nhiem ky\b"), "nhiệm kỳ"),
)
_TERM = re.compile(r"nhiệm kỳ\s*(\d{4})\s*[-–]\s*(\d{4})", re.I)
MAX_SUBJECT = 160


# qualifiers written after the value: "80% trở lên"; the others come before it: "trên 90%", "phấn đấu 50%"
AFTER_VALUE = ("trở lên",)


@dataclass(frozen=True)
class Target:
    doc_id: str
    section_id: str
    subject: str          # who or what: "chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng"
    value: str            # "100%", "24.500", "từ 3 đến 4"
    qualifier: str        # "phấn đấu", "trên", "trở lên", "ít nhất" … joined by ", "; "" when none
    period: str           # "hàng năm", "đến năm 2030", "nhiệm kỳ 2023–2028"; "" when the text gives none
    text: str             # the whole line, verbatim
    verdict: str = ""     # a report's result for it: "Đạt", "Vượt, 100%"

    @property
    def unit(self) -> str:
        """What the value measures: "%" (a share), "lần" (a multiple) or "số" (a count of people, units …).
        Values of different units are never compared as one number (24.500 members is not above 100%)."""
        return "%" if "%" in self.value else "lần" if self.value.endswith("lần") else "số"

    @property
    def number(self) -> float | None:
        """The value's first number read the Vietnamese way: "24.500" → 24500, "từ 1,5 đến 2 lần" → 1.5."""
        m = re.search(r"\d[\d.,]*", self.value)
        if not m:
            return None
        digits = m.group(0).rstrip(".,")
        digits = digits.replace(".", "") if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", digits) else digits.replace(",", ".")
        return float(digits)

    @property
    def stated(self) -> str:
        """The value as the document words it: "trên 90%", "80% trở lên", "phấn đấu 50%"."""
        words = [q for q in self.qualifier.split(", ") if q]
        before = " ".join(q for q in words if q not in AFTER_VALUE)
        after = " ".join(q for q in words if q in AFTER_VALUE)
        return " ".join(p for p in (before, self.value, after) if p)


def extract_targets(doc: Document) -> list[Target]:
    """Every target a document states, in document order."""
    term = _term(doc)
    out: list[Target] = []
    for section in doc.sections:
        if section.kind == "closing":
            continue
        in_targets = any(_TARGET_HEADING.search(fold(h)) for h in section.heading_path)
        lines = section.text.split("\n")
        for i, line in enumerate(lines):
            if in_targets or _GOAL_LINE.match(line) or _VERDICT.search(line):
                out.extend(_line_targets(doc.id, section, line, term, _carried_verdict(lines, i)))
    return out


def _carried_verdict(lines: list[str], i: int) -> str:
    """A report's goal whose verdict stands at the end of the goal's next line: "Mục tiêu (5): … 100% cán bộ
    chuyên trách …;" then, past a footnote, "100% cán bộ không chuyên trách … (*Đạt*)" (seed 2024-05)."""
    if not _GOAL_LINE.match(lines[i]) or _VERDICT.search(lines[i]) or not lines[i].rstrip().endswith((";", ",")):
        return ""
    following = lines[i + 1] if i + 1 < len(lines) else ""
    found = _VERDICT.search(following)
    return found.group(1).strip() if found and not _GOAL_LINE.match(following) else ""


def _line_targets(doc_id: str, section: Section, line: str, term: str, carried: str = "") -> list[Target]:
    text = line.strip()
    body = _GOAL_LINE.sub("", _BULLET.sub("", text))
    verdict_match = _VERDICT.search(body)
    verdict = verdict_match.group(1).strip() if verdict_match else carried
    if verdict_match:
        body = body[: verdict_match.start()].rstrip()
    line_period = _period(body) or _period(" ".join(section.heading_path[-1:]))
    first = _QUANTITY.search(body)
    lead = _lead(body[: first.start()]) if first else []   # "Phấn đấu …" governs what follows it
    out: list[Target] = []
    previous = ""      # the subject a ", trong đó …" part is a share of
    for clause, part_of in _clauses(body):
        found = list(_QUANTITY.finditer(clause))
        # each quantity with the words before it (back to the previous one) and after it (up to the next)
        sides = [(clause[found[i - 1].end() if i else 0: m.start()],
                  clause[m.end(): found[i + 1].start() if i + 1 < len(found) else len(clause)])
                 for i, m in enumerate(found)]
        # only the first quantity's "before" is its own: the others' is the previous quantity's subject
        subjects = _shared_predicate([_subject(before if i == 0 else "", after)
                                      for i, (before, after) in enumerate(sides)])
        for i, m in enumerate(found):
            qualifiers = _qualifiers(*sides[i]) or lead
            period = _period(clause) or line_period
            # "trong đó có 80% trở lên [có trình độ cao cấp]" names no one: it is a share of the subject before
            bare = _PREDICATE.match(" " + subjects[i] + " ") is not None
            subject = f"{previous} — trong đó {subjects[i]}" if part_of and previous and bare else subjects[i]
            out.append(Target(doc_id=doc_id, section_id=section.id, subject=_shorter(subject),
                              value=" ".join(m.group(0).split()), qualifier=", ".join(qualifiers),
                              period=term if period == "nhiệm kỳ" and term else period, text=text,
                              verdict=verdict))
        if subjects and not part_of:
            previous = subjects[-1]
    return out


def _clauses(body: str) -> list[tuple[str, bool]]:
    """A line cut at ";" and at ", trong đó": each part states at most a few quantities of one subject.
    The flag marks a "trong đó" part: a share of the subject before it ("100% cán bộ có trình độ lý luận
    chính trị từ trung cấp trở lên, trong đó có 80% trở lên có trình độ cao cấp")."""
    out = []
    for piece in re.split(r";\s*", body):
        for j, part in enumerate(re.split(r",\s*trong đó\s+", piece)):
            if part.strip(" ."):
                out.append((part.strip(" ."), j > 0))
    return out


# the verb that starts what is said of a subject: "CĐCS khu vực ngoài nhà nước [xếp loại hoàn thành tốt …]"
_PREDICATE = re.compile(r"\s(?:xếp loại|được|tham gia|có|đạt|hoàn thành|thực hiện|tổ chức|triển khai|cam kết)\s")


def _shared_predicate(subjects: list[str]) -> list[str]:
    """Quantities listed before one predicate share it: "90% công đoàn cấp trên trực tiếp cơ sở, 85% CĐCS
    khu vực nhà nước và 80% CĐCS khu vực ngoài nhà nước xếp loại hoàn thành tốt nhiệm vụ trở lên"."""
    if len(subjects) < 2:
        return subjects
    found = _PREDICATE.search(" " + subjects[-1] + " ")
    if not found or found.start() == 0:
        return subjects
    predicate = (" " + subjects[-1])[found.start():].strip()
    return [s if _PREDICATE.search(" " + s + " ") else f"{s} {predicate}" for s in subjects[:-1]] + subjects[-1:]


# what opens a clause without naming its subject: "Hết nhiệm kỳ, phấn đấu …", "Đảm bảo …", "Trong nhiệm kỳ …"
_FRAMING = re.compile(r"^(?:(?:hết|trong|cuối) nhiệm kỳ|đến (?:hết )?năm \d{4}|hằng năm|hàng năm|phấn đấu|đảm bảo|"
                      r"bảo đảm|có)\b[\s,]*", re.I)
# the words of a long "before" kept as the subject: the tail of the clause, in whole comma parts (15: the
# seeds' longest lead-in, seed 2018's "Trên cơ sở quy hoạch, … bầu cử và bổ nhiệm các chức danh lãnh đạo,
# quản lý đổi mới", keeps its last two parts, 13 words, and none of its framing)
BEFORE_WORDS = 15


def _subject(before: str, after: str) -> str:
    """Who or what the quantity counts: the words after it ("100% [chủ tịch CĐCS được đào tạo]"); when it
    ends its clause ("tỷ lệ cán bộ trẻ không dưới 10%") or compares with a base ("tỷ lệ … đạt từ 1,5 đến 2
    lần số cán bộ đương nhiệm"), the words before it; a short noun after it ("có 24.500 đoàn viên") takes
    what comes before as context: "đoàn viên (Công đoàn tỉnh Lai Châu)"."""
    after = re.sub(r"^\s*(?:trở lên|trở xuống|lần)\b", "", after).strip(" ,.")
    after = re.sub(r"\s+(?:và|,)$", "", after.strip()).strip(" ,.")
    before = re.sub(r"\b(?:có|đạt|đạt từ|đảm bảo|bảo đảm|phấn đấu|Phấn đấu|trên|ít nhất|tối thiểu|không dưới|từ)\s*$",
                    "", before.strip()).strip(" ,.:")
    while (framed := _FRAMING.sub("", before)) != before:
        before = framed
    before = _tail(before.strip(" ,.:"))
    if not after:
        subject = before
    elif before and after.startswith(("số ", "so với ")):
        subject = f"{before}, so với {after.removeprefix('so với ')}"
    elif len(after.split()) >= 3 or not before:
        subject = after
    else:
        subject = f"{after} ({before})"
    return " ".join(subject.split())


def _tail(text: str) -> str:
    """The last comma parts of a long lead-in, up to BEFORE_WORDS words: "Trên cơ sở quy hoạch, …, bầu cử và
    bổ nhiệm các chức danh lãnh đạo, quản lý đổi mới" → "bầu cử và bổ nhiệm các chức danh lãnh đạo, quản lý đổi mới"."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    kept: list[str] = []
    while parts and (not kept or sum(len(p.split()) for p in kept) + len(parts[-1].split()) <= BEFORE_WORDS):
        kept.insert(0, parts.pop())
    return ", ".join(kept)


def _shorter(subject: str) -> str:
    return subject if len(subject) <= MAX_SUBJECT else subject[:MAX_SUBJECT].rsplit(" ", 1)[0] + " …"


def _qualifiers(before: str, after: str) -> list[str]:
    """The qualifiers written right beside a quantity: "có trên 90%", "80% trở lên", "không dưới 10%"."""
    b, a = fold(before), fold(after)
    return [word for key, word in _QUALIFIERS if re.search(rf"\b{key}\s*$", b) or re.match(rf"\s*{key}\b", a)]


def _lead(text: str) -> list[str]:
    """An aspiration opening a line ("Phấn đấu đến năm 2023, có …") governs every quantity after it."""
    return ["phấn đấu"] if re.search(r"\bphan dau\b", fold(text)) else []


def _period(text: str) -> str:
    folded = fold(text)
    for pattern, label in _PERIODS:
        m = pattern.search(folded)
        if m:
            return label.format(*m.groups())
    return ""


def _term(doc: Document) -> str:
    """The document's term ("nhiệm kỳ 2023–2028") from its title or opening, if it names one."""
    opening = " ".join([doc.meta.title or "", *(s.text[:400] for s in doc.sections[:2])])
    m = _TERM.search(opening)
    return f"nhiệm kỳ {m.group(1)}–{m.group(2)}" if m else ""
