"""Text analysis shared by documents and queries: pyvi words, lowercase, diacritic folding (đ→d),
document numbers kept whole, abbreviation expansion from abbreviations.json, folded syllable pairs."""
from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from pyvi import ViTokenizer

from core.text import fold

_NUMBER = re.compile(r"\b\d+[A-Za-zÀ-ỹĐđ0-9]*(?:[/-][A-Za-zÀ-ỹĐđ0-9]+)*[/-][A-Za-zÀ-ỹĐđ]+[A-Za-zÀ-ỹĐđ0-9]*\b")
_WORD = re.compile(r"[0-9A-Za-zÀ-ỹĐđ]+(?:[.,][0-9]+)*")
_CLAUSE = re.compile(r"[.;:!?()\[\]\n“”\"]")
# question phrasing that carries no topic, accented or not
_QUESTION = re.compile(
    r"\b(?:là gì|la gi|bao nhiêu|bao nhieu|như thế nào|nhu the nao|thế nào|the nao|những gì|nhung gi|"
    r"hay không|hay khong|là ai|la ai|ở đâu|o dau|khi nào|khi nao|bao lâu|bao lau|số mấy|so may|mấy|"
    r"gì|nào|ai)\b|\?",
    re.I,
)


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    raw = json.loads((Path(__file__).with_name("abbreviations.json")).read_text(encoding="utf-8"))
    return {fold(k): v for k, v in raw.items() if not k.startswith("_")}


def expand(text: str) -> str:
    """Write each known abbreviation's expansion beside it: 'CĐCS' → 'CĐCS (công đoàn cơ sở)'."""
    table = abbreviations()

    def repl(m: re.Match) -> str:
        word = m.group(0)
        full = table.get(fold(word))
        if full is None and "-" in word:
            parts = [table.get(fold(p)) for p in word.split("-")]
            full = " ".join(p for p in parts if p) or None
        return f"{word} ({full})" if full else word

    return re.sub(r"[A-Za-zĐđÀ-ỹ]+(?:-[A-Za-zĐđÀ-ỹ]+)*", repl, text)


def numbers(text: str) -> list[str]:
    """Document numbers as single tokens: '01/CTr-LĐLĐ' → '01/ctr-ldld'."""
    return [fold(m.group(0)) for m in _NUMBER.finditer(text)]


def fold_word(word: str) -> str:
    """`fold`, or the casefolded word when folding leaves nothing ('ß', 'Привет', 'ı'): never empty."""
    return fold(word) or word.casefold()


def syllables(text: str) -> list[list[str]]:
    """Folded syllables, grouped by clause so pairs never bridge punctuation; no empty syllable."""
    return [[fold_word(w) for w in _WORD.findall(part)] for part in _CLAUSE.split(text)]


def words(text: str) -> list[str]:
    """pyvi word segmentation, lowercased, accents kept: 'công_đoàn', 'cơ_sở'."""
    out = []
    for tok in ViTokenizer.tokenize(text).split():
        if any(ch.isalnum() for ch in tok):
            out.append("w:" + tok.lower())
    return out


def analyze(text: str, query: bool = False) -> list[str]:
    """All lexical tokens of a text: accented words, folded syllables, folded pairs, numbers."""
    text = unicodedata.normalize("NFC", text)
    if query:
        text = _QUESTION.sub(" ", text)
    return [t for t in words(expand(text)) + folded_terms(text) if t]


def folded_terms(text: str, query: bool = False) -> list[str]:
    """The accent-free part of `analyze` (no pyvi): numbers, folded syllables and syllable pairs."""
    if query:
        text = _QUESTION.sub(" ", unicodedata.normalize("NFC", text))
    tokens = numbers(text)
    for clause in syllables(expand(text)):
        tokens.extend(clause)
        tokens.extend(f"{a}_{b}" for a, b in zip(clause, clause[1:]))
    return [t for t in tokens if t]


def has_diacritics(text: str) -> bool:
    """True when the text carries Vietnamese marks (the dense leg is reliable only then)."""
    letters = [ch for ch in text if ch.isalpha()]
    marked = sum(1 for ch in letters if fold(ch) != ch.lower())
    return bool(letters) and marked / len(letters) > 0.08
