"""Webhook entry: the API route hands each POST body here.

    ok = await feed(application, payload, request.headers.get(SECRET_HEADER))
    # False → 403 (wrong or missing secret); ValueError → 400 (not an update); True → 200
"""
from __future__ import annotations

import hmac
import logging

from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def secret_ok(expected: str | None, given: str | None) -> bool:
    """Constant-time check; no configured secret means every webhook call is refused."""
    if not expected or given is None:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


async def feed(application: Application, payload: dict, secret_header: str | None) -> bool:
    """Check the secret header, then queue Update.de_json(payload) for the running Application."""
    settings = application.bot_data["settings"]
    if not secret_ok(settings.telegram_webhook_secret, secret_header):
        log.warning("webhook call refused: wrong or missing secret token")
        return False
    if not isinstance(payload, dict) or "update_id" not in payload:
        raise ValueError("not a Telegram update")
    update = Update.de_json(payload, application.bot)
    await application.update_queue.put(update)
    return True
