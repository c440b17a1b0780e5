"""Telegram handlers for questions, commands and other messages. They call the shared Engine
(context.bot_data["engine"]) and never search or compose answers themselves."""
from __future__ import annotations

import asyncio
import functools
import logging
import re

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import format as fmt
from bot.limits import OK, WARN
from bot.store import remember
from core.errors import BadQuery, NotFound

log = logging.getLogger(__name__)
Ctx = ContextTypes.DEFAULT_TYPE

RESULTS_PER_PAGE = 3
DOCS_PER_PAGE = 4
MAX_PAGES = 10

EXAMPLES = (
    "Chỉ tiêu đào tạo chủ tịch CĐCS là gì?",
    "Những kỹ năng nào cần bồi dưỡng cho cán bộ công đoàn?",
    "Cán bộ được luân chuyển phải công tác ít nhất bao lâu?",
)
COMMANDS = (
    ("start", "Lời chào và câu hỏi mẫu"),
    ("help", "Hướng dẫn sử dụng"),
    ("tim", "Tìm đoạn văn bản theo từ khóa"),
    ("vanban", "Danh sách văn bản; /vanban <số> xem mục lục"),
)

GREETING = (
    "👋 Xin chào{name}! Tôi là <b>Sổ tay</b> — trợ lý tra cứu văn bản Công đoàn.\n\n"
    "Bạn cứ gõ câu hỏi bằng tiếng Việt (có dấu hay không dấu đều được). Tôi trả lời bằng đoạn "
    "<b>trích nguyên văn</b> từ văn bản, kèm <b>nguồn</b> (tên văn bản, mục) để bạn kiểm tra lại.\n\n"
    "<b>Ví dụ:</b>\n{examples}\n\n"
    "Bấm một câu hỏi mẫu bên dưới để thử, hoặc gõ /help để xem hướng dẫn."
)
HELP = (
    "📖 <b>Hướng dẫn sử dụng Sổ tay</b>\n\n"
    "• Gõ câu hỏi → tôi trả lời bằng đoạn trích nguyên văn, kèm <b>📄 Nguồn</b>.\n"
    "• <b>Xem đầy đủ</b>: đọc toàn văn đoạn được trích.\n"
    "• <b>Kết quả khác</b>: xem các đoạn liên quan tiếp theo.\n"
    "• 👍 / 👎: cho biết câu trả lời có hữu ích không.\n\n"
    "<b>Lệnh:</b>\n"
    "/tim &lt;từ khóa&gt; — tìm các đoạn văn bản theo từ khóa\n"
    "/vanban — danh sách văn bản đang có\n"
    "/vanban &lt;số hoặc mã&gt; — thông tin và mục lục một văn bản, ví dụ: /vanban 01/CTr-LĐLĐ\n"
    "/start — lời chào và câu hỏi mẫu\n\n"
    "<b>Trong nhóm:</b> nhắc tên @{username} hoặc trả lời (reply) tin nhắn của tôi thì tôi mới trả lời.\n\n"
    "Tôi chỉ trả lời theo các văn bản đã có trong kho; không tìm thấy thì tôi sẽ nói rõ."
)
NON_TEXT = ("Tôi chỉ đọc được câu hỏi dạng chữ 🙂 Bạn gõ câu hỏi giúp tôi nhé, ví dụ: "
            "«Chỉ tiêu đào tạo chủ tịch CĐCS là gì?»")
REFUSED = ("Xin lỗi, Sổ tay hiện chỉ phục vụ các nhóm và người dùng đã được đăng ký. "
           "Bạn vui lòng liên hệ quản trị viên Công đoàn để được cấp quyền sử dụng.")
SLOW_DOWN = ("⏳ Bạn hỏi nhanh quá, chậm lại một chút nhé! Mỗi phút tôi trả lời tối đa {n} câu hỏi "
             "cho một người. Bạn thử lại sau khoảng {s} giây.")
SORRY = "Xin lỗi, có lỗi xảy ra khi xử lý yêu cầu của bạn. Bạn vui lòng thử lại sau ít phút."
TIM_USAGE = ("Cách dùng: /tim &lt;từ khóa&gt;\nVí dụ: /tim luân chuyển cán bộ\n\n"
             "Muốn hỏi trọn câu thì bạn cứ gõ thẳng câu hỏi.")
UNKNOWN_COMMAND = "Tôi chưa hiểu lệnh này. Gõ /help để xem các lệnh, hoặc gõ thẳng câu hỏi."
DOC_NOT_FOUND = "Không tìm thấy văn bản «{key}». Gõ /vanban để xem danh sách văn bản hiện có."
EMPTY_MENTION = "Bạn muốn hỏi gì? Hãy nhắc tên tôi kèm câu hỏi, ví dụ: @{username} {example}"


# -- plumbing -------------------------------------------------------------------------------------
async def call_engine(context: Ctx, method: str, *args, **kwargs):
    """Run one Engine method in the bot's worker thread so the event loop keeps serving."""
    engine = context.bot_data["engine"]
    fn = functools.partial(getattr(engine, method), *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(context.bot_data["executor"], fn)


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


def _mentions_bot(message: Message, bot) -> bool:
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
    if _mentions_bot(message, bot):
        return re.sub("@" + re.escape(bot.username or ""), " ", text, flags=re.IGNORECASE).strip()
    if replies_to_bot(message, bot):
        return text
    return None


def _command_for_us(message: Message, bot) -> bool:
    text = message.text or ""
    if not text.startswith("/"):
        return False
    head = text.split(maxsplit=1)[0]
    return "@" not in head or head.split("@", 1)[1].lower() == (bot.username or "").lower()


def answer_keyboard(key: str, full: bool) -> InlineKeyboardMarkup:
    first = [InlineKeyboardButton("Xem đầy đủ", callback_data=f"f:{key}")] if full else []
    return InlineKeyboardMarkup([
        first + [InlineKeyboardButton("Kết quả khác", callback_data=f"m:{key}")],
        [InlineKeyboardButton("👍", callback_data=f"v:{key}:u"),
         InlineKeyboardButton("👎", callback_data=f"v:{key}:d")],
    ])


async def rate_ok(update: Update, context: Ctx, reply_to: Message | None) -> bool:
    """Count one question for the user; say "chậm lại" once when over the per-minute limit."""
    user = update.effective_user
    limiter = context.bot_data["limiter"]
    verdict = limiter.check(user.id if user else 0)
    if verdict == OK:
        return True
    if verdict == WARN:
        wait = max(1, round(limiter.retry_after(user.id if user else 0)))
        await send(context, update.effective_chat.id, SLOW_DOWN.format(n=limiter.limit, s=wait),
                   reply_to=reply_target(update, reply_to))
    log.info("rate limited user in chat %s", update.effective_chat.id)
    return False


async def typing(context: Ctx, chat_id: int, message: Message | None) -> None:
    thread = message.message_thread_id if message is not None and message.is_topic_message else None
    await context.bot.send_chat_action(chat_id, ChatAction.TYPING, message_thread_id=thread)


# -- the question flow ---------------------------------------------------------------------------
async def answer_question(update: Update, context: Ctx, question: str, source: Message | None) -> None:
    """Ask the engine and send the quoted answer with its sources and buttons."""
    chat_id = update.effective_chat.id
    reply_to = reply_target(update, source)
    if not await rate_ok(update, context, source):
        return
    await typing(context, chat_id, source)
    try:
        answer = await call_engine(context, "ask", question)
    except BadQuery as e:
        await send(context, chat_id, fmt.esc(e), reply_to=reply_to)
        return
    if answer.found:
        cited = list(dict.fromkeys(c.passage_id for c in answer.citations))
        html = fmt.answer_html(answer)
        shown = cited
    else:
        suggestions = list(answer.suggestions[:3])
        cited = []
        html = fmt.not_found_html(answer, suggestions)
        shown = [h.passage_id for h in suggestions]
    key = remember(context.chat_data, {"question": question, "answer": answer.answer, "found": answer.found,
                                       "citations": cited, "exclude": shown})
    log.info("answered chat=%s found=%s citations=%d", chat_id, answer.found, len(cited))
    await send(context, chat_id, html, reply_to=reply_to, markup=answer_keyboard(key, full=bool(cited)))


async def on_text(update: Update, context: Ctx) -> None:
    """Answer a free-text question (in groups only when mentioned or replied to)."""
    message = update.message
    question = addressed_text(update, message, context.bot)
    if question is None:
        return
    if not question.strip() and not is_private(update):      # "@bot" alone
        await send(context, update.effective_chat.id,
                   fmt.esc(EMPTY_MENTION.format(username=context.bot.username, example=EXAMPLES[0])),
                   reply_to=reply_target(update, message))
        return
    await answer_question(update, context, question, message)


async def on_other(update: Update, context: Ctx) -> None:
    """Tell the sender of a sticker, photo, voice… that the bot reads text questions."""
    message = update.message
    if not is_private(update) and not replies_to_bot(message, context.bot):
        return
    await send(context, update.effective_chat.id, fmt.esc(NON_TEXT), reply_to=reply_target(update, message))


async def gate(update: Update, context: Ctx) -> None:
    """Refuse politely in chats that are not on the allow list, and stop handling there."""
    chat = update.effective_chat
    if chat is None or context.bot_data["access"].allows(chat.id):
        return
    log.info("refused chat %s", chat.id)
    if update.callback_query is not None:
        await update.callback_query.answer(REFUSED, show_alert=True)
    elif update.message is not None and (
            is_private(update) or _command_for_us(update.message, context.bot)
            or addressed_text(update, update.message, context.bot) is not None):
        await send(context, chat.id, fmt.esc(REFUSED), reply_to=reply_target(update, update.message))
    raise ApplicationHandlerStop


# -- commands ------------------------------------------------------------------------------------
async def cmd_start(update: Update, context: Ctx) -> None:
    """Greet and offer three example questions as buttons."""
    user = update.effective_user
    name = f" {user.first_name}" if user and user.first_name and is_private(update) else ""
    examples = "\n".join(f"• {fmt.esc(q)}" for q in EXAMPLES)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(q, callback_data=f"x:{i}")] for i, q in enumerate(EXAMPLES)])
    await send(context, update.effective_chat.id, GREETING.format(name=fmt.esc(name), examples=examples),
               reply_to=reply_target(update, update.message), markup=markup)


async def cmd_help(update: Update, context: Ctx) -> None:
    """Explain the questions, buttons, commands and group use."""
    await send(context, update.effective_chat.id, HELP.format(username=fmt.esc(context.bot.username)),
               reply_to=reply_target(update, update.message))


async def cmd_tim(update: Update, context: Ctx) -> None:
    """/tim <từ khóa>: ranked passages with citations, paged."""
    query = " ".join(context.args or ()).strip()
    reply_to = reply_target(update, update.message)
    if not query:
        await send(context, update.effective_chat.id, TIM_USAGE, reply_to=reply_to)
        return
    if not await rate_ok(update, context, update.message):
        return
    await typing(context, update.effective_chat.id, update.message)
    await send_results(update, context, query, exclude=[], reply_to=reply_to)


async def send_results(update: Update, context: Ctx, query: str, exclude: list[str],
                       reply_to: Message | None) -> None:
    """Send page 1 of ranked passages for query (without those already shown)."""
    key = remember(context.chat_data, {"query": query, "exclude": list(exclude), "pages": {}})
    try:
        html, markup = await results_view(context, key, 0)
    except BadQuery as e:
        html, markup = fmt.esc(e), None
    await send(context, update.effective_chat.id, html, reply_to=reply_to, markup=markup)


async def results_view(context: Ctx, key: str, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """Text and buttons of one results page (engine.search with offset)."""
    entry = context.chat_data["memo"][key]
    query, exclude = entry["query"], set(entry["exclude"])
    per = RESULTS_PER_PAGE
    if exclude:   # rank past what the user has already seen, then page
        hits = await call_engine(context, "search", query, k=(page + 1) * per + len(exclude) + 1)
        hits = [h for h in hits if h.passage_id not in exclude][page * per:]
    else:
        hits = await call_engine(context, "search", query, k=per + 1, offset=page * per)
    has_next = len(hits) > per and page + 1 < MAX_PAGES
    hits = hits[:per]
    entry["pages"][page] = [h.passage_id for h in hits]
    rows = []
    if hits:
        rows.append([InlineKeyboardButton(f"📖 {page * per + i + 1}", callback_data=f"o:{key}:{page}:{i}")
                     for i in range(len(hits))])
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton("◀ Trang trước", callback_data=f"r:{key}:{page - 1}"))
    if has_next:
        nav.append(InlineKeyboardButton("Trang sau ▶", callback_data=f"r:{key}:{page + 1}"))
    if nav:
        rows.append(nav)
    html = fmt.results_html(query, hits, page, start=page * per + 1)
    return html, InlineKeyboardMarkup(rows) if rows else None


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
    try:
        doc = await call_engine(context, "document", key)
    except NotFound:
        await send(context, chat_id, fmt.esc(DOC_NOT_FOUND.format(key=key)), reply_to=reply_to)
        return
    await send(context, chat_id, fmt.document_html(doc), reply_to=reply_to)


async def doc_list_view(context: Ctx, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """Text and buttons of one page of the document list."""
    docs = await call_engine(context, "documents")
    per = DOCS_PER_PAGE
    pages = max(1, (len(docs) + per - 1) // per)
    page = min(max(page, 0), pages - 1)
    rows = []
    shown = docs[page * per:(page + 1) * per]
    if shown:
        rows.append([InlineKeyboardButton(f"📘 {page * per + i + 1}",
                                          callback_data=f"d:{remember(context.chat_data, {'doc': d.id})}")
                     for i, d in enumerate(shown)])
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton("◀ Trang trước", callback_data=f"l:{page - 1}"))
    if page + 1 < pages:
        nav.append(InlineKeyboardButton("Trang sau ▶", callback_data=f"l:{page + 1}"))
    if nav:
        rows.append(nav)
    return fmt.doc_list_html(docs, page, per), InlineKeyboardMarkup(rows) if rows else None


async def cmd_unknown(update: Update, context: Ctx) -> None:
    """Point to /help for a command the bot does not know (private chats only)."""
    if is_private(update):
        await send(context, update.effective_chat.id, UNKNOWN_COMMAND)


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
                chat.id, SORRY,
                reply_parameters=(ReplyParameters(message.message_id, allow_sending_without_reply=True)
                                  if message is not None and chat.type != ChatType.PRIVATE else None))
    except Exception:
        log.warning("could not send the error reply", exc_info=True)

