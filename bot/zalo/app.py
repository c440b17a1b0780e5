"""The Zalo channel: its client, its core (allow list, admins, rate limit) and its handler, run by long
polling (`sotay bot`) or behind the API's POST /zalo/webhook. Polling and a webhook cannot run at once
(the platform's getUpdates does not work while a webhook is set).

    channel = ZaloChannel(settings, engine)
    await channel.start(polling=True)      # getMe, deleteWebhook, then a getUpdates loop
    await channel.start(polling=False)     # getMe, setWebhook(SOTAY_ZALO_WEBHOOK_URL, secret)
    channel.feed(payload)                  # webhook: handle an event without holding up the response
    await channel.stop()
"""
from __future__ import annotations

import asyncio
import logging

from bot.app import protect_logs
from bot.core import Core
from bot.zalo.client import POLL_TIMEOUT, ZaloClient, ZaloError
from bot.zalo.handler import ZaloBot
from core.errors import SotayError
from core.settings import Settings

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Bot-Api-Secret-Token"
SECRET_LENGTH = (8, 256)          # setWebhook's secret_token: 8 to 256 characters
RETRY_FIRST, RETRY_MAX = 1.0, 30.0


def check_webhook(settings: Settings) -> None:
    secret = settings.zalo_webhook_secret or ""
    if not SECRET_LENGTH[0] <= len(secret) <= SECRET_LENGTH[1]:
        raise SotayError("Chế độ webhook Zalo cần SOTAY_ZALO_WEBHOOK_SECRET dài 8 đến 256 ký tự.")


class ZaloChannel:
    def __init__(self, settings: Settings, engine=None, poll_timeout: int = POLL_TIMEOUT) -> None:
        if not settings.zalo_token:
            raise SotayError("Chưa đặt SOTAY_ZALO_TOKEN (token của bot Zalo).")
        protect_logs(settings.zalo_token)
        self.settings = settings
        self.poll_timeout = poll_timeout
        self.client = ZaloClient(settings.zalo_token, settings.zalo_base_url)
        self.core = Core(settings, engine, allowed=settings.zalo_allowed_ids(),
                         admins=frozenset(settings.zalo_admin_ids()),
                         rate_per_minute=settings.zalo_rate_per_minute, source="zalo")
        self.bot = ZaloBot(self.core, self.client)
        self.running = False
        self._poller: asyncio.Task | None = None

    async def start(self, polling: bool = True) -> None:
        if not polling:
            check_webhook(self.settings)
        await self.core.open()
        try:
            me = await self.client.get_me()
        except ZaloError as e:       # a wrong token is 401; the message never holds the URL with the token
            raise SotayError(f"Không kết nối được Zalo Bot API ({e.code or e.description}): kiểm tra "
                             "SOTAY_ZALO_TOKEN và SOTAY_ZALO_BASE_URL.") from None
        log.info("Zalo bot %s: %s", (me or {}).get("account_name", "?"), "long polling" if polling else "webhook")
        if polling:
            await self.client.delete_webhook()
            self._poller = asyncio.create_task(self.poll(), name="zalo-poll")
        else:
            await self.client.set_webhook(self.settings.zalo_webhook_url, self.settings.zalo_webhook_secret)
        self.running = True

    async def poll(self) -> None:
        """getUpdates in a loop; events are handled in order. A failing call waits 1, 2, 4 … 30 s."""
        wait = RETRY_FIRST
        while True:
            try:
                updates = await self.client.get_updates(self.poll_timeout)
                wait = RETRY_FIRST
            except asyncio.CancelledError:
                raise
            except ZaloError as e:
                log.warning("Zalo getUpdates failed (%s); retrying in %.0f s", e, wait)
                await asyncio.sleep(wait)
                wait = min(wait * 2, RETRY_MAX)
                continue
            for update in updates:
                await self.bot.handle(update)

    def feed(self, payload) -> None:
        """A webhook body: handled on a task of its own so the route answers Zalo at once."""
        task = asyncio.create_task(self.bot.handle(payload))
        self.bot.tasks.add(task)
        task.add_done_callback(self.bot.tasks.discard)

    async def idle(self, timeout: float = 30.0) -> None:
        """Wait until the events and uploads in hand are done (tests, shutdown)."""
        if self.bot.tasks:
            await asyncio.wait(list(self.bot.tasks), timeout=timeout)

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
            self._poller = None
        for task in list(self.bot.tasks):
            task.cancel()
        await asyncio.gather(*self.bot.tasks, return_exceptions=True)
        await self.client.aclose()
        self.core.close()
        self.running = False
