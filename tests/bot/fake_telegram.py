"""A fake Telegram Bot API server on loopback, for running the real Application in tests.

It speaks the Bot API over HTTP (form or JSON bodies at /bot<token>/<method>), answers getUpdates
by long polling from a queue that tests fill (text, commands, group messages, stickers, button
presses), records every call (method, params, time), and checks sent text the way Telegram does:
HTML that does not parse, or text over 4,096 characters, gets a 400 "Bad Request".
"""
from __future__ import annotations

import itertools
import json
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote

TOKEN = "123456:TEST-TOKEN-abcdef"
BOT_ID = 123456
BOT_USERNAME = "sotay_test_bot"
MAX_TEXT = 4096
STRING_KEYS = {"text", "parse_mode", "callback_query_id", "action", "secret_token", "url", "caption",
               "inline_message_id", "language_code", "description", "short_description", "name"}
HTML_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code",
             "pre", "blockquote", "tg-emoji"}


@dataclass
class Call:
    method: str
    params: dict
    t: float = field(default_factory=time.perf_counter)
    result: object = None
    error: str | None = None

    @property
    def text(self) -> str:
        return self.params.get("text", "")

    @property
    def chat_id(self):
        return self.params.get("chat_id")

    def buttons(self) -> list[dict]:
        markup = self.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]

    def button(self, label: str) -> dict:
        for b in self.buttons():
            if label in b["text"]:
                return b
        raise AssertionError(f"no button {label!r} in {[b['text'] for b in self.buttons()]}")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _TelegramHTML(HTMLParser):
    """Telegram's HTML parse mode: a few tags, properly nested; <, >, & only as entities."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.plain: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in HTML_TAGS:
            raise ValueError(f'Unsupported start tag "{tag}"')
        self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        raise ValueError(f'Unsupported start tag "{tag}"')

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            raise ValueError(f'Unmatched end tag "{tag}"')
        self.stack.pop()

    def handle_data(self, data):
        for ch in "<>&":
            if ch in data:
                raise ValueError(f"Unexpected '{ch}' outside a tag or entity")
        self.plain.append(data)

    def handle_entityref(self, name):
        chars = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
        if name not in chars:
            raise ValueError(f'Unsupported HTML entity "&{name};"')
        self.plain.append(chars[name])

    def handle_charref(self, name):
        self.plain.append("?")

    def unknown_decl(self, data):
        raise ValueError("Unexpected declaration")


def parse_html(text: str) -> str:
    """The plain text Telegram would show, or ValueError like "can't parse entities"."""
    p = _TelegramHTML()
    p.feed(text)
    p.close()
    if p.rawdata:
        raise ValueError("Unexpected end of text")
    if p.stack:
        raise ValueError(f'Can\'t find end tag corresponding to start tag "{p.stack[-1]}"')
    return "".join(p.plain)


class FakeTelegram:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "Sổ tay", "username": BOT_USERNAME,
                         "can_join_groups": True, "can_read_all_group_messages": False,
                         "supports_inline_queries": False}
        self.calls: list[Call] = []
        self.get_updates_count = 0
        self.updates: list[dict] = []
        self.messages: dict[tuple[int, int], dict] = {}
        self.chats: dict[int, dict] = {}
        self.commands: list = []
        self.cond = threading.Condition()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._query_ids = itertools.count(1)
        self.files: dict[str, tuple[str, bytes]] = {}      # file_id → (file_path, content)
        self.downloads: list[str] = []                      # file paths fetched from /file/bot<token>/
        self._stopped = False
        self._server: ThreadingHTTPServer | None = None

    # -- server ---------------------------------------------------------------------------------
    def start(self, port: int = 0) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True      # headers and body go out in two writes

            def do_POST(self):
                fake._serve(self)

            do_GET = do_POST

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                if not isinstance(sys.exc_info()[1], OSError):   # a hang-up at shutdown is normal
                    super().handle_error(request, client_address)

        self._server = Server(("127.0.0.1", port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True, name="fake-telegram").start()
        return self.base_url

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/bot"

    def stop(self) -> None:
        with self.cond:
            self._stopped = True
            self.cond.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _serve(self, req: BaseHTTPRequestHandler) -> None:
        prefix = f"/bot{self.token}/"
        length = int(req.headers.get("Content-Length") or 0)
        body = req.rfile.read(length) if length else b""
        file_prefix = f"/file/bot{self.token}/"
        if unquote(req.path).startswith(file_prefix):
            return self._serve_file(req, unquote(req.path)[len(file_prefix):])
        if not req.path.startswith(prefix):
            return self._reply(req, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        method = req.path[len(prefix):].split("?", 1)[0]
        try:
            params = self._params(req.headers.get("Content-Type", ""), body)
            status, payload = self.handle(method, params)
        except Exception as e:  # noqa: BLE001 - a bug in the fake must show, not hang the client
            traceback.print_exc()
            status, payload = 500, {"ok": False, "error_code": 500, "description": f"fake server: {e!r}"}
        self._reply(req, status, payload)

    def _serve_file(self, req: BaseHTTPRequestHandler, path: str) -> None:
        """A file download, as Telegram serves it at <base_file_url><token>/<file_path>."""
        content = next((data for fp, data in self.files.values() if fp == path), None)
        with self.cond:
            self.downloads.append(path)
            self.cond.notify_all()
        req.send_response(200 if content is not None else 404)
        req.send_header("Content-Length", str(len(content or b"")))
        req.end_headers()
        req.wfile.write(content or b"")

    @staticmethod
    def _reply(req, status: int, payload: dict) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        req.send_response(status)
        req.send_header("Content-Type", "application/json")
        req.send_header("Content-Length", str(len(data)))
        req.end_headers()
        try:
            req.wfile.write(data)
        except OSError:   # the client went away (a long poll cut short at shutdown)
            req.close_connection = True

    @staticmethod
    def _params(content_type: str, body: bytes) -> dict:
        if not body:
            return {}
        if "json" in content_type:
            return json.loads(body)
        params = {}
        for key, value in parse_qsl(body.decode(), keep_blank_values=True):
            if key in STRING_KEYS:
                params[key] = value
                continue
            try:
                params[key] = json.loads(value)
            except ValueError:
                params[key] = value
        return params

    # -- Bot API methods ------------------------------------------------------------------------
    def handle(self, method: str, params: dict) -> tuple[int, dict]:
        name = method.lower()
        if name == "getupdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        call = Call(method, params)
        try:
            result = self._dispatch(name, params)
        except ValueError as e:
            call.error = f"Bad Request: {e}"
            with self.cond:
                self.calls.append(call)
                self.cond.notify_all()
            return 400, {"ok": False, "error_code": 400, "description": call.error}
        call.result = result
        with self.cond:
            self.calls.append(call)
            self.cond.notify_all()
        return 200, {"ok": True, "result": result}

    def _dispatch(self, name: str, params: dict):
        if name == "getme":
            return self.bot_user
        if name == "sendmessage":
            self._check_text(params)
            return self._new_message(params)
        if name == "editmessagetext":
            self._check_text(params)
            key = (int(params["chat_id"]), int(params["message_id"]))
            if key not in self.messages:
                raise ValueError("message to edit not found")
            msg = self.messages[key]
            if msg.get("text") == params["text"] and msg.get("reply_markup") == params.get("reply_markup"):
                raise ValueError("message is not modified")
            msg["text"] = params["text"]
            msg["edit_date"] = int(time.time())
            if params.get("reply_markup"):
                msg["reply_markup"] = params["reply_markup"]
            else:
                msg.pop("reply_markup", None)
            return msg
        if name == "editmessagereplymarkup":
            msg = self.messages.get((int(params["chat_id"]), int(params["message_id"])))
            if msg is None:
                raise ValueError("message to edit not found")
            if params.get("reply_markup"):
                msg["reply_markup"] = params["reply_markup"]
            else:
                msg.pop("reply_markup", None)
            return msg
        if name == "getfile":
            file_id = params.get("file_id")
            if file_id not in self.files:
                raise ValueError("invalid file_id")
            path, data = self.files[file_id]
            if len(data) > 20 * 1024 * 1024:
                raise ValueError("file is too big")
            return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data), "file_path": path}
        if name == "setmycommands":
            self.commands = params.get("commands", [])
            return True
        if name == "getmycommands":
            return self.commands
        if name in ("sendchataction", "answercallbackquery", "deletewebhook", "setwebhook", "close",
                    "logout", "deletemycommands", "setmydescription"):
            return True
        if name == "getwebhookinfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        return True

    def _check_text(self, params: dict) -> None:
        text = params.get("text", "")
        plain = parse_html(text) if str(params.get("parse_mode", "")).upper() == "HTML" else text
        if not plain.strip():
            raise ValueError("message text is empty")
        if utf16_len(plain) > MAX_TEXT:
            raise ValueError("message is too long")

    def _new_message(self, params: dict) -> dict:
        chat_id = int(params["chat_id"])
        msg = {"message_id": next(self._message_ids), "date": int(time.time()),
               "chat": self._chat(chat_id), "from": self.bot_user, "text": params["text"]}
        if params.get("reply_markup"):
            msg["reply_markup"] = params["reply_markup"]
        reply = params.get("reply_parameters") or {}
        if reply.get("message_id") and (chat_id, reply["message_id"]) in self.messages:
            original = dict(self.messages[(chat_id, reply["message_id"])])
            original.pop("reply_to_message", None)
            msg["reply_to_message"] = original
        self.messages[(chat_id, msg["message_id"])] = msg
        return msg

    def _chat(self, chat_id: int, chat_type: str | None = None) -> dict:
        if chat_id not in self.chats:
            kind = chat_type or ("private" if chat_id > 0 else "supergroup")
            chat = {"id": chat_id, "type": kind}
            if kind == "private":
                chat["first_name"] = f"User{chat_id}"
            else:
                chat["title"] = f"Nhóm {abs(chat_id)}"
            self.chats[chat_id] = chat
        return self.chats[chat_id]

    def _get_updates(self, params: dict) -> list[dict]:
        self.get_updates_count += 1
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + timeout
        with self.cond:
            if offset:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while True:
                if self.updates or self._stopped:
                    return list(self.updates[:limit])
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                self.cond.wait(remaining)

    # -- what tests push ------------------------------------------------------------------------
    def user(self, user_id: int) -> dict:
        return {"id": user_id, "is_bot": False, "first_name": f"Cán bộ {user_id}", "language_code": "vi"}

    def make_message(self, text: str | None = None, *, chat_id: int = 1001, user_id: int | None = None,
                     chat_type: str | None = None, reply_to: dict | None = None, mention: bool = False,
                     **extra) -> dict:
        """A message from a user (stored, not queued). mention=True prefixes @bot with an entity."""
        user_id = user_id if user_id is not None else abs(chat_id)
        msg = {"message_id": next(self._message_ids), "date": int(time.time()),
               "chat": self._chat(chat_id, chat_type), "from": self.user(user_id), **extra}
        if text is not None:
            entities = []
            if mention:
                handle = "@" + BOT_USERNAME
                text = f"{handle} {text}"
                entities.append({"type": "mention", "offset": 0, "length": utf16_len(handle)})
            if text.startswith("/"):
                head = text.split(maxsplit=1)[0]
                entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(head)})
            msg["text"] = text
            if entities:
                msg["entities"] = entities
        if reply_to is not None:
            msg["reply_to_message"] = reply_to
        self.messages[(chat_id, msg["message_id"])] = msg
        return msg

    def make_update(self, **body) -> dict:
        return {"update_id": next(self._update_ids), **body}

    def push(self, update: dict) -> float:
        """Queue an update for getUpdates; returns the time it was queued."""
        with self.cond:
            self.updates.append(update)
            t = time.perf_counter()
            self.cond.notify_all()
        return t

    def send_text(self, text: str, **kw) -> dict:
        """Queue a text message (commands get their bot_command entity); returns the message."""
        msg = self.make_message(text, **kw)
        self.push(self.make_update(message=msg))
        return msg

    def send_sticker(self, **kw) -> dict:
        sticker = {"file_id": "CAACAgIAAxk", "file_unique_id": "AgADq", "type": "regular", "width": 512,
                   "height": 512, "is_animated": False, "is_video": False, "emoji": "👍"}
        msg = self.make_message(None, sticker=sticker, **kw)
        self.push(self.make_update(message=msg))
        return msg

    def send_photo(self, **kw) -> dict:
        photo = [{"file_id": "AgACAgIAAxk", "file_unique_id": "AQADq", "width": 90, "height": 90}]
        msg = self.make_message(None, photo=photo, **kw)
        self.push(self.make_update(message=msg))
        return msg

    def add_file(self, data: bytes, name: str) -> tuple[str, str]:
        """Make data downloadable; returns (file_id, file_unique_id)."""
        n = len(self.files) + 1
        file_id, unique = f"BQACAgIAAx{n}", f"AgAD{n}"
        self.files[file_id] = (f"documents/file_{n}_{name}", data)
        return file_id, unique

    def send_document(self, data: bytes, name: str, *, size: int | None = None, **kw) -> dict:
        """Queue a message with a document (size overrides the announced file_size)."""
        file_id, unique = self.add_file(data, name)
        doc = {"file_id": file_id, "file_unique_id": unique, "file_name": name,
               "file_size": len(data) if size is None else size}
        msg = self.make_message(None, document=doc, **kw)
        self.push(self.make_update(message=msg))
        return msg

    def send_photo_file(self, data: bytes, **kw) -> dict:
        """Queue a photo message whose largest size can be downloaded."""
        file_id, unique = self.add_file(data, "photo.jpg")
        photo = [{"file_id": file_id + "s", "file_unique_id": unique + "s", "width": 90, "height": 90},
                 {"file_id": file_id, "file_unique_id": unique, "width": 1280, "height": 1707,
                  "file_size": len(data)}]
        msg = self.make_message(None, photo=photo, **kw)
        self.push(self.make_update(message=msg))
        return msg

    def press(self, call: Call | dict, label_or_data: str, *, user_id: int | None = None) -> dict:
        """Press a button of a message the bot sent (by label substring, or raw callback data)."""
        msg = self._sent_message(call)
        buttons = [b for row in (msg.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]
        data = next((b["callback_data"] for b in buttons if label_or_data in b["text"]), label_or_data)
        chat_id = msg["chat"]["id"]
        query = {"id": str(next(self._query_ids)), "from": self.user(user_id or abs(chat_id)),
                 "message": msg, "chat_instance": f"ci{chat_id}", "data": data}
        self.push(self.make_update(callback_query=query))
        return query

    def _sent_message(self, call: Call | dict) -> dict:
        if isinstance(call, Call):
            return self.messages[(int(call.chat_id), call.result["message_id"])]
        return call

    # -- what tests wait for --------------------------------------------------------------------
    def mark(self) -> int:
        with self.cond:
            return len(self.calls)

    def wait_for(self, method: str, pred=None, *, after: int = 0, timeout: float = 15.0) -> Call:
        """The first call of `method` (after index `after`) matching pred; waits for it."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for c in self.calls[after:]:
                    if c.method.lower() == method.lower() and (pred is None or pred(c)):
                        return c
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(c.method, c.params.get("chat_id"), str(c.params.get("text", ""))[:60])
                            for c in self.calls[after:]]
                    raise AssertionError(f"no {method} call within {timeout}s; calls: {seen}")
                self.cond.wait(remaining)

    def find(self, method: str | None = None, *, chat_id=None, after: int = 0) -> list[Call]:
        with self.cond:
            return [c for c in self.calls[after:]
                    if (method is None or c.method.lower() == method.lower())
                    and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))]
