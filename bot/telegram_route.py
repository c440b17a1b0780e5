"""POST /telegram/webhook: Telegram updates go to the bot's update queue when it runs behind the API."""
from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Request

from bot.webhook import SECRET_HEADER, feed

router = APIRouter(include_in_schema=False)


@router.post("/telegram/webhook")
async def telegram_webhook(request: Request) -> dict:
    application = getattr(request.app.state, "telegram", None)
    if application is None:
        raise HTTPException(404, "Bot Telegram không chạy ở chế độ webhook")
    try:
        payload = json.loads(await request.body())
    except (ValueError, RecursionError) as e:  # not JSON, not UTF-8, or nested deeper than the parser goes
        raise HTTPException(400, "Cập nhật Telegram không hợp lệ: không đọc được JSON") from e
    try:
        accepted = await feed(application, payload, request.headers.get(SECRET_HEADER))
    except ValueError as e:
        raise HTTPException(400, "Cập nhật Telegram không hợp lệ") from e
    if not accepted:
        raise HTTPException(403, "Sai secret token")
    return {"ok": True}
