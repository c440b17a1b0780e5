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

from fastapi import APIRouter, FastAPI

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


class Webhook:
    """One bot behind the API: `state` names it on app.state (None while it does not run)."""

    state = ""
    router: APIRouter

    def __init__(self) -> None:
        self._retry: asyncio.Task | None = None

    async def open(self, app: FastAPI, settings: Settings, engine) -> None:
        setattr(app.state, self.state, None)
        channel = self.start(settings, engine)
        if channel is not None:
            setattr(app.state, self.state, channel)
            # the API starts even when the platform is unreachable; the webhook is registered in the background
            self._retry = asyncio.create_task(start_with_retry(channel, self.startup, name=self.state))

    async def close(self, app: FastAPI) -> None:
        channel = getattr(app.state, self.state, None)
        if channel is None:
            return
        if self._retry is not None:
            self._retry.cancel()
        await self.stop(channel)

    def start(self, settings: Settings, engine):
        raise NotImplementedError

    async def startup(self, channel, polling: bool = False) -> None:
        raise NotImplementedError

    async def stop(self, channel) -> None:
        raise NotImplementedError


class TelegramWebhook(Webhook):
    state = "telegram"
    router = telegram_router

    def start(self, settings: Settings, engine):
        if not (settings.telegram_token and settings.telegram_webhook_url):
            return None
        from bot.app import build_application

        return build_application(settings, engine=engine)

    async def startup(self, channel, polling: bool = False) -> None:
        from bot.app import startup

        await startup(channel, polling=polling)

    async def stop(self, channel) -> None:
        from bot.app import shutdown

        await shutdown(channel)


class ZaloWebhook(Webhook):
    state = "zalo"
    router = zalo_router

    def start(self, settings: Settings, engine):
        if not (settings.zalo_token and settings.zalo_webhook_url):
            return None
        from bot.zalo.app import ZaloChannel, check_webhook

        try:
            check_webhook(settings)
        except SotayError as e:   # the API still serves; POST /zalo/webhook stays 404
            log.error("Zalo webhook not started: %s", e)
            return None
        return ZaloChannel(settings, engine=engine)

    async def startup(self, channel, polling: bool = False) -> None:
        await channel.start(polling=polling)

    async def stop(self, channel) -> None:
        await channel.stop()


def webhook_channels() -> list:
    return [TelegramWebhook(), ZaloWebhook()]
