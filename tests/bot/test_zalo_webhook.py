"""The Zalo channel behind the real API (uvicorn on loopback): POST /zalo/webhook checks the secret
header before anything else, and no event, however malformed, gets a 5xx."""
from __future__ import annotations

import json
import time

import httpx
import pytest

from bot import texts as t
from tests.bot.conftest import zalo_settings
from tests.bot.fake_zalo import FakeZalo
from tests.bot.test_bot import ANCHOR, EXAMPLE
from tests.bot.test_zalo import assert_clean, to
from tests.conftest import serve

SECRET = "zalo-webhook-secret-42"
HOOK = "https://sotay.example.org/zalo/webhook"


@pytest.fixture
def hooked(tmp_path, engine):
    """(base URL of the API, the fake Zalo server) with the webhook registered."""
    fake = FakeZalo()
    settings = zalo_settings(tmp_path, fake.start(), zalo_webhook_url=HOOK, zalo_webhook_secret=SECRET)
    try:
        with serve(settings, engine) as base:
            fake.wait_for("setWebhook", timeout=30)
            yield base, fake
    finally:
        fake.stop()


def post(base, body, secret=SECRET, **kw):
    headers = {"X-Bot-Api-Secret-Token": secret} if secret is not None else {}
    if isinstance(body, (bytes, str)):
        return httpx.post(base + "/zalo/webhook", content=body, headers=headers, timeout=30, **kw)
    return httpx.post(base + "/zalo/webhook", json=body, headers=headers, timeout=30, **kw)


def test_set_webhook_registers_the_url_and_secret_and_polling_stays_off(hooked):
    base, fake = hooked
    assert fake.webhook == {"url": HOOK, "secret_token": SECRET}
    assert fake.get_updates_count == 0


def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_answered(hooked):
    base, fake = hooked
    event = {"ok": True, "result": fake.event(EXAMPLE, chat_id="w-intruder")}
    for secret in ("wrong-secret-42", None, "", SECRET + "x", SECRET[:-1]):
        response = post(base, event, secret=secret)
        assert response.status_code == 403, (secret, response.text)
    mark = fake.mark()
    assert post(base, {"ok": True, "result": fake.event(EXAMPLE, chat_id="w-friend")}).status_code == 200
    assert ANCHOR in fake.wait_for("sendMessage", to("w-friend"), after=mark, timeout=30).text
    time.sleep(0.5)
    assert fake.find("sendMessage", chat_id="w-intruder") == []
    assert fake.find("sendChatAction", chat_id="w-intruder") == []


def test_documented_and_bare_events_are_answered_then_one_shows_the_passage(hooked, engine):
    base, fake = hooked
    mark = fake.mark()
    assert post(base, {"ok": True, "result": fake.event(EXAMPLE, chat_id="w-1")}).json() == {"ok": True}
    answer = fake.wait_for("sendMessage", to("w-1"), after=mark, timeout=30)
    assert ANCHOR in answer.text and "📄 Nguồn:" in answer.text and t.Z_TYPED_ANSWER in answer.text
    mark = fake.mark()
    assert post(base, fake.event("1", chat_id="w-1")).status_code == 200          # bare {event_name, message}
    full = fake.wait_for("sendMessage", to("w-1"), after=mark, timeout=30)
    passage = engine.passage(engine.ask(EXAMPLE).citations[0].passage_id)
    assert passage.text.strip() in full.text
    assert_clean(fake)


@pytest.mark.parametrize("body", [b"{not json", b"", "\udcff".encode("utf-8", "surrogatepass"), b"\xff\xfe\x00"])
def test_a_body_that_is_not_json_is_400(hooked, body):
    base, _ = hooked
    assert post(base, body).status_code == 400


@pytest.mark.parametrize("body", [None, [], 7, "chuỗi", {}, {"ok": True}, {"ok": True, "result": None},
                                  {"event_name": "message.text.received"},
                                  {"event_name": "message.text.received", "message": {"chat": {"id": ["x"]}}},
                                  {"ok": True, "result": {"event_name": "message.text.received",
                                                          "message": {"chat": {"id": "w-junk"}, "text": 5}}},
                                  {"result": [[[{"event_name": 1, "message": []}]]]}])
def test_malformed_events_are_200_and_ignored(hooked, body):
    base, fake = hooked
    response = post(base, json.dumps(body, ensure_ascii=False).encode())    # JSON null, a string… too
    assert response.status_code == 200 and response.json() == {"ok": True}
    mark = fake.mark()
    assert post(base, fake.event("/help", chat_id="w-after")).status_code == 200   # still serving
    assert fake.wait_for("sendMessage", to("w-after"), after=mark, timeout=30).text.startswith("📖")
    assert fake.find("sendMessage", chat_id="w-junk") == []
    assert_clean(fake)


def test_without_a_zalo_webhook_the_route_is_404(tmp_path, engine):
    fake = FakeZalo()
    settings = zalo_settings(tmp_path, fake.start(), zalo_token=None)
    try:
        with serve(settings, engine) as base:
            assert post(base, {"ok": True}).status_code == 404
    finally:
        fake.stop()


def test_events_of_one_chat_are_handled_in_order_behind_the_webhook(hooked, engine):
    base, fake = hooked
    mark = fake.mark()
    assert post(base, fake.event(EXAMPLE, chat_id="w-order")).status_code == 200
    assert post(base, fake.event("1", chat_id="w-order")).status_code == 200    # before the answer is out
    deadline = time.monotonic() + 30
    while len(fake.find("sendMessage", chat_id="w-order", after=mark)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    answer, full = fake.find("sendMessage", chat_id="w-order", after=mark)[:2]
    assert ANCHOR in answer.text
    assert engine.passage(engine.ask(EXAMPLE).citations[0].passage_id).text.strip() in full.text


def test_dev_questions_through_the_webhook_are_answered_fast(hooked):
    import statistics

    from tests.conftest import dev_questions

    base, fake = hooked
    latencies, answered = [], 0
    for i, q in enumerate([q for q in dev_questions() if q["anchors"]][:12]):
        chat = f"w-dev-{i}"
        mark = fake.mark()
        started = time.perf_counter()
        assert post(base, {"ok": True, "result": fake.event(q["question"], chat_id=chat)}).status_code == 200
        reply = fake.wait_for("sendMessage", to(chat), after=mark, timeout=30)
        latencies.append(reply.t - started)
        answered += "📄 Nguồn:\n• " in reply.text and any(a in reply.text for a in q["anchors"])
    p50 = statistics.median(latencies)
    print(f"\nzalo webhook: {answered}/12 answered with the anchor and a source; POST → sendMessage p50 "
          f"{p50 * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms")
    assert answered >= 11 and p50 < 1.0
    assert_clean(fake)
