"""Inline keyboards and their callback data. With arbitrary_callback_data, a button carries a tuple
(kind, *args); python-telegram-bot keeps the tuple (persisted with the chat data) and sends Telegram a
short id. button() is the one encoder, decode() the one decoder."""
from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts as t

# kinds of button
FULL, MORE, PAGE, OPEN, VOTE, DOCS, DOC, EXAMPLE, UNDO, UNDO_YES, UNDO_NO, CHOOSE = (
    "full", "more", "page", "open", "vote", "docs", "doc", "example", "undo", "undo!", "keep", "choose")


def button(label: str, kind: str, *args) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=(kind, *args))


def decode(data: object) -> tuple[str, tuple]:
    """(kind, args) of a pressed button; ("", ()) for anything this bot did not make."""
    if isinstance(data, tuple) and data and isinstance(data[0], str):
        return data[0], tuple(data[1:])
    return "", ()


def markup(rows: Sequence[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    rows = [list(r) for r in rows if r]
    return InlineKeyboardMarkup(rows) if rows else None


def pager(page: int, has_next: bool, kind: str, *args) -> list[InlineKeyboardButton]:
    """◀ / ▶ buttons for page (0-based) of a paged view; each carries (kind, *args, page)."""
    nav = []
    if page > 0:
        nav.append(button(t.BTN_PREV, kind, *args, page - 1))
    if has_next:
        nav.append(button(t.BTN_NEXT, kind, *args, page + 1))
    return nav


def answer_keyboard(record: dict, cited: Sequence[str], exclude: Sequence[str]) -> InlineKeyboardMarkup:
    """Under an answer: full passages, more results, 👍 / 👎 (record is what a vote logs)."""
    first = [button(t.BTN_FULL, FULL, tuple(cited))] if cited else []
    return markup([first + [button(t.BTN_MORE, MORE, record["question"], tuple(exclude))],
                   [button("👍", VOTE, "up", record), button("👎", VOTE, "down", record)]])


def results_keyboard(query: str, exclude: Sequence[str], page: int, start: int, ids: Sequence[str],
                     has_next: bool) -> InlineKeyboardMarkup | None:
    opens = [button(f"📖 {start + i}", OPEN, pid) for i, pid in enumerate(ids)]
    return markup([opens, pager(page, has_next, PAGE, query, tuple(exclude))])


def doc_list_keyboard(doc_ids: Sequence[str], page: int, start: int, has_next: bool) -> InlineKeyboardMarkup | None:
    opens = [button(f"📘 {start + i}", DOC, d) for i, d in enumerate(doc_ids)]
    return markup([opens, pager(page, has_next, DOCS)])


def examples_keyboard(examples: Sequence[str]) -> InlineKeyboardMarkup | None:
    return markup([[button(q, EXAMPLE, q)] for q in examples])


def upload_keyboard(doc_id: str, undo: bool) -> InlineKeyboardMarkup | None:
    return markup([[button(t.BTN_OUTLINE, DOC, doc_id)] + ([button(t.BTN_UNDO, UNDO, doc_id)] if undo else [])])


def confirm_keyboard(doc_id: str) -> InlineKeyboardMarkup | None:
    return markup([[button(t.BTN_UNDO_YES, UNDO_YES, doc_id), button(t.BTN_UNDO_NO, UNDO_NO)]])


def similar_keyboard(file_id: str, name: str, doc_id: str) -> InlineKeyboardMarkup | None:
    """Under "có vẻ là văn bản … đã có": add the file as a new document, or let it replace doc_id (and the
    stored document's outline, to compare)."""
    return markup([[button(t.BTN_ADD_NEW, CHOOSE, "new", file_id, name, doc_id)],
                   [button(t.BTN_REPLACE, CHOOSE, "replace", file_id, name, doc_id)],
                   [button(t.BTN_OUTLINE, DOC, doc_id)]])
