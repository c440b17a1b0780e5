"""POST /zalo/webhook: Zalo Bot Platform events go to the Zalo channel when it runs behind the API.

The secret header is checked (in constant time) before the body is read: a wrong or missing secret is
403 and nothing is answered. A body that is not JSON is 400; any JSON is then 200, and what is not a
message event is ignored, so Zalo does not resend it (setWebhook's own check is answered 200 too).
"""
from __future__ import annotations

import logging

from fastapi import APIRouter, HTTPException, Request

from bot.webhook import secret_ok
from bot.zalo.app import SECRET_HEADER

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)


@router.post("/zalo/webhook")
async def zalo_webhook(request: Request) -> dict:
    channel = getattr(request.app.state, "zalo", None)
    if channel is None:
        raise HTTPException(404, "Bot Zalo không chạy ở chế độ webhook")
    if not secret_ok(channel.settings.zalo_webhook_secret, request.headers.get(SECRET_HEADER)):
        log.warning("Zalo webhook call refused: wrong or missing secret token")
        raise HTTPException(403, "Sai secret token")
    try:
        payload = await request.json()
    except ValueError as e:
        raise HTTPException(400, "Sự kiện Zalo không hợp lệ (không phải JSON)") from e
    channel.feed(payload)
    return {"ok": True}
