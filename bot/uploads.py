"""Documents and photos from administrators: download, queue the ingest (Engine.submit), follow the
job (bot.core.Core.follow) and say what was recognised, with buttons to open the outline or undo."""
from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import FileSizeLimit

from bot import format as fmt
from bot import keyboards as kb
from bot import texts as t
from bot.chat import Ctx, call_engine, core_of, is_private, replies_to_bot, reply_target, send
from bot.questions import on_other
from index.twins import Choice

log = logging.getLogger(__name__)

MAX_DOWNLOAD = FileSizeLimit.FILESIZE_DOWNLOAD     # 20 MB: the Bot API's getFile limit
MB = 1_000_000             # Telegram counts its 20 MB limit in decimal megabytes (20,000,000 bytes)


def upload_limit(settings) -> int:
    """The website's limit (SOTAY_MAX_UPLOAD_MB, in MiB like the API counts it), never above what the Bot
    API lets a bot download: the bot takes exactly the files POST /documents would take."""
    return min(MAX_DOWNLOAD, settings.max_upload_mb * 1024 * 1024)


def upload_file(update: Update) -> tuple[str, str, int | None] | None:
    """(file_id, file name, size) of the document or largest photo in the message."""
    message = update.message
    if message.document is not None:
        d = message.document
        return d.file_id, d.file_name or f"tep-{d.file_unique_id}", d.file_size
    if message.photo:
        p = message.photo[-1]
        return p.file_id, f"anh-{p.file_unique_id}.jpg", p.file_size
    return None


async def on_upload(update: Update, context: Ctx) -> None:
    """A document or photo: ingest it for an administrator's chat, refuse politely elsewhere."""
    chat_id = update.effective_chat.id
    reply_to = reply_target(update, update.message)
    if not core_of(context).is_admin(chat_id):
        if is_private(update) or replies_to_bot(update.message, context.bot):
            await send(context, chat_id, fmt.esc(t.UPLOAD_REFUSED), reply_to=reply_to)
        return
    found = upload_file(update)
    if found is None:
        await on_other(update, context)
        return
    file_id, name, size = found
    limit = upload_limit(context.bot_data["settings"])

    async def too_big(size: int) -> None:
        await send(context, chat_id, fmt.esc(t.UPLOAD_TOO_BIG.format(
            name=name, size=f"{size / MB:.1f}".replace(".", ","), limit=limit // MB)), reply_to=reply_to)

    if size is not None and size > limit:
        await too_big(size)
        return
    await send(context, chat_id, fmt.esc(t.UPLOAD_WORKING.format(name=name)), reply_to=reply_to)
    telegram_file = await context.bot.get_file(file_id)
    data = bytes(await telegram_file.download_as_bytearray())
    if len(data) > limit:   # Telegram may not announce a size; a local Bot API server serves up to 2 GB
        await too_big(len(data))
        return
    job = await call_engine(context, "submit", data, name)
    log.info("upload chat=%s file=%s bytes=%d job=%s", chat_id, name, len(data), job.id)
    # follow the job without holding up other chats' updates
    context.application.create_task(follow_job(context, chat_id, job.id, name, reply_to, file_id), update=update)


async def follow_job(context: Ctx, chat_id: int, job_id: str, name: str, reply_to, file_id: str = "") -> None:
    job = await core_of(context).follow(job_id)
    if job.status in ("queued", "running"):
        await send(context, chat_id, fmt.esc(t.UPLOAD_SLOW.format(name=name, stage=job.stage)), reply_to=reply_to)
    elif job.status != "done" or job.result is None or job.result.status == "failed":
        error = job.error or (job.result.error if job.result else None) or t.UNKNOWN
        await send(context, chat_id, fmt.esc(t.UPLOAD_FAILED.format(name=name, error=error)), reply_to=reply_to)
    elif job.result.status == "similar" and job.result.document is not None:
        result = job.result   # nothing written: the administrator chooses (never a silent replacement)
        said = t.UPLOAD_SIMILAR.format(name=result.document.name, why=result.twin_of, file=name)
        await send(context, chat_id, fmt.upload_html(result) + "\n\n" + fmt.esc(said), reply_to=reply_to,
                   markup=kb.similar_keyboard(file_id, name, result.doc_id) if file_id else None)
    else:
        result = job.result
        # Undo only removes what this upload added: an update or an unchanged file stands for a
        # document that was already there, and deleting it would lose it.
        markup = kb.upload_keyboard(result.doc_id, undo=result.status == "added")
        await send(context, chat_id, fmt.upload_html(result), reply_to=reply_to, markup=markup)


async def choose(update: Update, context: Ctx, action: str, file_id: str, name: str, doc_id: str) -> None:
    """➕ / 🔁 under a "similar" upload: send the same file again with the administrator's choice."""
    query = update.callback_query
    chat_id = update.effective_chat.id
    if not core_of(context).is_admin(chat_id):
        await query.answer(t.UPLOAD_REFUSED, show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)   # one choice per upload
    reply_to = reply_target(update, query.message)
    stored = await _name(context, doc_id)
    await send(context, chat_id, fmt.esc(t.UPLOAD_CHOSEN[action].format(file=name, name=stored)), reply_to=reply_to)
    data = bytes(await (await context.bot.get_file(file_id)).download_as_bytearray())
    job = await call_engine(context, "submit", data, name, Choice(action, doc_id if action == "replace" else None))
    log.info("upload chat=%s file=%s chosen=%s %s job=%s", chat_id, name, action, doc_id, job.id)
    context.application.create_task(follow_job(context, chat_id, job.id, name, reply_to), update=update)


async def undo_ask(update: Update, context: Ctx, doc_id: str) -> None:
    """↩️ Hoàn tác: ask before deleting."""
    await update.callback_query.answer()
    name = await _name(context, doc_id)
    await send(context, update.effective_chat.id, fmt.esc(t.UNDO_CONFIRM.format(name=name)),
               reply_to=reply_target(update, update.callback_query.message), markup=kb.confirm_keyboard(doc_id))


async def undo(update: Update, context: Ctx, doc_id: str) -> None:
    """Confirmed: delete the document the upload added (administrators only)."""
    query = update.callback_query
    if not core_of(context).is_admin(update.effective_chat.id):
        await query.answer(t.UPLOAD_REFUSED, show_alert=True)
        return
    await query.answer()
    summary = await call_engine(context, "delete", doc_id)
    await query.edit_message_text(fmt.esc(t.UNDONE.format(name=summary.name)))


async def undo_keep(update: Update, context: Ctx) -> None:
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(fmt.esc(t.KEPT))


async def _name(context: Ctx, doc_id: str) -> str:
    docs = await call_engine(context, "documents")
    return next((d.name for d in docs if d.id == doc_id), doc_id)
