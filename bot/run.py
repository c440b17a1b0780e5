"""`sotay bot`: run every channel that has a token, by long polling, on one shared Engine.

A channel whose webhook URL is set is served by the API (`sotay serve`) instead; polling here would
take its updates away from the webhook (Telegram) or not work at all while it is set (Zalo).
"""
from __future__ import annotations

import asyncio
import logging
import signal

from core.errors import SotayError
from core.settings import Settings

log = logging.getLogger(__name__)


def channels(settings: Settings) -> list[str]:
    """The channels `sotay bot` polls; raises SotayError when there are none."""
    if not settings.telegram_token and not settings.zalo_token:
        raise SotayError("Chưa đặt SOTAY_TELEGRAM_TOKEN hoặc SOTAY_ZALO_TOKEN (token của bot).")
    polled = []
    for name, token, webhook in (("telegram", settings.telegram_token, settings.telegram_webhook_url),
                                 ("zalo", settings.zalo_token, settings.zalo_webhook_url)):
        if token and webhook:
            log.info("%s: webhook URL set, the API (sotay serve) receives its updates", name)
        elif token:
            polled.append(name)
    if not polled:
        raise SotayError("Các bot đều đặt webhook (SOTAY_TELEGRAM_WEBHOOK_URL / SOTAY_ZALO_WEBHOOK_URL): chúng "
                         "nhận cập nhật qua API (sotay serve). Bỏ các biến này nếu muốn chạy long polling.")
    return polled


def run(settings: Settings, engine) -> None:
    """Poll until Ctrl+C or SIGTERM."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    polled = channels(settings)
    if polled == ["telegram"]:
        from bot.app import run_polling
        run_polling(settings, engine)
        return
    asyncio.run(_run(settings, engine, polled))


async def _run(settings: Settings, engine, polled: list[str]) -> None:
    from bot.zalo.app import ZaloChannel

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    zalo = ZaloChannel(settings, engine)
    telegram = None
    try:
        await zalo.start(polling=True)
        if "telegram" in polled:
            from bot.app import build_application, startup
            telegram = build_application(settings, engine)
            await startup(telegram, polling=True, timeout=30)
        log.info("Sổ tay bot: long polling (%s)", ", ".join(polled))
        await stop.wait()
    finally:
        if telegram is not None:
            from bot.app import shutdown
            await shutdown(telegram)
        await zalo.stop()
