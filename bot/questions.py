"""Free-text questions: the conversation memory per chat, the engine call and the answer message."""
from __future__ import annotations

import inspect
import logging
import time
from collections.abc import MutableMapping

from telegram import Message, Update

from bot import format as fmt
from bot import keyboards as kb
from bot import texts as t
from bot.chat import Ctx, addressed_text, call_engine, is_private, rate_ok, replies_to_bot, reply_target, send, typing
from core.errors import BadQuery

log = logging.getLogger(__name__)

# Conversation memory: a follow-up ("còn năm 2025 thì sao?") is read against the chat's last few
# questions. Four turns cover the dev follow-ups in ../shared/eval/conversation-dev.jsonl (at most
# three earlier questions each); after 15 minutes of silence a question starts a new topic.
HISTORY_TURNS = 4
HISTORY_SECONDS = 15 * 60
SUGGESTIONS = 3          # closest passages shown under a "not found"


def recent_questions(chat_data: MutableMapping, now: float | None = None) -> tuple[str, ...]:
    """The chat's earlier questions still in memory, most recent last."""
    now = time.time() if now is None else now
    kept = [(at, q) for at, q in chat_data.get("history", ()) if now - at <= HISTORY_SECONDS]
    chat_data["history"] = kept[-HISTORY_TURNS:]
    return tuple(q for _, q in chat_data["history"])


def remember_question(chat_data: MutableMapping, question: str, now: float | None = None) -> None:
    chat_data.setdefault("history", []).append((time.time() if now is None else now, question))
    chat_data["history"] = chat_data["history"][-HISTORY_TURNS:]


def takes_history(engine) -> bool:
    """Engine.ask(question, filters=None, history=()) is the contract; older engines lack history."""
    try:
        return "history" in inspect.signature(engine.ask).parameters
    except (TypeError, ValueError):
        return False


async def answer_question(update: Update, context: Ctx, question: str, source: Message | None) -> None:
    """Ask the engine (with the chat's recent questions) and send the quoted answer with its buttons."""
    chat_id = update.effective_chat.id
    reply_to = reply_target(update, source)
    if not await rate_ok(update, context, source):
        return
    await typing(context, chat_id, source)
    history = recent_questions(context.chat_data)
    extra = {"history": history} if takes_history(context.bot_data["engine"]) else {}
    try:
        answer = await call_engine(context, "ask", question, **extra)
    except BadQuery as e:
        await send(context, chat_id, fmt.esc(e), reply_to=reply_to)
        return
    remember_question(context.chat_data, question)
    if answer.found:
        cited = list(dict.fromkeys(c.passage_id for c in answer.citations))
        html, shown = fmt.answer_html(answer, fmt.public_base(context.bot_data["settings"].public_url)), cited
    elif not answer.suggestions and not answer.citations and answer.answer.strip():
        # a short reply with nothing to cite (greetings, thanks): shown as it is, no buttons
        await send(context, chat_id, fmt.esc(answer.answer.strip()), reply_to=reply_to)
        return
    else:
        suggestions = list(answer.suggestions[:SUGGESTIONS])
        cited, html = [], fmt.not_found_html(answer, suggestions)
        shown = [h.passage_id for h in suggestions]
    record = {"question": question, "answer": answer.answer, "found": answer.found, "citations": cited}
    log.info("answered chat=%s found=%s citations=%d history=%d", chat_id, answer.found, len(cited), len(history))
    await send(context, chat_id, html, reply_to=reply_to, markup=kb.answer_keyboard(record, cited, shown))


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
