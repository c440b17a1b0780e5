"""Telegram plumbing shared by the handlers: the engine call, sending HTML, who a message is for,
the per-user question limit, the access gate and the one error handler."""
from __future__ import annotations

import logging
import re

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Message, MessageEntity, ReplyParameters, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import format as fmt
from bot import texts as t
from bot.limits import OK, WARN

log = logging.getLogger(__name__)
Ctx = ContextTypes.DEFAULT_TYPE


def core_of(context: Ctx):
    """The channel's bot.core.Core: engine calls, allow list, admins, rate limit, feedback."""
    return context.bot_data["core"]


async def call_engine(context: Ctx, method: str, *args, **kwargs):
    """Run one Engine method on the core's worker thread so the event loop keeps serving."""
    return await core_of(context).call(method, *args, **kwargs)


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


def reply_target(update: Update, message: Message | None) -> Message | None:
    """In groups, answers quote the message they answer so the thread stays readable."""
    return None if is_private(update) else message


async def send(context: Ctx, chat_id: int, html: str, *, reply_to: Message | None = None,
               markup: InlineKeyboardMarkup | None = None) -> Message | None:
    """Send HTML split at 4,096 characters; the first part replies, the last carries the keyboard."""
    chunks = fmt.split_message(html)
    thread = reply_to.message_thread_id if reply_to is not None and reply_to.is_topic_message else None
    sent = None
    for i, chunk in enumerate(chunks):
        sent = await context.bot.send_message(
            chat_id, chunk, parse_mode=ParseMode.HTML,
            reply_parameters=(ReplyParameters(reply_to.message_id, allow_sending_without_reply=True)
                              if reply_to is not None and i == 0 else None),
            reply_markup=markup if i == len(chunks) - 1 else None,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            message_thread_id=thread)
    return sent


def replies_to_bot(message: Message, bot) -> bool:
    r = message.reply_to_message
    return r is not None and r.from_user is not None and r.from_user.id == bot.id


def mentions_bot(message: Message, bot) -> bool:
    name = "@" + (bot.username or "").lower()
    for ent, text in message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items():
        if ent.type == MessageEntity.MENTION and text.lower() == name:
            return True
        if ent.type == MessageEntity.TEXT_MENTION and ent.user is not None and ent.user.id == bot.id:
            return True
    return False


def addressed_text(update: Update, message: Message, bot) -> str | None:
    """The question in a message meant for the bot: always in private chats; in groups only when
    the bot is @mentioned (the mention is removed) or the message replies to the bot."""
    text = message.text or ""
    if is_private(update):
        return text
    if mentions_bot(message, bot):
        return re.sub("@" + re.escape(bot.username or ""), " ", text, flags=re.IGNORECASE).strip()
    if replies_to_bot(message, bot):
        return text
    return None


def command_for_us(message: Message, bot) -> bool:
    text = message.text or ""
    if not text.startswith("/"):
        return False
    head = text.split(maxsplit=1)[0]
    return "@" not in head or head.split("@", 1)[1].lower() == (bot.username or "").lower()


async def rate_ok(update: Update, context: Ctx, reply_to: Message | None) -> bool:
    """Count one question for the user; say "chậm lại" once when over the per-minute limit."""
    user = update.effective_user
    core = core_of(context)
    verdict, wait = core.rate(user.id if user else 0)
    if verdict == OK:
        return True
    if verdict == WARN:
        await send(context, update.effective_chat.id, t.SLOW_DOWN.format(n=core.limiter.limit, s=wait),
                   reply_to=reply_target(update, reply_to))
    log.info("rate limited user in chat %s", update.effective_chat.id)
    return False


async def typing(context: Ctx, chat_id: int, message: Message | None) -> None:
    thread = message.message_thread_id if message is not None and message.is_topic_message else None
    await context.bot.send_chat_action(chat_id, ChatAction.TYPING, message_thread_id=thread)


async def gate(update: Update, context: Ctx) -> None:
    """Refuse politely in chats that are not on the allow list, and stop handling there."""
    chat = update.effective_chat
    if chat is None or core_of(context).allows(chat.id):
        return
    log.info("refused chat %s", chat.id)
    if update.callback_query is not None:
        await update.callback_query.answer(t.REFUSED, show_alert=True)
    elif update.message is not None and (
            is_private(update) or command_for_us(update.message, context.bot)
            or addressed_text(update, update.message, context.bot) is not None):
        await send(context, chat.id, fmt.esc(t.REFUSED), reply_to=reply_target(update, update.message))
    raise ApplicationHandlerStop


# -- errors ---------------------------------------------------------------------------------------
async def on_error(update: object, context: Ctx) -> None:
    """Log the error and tell the user "Xin lỗi, có lỗi…" without any detail."""
    log.error("Lỗi khi xử lý update %s", getattr(update, "update_id", None), exc_info=context.error)
    if not isinstance(update, Update):
        return
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except Exception:  # maybe answered already
            log.debug("could not answer the callback query", exc_info=True)
    try:
        chat = update.effective_chat
        if chat is not None:
            message = update.effective_message
            await context.bot.send_message(
                chat.id, t.SORRY,
                reply_parameters=(ReplyParameters(message.message_id, allow_sending_without_reply=True)
                                  if message is not None and chat.type != ChatType.PRIVATE else None))
    except Exception:
        log.warning("could not send the error reply", exc_info=True)

