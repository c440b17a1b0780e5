"""Zalo events as one small record. The platform sends {"ok": true, "result": {"event_name", "message"}}
to a webhook (getUpdates gives the same `result`); a bare {"event_name", "message"} is read too. Anything
else, or a field of the wrong type, gives None or an empty field: a malformed event is never an error.
"""
from __future__ import annotations

from dataclasses import dataclass

TEXT = "message.text.received"
IMAGE = "message.image.received"
STICKER = "message.sticker.received"
VOICE = "message.voice.received"
UNSUPPORTED = "message.unsupported.received"
MAX_TEXT_IN = 4000       # longer texts are cut before anything reads them (a question is at most 1,000)


@dataclass(frozen=True)
class Incoming:
    event: str
    chat_id: str
    user_id: str
    text: str = ""
    photo: str = ""          # link to the photo (image events)
    caption: str = ""
    group: bool = False
    message_id: str = ""
    name: str = ""


def _str(value) -> str:
    """A text field: a string, else empty."""
    return value.strip() if isinstance(value, str) else ""


def _id(value) -> str:
    """An id: a string, or a number written as one (never a bool, a list or an object)."""
    return str(value) if type(value) is int else _str(value)


def events_of(payload) -> list[dict]:
    """The event objects in a webhook body or a getUpdates result."""
    if isinstance(payload, list):
        return [e for item in payload for e in events_of(item)]
    if not isinstance(payload, dict):
        return []
    if "event_name" not in payload and "result" in payload:
        return events_of(payload["result"])
    return [payload] if "event_name" in payload else []


def parse(event: dict) -> Incoming | None:
    """The message event as an Incoming, or None when it has no chat to answer."""
    if not isinstance(event, dict):
        return None
    message = event.get("message")
    if not isinstance(message, dict):
        return None
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    chat_id = _id(chat.get("id"))
    if not chat_id:
        return None
    if sender.get("is_bot") is True:
        return None
    photo = next((_str(message.get(k)) for k in ("photo", "photo_url") if _str(message.get(k))), "")
    return Incoming(
        event=_str(event.get("event_name")),
        chat_id=chat_id,
        user_id=_id(sender.get("id")) or chat_id,
        text=_str(message.get("text"))[:MAX_TEXT_IN],
        photo=photo,
        caption=_str(message.get("caption"))[:MAX_TEXT_IN],
        group=_str(chat.get("chat_type")).upper() == "GROUP",
        message_id=_id(message.get("message_id")),
        name=_str(sender.get("display_name") or sender.get("first_name") or sender.get("name")),
    )
