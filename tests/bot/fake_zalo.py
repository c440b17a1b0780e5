"""A fake Zalo Bot Platform server on loopback, for running the real Zalo channel in tests.

It speaks the Bot API as documented at https://bot.zaloplatforms.com/docs/: POST /bot<token>/<method>
with a JSON body, answers {"ok": true, "result": …} or {"ok": false, "error_code", "description"}.
getUpdates long-polls (`timeout`, a string of seconds) and gives one event per call as `result`, or
error 408 when none came in time; it refuses while a webhook is set. sendMessage refuses text that is
empty or over 2,000 characters (counted as code points and as UTF-16 units, the stricter wins), as
Zalo does; setWebhook wants an https URL and a secret of 8-256 characters. Photos that events link to
are served from /photos/<name>. Every call is recorded (method, params, time).
"""
from __future__ import annotations

import itertools
import json
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "2468013579:ZaloFakeTokenFakeTokenFakeTokenFake99"
MAX_TEXT = 2000
BOT = {"id": "1459232241454765289", "account_name": "bot.SoTayTest", "account_type": "BASIC",
       "can_join_groups": False}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Call:
    method: str
    params: dict
    t: float = field(default_factory=time.perf_counter)
    error: str | None = None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def chat_id(self):
        return self.params.get("chat_id")


class FakeZalo:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.updates: list[object] = []
        self.photos: dict[str, bytes] = {}
        self.downloads: list[str] = []
        self.webhook: dict = {"url": "", "secret_token": ""}
        self.get_updates_count = 0
        self.cond = threading.Condition()
        self._ids = itertools.count(1)
        self._stopped = False
        self._server: ThreadingHTTPServer | None = None

    # -- server ---------------------------------------------------------------------------------
    def start(self) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self):
                fake._serve(self)

            do_GET = do_POST

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                if not isinstance(sys.exc_info()[1], OSError):
                    super().handle_error(request, client_address)

        self._server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True, name="fake-zalo").start()
        return self.base_url

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        with self.cond:
            self._stopped = True
            self.cond.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _serve(self, req: BaseHTTPRequestHandler) -> None:
        length = int(req.headers.get("Content-Length") or 0)
        body = req.rfile.read(length) if length else b""
        if req.path.startswith("/photos/"):
            return self._serve_photo(req, req.path[len("/photos/"):])
        prefix = f"/bot{self.token}/"
        if not req.path.startswith(prefix):
            return self._reply(req, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        method = req.path[len(prefix):].split("?", 1)[0]
        try:
            params = json.loads(body) if body else {}
            status, payload = self.handle(method, params if isinstance(params, dict) else {})
        except Exception as e:  # noqa: BLE001 - a bug in the fake must show, not hang the client
            traceback.print_exc()
            status, payload = 500, {"ok": False, "error_code": 500, "description": f"fake server: {e!r}"}
        self._reply(req, status, payload)

    def _serve_photo(self, req, name: str) -> None:
        data = self.photos.get(name)
        with self.cond:
            self.downloads.append(name)
            self.cond.notify_all()
        req.send_response(200 if data is not None else 404)
        req.send_header("Content-Type", "image/jpeg")
        req.send_header("Content-Length", str(len(data or b"")))
        req.end_headers()
        req.wfile.write(data or b"")

    @staticmethod
    def _reply(req, status: int, payload: dict) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        req.send_response(status)
        req.send_header("Content-Type", "application/json")
        req.send_header("Content-Length", str(len(data)))
        req.end_headers()
        try:
            req.wfile.write(data)
        except OSError:
            req.close_connection = True

    # -- Bot API methods ------------------------------------------------------------------------
    def handle(self, method: str, params: dict) -> tuple[int, dict]:
        if method == "getUpdates":
            return self._get_updates(params)
        call = Call(method, params)
        try:
            result = self._dispatch(method, params)
        except ValueError as e:
            call.error = str(e)
            self._record(call)
            return 400, {"ok": False, "error_code": 400, "description": call.error}
        self._record(call)
        return 200, {"ok": True, "result": result}

    def _record(self, call: Call) -> None:
        with self.cond:
            self.calls.append(call)
            self.cond.notify_all()

    def _dispatch(self, method: str, params: dict):
        if method == "getMe":
            return BOT
        if method == "sendMessage":
            text, chat_id = params.get("text"), params.get("chat_id")
            if not isinstance(chat_id, str) or not chat_id:
                raise ValueError("chat_id is required")
            if not isinstance(text, str) or not text.strip():
                raise ValueError("text must be 1 to 2000 characters")
            if max(len(text), utf16_len(text)) > MAX_TEXT:
                raise ValueError(f"text must be 1 to 2000 characters (got {utf16_len(text)})")
            return {"message_id": f"m{next(self._ids)}", "date": int(time.time() * 1000)}
        if method == "sendChatAction":
            if params.get("action") not in ("typing", "upload_photo"):
                raise ValueError("unknown action")
            return None
        if method == "setWebhook":
            url, secret = str(params.get("url", "")), str(params.get("secret_token", ""))
            if not url.startswith("https://") or not 8 <= len(secret) <= 256:
                raise ValueError("url must be https and secret_token 8 to 256 characters")
            self.webhook = {"url": url, "secret_token": secret}
            return {"url": url, "updated_at": int(time.time() * 1000)}
        if method == "deleteWebhook":
            self.webhook = {"url": "", "secret_token": ""}
            return {"url": "", "updated_at": int(time.time() * 1000)}
        if method == "getWebhookInfo":
            return {"url": self.webhook["url"], "updated_at": int(time.time() * 1000)}
        raise ValueError(f"unknown method {method}")

    def _get_updates(self, params: dict) -> tuple[int, dict]:
        self.get_updates_count += 1
        if self.webhook["url"]:
            return 400, {"ok": False, "error_code": 400, "description": "webhook is active"}
        try:
            timeout = float(params.get("timeout") or 30)
        except (TypeError, ValueError):
            timeout = 30.0
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                if self.updates:
                    return 200, {"ok": True, "result": self.updates.pop(0)}
                remaining = deadline - time.monotonic()
                if self._stopped or remaining <= 0:
                    return 200, {"ok": False, "error_code": 408, "description": "Request timeout"}
                self.cond.wait(remaining)

    # -- what tests push ------------------------------------------------------------------------
    def event(self, text: str | None = None, *, chat_id: str = "c-1001", user_id: str | None = None,
              event_name: str | None = None, group: bool = False, **message) -> dict:
        """A message event as the webhook carries it: {"event_name", "message": {from, chat, …}}."""
        msg = {"from": {"id": user_id or chat_id, "display_name": f"Cán bộ {chat_id}", "is_bot": False},
               "chat": {"id": chat_id, "chat_type": "GROUP" if group else "PRIVATE"},
               "message_id": f"in{next(self._ids)}", "date": int(time.time() * 1000), **message}
        if text is not None:
            msg["text"] = text
        name = event_name or ("message.text.received" if text is not None else "message.image.received")
        return {"event_name": name, "message": msg}

    def push(self, update: object) -> float:
        """Queue anything (an event, or junk) for getUpdates; returns when it was queued."""
        with self.cond:
            self.updates.append(update)
            t = time.perf_counter()
            self.cond.notify_all()
        return t

    def send_text(self, text: str, **kw) -> float:
        return self.push(self.event(text, **kw))

    def add_photo(self, data: bytes, name: str) -> str:
        self.photos[name] = data
        return f"{self.base_url}/photos/{name}"

    def send_photo(self, data: bytes, name: str = "trang.jpg", caption: str = "", **kw) -> dict:
        ev = self.event(None, photo=self.add_photo(data, name), caption=caption, **kw)
        self.push(ev)
        return ev

    # -- what tests wait for --------------------------------------------------------------------
    def mark(self) -> int:
        with self.cond:
            return len(self.calls)

    def wait_for(self, method: str, pred=None, *, after: int = 0, timeout: float = 15.0) -> Call:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for c in self.calls[after:]:
                    if c.method == method and (pred is None or pred(c)):
                        return c
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(c.method, c.chat_id, c.text[:60]) for c in self.calls[after:]]
                    raise AssertionError(f"no {method} call within {timeout}s; calls: {seen}")
                self.cond.wait(remaining)

    def find(self, method: str | None = None, *, chat_id=None, after: int = 0) -> list[Call]:
        with self.cond:
            return [c for c in self.calls[after:] if (method is None or c.method == method)
                    and (chat_id is None or c.chat_id == chat_id)]
