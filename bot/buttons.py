"""Inline-keyboard presses: decode the button (bot.keyboards) and run its action."""
from __future__ import annotations

import logging

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot import format as fmt
from bot import keyboards as kb
from bot import texts as t
from bot.chat import Ctx, core_of, reply_target, send
from bot.commands import doc_list_view, results_view, send_document, send_results
from bot.questions import answer_question
from bot.uploads import choose, undo, undo_ask, undo_keep

log = logging.getLogger(__name__)


async def on_button(update: Update, context: Ctx) -> None:
    """Dispatch a button press to its action by the kind in its callback data."""
    kind, args = kb.decode(update.callback_query.data)
    action = ACTIONS.get(kind)
    if action is None:
        await update.callback_query.answer()
        return
    await action(update, context, *args)


async def on_expired(update: Update, context: Ctx) -> None:
    """A button whose data python-telegram-bot no longer holds (cache full, or no persistence)."""
    await update.callback_query.answer(t.EXPIRED, show_alert=True)


async def _send_passages(update: Update, context: Ctx, ids: tuple[str, ...]) -> None:
    chat_id = update.effective_chat.id
    reply_to = reply_target(update, update.callback_query.message)
    for hit in await core_of(context).passages(ids):
        await send(context, chat_id, fmt.passage_html(hit) if hit else fmt.esc(t.GONE), reply_to=reply_to)


async def full(update: Update, context: Ctx, ids: tuple[str, ...]) -> None:
    """"Xem đầy đủ" and 📖 n: send the whole passage(s)."""
    await update.callback_query.answer()
    await _send_passages(update, context, ids)


async def open_passage(update: Update, context: Ctx, pid: str) -> None:
    await full(update, context, (pid,))


async def more(update: Update, context: Ctx, question: str, exclude: tuple[str, ...]) -> None:
    """"Kết quả khác": send the next ranked passages for the question, paged."""
    await update.callback_query.answer()
    await send_results(update, context, question, exclude, reply_to=reply_target(update, update.callback_query.message))


async def page(update: Update, context: Ctx, query: str, exclude: tuple[str, ...], number: int) -> None:
    """◀ / ▶ on a results message: show another page in place."""
    await update.callback_query.answer()
    await _edit(update, *await results_view(context, query, exclude, max(0, int(number))))


async def vote(update: Update, context: Ctx, value: str, record: dict) -> None:
    """👍 / 👎: append the vote with question, answer and citation ids to feedback.jsonl (once per
    answer message and value)."""
    message_id = update.callback_query.message.message_id if update.callback_query.message else 0
    if not core_of(context).vote(context.chat_data, message_id, value, record, update.effective_chat.id):
        await update.callback_query.answer(t.ALREADY)
        return
    await update.callback_query.answer(t.THANKS["u" if value == "up" else "d"])


async def doc_page(update: Update, context: Ctx, number: int) -> None:
    """◀ / ▶ on the document list: show another page in place."""
    await update.callback_query.answer()
    await _edit(update, *await doc_list_view(context, int(number)))


async def doc_open(update: Update, context: Ctx, doc_id: str) -> None:
    """📘 n on the document list (or under an upload): send that document's metadata and outline."""
    await update.callback_query.answer()
    await send_document(context, update.effective_chat.id, doc_id, reply_target(update, update.callback_query.message))


async def example(update: Update, context: Ctx, question: str) -> None:
    """A /start example button: answer that question."""
    await update.callback_query.answer()
    await answer_question(update, context, question, update.callback_query.message)


async def _edit(update: Update, html: str, markup) -> None:
    try:
        await update.callback_query.edit_message_text(html, parse_mode=ParseMode.HTML, reply_markup=markup,
                                                      link_preview_options=LinkPreviewOptions(is_disabled=True))
    except BadRequest as e:
        if "not modified" not in str(e).lower():
            raise


ACTIONS = {kb.FULL: full, kb.MORE: more, kb.PAGE: page, kb.OPEN: open_passage, kb.VOTE: vote,
           kb.DOCS: doc_page, kb.DOC: doc_open, kb.EXAMPLE: example, kb.UNDO: undo_ask,
           kb.UNDO_YES: undo, kb.UNDO_NO: undo_keep, kb.CHOOSE: choose}
