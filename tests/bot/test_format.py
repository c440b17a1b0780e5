"""Unit tests of HTML formatting, message splitting and the rate limiter (no Telegram needed)."""
from __future__ import annotations

from answer.records import Answer, Citation
from bot import format as fmt
from bot import texts
from bot.limits import DROP, OK, WARN, Access, RateLimiter
from tests.bot.fake_telegram import parse_html
from tests.records import make_hit


def test_escape_engine_text():
    assert fmt.esc("<b>&x</b>") == "&lt;b&gt;&amp;x&lt;/b&gt;"
    answer = Answer(question="q", answer='Theo A <B> & C: "1 < 2"', found=True, quote="1 < 2",
                    citations=(Citation("1 < 2", "Văn bản <X> & Y — I.1", "d", "I.1", ("I.",), "d:I.1"),))
    html = fmt.answer_html(answer)
    assert "<i>1 &lt; 2</i>" in html
    assert "📄 <b>Nguồn:</b>" in html and "Văn bản &lt;X&gt; &amp; Y — I.1" in html
    assert parse_html(html)        # Telegram would accept it


def test_not_found_message_has_suggestions_and_hint():
    hit = make_hit("d:II", "d", "II", ("II. CHỈ TIÊU",), "Chương trình <số> 04 — II",
                   "II. CHỈ TIÊU\n- 100% cán bộ & …", 1.0, doc_name="Chương trình <số> 04")
    html = fmt.not_found_html(Answer(question="q", answer="", found=False), [hit])
    plain = parse_html(html)
    assert texts.NOT_FOUND in plain and "phần II, Chương trình <số> 04" in plain   # as officials cite, escaped
    assert "100% cán bộ & …" in plain and "II. CHỈ TIÊU\n" not in plain     # heading line dropped
    assert "/tim <từ khóa>" in plain


def _paragraphs(n: int, size: int) -> list[str]:
    return [f"Đoạn {i}: " + ("chữ " * size).strip() for i in range(n)]


def test_split_short_text_is_one_chunk():
    assert fmt.split_message("xin chào") == ["xin chào"]
    assert fmt.split_message("   ") == []


def test_split_at_paragraph_boundaries():
    paras = _paragraphs(30, 60)                   # ~250 chars each, ~7,500 in all
    text = "\n\n".join(paras)
    chunks = fmt.split_message(text)
    assert len(chunks) >= 2
    assert all(fmt.units(c) <= 4096 for c in chunks)
    for c in chunks:                              # every chunk is whole paragraphs
        assert all(p in paras for p in c.split("\n\n"))
    assert "\n\n".join(chunks) == text


def test_split_long_paragraph_falls_back_to_lines_then_words():
    lines = [f"dòng {i} " + "x" * 90 for i in range(100)]          # one 9,800-char paragraph
    chunks = fmt.split_message("\n".join(lines))
    assert all(fmt.units(c) <= 4096 for c in chunks)
    assert "\n".join(chunks) == "\n".join(lines)
    words = " ".join(["từ"] * 5000)                                # no newline at all
    chunks = fmt.split_message(words)
    assert all(fmt.units(c) <= 4096 for c in chunks) and " ".join(chunks) == words


def test_split_keeps_html_valid_across_a_cut():
    text = "<b>" + "\n\n".join(_paragraphs(40, 40)) + "</b>\n\n<i>cuối</i>"
    chunks = fmt.split_message(text)
    assert len(chunks) >= 2
    for c in chunks:
        assert fmt.units(c) <= 4096
        parse_html(c)                             # tags closed and re-opened at each cut


def test_split_counts_utf16_units():
    text = "😀" * 3000                             # 6,000 UTF-16 units
    chunks = fmt.split_message(text)
    assert len(chunks) == 2 and all(fmt.units(c) <= 4096 for c in chunks)


def test_document_outline_indents_by_level():
    from ingest.records import DocMeta, Document, Section
    doc = Document("d1", "a.txt", "h", DocMeta(doc_type="Chương trình", number="01/CTr-LĐLĐ", date="2026-01-21"),
                   (Section("preamble", "", "Phần mở đầu", (), 0, "x", kind="preamble"),
                    Section("I", "I", "I. MỤC ĐÍCH", ("I. MỤC ĐÍCH",), 1, ""),
                    Section("I.1", "1", "1. Nâng cao <chất lượng>", ("I. MỤC ĐÍCH", "1."), 2, "y")))
    html = fmt.document_html(doc)
    assert "Ngày ban hành: 21/01/2026" in html
    assert "I. MỤC ĐÍCH\n    1. Nâng cao &lt;chất lượng&gt;" in html and "Phần mở đầu" not in html
    parse_html(html)


def test_rate_limiter_sliding_window_warns_once():
    now = [0.0]
    limiter = RateLimiter(3, 60.0, clock=lambda: now[0])
    assert [limiter.check(1) for _ in range(5)] == [OK, OK, OK, WARN, DROP]
    assert limiter.check(2) == OK                 # per user
    now[0] = 30.0
    assert limiter.check(1) == DROP
    assert 29 <= limiter.retry_after(1) <= 30
    now[0] = 60.0                                 # the first three slid out of the window
    assert limiter.check(1) == OK


def test_access():
    assert Access(set()).allows(5)
    assert Access({-100, 7}).allows(-100) and not Access({-100, 7}).allows(5)
