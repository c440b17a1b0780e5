"""/start, /help, /tim and /vanban, and the paged views their buttons show again."""
from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup, Message, Update

from bot import format as fmt
from bot import keyboards as kb
from bot import texts as t
from bot.chat import Ctx, call_engine, core_of, is_private, rate_ok, reply_target, send, typing
from core.errors import BadQuery, NotFound

DOCS_PER_PAGE = 4


async def cmd_start(update: Update, context: Ctx) -> None:
    """Greet and offer three example questions as buttons."""
    user = update.effective_user
    name = f" {user.first_name}" if user and user.first_name and is_private(update) else ""
    examples = "\n".join(f"• {fmt.esc(q)}" for q in t.EXAMPLES)
    await send(context, update.effective_chat.id, t.GREETING.format(name=fmt.esc(name), examples=examples),
               reply_to=reply_target(update, update.message), markup=kb.examples_keyboard(t.EXAMPLES))


async def cmd_help(update: Update, context: Ctx) -> None:
    """Explain the questions, buttons, commands and group use."""
    await send(context, update.effective_chat.id, t.HELP.format(username=fmt.esc(context.bot.username)),
               reply_to=reply_target(update, update.message))


async def cmd_tim(update: Update, context: Ctx) -> None:
    """/tim <từ khóa>: ranked passages with citations, paged."""
    query = " ".join(context.args or ()).strip()
    reply_to = reply_target(update, update.message)
    if not query:
        await send(context, update.effective_chat.id, t.TIM_USAGE, reply_to=reply_to)
        return
    if not await rate_ok(update, context, update.message):
        return
    await typing(context, update.effective_chat.id, update.message)
    await send_results(update, context, query, exclude=(), reply_to=reply_to)


async def send_results(update: Update, context: Ctx, query: str, exclude: Sequence[str],
                       reply_to: Message | None) -> None:
    """Send page 1 of ranked passages for query (without those already shown)."""
    try:
        html, markup = await results_view(context, query, tuple(exclude), 0)
    except BadQuery as e:
        html, markup = fmt.esc(e), None
    await send(context, update.effective_chat.id, html, reply_to=reply_to, markup=markup)


async def results_view(context: Ctx, query: str, exclude: tuple[str, ...],
                       page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """Text and buttons of one results page (bot.core: engine.search with offset)."""
    shown = await core_of(context).results(query, exclude, page)
    markup = kb.results_keyboard(query, exclude, shown.page, shown.start, shown.ids, shown.has_next)
    return fmt.results_html(query, list(shown.hits), shown.page, start=shown.start), markup


async def cmd_vanban(update: Update, context: Ctx) -> None:
    """/vanban: the document list, paged; /vanban <số hoặc mã>: metadata and outline."""
    key = " ".join(context.args or ()).strip()
    chat_id = update.effective_chat.id
    reply_to = reply_target(update, update.message)
    if not key:
        html, markup = await doc_list_view(context, 0)
        await send(context, chat_id, html, reply_to=reply_to, markup=markup)
        return
    await send_document(context, chat_id, key, reply_to)


async def send_document(context: Ctx, chat_id: int, key: str, reply_to: Message | None) -> None:
    """One document's card; the documents a partial number names ("/vanban 04") to choose from."""
    found = await call_engine(context, "find_documents", key)
    if len(found) > 1:
        markup = kb.doc_list_keyboard([d.id for d in found[:DOCS_PER_PAGE]], 0, 1, False)
        await send(context, chat_id, fmt.doc_list_html(found, 0, DOCS_PER_PAGE), reply_to=reply_to, markup=markup)
        return
    try:
        doc = await call_engine(context, "document", found[0].id if found else key)
    except NotFound:
        await send(context, chat_id, fmt.esc(t.DOC_NOT_FOUND.format(key=key)), reply_to=reply_to)
        return
    await send(context, chat_id, fmt.document_html(doc), reply_to=reply_to)


async def doc_list_view(context: Ctx, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """Text and buttons of one page of the document list."""
    docs = await call_engine(context, "documents")
    per = DOCS_PER_PAGE
    pages = max(1, (len(docs) + per - 1) // per)
    page = min(max(page, 0), pages - 1)
    shown = docs[page * per:(page + 1) * per]
    markup = kb.doc_list_keyboard([d.id for d in shown], page, page * per + 1, page + 1 < pages)
    return fmt.doc_list_html(docs, page, per), markup


async def cmd_unknown(update: Update, context: Ctx) -> None:
    """Point to /help for a command the bot does not know (private chats only)."""
    if is_private(update):
        await send(context, update.effective_chat.id, t.UNKNOWN_COMMAND)
