"""Small per-chat memory behind the 64-byte callback data, and the feedback log."""
from __future__ import annotations

import json
import threading
from collections.abc import MutableMapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

KEEP = 300          # entries kept per chat; older buttons then say "hết hạn"
_feedback_lock = threading.Lock()


def remember(chat_data: MutableMapping[str, Any], value: dict) -> str:
    """Store value under a new short key (base 36 counter) and return the key."""
    memo = chat_data.setdefault("memo", {})
    n = chat_data.get("memo_next", 0)
    chat_data["memo_next"] = n + 1
    key = _b36(n)
    memo[key] = value
    while len(memo) > KEEP:
        memo.pop(next(iter(memo)))
    return key


def recall(chat_data: MutableMapping[str, Any] | None, key: str) -> dict | None:
    if not chat_data:
        return None
    return chat_data.get("memo", {}).get(key)


def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def append_feedback(path: Path, vote: str, entry: dict, chat_id: int | None) -> dict:
    """Append one vote as a JSON line: time, vote, question, answer, citation ids."""
    record = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": "telegram",
        "chat_id": chat_id,
        "vote": vote,
        "question": entry.get("question", ""),
        "answer": entry.get("answer", ""),
        "found": entry.get("found", False),
        "citations": list(entry.get("citations", ())),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False)
    with _feedback_lock, path.open("a", encoding="utf-8") as f:
        f.write(line + "\n")
    return record
