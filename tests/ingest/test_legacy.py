"""Legacy Vietnamese encodings: the TCVN3 and VNI tables, detection and repair, checked on the seed corpus."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from ingest.legacy import (
    decode_cp1252,
    detect,
    encode_tcvn3,
    encode_vni,
    fix_legacy,
    tcvn3_to_unicode,
    vni_to_unicode,
)

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
# The 67 lowercase Vietnamese letters outside ASCII: 12 vowels × 6 tone forms, less 6 plain ASCII vowels, + đ.
LOWER = sorted(
    {unicodedata.normalize("NFC", v + t) for v in "aăâeêioôơuưy" for t in TONES} - set("aeiouy") | {"đ"}
)
UPPER = [c.upper() for c in LOWER]
TCVN3_CAPITALS = "ĂÂÊÔƠƯĐ"

ENGLISH = (
    "The committee met on 12 March 2024 to review the training plan. Café owners, naïve newcomers and "
    "Müller & Søn © 2024 (España, déjà vu, Ångström, façade) were mentioned; costs rose 5½ % — ±3 °C."
)


def seeds() -> list[tuple[str, str]]:
    files = sorted(CORPUS.glob("*.txt"))
    assert files, f"no seed documents in {CORPUS}"
    return [(f.name, f.read_text(encoding="utf-8")) for f in files]


def seed_paragraph() -> str:
    """A long body paragraph of the first seed (it mixes đ, ư, ơ and many tones)."""
    text = seeds()[0][1]
    return max((p for p in text.split("\n") if "Công đoàn" in p), key=len)


def as_legacy_str(data: bytes) -> str:
    return decode_cp1252(data)


def test_alphabet_has_134_letters():
    assert len(LOWER) == 67 and len(set(LOWER + UPPER)) == 134


def test_vni_round_trips_every_letter():
    for letter in LOWER + UPPER:
        assert vni_to_unicode(as_legacy_str(encode_vni(letter))) == letter, letter
    word_list = " ".join(LOWER + UPPER)
    assert vni_to_unicode(as_legacy_str(encode_vni(word_list))) == word_list


def test_tcvn3_round_trips_lowercase_and_its_seven_capitals():
    for letter in LOWER + list(TCVN3_CAPITALS):
        assert tcvn3_to_unicode(as_legacy_str(encode_tcvn3(letter))) == letter, letter


def test_tcvn3_accented_capitals_are_lowercase_unless_context_is_upper_case():
    # Documented limitation: TCVN3 has no code for "Ủ"; the .VnTime font showed it as "ủ".
    assert tcvn3_to_unicode(as_legacy_str(encode_tcvn3("Ủy ban Kiểm tra"))) == "ủy ban Kiểm tra"
    heading = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert tcvn3_to_unicode(as_legacy_str(encode_tcvn3(heading))) == heading
    mixed = "Điều 1. PHẠM VI ĐIỀU CHỈNH của văn bản"
    assert tcvn3_to_unicode(as_legacy_str(encode_tcvn3(mixed))) == mixed


def test_known_legacy_spellings():
    assert tcvn3_to_unicode("C«ng ®oµn ViÖt Nam") == "Công đoàn Việt Nam"
    assert tcvn3_to_unicode("Ch\xad¬ng tr×nh hµnh ®éng") == "Chương trình hành động"
    assert vni_to_unicode("Coâng ñoaøn Vieät Nam") == "Công đoàn Việt Nam"
    assert vni_to_unicode("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM") == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert vni_to_unicode("ñöôøng, thöôùc, kyø, ñòa, Myõ, löïc") == "đường, thước, kỳ, địa, Mỹ, lực"


@pytest.mark.parametrize("name,text", seeds())
def test_seed_is_not_legacy(name, text):
    assert detect(text) is None
    assert fix_legacy(text) == text


def test_english_and_western_text_is_not_legacy():
    assert detect(ENGLISH) is None
    assert fix_legacy(ENGLISH) == ENGLISH


def test_seed_paragraph_in_legacy_encodings_is_detected_and_fixed():
    paragraph = seed_paragraph()
    tcvn3 = as_legacy_str(encode_tcvn3(paragraph))
    vni = as_legacy_str(encode_vni(paragraph))
    assert detect(tcvn3) == "tcvn3"
    assert detect(vni) == "vni"
    assert fix_legacy(vni) == paragraph
    assert fix_legacy(tcvn3).casefold() == paragraph.casefold()


def test_short_legacy_phrase_is_detected():
    assert fix_legacy("C«ng ®oµn c¬ së") == "Công đoàn cơ sở"
    assert fix_legacy("Coâng ñoaøn cô sôû") == "Công đoàn cơ sở"


def test_mixed_document_converts_only_the_legacy_lines():
    unicode_part = "Công tác cán bộ\nThực hiện Nghị quyết Đại hội Công đoàn tỉnh."
    legacy_part = as_legacy_str(encode_tcvn3("Nâng cao chất lượng đội ngũ cán bộ công đoàn cơ sở."))
    fixed = fix_legacy(unicode_part + "\n" + legacy_part)
    assert fixed == unicode_part + "\nNâng cao chất lượng đội ngũ cán bộ công đoàn cơ sở."


def test_full_seeds_in_legacy_encodings_are_detected():
    for name, text in seeds():
        assert detect(as_legacy_str(encode_tcvn3(_legacy_safe(text)))) == "tcvn3", name
        assert detect(as_legacy_str(encode_vni(_legacy_safe(text)))) == "vni", name


def _legacy_safe(text: str) -> str:
    """Drop characters a legacy 8-bit file cannot carry (e.g. "¹", which is a TCVN3 letter code, or "⁴")."""
    letters = set(LOWER + UPPER)
    keep = []
    for ch in text:
        if ch in letters or (not 0xA1 <= ord(ch) <= 0xFF and ch.encode("cp1252", errors="ignore")):
            keep.append(ch)
    return "".join(keep)
