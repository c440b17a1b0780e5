"""A thin client of the Zalo Bot Platform API (https://bot.zaloplatforms.com/docs/), over httpx.

Calls are POST {base}/bot<token>/<method> with a JSON body and answer {"ok", "result"} or
{"ok": false, "error_code", "description"}. Written here rather than taken from python-zalo-bot
(0.1.9): that package defaults to the older host bot-api.zapps.me, reads photos from `photo_url`
where the docs say `photo`, drops `event_name`, and carries Telegram leftovers (offsets, passport
decryption importing `cryptography`), with placeholder project links.
"""
from __future__ import annotations

import logging

import httpx

log = logging.getLogger(__name__)
DEFAULT_BASE = "https://bot-api.zaloplatforms.com"
POLL_TIMEOUT = 30          # seconds a getUpdates call may wait (the docs' default)
TIMEOUT = httpx.Timeout(20.0, connect=10.0)
NO_UPDATES = 408           # getUpdates answers "Request timeout" when nothing arrived in time


class ZaloError(Exception):
    """A call the platform refused (ok false) or could not be read; `code` is Zalo's error_code."""

    def __init__(self, method: str, code: int | None, description: str) -> None:
        super().__init__(f"Zalo {method}: {code} {description}")
        self.method, self.code, self.description = method, code, description


class ZaloClient:
    def __init__(self, token: str, base_url: str = DEFAULT_BASE, *, transport: httpx.AsyncBaseTransport | None = None
                 ) -> None:
        self.token = token
        self.base_url = (base_url or DEFAULT_BASE).rstrip("/")
        self.http = httpx.AsyncClient(timeout=TIMEOUT, transport=transport, follow_redirects=False)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def call(self, method: str, params: dict | None = None, wait: float | None = None):
        """One API call; the result, or ZaloError. The URL (with the token) is never put in the error."""
        url = f"{self.base_url}/bot{self.token}/{method}"
        try:
            response = await self.http.post(url, json=params or {}, timeout=wait or TIMEOUT)
            data = response.json()
        except httpx.HTTPError as e:
            raise ZaloError(method, None, type(e).__name__) from None
        except ValueError:
            raise ZaloError(method, response.status_code, "not JSON") from None
        if not isinstance(data, dict) or not data.get("ok"):
            data = data if isinstance(data, dict) else {}
            raise ZaloError(method, data.get("error_code", response.status_code), str(data.get("description", "")))
        return data.get("result")

    async def get_me(self) -> dict:
        return await self.call("getMe")

    async def get_updates(self, timeout: int = POLL_TIMEOUT) -> list:
        """The updates that arrived (the platform gives one event per call, as `result`; a list is
        accepted too); [] when the long poll ended with none."""
        try:
            result = await self.call("getUpdates", {"timeout": str(timeout)}, wait=timeout + 10.0)
        except ZaloError as e:
            if e.code == NO_UPDATES:
                return []
            raise
        if isinstance(result, list):
            return result
        return [result] if result else []

    async def set_webhook(self, url: str, secret: str) -> dict:
        return await self.call("setWebhook", {"url": url, "secret_token": secret})

    async def delete_webhook(self) -> dict:
        return await self.call("deleteWebhook")

    async def get_webhook_info(self) -> dict:
        return await self.call("getWebhookInfo")

    async def send_message(self, chat_id: str, text: str) -> dict:
        return await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def download(self, url: str, max_bytes: int) -> bytes:
        """The bytes of a photo the platform links to, refused past max_bytes (declared or streamed)."""
        if not url.startswith(("https://", "http://")):
            raise ZaloError("download", None, "not an http(s) link")
        data = bytearray()
        try:
            async with self.http.stream("GET", url) as response:
                if response.status_code != 200:
                    raise ZaloError("download", response.status_code, "photo not available")
                declared = response.headers.get("Content-Length") or "0"
                if declared.isdigit() and int(declared) > max_bytes:
                    raise TooLarge(int(declared))
                async for chunk in response.aiter_bytes():
                    data.extend(chunk)
                    if len(data) > max_bytes:
                        raise TooLarge(len(data))
        except httpx.HTTPError as e:
            raise ZaloError("download", None, type(e).__name__) from None
        return bytes(data)


class TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size
