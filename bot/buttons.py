"""Inline-keyboard presses. Callback data is "<kind>:<short key>[:…]" (well under 64 bytes); the
question and passage ids live in context.chat_data (bot.store)."""
from __future__ import annotations

import logging

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot import format as fmt
from bot.handlers import (
    EXAMPLES,
    Ctx,
    answer_question,
    call_engine,
    doc_list_view,
    reply_target,
    results_view,
    send,
    send_document,
    send_results,
)
from bot.store import append_feedback, recall
from core.errors import NotFound

log = logging.getLogger(__name__)

EXPIRED = "Nút này đã hết hạn. Bạn vui lòng hỏi lại nhé."
THANKS = {"u": "Cảm ơn bạn đã góp ý! 👍", "d": "Cảm ơn bạn! Góp ý 👎 giúp Sổ tay trả lời tốt hơn."}
ALREADY = "Bạn đã góp ý cho câu trả lời này rồi. Cảm ơn bạn!"
GONE = "Đoạn này không còn trong kho văn bản."


async def on_button(update: Update, context: Ctx) -> None:
    """Dispatch a button press to its action by the prefix of its callback data."""
    query = update.callback_query
    kind, _, rest = (query.data or "").partition(":")
    action = ACTIONS.get(kind)
    if action is None:
        await query.answer()
        return
    await action(update, context, *rest.split(":"))


async def _entry(update: Update, context: Ctx, key: str) -> dict | None:
    entry = recall(context.chat_data, key)
    if entry is None:
        await update.callback_query.answer(EXPIRED, show_alert=True)
    return entry


async def _send_passages(update: Update, context: Ctx, ids: list[str]) -> None:
    chat_id = update.effective_chat.id
    reply_to = reply_target(update, update.callback_query.message)
    for pid in ids:
        try:
            hit = await call_engine(context, "passage", pid)
        except NotFound:
            await send(context, chat_id, fmt.esc(GONE), reply_to=reply_to)
            continue
        await send(context, chat_id, fmt.passage_html(hit), reply_to=reply_to)


async def full(update: Update, context: Ctx, key: str) -> None:
    """"Xem đầy đủ": send the whole cited passage(s)."""
    entry = await _entry(update, context, key)
    if entry is None:
        return
    await update.callback_query.answer()
    await _send_passages(update, context, list(entry.get("citations", ())))


async def more(update: Update, context: Ctx, key: str) -> None:
    """"Kết quả khác": send the next ranked passages for the question, paged."""
    entry = await _entry(update, context, key)
    if entry is None:
        return
    await update.callback_query.answer()
    await send_results(update, context, entry["question"], exclude=list(entry.get("exclude", ())),
                       reply_to=reply_target(update, update.callback_query.message))


async def page(update: Update, context: Ctx, key: str, number: str) -> None:
    """◀ / ▶ on a results message: show another page in place."""
    if await _entry(update, context, key) is None:
        return
    await update.callback_query.answer()
    html, markup = await results_view(context, key, max(0, int(number)))
    await _edit(update, html, markup)


async def open_passage(update: Update, context: Ctx, key: str, number: str, index: str) -> None:
    """📖 n on a results message: send that passage in full."""
    entry = await _entry(update, context, key)
    if entry is None:
        return
    ids = entry.get("pages", {}).get(int(number), [])
    if int(index) >= len(ids):
        await update.callback_query.answer(EXPIRED, show_alert=True)
        return
    await update.callback_query.answer()
    await _send_passages(update, context, [ids[int(index)]])


async def vote(update: Update, context: Ctx, key: str, value: str) -> None:
    """👍 / 👎: append the vote with question, answer and citation ids to feedback.jsonl."""
    entry = await _entry(update, context, key)
    if entry is None:
        return
    if entry.get("vote") == value:
        await update.callback_query.answer(ALREADY)
        return
    entry["vote"] = value
    path = context.bot_data["settings"].data_dir / "feedback.jsonl"
    append_feedback(path, "up" if value == "u" else "down", entry, update.effective_chat.id)
    await update.callback_query.answer(THANKS.get(value, THANKS["u"]))


async def doc_page(update: Update, context: Ctx, number: str) -> None:
    """◀ / ▶ on the document list: show another page in place."""
    await update.callback_query.answer()
    html, markup = await doc_list_view(context, int(number))
    await _edit(update, html, markup)


async def doc_open(update: Update, context: Ctx, key: str) -> None:
    """📘 n on the document list: send that document's metadata and outline."""
    entry = await _entry(update, context, key)
    if entry is None:
        return
    await update.callback_query.answer()
    await send_document(context, update.effective_chat.id, entry["doc"],
                        reply_target(update, update.callback_query.message))


async def example(update: Update, context: Ctx, index: str) -> None:
    """A /start example button: answer that question."""
    await update.callback_query.answer()
    question = EXAMPLES[int(index) % len(EXAMPLES)]
    await answer_question(update, context, question, update.callback_query.message)


async def _edit(update: Update, html: str, markup) -> None:
    try:
        await update.callback_query.edit_message_text(html, parse_mode=ParseMode.HTML, reply_markup=markup,
                                                      link_preview_options=LinkPreviewOptions(is_disabled=True))
    except BadRequest as e:
        if "not modified" not in str(e).lower():
            raise


ACTIONS = {"f": full, "m": more, "r": page, "o": open_passage, "v": vote, "l": doc_page, "d": doc_open,
           "x": example}
