"""The bots behind the API: when a webhook URL is set, Telegram and Zalo post their updates to the API's
own /telegram/webhook and /zalo/webhook, and the bot runs inside the API process on the same Engine.

    app = api.main.create_app(settings, engine, channels=webhook_channels())   # what sotay.app does

Each channel brings its route and opens with the app: it starts only when its token and webhook URL are
set, and registers the webhook in the background, retrying with backoff, so the API serves even when
Telegram or Zalo is unreachable.
"""
from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI

from bot.telegram_route import router as telegram_router
from bot.zalo.route import router as zalo_router
from core.errors import SotayError
from core.settings import Settings

log = logging.getLogger(__name__)


async def start_with_retry(application, startup, first_wait: float = 2.0, max_wait: float = 300.0,
                           name: str = "telegram") -> None:
    """Call the bot's webhook start-up until it succeeds, waiting 2, 4, 8 … up to 300 s between tries."""
    wait = first_wait
    while True:
        try:
            await startup(application, polling=False)
            log.info("%s webhook registered", name)
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # network errors of every kind: log one line, try again later
            if application.running:  # started but set_webhook failed: stop so the next try can start
                await application.stop()
            log.warning("%s start-up failed (%s: %s); retrying in %.0f s", name, type(exc).__name__, exc, wait)
            await asyncio.sleep(wait)
            wait = min(wait * 2, max_wait)


class TelegramWebhook:
    router = telegram_router

    def __init__(self) -> None:
        self._retry: asyncio.Task | None = None

    async def open(self, app: FastAPI, settings: Settings, engine) -> None:
        app.state.telegram = None
        if not (settings.telegram_token and settings.telegram_webhook_url):
            return
        from bot.app import build_application, startup

        app.state.telegram = build_application(settings, engine=engine)
        # the API starts even when Telegram is unreachable; set_webhook is retried in the background
        self._retry = asyncio.create_task(start_with_retry(app.state.telegram, startup))

    async def close(self, app: FastAPI) -> None:
        if app.state.telegram is None:
            return
        from bot.app import shutdown

        self._retry.cancel()
        await shutdown(app.state.telegram)


async def zalo_startup(channel, polling: bool = False) -> None:
    await channel.start(polling=polling)


class ZaloWebhook:
    router = zalo_router

    def __init__(self) -> None:
        self._retry: asyncio.Task | None = None

    async def open(self, app: FastAPI, settings: Settings, engine) -> None:
        app.state.zalo = None
        if not (settings.zalo_token and settings.zalo_webhook_url):
            return
        from bot.zalo.app import ZaloChannel, check_webhook

        try:
            check_webhook(settings)
        except SotayError as e:   # the API still serves; POST /zalo/webhook stays 404
            log.error("Zalo webhook not started: %s", e)
            return
        app.state.zalo = ZaloChannel(settings, engine=engine)
        self._retry = asyncio.create_task(start_with_retry(app.state.zalo, zalo_startup, name="zalo"))

    async def close(self, app: FastAPI) -> None:
        if app.state.zalo is None:
            return
        self._retry.cancel()
        await app.state.zalo.stop()


def webhook_channels() -> list:
    return [TelegramWebhook(), ZaloWebhook()]
