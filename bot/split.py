"""Cutting text into messages that fit a channel's limit: at paragraphs, then lines, then words, and
only then inside a word. Shared by the Telegram HTML splitter and the Zalo plain-text one."""
from __future__ import annotations

SEPARATORS = ("\n\n", "\n", " ")


def units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def pack(text: str, budget: int, seps: tuple[str, ...] = SEPARATORS) -> list[str]:
    """Chunks of at most budget units, cut at the first separator that makes the pieces fit."""
    if units(text) <= budget:
        return [text]
    if not seps:
        return hard_cut(text, budget)
    sep, rest = seps[0], seps[1:]
    chunks: list[str] = []
    cur = ""
    for part in text.split(sep):
        if units(part) > budget:
            if cur:
                chunks.append(cur)
                cur = ""
            chunks.extend(pack(part, budget, rest))
            continue
        cand = part if not cur else cur + sep + part
        if units(cand) <= budget:
            cur = cand
        else:
            chunks.append(cur)
            cur = part
    if cur:
        chunks.append(cur)
    return [c.strip() for c in chunks if c.strip()]


def hard_cut(text: str, budget: int) -> list[str]:
    out = []
    while text:
        n = budget
        while units(text[:n]) > budget:
            n -= 1
        if n < len(text):
            # never cut inside a tag or an entity
            lt, amp = text.rfind("<", 0, n), text.rfind("&", 0, n)
            if lt > text.rfind(">", 0, n) and lt > 0:
                n = lt
            if amp > text.rfind(";", 0, n) and amp > 0:
                n = min(n, amp)
        out.append(text[:n])
        text = text[n:]
    return out
