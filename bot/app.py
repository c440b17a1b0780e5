"""Build and run the Telegram Application around the shared Engine.

    application = build_application(settings, engine=None)   # engine loaded in post_init if None
    run_polling(settings)                                     # long polling, blocks (CLI)
    await startup(application, polling=False)                 # inside a server's event loop (webhook)
    await shutdown(application)
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import handlers as h
from bot.buttons import on_button
from bot.limits import Access, RateLimiter
from core.errors import SotayError
from core.settings import Settings

log = logging.getLogger(__name__)
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
    application = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(settings.telegram_base_url)
        .base_file_url(file_url(settings.telegram_base_url))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    application.bot_data.update(
        settings=settings,
        engine=engine,
        executor=ThreadPoolExecutor(max_workers=1, thread_name_prefix="sotay-bot"),
        limiter=RateLimiter(settings.telegram_rate_per_minute, 60.0),
        access=Access(settings.allowed_chat_ids()),
    )
    message = filters.UpdateType.MESSAGE
    application.add_handler(TypeHandler(Update, h.gate), group=-1)
    application.add_handler(CommandHandler("start", h.cmd_start, filters=message))
    application.add_handler(CommandHandler("help", h.cmd_help, filters=message))
    application.add_handler(CommandHandler("tim", h.cmd_tim, filters=message))
    application.add_handler(CommandHandler("vanban", h.cmd_vanban, filters=message))
    application.add_handler(MessageHandler(filters.COMMAND & message, h.cmd_unknown))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & message, h.on_text))
    application.add_handler(MessageHandler(message & ~filters.TEXT & ~filters.StatusUpdate.ALL, h.on_other))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_error_handler(h.on_error)
    return application


async def post_init(application: Application) -> None:
    """Load the Engine once (unless injected) and register the command menu."""
    data = application.bot_data
    if data.get("engine") is None:
        log.info("loading the search engine")
        from answer.engine import Engine
        loop = asyncio.get_running_loop()
        data["engine"] = data["own_engine"] = await loop.run_in_executor(data["executor"], Engine.open,
                                                                         data["settings"])
    try:
        await application.bot.set_my_commands([BotCommand(name, text) for name, text in h.COMMANDS])
    except Exception:
        log.warning("set_my_commands failed", exc_info=True)


async def post_shutdown(application: Application) -> None:
    if application.bot_data.get("own_engine") is not None:   # one the bot opened itself, not one handed in
        application.bot_data.pop("own_engine").close()
    executor = application.bot_data.get("executor")
    if executor is not None:
        executor.shutdown(wait=False, cancel_futures=True)


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
    log.info("Sổ tay bot: long polling")
    application.run_polling(allowed_updates=ALLOWED_UPDATES, poll_interval=0.0, timeout=30)


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
