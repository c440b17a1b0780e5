"""The feedback log: one JSON line per 👍 / 👎 (Telegram) or "đúng" / "sai" (Zalo)."""
from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path

_feedback_lock = threading.Lock()


def append_feedback(path: Path, vote: str, entry: dict, chat_id, source: str = "telegram") -> dict:
    """Append one vote as a JSON line: time, vote, question, answer, citation ids."""
    record = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": source,
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
