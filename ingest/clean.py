"""Cleanup of raw document text: layout debris out, broken paragraphs rejoined, footnotes set aside.

Pure functions over strings. `clean(text)` returns the body paragraphs (one per line) and the
footnote texts keyed by their marker, so sectioning can attach each footnote where it is cited.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_TO_DIGIT = str.maketrans(SUPERSCRIPTS, "0123456789")

_FOOTNOTE_DEF = re.compile(rf"^([{SUPERSCRIPTS}]+)\s*(\S.*)$")
_PAGE_NUMBER = re.compile(r"^(?:[-–—]\s*)?(?:trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*[-–—])?$", re.I)
_RULE = re.compile(r"^[-_=.·•*\s]{3,}$")
_BOLD = re.compile(r"\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
# a line that opens a new unit: heading numbers, bullets, Điều/Chương, closing markers
_OPENER = re.compile(
    r"^(?:[-+•·▪●◦–]\s|\(?\d{1,2}[.)]|\d{1,2}(?:\.\d{1,2})+\.?\s|[IVXLC]{1,6}[.)]\s|[a-zđ]\)\s|"
    r"(?:Điều|Chương|Mục|Phần|PHẦN|CHƯƠNG)\s|Nơi nhận|Noi nhận|TM\.|KT\.|Q\.\s)"
)
_TERMINAL = tuple(".;:!?…)”\"'»")


@dataclass(frozen=True)
class Cleaned:
    lines: tuple[str, ...]
    footnotes: dict[str, str]     # marker digits ("4") → footnote text


def normalise(text: str) -> str:
    """NFC, unified newlines and spaces, no bold/italic markers."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\ufeff", "").replace("\u00a0", " ").replace("\u200b", "")
    text = _BOLD.sub("", text)
    return _ITALIC.sub(r"\1", text)


def split_columns(line: str) -> list[str]:
    """Two-column headers arrive as 'LEFT<TAB>RIGHT'; each column becomes its own line."""
    parts = [p.strip() for p in line.split("\t")]
    return [p for p in parts if p] or [""]


def footnote_key(marker: str) -> str:
    return marker.translate(_SUP_TO_DIGIT)


def _continues(prev: str, nxt: str) -> bool:
    """True when `nxt` is the rest of a sentence that a page break or hard wrap cut from `prev`."""
    if not prev or not nxt or _OPENER.match(nxt):
        return False
    if prev.rstrip().endswith(_TERMINAL) or prev.isupper():
        return False
    if nxt[0].islower():
        return True
    # an uppercase continuation ("…pháp luật của / Nhà nước; …") only after a long body line
    return len(prev) > 200 and not prev.isupper()


def clean(text: str) -> Cleaned:
    lines: list[str] = []
    footnotes: dict[str, str] = {}
    for raw in normalise(text).split("\n"):
        for line in split_columns(raw):
            line = re.sub(r"[ \t]+", " ", line).strip()
            if not line:
                lines.append("")
                continue
            m = _FOOTNOTE_DEF.match(line)
            if m:
                footnotes[footnote_key(m.group(1))] = line
                continue
            if _PAGE_NUMBER.match(line) or _RULE.match(line):
                continue
            lines.append(line)
    return Cleaned(lines=tuple(rejoin(lines)), footnotes=footnotes)


def rejoin(lines: list[str]) -> list[str]:
    """Drop blank lines and glue sentence fragments back together across breaks."""
    out: list[str] = []
    for line in lines:
        if not line:
            continue
        if out and _continues(out[-1], line):
            out[-1] = out[-1].rstrip() + " " + line
        else:
            out.append(line)
    return out
