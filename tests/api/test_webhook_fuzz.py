"""Malformed Telegram updates on /telegram/webhook get a 400 (or are queued and ignored), never a 5xx:
the ten kinds the issue-22 probe found, then hypothesis mutating real updates field by field. The bot
behind the route is the real Application against the fake Bot API; it still answers afterwards."""
from __future__ import annotations

import json
import os

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sotay.app import create_app
from tests.bot.fake_telegram import TOKEN, FakeTelegram

SECRET = "hook-secret"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "content-type": "application/json"}
USER = {"id": 77, "is_bot": False, "first_name": "Cán bộ"}
MESSAGE = {"message_id": 9, "date": 1_700_000_000, "chat": {"id": 77, "type": "private"}, "from": USER,
           "text": "chỉ tiêu đào tạo"}
POLL = {"id": "p1", "question": "?", "options": [{"text": "a", "voter_count": 0}], "total_voter_count": 0,
        "is_closed": False, "is_anonymous": True, "type": "regular", "allows_multiple_answers": False}
TEMPLATES = [
    {"update_id": 1, "message": MESSAGE},
    {"update_id": 2, "edited_message": MESSAGE},
    {"update_id": 3, "callback_query": {"id": "q", "from": USER, "chat_instance": "c", "message": MESSAGE,
                                        "data": "more:1"}},
    {"update_id": 4, "message": {**MESSAGE, "reply_to_message": MESSAGE, "entities": [
        {"type": "bot_command", "offset": 0, "length": 4}], "text": "/tim công đoàn"}},
    {"update_id": 5, "message": {**MESSAGE, "document": {"file_id": "f", "file_unique_id": "u",
                                                        "file_name": "a.pdf", "file_size": 10}}},
    {"update_id": 6, "poll": POLL},
]


def nested(depth: int) -> bytes:
    return b'{"update_id": 7, "message": ' + b"[" * depth + b"]" * depth + b"}"


# the kinds the probe reported as 500s, plus their neighbours: (name, raw body)
MALFORMED = [
    ("message is a string", {"update_id": 10, "message": "xin chào"}),
    ("message is a list", {"update_id": 11, "message": [MESSAGE]}),
    ("message is an empty object", {"update_id": 12, "message": {}}),
    ("chat is a string", {"update_id": 13, "message": {**MESSAGE, "chat": "77"}}),
    ("date is a string", {"update_id": 14, "message": {**MESSAGE, "date": "hôm qua"}}),
    ("callback with no data", {"update_id": 15, "callback_query": {"id": "q", "from": USER, "chat_instance": "c"}}),
    ("callback with nothing", {"update_id": 16, "callback_query": {"id": "q"}}),
    ("from is a string", {"update_id": 17, "message": {**MESSAGE, "from": "ai đó"}}),
    ("edited_message is an int", {"update_id": 18, "edited_message": 5}),
    ("junk poll", {"update_id": 19, "poll": {"id": 1}}),
    ("junk poll answer", {"update_id": 20, "poll_answer": {"poll_id": None, "option_ids": "x"}}),
    ("update_id is a string", {"update_id": "21", "message": MESSAGE}),
    ("update_id is true", {"update_id": True, "message": MESSAGE}),
    ("no update_id", {"message": MESSAGE}),
    ("a list", [MESSAGE]),
    ("a number", 5),
    ("null", None),
    ("reply chain 600 deep", {"update_id": 22, "message": MESSAGE}),
    ("lone surrogate text", {"update_id": 23, "message": {**MESSAGE, "text": "c\ud800ông đoàn"}}),
]


def body_of(name: str, payload) -> bytes:
    if name == "reply chain 600 deep":
        inner = MESSAGE
        for _ in range(600):
            inner = {**MESSAGE, "reply_to_message": inner}
        payload = {"update_id": 22, "message": inner}
    return json.dumps(payload).encode()   # ensure_ascii: a lone surrogate travels as \ud800


RAW = [("nested 50,000 deep", nested(50_000)), ("not JSON", b"{update_id: 1"), ("not UTF-8", b"\xff\xfe{}"),
       ("empty body", b"")]


@pytest.fixture(scope="module")
def hook(seed_settings, seed_engine):
    fake = FakeTelegram()
    fake.start()
    settings = seed_settings.model_copy(update={
        "telegram_token": TOKEN, "telegram_base_url": fake.base_url, "telegram_webhook_secret": SECRET,
        "telegram_webhook_url": "https://sotay.example/telegram/webhook"})
    with TestClient(create_app(settings, engine=seed_engine), raise_server_exceptions=False) as client:
        fake.wait_for("setWebhook")
        yield client, fake
    fake.stop()


COUNT = {"sent": 0, "5xx": 0}


def post(client, body: bytes):
    response = client.post("/telegram/webhook", content=body, headers=HEADERS)
    COUNT["sent"] += 1
    COUNT["5xx"] += response.status_code >= 500
    return response


@pytest.mark.parametrize("name,payload", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_update_is_refused_or_ignored(hook, name, payload):
    client, _ = hook
    response = post(client, body_of(name, payload))
    assert response.status_code in (200, 400), (response.status_code, response.text[:300])
    if response.status_code == 400:
        assert response.json()["detail"].startswith("Cập nhật Telegram không hợp lệ")


@pytest.mark.parametrize("name,body", RAW, ids=[r[0] for r in RAW])
def test_unreadable_body_is_400(hook, name, body):
    client, _ = hook
    response = post(client, body)
    assert response.status_code == 400, response.text[:300]
    assert "không đọc được JSON" in response.json()["detail"]


def test_wrong_secret_is_403_before_anything_is_queued(hook):
    client, _ = hook
    response = client.post("/telegram/webhook", content=b'{"update_id": 1, "message": "x"}',
                           headers={**HEADERS, "X-Telegram-Bot-Api-Secret-Token": "sai"})
    assert response.status_code == 403


LEAF = (st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70)
        | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12)
        | st.sampled_from(["\ud800", "/start", "/tim", "more:1", "", "0" * 40]))
JSON = st.recursive(LEAF, lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=10), kids,
                                                                                    max_size=3), max_leaves=12)


def paths(value, prefix=()):
    """Every key path inside a JSON value (lists by index)."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield prefix + (key,)
        yield from paths(child, prefix + (key,))


@st.composite
def mutated_updates(draw):
    update = json.loads(json.dumps(draw(st.sampled_from(TEMPLATES))))
    for _ in range(draw(st.integers(1, 3))):
        where = list(paths(update))
        if not where:
            break
        path = draw(st.sampled_from(where))
        parent = update
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(parent, dict) and draw(st.booleans()):
            parent.pop(path[-1])
        else:
            parent[path[-1]] = draw(JSON)
    return update


@settings(max_examples=int(os.environ.get("SOTAY_FUZZ_EXAMPLES", "300")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(update=mutated_updates())
def test_fuzzed_updates_never_get_a_5xx(hook, update):
    client, _ = hook
    response = post(client, json.dumps(update).encode())
    assert response.status_code in (200, 400), (update, response.status_code, response.text[:300])


def test_bot_still_answers_after_the_fuzz(hook):
    """Runs last in this file: whatever the queued junk did, the Application is alive and answers."""
    client, fake = hook
    mark = fake.mark()
    update = fake.make_update(message=fake.make_message("chỉ tiêu đào tạo chủ tịch CĐCS là gì?", chat_id=502))
    assert post(client, json.dumps(update).encode()).status_code == 200
    reply = fake.wait_for("sendMessage", lambda c: str(c.params.get("chat_id")) == "502", after=mark, timeout=30)
    assert "chủ tịch công đoàn cơ sở" in reply.params["text"]
    print(f"webhook bodies sent: {COUNT['sent']}, 5xx: {COUNT['5xx']}")
    assert COUNT["5xx"] == 0
