"""Recognise and repair Vietnamese text typed in the pre-Unicode 8-bit encodings TCVN3 (ABC) and VNI.

Old union documents were typed with fonts such as ".VnTime" (TCVN3) or "VNI-Times" (VNI). Their bytes, or the
characters Word stored for them, look like Western text when read as cp1252: "C«ng ®oµn" (TCVN3) and
"Coâng ñoaøn" (VNI) both mean "Công đoàn". Everything here works on ``str`` so that legacy text is repaired
whether it came from raw bytes (decode them with :func:`decode_cp1252` first) or from a .docx/.pdf/.html.

TCVN3 capitals: the ABC standard (TCVN 5712:1993, VN3) has codes only for the capitals Ă Â Ê Ô Ơ Ư Đ.
Accented capitals such as "Ộ" were shown by switching to the all-caps font ".VnTimeH" while keeping the
lowercase code, so the case is not in the bytes. :func:`encode_tcvn3` therefore writes such a capital with its
lowercase code, and :func:`tcvn3_to_unicode` restores capitals only where the context shows upper case (a word
or a whole line whose other letters are all capitals, e.g. "CéNG HOµ" → "CỘNG HOÀ"). A title-case "Ủy ban"
comes back as "ủy ban" — exactly what the .VnTime font displayed.
"""
from __future__ import annotations

import functools
import math
import re
import unicodedata

# ----------------------------------------------------------------------------------------------------
# Tables
# ----------------------------------------------------------------------------------------------------

# TCVN3 (VN3): runs of consecutive byte values → the letters they encode. Within a vowel the tone order is
# huyền, hỏi, ngã, sắc, nặng. The gaps (B0–B4, BA, BF–C5, CD, D9–DB, E0, F0) hold capitals in VN2 only.
_TCVN3_RUNS = {
    0xA1: "ĂÂÊÔƠƯĐăâêôơưđ",
    0xB5: "àảãáạ",
    0xBB: "ằẳẵắ",
    0xC6: "ặầẩẫấậè",
    0xCE: "ẻẽéẹềểễếệìỉ",
    0xDC: "ĩíịò",
    0xE1: "ỏõóọồổỗốộờởỡớợù",
    0xF1: "ủũúụừửữứựỳỷỹýỵ",
}
_TCVN3_DECODE = {chr(start + i): letter for start, run in _TCVN3_RUNS.items() for i, letter in enumerate(run)}
_TCVN3_TRANSLATE = str.maketrans(_TCVN3_DECODE)
_TCVN3_ENCODE = {letter: code for code, letter in _TCVN3_DECODE.items()}
# Lowercase letters whose capital has no TCVN3 code: their case cannot be read from the bytes.
_TCVN3_CASELESS = frozenset(c for c in _TCVN3_ENCODE if c.islower() and c.upper() not in _TCVN3_ENCODE)
_CASELESS_RE = re.compile(f"[{''.join(sorted(_TCVN3_CASELESS))}]")

# VNI: a base letter followed by one modifier byte (tone, or vowel mark combined with tone); ơ ư đ and the
# toned i, and ỵ, are single bytes. Upper case uses the same byte minus 0x20 for the modifier too.
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_TONE_MARKS = (_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT)
_VNI_TONE = {"": "", _ACUTE: "ù", _GRAVE: "ø", _HOOK: "û", _TILDE: "õ", _DOT: "ï"}
_VNI_CIRCUMFLEX = {"": "â", _ACUTE: "á", _GRAVE: "à", _HOOK: "å", _TILDE: "ã", _DOT: "ä"}
_VNI_BREVE = {"": "ê", _ACUTE: "é", _GRAVE: "è", _HOOK: "ú", _TILDE: "ü", _DOT: "ë"}
_VNI_I = {"": "i", _ACUTE: "í", _GRAVE: "ì", _HOOK: "æ", _TILDE: "ó", _DOT: "ò"}


def _compose(base: str, mark: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + mark + tone)


def _vni_lowercase() -> dict[str, str]:
    """Unicode lowercase letter → VNI code sequence, for all 67 lowercase Vietnamese letters."""
    table = {"đ": "ñ", "ỵ": "î"}
    for tone in ("",) + _TONE_MARKS:
        for vowel in "aeouy":
            table.setdefault(_compose(vowel, "", tone), vowel + _VNI_TONE[tone])   # setdefault keeps ỵ = "î"
        for vowel in "aeo":
            table[_compose(vowel, "\u0302", tone)] = vowel + _VNI_CIRCUMFLEX[tone]
        table[_compose("a", "\u0306", tone)] = "a" + _VNI_BREVE[tone]
        table[_compose("o", "\u031b", tone)] = "ô" + _VNI_TONE[tone]
        table[_compose("u", "\u031b", tone)] = "ö" + _VNI_TONE[tone]
        table[_compose("i", "", tone)] = _VNI_I[tone]
    # Plain a, e, i… and í, ì (whose VNI code is the same character) need no entry.
    return {letter: code for letter, code in table.items() if letter != code}


_VNI_LOWER = _vni_lowercase()
_VNI_ENCODE = {**_VNI_LOWER, **{letter.upper(): code.upper() for letter, code in _VNI_LOWER.items()}}
_VNI_DECODE = {code: letter for letter, code in _VNI_ENCODE.items()}
# Title-case input ("Oâng") is tolerated: a capital base with a lowercase modifier gives a capital.
_VNI_DECODE.update({c[0] + c[1].lower(): ch for ch, c in _VNI_ENCODE.items() if len(c) == 2 and c.isupper()})
_VNI_PATTERN = re.compile("|".join(re.escape(c) for c in sorted(_VNI_DECODE, key=len, reverse=True)))

# ----------------------------------------------------------------------------------------------------
# Converting
# ----------------------------------------------------------------------------------------------------

# cp1252 leaves five bytes undefined; legacy files may still contain them, so they fall back to latin-1.
_CP1252_C1 = {b: bytes([b]).decode("cp1252", errors="ignore") for b in range(0x80, 0xA0)}
_LATIN1_TO_CP1252 = {b: ch for b, ch in _CP1252_C1.items() if ch}


def decode_cp1252(data: bytes) -> str:
    """Decode 8-bit bytes as cp1252, keeping bytes cp1252 leaves undefined as their latin-1 character."""
    return data.decode("latin-1").translate(_LATIN1_TO_CP1252)


def encode_tcvn3(text: str) -> bytes:
    """Unicode → TCVN3 bytes; accented capitals without a TCVN3 code are written lowercase (see module doc).

    Raises UnicodeEncodeError for characters outside cp1252 (e.g. "⁴").
    """
    text = unicodedata.normalize("NFC", text)
    codes = (_TCVN3_ENCODE.get(ch) or _TCVN3_ENCODE.get(ch.lower()) or ch for ch in text)
    return "".join(codes).encode("cp1252")


def encode_vni(text: str) -> bytes:
    """Unicode → VNI-Windows bytes; raises UnicodeEncodeError for characters outside cp1252."""
    text = unicodedata.normalize("NFC", text)
    return "".join(_VNI_ENCODE.get(ch, ch) for ch in text).encode("cp1252")


def tcvn3_to_unicode(text: str) -> str:
    """TCVN3 text read as cp1252 (or a .VnTime run) → Unicode; capitals restored where context shows them."""
    converted = text.translate(_TCVN3_TRANSLATE)
    return "".join(_restore_caps(line) for line in converted.splitlines(keepends=True))


def vni_to_unicode(text: str) -> str:
    """VNI text read as cp1252 (or a VNI-Times run) → Unicode."""
    return _VNI_PATTERN.sub(lambda m: _VNI_DECODE[m.group()], text)


def _upper_caseless(word: str) -> str:
    return "".join(c.upper() if c in _TCVN3_CASELESS else c for c in word)


def _is_all_caps(text: str, minimum: int) -> bool:
    """True when the letters whose case TCVN3 does record are all capitals, and there are enough of them."""
    cased = [c for c in text if c.isalpha() and c not in _TCVN3_CASELESS]
    return len(cased) >= minimum and all(c.isupper() for c in cased)


def _restore_caps(line: str) -> str:
    if not _CASELESS_RE.search(line):
        return line
    if _is_all_caps(line, 3):
        return _upper_caseless(line)
    return re.sub(r"\S+", lambda m: _upper_caseless(m[0]) if _is_all_caps(m[0], 2) else m[0], line)


# ----------------------------------------------------------------------------------------------------
# Detecting
# ----------------------------------------------------------------------------------------------------

# Letters only Unicode Vietnamese has (outside latin-1): a word containing one is not legacy text.
_NATIVE = re.compile("[ĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9]")
# Latin-1 letters that ordinary Unicode Vietnamese also uses; they prove nothing about a legacy encoding.
_VN_LATIN1 = frozenset("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
_HIGH_LATIN1 = frozenset(map(chr, range(0xA1, 0x100)))
_MARKERS = {
    scheme: re.compile("[" + re.escape("".join(sorted(chars))) + "]")
    for scheme, chars in (
        ("tcvn3", frozenset(_TCVN3_DECODE) - _VN_LATIN1),
        ("vni", frozenset("".join(_VNI_DECODE)) & (_HIGH_LATIN1 - _VN_LATIN1)),
    )
}
_SAMPLE_WORDS = 20_000
_RAW_CONVERT = {
    "tcvn3": lambda s: s.translate(_TCVN3_TRANSLATE),
    "vni": vni_to_unicode,
}
_CONVERT = {"tcvn3": tcvn3_to_unicode, "vni": vni_to_unicode}
_EDGE_PUNCT = "\"'“”‘’()[]{}<>.,;:!?…–—-/*"
# Toneless syllable shape: onset, one of the vowel groups Vietnamese spelling allows, coda.
_NUCLEI = sorted((
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ ưa ưi "
    "ươ ưu uy yê iêu yêu uya uyê uyu oai oay oao oeo uây uôi ươi ươu"
).split(), key=len, reverse=True)
_SYLLABLE = re.compile(
    rf"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?({'|'.join(_NUCLEI)})(ch|ng|nh|[cmnpt])?")
_LETTER_RUN = re.compile(r"[^\W\d_]+")


def _is_syllable(run: str) -> bool:
    """Does this run of letters have the shape of one Vietnamese syllable with at most one tone?"""
    decomposed = unicodedata.normalize("NFD", run.lower())
    if sum(decomposed.count(t) for t in _TONE_MARKS) > 1:
        return False
    toneless = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return _SYLLABLE.fullmatch(toneless) is not None


@functools.lru_cache(maxsize=65536)  # words repeat a lot within a document
def _converts_plausibly(token: str, scheme: str) -> bool:
    """After conversion, is the token made of Vietnamese syllables with no legacy code left over?"""
    core = _RAW_CONVERT[scheme](token).strip(_EDGE_PUNCT)
    if any(c in _HIGH_LATIN1 and c not in _VN_LATIN1 for c in core):
        return False
    runs = _LETTER_RUN.findall(core)
    return bool(runs) and all(map(_is_syllable, runs)) and any(len(r) > 1 and not r.isascii() for r in runs)


def _score(tokens: list[str], scheme: str) -> tuple[int, int]:
    """(words that convert into Vietnamese, words carrying a marker of the scheme); skips Unicode words."""
    hits = tried = 0
    for token in tokens:
        if _NATIVE.search(token) or not _MARKERS[scheme].search(token):
            continue
        tried += 1
        hits += _converts_plausibly(token, scheme)
    return hits, tried


def detect(text: str) -> str | None:
    """Return "tcvn3" or "vni" if the text is mostly legacy-encoded Vietnamese, else None.

    A scheme counts only words containing a character that Unicode Vietnamese never uses (e.g. "«", "®", "ø",
    "ñ") and that turn into well-formed Vietnamese syllables once converted; Unicode Vietnamese, English and
    random bytes produce (almost) no such words.
    """
    tokens = unicodedata.normalize("NFC", text).split()
    # An evenly spread sample is as telling as the whole text and keeps large files fast.
    tokens = tokens[:: max(1, math.ceil(len(tokens) / _SAMPLE_WORDS))]
    native_words = sum(1 for token in tokens if _NATIVE.search(token))
    best, best_hits = None, 0
    for scheme in ("tcvn3", "vni"):
        hits, tried = _score(tokens, scheme)
        if hits >= max(2, 0.02 * native_words) and hits >= 0.6 * tried and hits > best_hits:
            best, best_hits = scheme, hits
    return best


def fix_legacy(text: str) -> str:
    """Convert legacy-encoded text to Unicode when detected; otherwise return the text unchanged.

    In a document that also contains Unicode Vietnamese (e.g. a .docx mixing .VnTime and Unicode fonts) only
    lines without Unicode Vietnamese letters and with evidence of the legacy scheme are converted, because
    converting a Unicode line would corrupt it ("ô" is "ụ" in TCVN3).
    """
    scheme = detect(text)
    if scheme is None:
        return text
    convert = _CONVERT[scheme]
    if not _NATIVE.search(text):
        return convert(text)
    lines = text.splitlines(keepends=True)
    return "".join(
        convert(line) if not _NATIVE.search(line) and _score(line.split(), scheme)[0] > 0 else line
        for line in lines
    )
