"""Free-text questions: who a message is for, then the core's answer as HTML with its buttons."""
from __future__ import annotations

import logging

from telegram import Message, Update

from bot import format as fmt
from bot import keyboards as kb
from bot import texts as t
from bot.chat import Ctx, addressed_text, core_of, is_private, rate_ok, replies_to_bot, reply_target, send, typing
from bot.core import SHORT
from core.errors import BadQuery

log = logging.getLogger(__name__)


async def answer_question(update: Update, context: Ctx, question: str, source: Message | None) -> None:
    """Ask the core (with the chat's recent questions) and send the quoted answer with its buttons."""
    chat_id = update.effective_chat.id
    reply_to = reply_target(update, source)
    if not await rate_ok(update, context, source):
        return
    await typing(context, chat_id, source)
    try:
        reply = await core_of(context).ask(context.chat_data, question)
    except BadQuery as e:
        await send(context, chat_id, fmt.esc(e), reply_to=reply_to)
        return
    html = fmt.reply_html(reply, fmt.public_base(context.bot_data["settings"].public_url))
    markup = None if reply.kind == SHORT else kb.answer_keyboard(reply.record(), reply.cited, reply.shown)
    await send(context, chat_id, html, reply_to=reply_to, markup=markup)


async def on_text(update: Update, context: Ctx) -> None:
    """Answer a free-text question (in groups only when mentioned or replied to)."""
    message = update.message
    question = addressed_text(update, message, context.bot)
    if question is None:
        return
    if not question.strip() and not is_private(update):      # "@bot" alone
        await send(context, update.effective_chat.id,
                   fmt.esc(t.EMPTY_MENTION.format(username=context.bot.username, example=t.EXAMPLES[0])),
                   reply_to=reply_target(update, message))
        return
    await answer_question(update, context, question, message)


async def on_other(update: Update, context: Ctx) -> None:
    """Tell the sender of a sticker, photo, voice… that the bot reads text questions."""
    message = update.message
    if not is_private(update) and not replies_to_bot(message, context.bot):
        return
    await send(context, update.effective_chat.id, fmt.esc(t.NON_TEXT), reply_to=reply_target(update, message))
