"""Section tree that follows a document's own numbering.

Phần / Chương / Mục / Điều, roman I., arabic 1., decimal 2.1. and 1.1.1., letters a), and (1).
Bullets (-, +, •, ·) stay inside their section's text: passages cut between them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.clean import SUPERSCRIPTS, footnote_key
from ingest.records import Section

_ORDINALS = {"nhất": "1", "hai": "2", "ba": "3", "tư": "4", "bốn": "4", "năm": "5", "sáu": "6", "bảy": "7",
             "tám": "8", "chín": "9", "mười": "10"}
# (kind, rank, pattern); lower rank = higher in the tree
_KINDS = [
    ("phan", 0, re.compile(r"^(?:PHẦN|Phần)\s+(?:(?:THỨ|thứ)\s+)?([IVX]+\b|\d+\b|[^\s.:]+)\s*[.:]?\s*(.*)$")),
    ("chuong", 1, re.compile(r"^(?:CHƯƠNG|Chương)\s+([IVXLC]+|\d+)\b\s*[.:]?\s*(.*)$")),
    ("muc", 2, re.compile(r"^(?:MỤC|Mục)\s+(\d+|[IVX]+)\b\s*[.:]?\s*(.*)$")),
    ("dieu", 3, re.compile(r"^Điều\s+(\d+[a-zđ]?)(?:\s*[.:]\s*(.*)|\s*)$")),
    ("roman", 4, re.compile(r"^([IVX]{1,5})[.)]\s+(\S.*)$")),
    ("arabic", 5, re.compile(r"^(\d{1,3})[.)]\s+(\S.*)$")),
    ("decimal", 6, re.compile(r"^(\d{1,2}\.\d{1,2})\.?\s+(\S.*)$")),
    ("decimal3", 7, re.compile(r"^(\d{1,2}\.\d{1,2}\.\d{1,2})\.?\s+(\S.*)$")),
    ("letter", 8, re.compile(r"^([a-zđ])\)\s+(\S.*)$")),
    ("paren", 9, re.compile(r"^\((\d{1,2})\)\s+(\S.*)$")),
]
_ROMAN = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")
_DOTTED = {"roman", "arabic", "decimal", "decimal3"}
_MARKER = re.compile(rf"[{SUPERSCRIPTS}]+")


@dataclass
class _Node:
    kind: str
    rank: int
    label: str
    heading: str
    title: str
    lines: list[str] = field(default_factory=list)
    parent: _Node | None = None
    id: str = ""


def classify(line: str) -> tuple[str, int, str, str] | None:
    """(kind, rank, label, title) when the line opens a numbered unit."""
    for kind, rank, pattern in _KINDS:
        m = pattern.match(line)
        if not m:
            continue
        label, title = m.group(1), (m.group(2) or "").strip()
        if kind == "roman" and not _ROMAN.match(label):
            continue
        if kind == "phan" and not (label in _ORDINALS or re.fullmatch(r"[IVX]+|\d+", label)):
            continue
        return kind, rank, label, title
    return None


def is_heading_line(line: str, kind: str) -> bool:
    """A short title line, as opposed to a numbered paragraph that carries body text."""
    if kind in ("phan", "chuong", "muc", "dieu"):
        return True
    return line.isupper() or (len(line) <= 120 and not line.rstrip().endswith((";", ".", ":")))


def _short(line: str, limit: int = 90) -> str:
    return line if len(line) <= limit else line[:limit].rsplit(" ", 1)[0] + "…"


def _id_part(node: _Node, in_article: bool) -> str:
    k, label = node.kind, node.label
    if k == "phan":
        return "P" + _ORDINALS.get(label.lower(), label)
    if k == "chuong":
        return "C" + label
    if k == "muc":
        return "M" + label
    if k == "dieu":
        return "D" + label
    if k == "arabic" and in_article:
        return "K" + label
    if k == "paren":
        return f"({label})"
    return label


def split_sections(lines: list[str] | tuple[str, ...], footnotes: dict[str, str] | None = None) -> list[Section]:
    """Body lines (header and closing already removed) → sections in document order."""
    footnotes = footnotes or {}
    root = _Node("root", -1, "", "", "")
    preamble = _Node("preamble", -1, "", "Phần mở đầu", "Phần mở đầu")
    nodes: list[_Node] = [preamble]
    current = preamble
    stack: list[_Node] = []
    for line in lines:
        found = classify(line)
        if found is None:
            # a capitalised title on the line after "Chương I" / "Phần thứ nhất" belongs to that heading
            if current.kind in ("phan", "chuong", "muc") and not current.title and not current.lines \
                    and len(line) < 200:
                current.title = line
                current.heading = f"{current.heading}. {line}"
            else:
                current.lines.append(line)
            continue
        kind, rank, label, title = found
        while stack and stack[-1].rank >= rank:
            stack.pop()
        heading = line if is_heading_line(line, kind) else _short(line)
        node = _Node(kind, rank, label, heading, title if heading == line else _short(title, 70),
                     parent=stack[-1] if stack else root)
        if heading != line:
            node.lines.append(line)
        stack.append(node)
        nodes.append(node)
        current = node
    return _finish(nodes, footnotes)


def _finish(nodes: list[_Node], footnotes: dict[str, str]) -> list[Section]:
    seen: dict[str, int] = {}
    sections: list[Section] = []
    for node in nodes:
        path: tuple[str, ...]
        if node.kind == "preamble":
            if not node.lines:
                continue
            node.id, path, parent_id, level = "preamble", (node.heading,), None, 0
        else:
            chain = []
            p: _Node | None = node
            while p is not None and p.kind not in ("root", "preamble"):
                chain.append(p)
                p = p.parent
            chain.reverse()
            in_article = any(n.kind == "dieu" for n in chain)
            parts: list[str] = []
            for n in chain:
                part = _id_part(n, in_article)
                if n.kind == "decimal" and parts and part.startswith(parts[-1] + "."):
                    parts.pop()   # "2" + "2.1" → "2.1", so ids read II.2.1
                parts.append(part)
            base = ".".join(parts)
            seen[base] = seen.get(base, 0) + 1
            node.id = base if seen[base] == 1 else f"{base}~{seen[base]}"
            path = tuple(n.heading for n in chain)
            parent_id = node.parent.id if node.parent and node.parent.kind != "root" else None
            level = len(chain)
        text = "\n".join(node.lines)
        markers = [footnote_key(m) for m in _MARKER.findall(node.heading + "\n" + text)]
        notes = tuple(dict.fromkeys(footnotes[k] for k in markers if k in footnotes))
        sections.append(Section(
            id=node.id, label=_label(node), heading=node.heading, heading_path=path, level=level,
            text=text, kind="preamble" if node.kind == "preamble" else "body", footnotes=notes,
            parent=parent_id,
        ))
    return sections


def _label(node: _Node) -> str:
    k, label = node.kind, node.label
    in_article = False
    p = node.parent
    while p is not None:
        in_article = in_article or p.kind == "dieu"
        p = p.parent
    if k == "phan":
        return node.heading.split(".")[0]
    if k == "chuong":
        return f"Chương {label}"
    if k == "muc":
        return f"Mục {label}"
    if k == "dieu":
        return f"Điều {label}"
    if k == "arabic" and in_article:
        return f"khoản {label}"
    if k == "letter":
        return f"điểm {label}" if in_article else f"{label})"
    if k == "paren":
        return f"({label})"
    return label


def label_path(sections_by_id: dict[str, Section], section: Section) -> str:
    """Human numbering path: 'II.2.1' for programmes, 'Chương I, Điều 5, khoản 2' for laws."""
    chain = []
    s: Section | None = section
    while s is not None:
        chain.append(s)
        s = sections_by_id.get(s.parent) if s.parent else None
    chain.reverse()
    out = ""
    prev_dotted = False
    for s in chain:
        dotted = bool(re.fullmatch(r"[IVX]+|\d+(?:\.\d+)*", s.label))
        if dotted and prev_dotted:
            out = out.rsplit(".", 1)[0] if s.label.startswith(out.rsplit(".", 1)[-1] + ".") else out
            out += "." + s.label
        else:
            out += (", " if out else "") + s.label
        prev_dotted = dotted
    return out
