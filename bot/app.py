"""Build and run the Telegram Application around the shared Engine.

    application = build_application(settings, engine=None)   # engine loaded in post_init if None
    run_polling(settings)                                     # long polling, blocks (CLI)
    await startup(application, polling=False)                 # inside a server's event loop (webhook)
    await shutdown(application)
"""
from __future__ import annotations

import asyncio
import logging

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    InvalidCallbackData,
    MessageHandler,
    PersistenceInput,
    PicklePersistence,
    TypeHandler,
    filters,
)

from bot import chat
from bot import commands as c
from bot import texts as t
from bot.buttons import on_button, on_expired
from bot.core import Core
from bot.questions import on_other, on_text
from bot.uploads import on_upload
from core.errors import SotayError
from core.settings import Settings

log = logging.getLogger(__name__)
PERSISTENCE_FILE = "telegram.pickle"    # chat data and button data, in SOTAY_DATA_DIR
# Button data kept per bot (python-telegram-bot's cache size): the oldest keyboards then expire.
# 1,024 is the library default; a keyboard is a few hundred bytes, so this stays under 1 MB.
CALLBACK_CACHE = 1024
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


def file_url(base_url: str) -> str:
    """The file endpoint beside the API endpoint: ".../bot" → ".../file/bot"."""
    base = base_url.rstrip("/")
    if base.endswith("/bot"):
        return base[: -len("/bot")] + "/file/bot"
    return base + "/file/bot"


def build_application(settings: Settings, engine=None) -> Application:
    """An Application with every handler registered; the Engine is injected or loaded in post_init."""
    if not settings.telegram_token:
        raise SotayError("Chưa đặt SOTAY_TELEGRAM_TOKEN (token của bot Telegram).")
    protect_logs(settings.telegram_token)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # bot_data holds the engine and other live objects: only chat data and buttons are persisted
    persistence = PicklePersistence(settings.data_dir / PERSISTENCE_FILE, update_interval=10,
                                    store_data=PersistenceInput(bot_data=False, user_data=False))
    application = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(settings.telegram_base_url)
        .base_file_url(file_url(settings.telegram_base_url))
        .arbitrary_callback_data(CALLBACK_CACHE)
        .persistence(persistence)
        .rate_limiter(AIORateLimiter())
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    application.bot_data.update(settings=settings, core=Core(
        settings, engine, allowed=settings.allowed_chat_ids(), admins=frozenset(settings.admin_chat_ids()),
        rate_per_minute=settings.telegram_rate_per_minute, source="telegram"))
    message = filters.UpdateType.MESSAGE
    application.add_handler(TypeHandler(Update, chat.gate), group=-1)
    application.add_handler(CommandHandler("start", c.cmd_start, filters=message))
    application.add_handler(CommandHandler("help", c.cmd_help, filters=message))
    application.add_handler(CommandHandler("tim", c.cmd_tim, filters=message))
    application.add_handler(CommandHandler("vanban", c.cmd_vanban, filters=message))
    application.add_handler(MessageHandler(filters.COMMAND & message, c.cmd_unknown))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & message, on_text))
    application.add_handler(MessageHandler((filters.Document.ALL | filters.PHOTO) & message, on_upload))
    application.add_handler(MessageHandler(message & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_other))
    application.add_handler(CallbackQueryHandler(on_expired, pattern=InvalidCallbackData))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_error_handler(chat.on_error)
    return application


async def post_init(application: Application) -> None:
    """Open the shared resources (the core's worker thread, the Engine itself unless injected) and
    register the command menu."""
    await application.bot_data["core"].open()
    try:
        await application.bot.set_my_commands([BotCommand(name, text) for name, text in t.COMMANDS])
    except Exception:
        log.warning("set_my_commands failed", exc_info=True)


async def post_shutdown(application: Application) -> None:
    """Close what post_init opened: the worker thread, and the Engine when the bot loaded it."""
    application.bot_data["core"].close()


async def startup(application: Application, *, polling: bool = True, poll_interval: float = 0.0,
                  timeout: int = 10) -> None:
    """initialize → post_init → start, then long polling or (polling=False) set the webhook when
    SOTAY_TELEGRAM_WEBHOOK_URL is set; updates then arrive through bot.webhook.feed."""
    settings: Settings = application.bot_data["settings"]
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    if polling:
        await application.updater.start_polling(poll_interval=poll_interval, timeout=timeout,
                                                allowed_updates=ALLOWED_UPDATES)
    elif settings.telegram_webhook_url:
        if not settings.telegram_webhook_secret:
            raise SotayError("Chế độ webhook cần SOTAY_TELEGRAM_WEBHOOK_SECRET.")
        await application.bot.set_webhook(settings.telegram_webhook_url,
                                          secret_token=settings.telegram_webhook_secret,
                                          allowed_updates=ALLOWED_UPDATES)


async def shutdown(application: Application) -> None:
    """Stop polling and the Application, then release its resources."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)


def run_polling(settings: Settings, engine=None) -> None:
    """Run the bot with long polling until Ctrl+C (the `sotay bot` command)."""
    if settings.telegram_webhook_url:
        raise SotayError("SOTAY_TELEGRAM_WEBHOOK_URL đang được đặt: bot nhận cập nhật qua webhook của API. "
                         "Bỏ biến này nếu muốn chạy long polling.")
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    application = build_application(settings, engine)
    asyncio.run(wait_for_telegram(settings))
    log.info("Sổ tay bot: long polling")
    # bootstrap_retries=-1: should Telegram drop again before polling starts, PTB retries too
    application.run_polling(allowed_updates=ALLOWED_UPDATES, poll_interval=0.0, timeout=30, bootstrap_retries=-1)


async def wait_for_telegram(settings: Settings, first_wait: float = 1.0, max_wait: float = 30.0) -> None:
    """getMe until the Bot API answers, waiting 1, 2, 4 … up to 30 s and logging each failure, as the
    webhook mode's start_with_retry does (PTB's own retries log at DEBUG only). A refused token raises."""
    from telegram import Bot
    from telegram.error import NetworkError

    wait = first_wait
    while True:
        try:
            async with Bot(settings.telegram_token, base_url=settings.telegram_base_url):
                return   # initialising the bot is getMe
        except NetworkError as exc:   # connection refused, DNS, timeouts
            log.warning("Telegram unreachable at start-up (%s); retrying in %.0f s", exc, wait)
            await asyncio.sleep(wait)
            wait = min(wait * 2, max_wait)


class RedactToken(logging.Filter):
    """Replace the bot token in any log line (httpx and telegram may print request URLs)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            msg = record.getMessage()
            if self.token in msg:
                record.msg, record.args = msg.replace(self.token, "<token>"), None
        return True


def protect_logs(token: str) -> None:
    """Keep the token out of logs: httpx to WARNING (it logs URLs at INFO) and a redacting filter
    on the root handlers."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactToken) and f.token == token for f in handler.filters):
            handler.addFilter(RedactToken(token))
