"""The bot behind the API: Telegram posts updates to /telegram/webhook (fake Bot API on loopback)."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sotay.app import create_app
from tests.bot.fake_telegram import TOKEN, FakeTelegram

QUESTION = "chỉ tiêu đào tạo chủ tịch CĐCS là gì?"
SECRET = "hook-secret"


@pytest.fixture()
def fake():
    server = FakeTelegram()
    server.start()
    yield server
    server.stop()


def test_webhook_route_feeds_the_bot(fake, seed_settings, seed_engine):
    settings = seed_settings.model_copy(update={
        "telegram_token": TOKEN, "telegram_base_url": fake.base_url, "telegram_webhook_secret": SECRET,
        "telegram_webhook_url": "https://sotay.example/telegram/webhook"})
    with TestClient(create_app(settings, engine=seed_engine)) as client:
        hook = fake.wait_for("setWebhook")
        assert hook.params["url"] == "https://sotay.example/telegram/webhook"
        update = fake.make_update(message=fake.make_message(QUESTION, chat_id=501))
        r = client.post("/telegram/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
        assert r.status_code == 403
        r = client.post("/telegram/webhook", json={"not": "an update"},
                        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert r.status_code == 400
        r = client.post("/telegram/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert r.status_code == 200
        reply = fake.wait_for("sendMessage", lambda c: c.params.get("chat_id") in (501, "501"))
        assert "100% chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng" in reply.params["text"]
        assert fake.get_updates_count == 0


def test_webhook_route_is_off_without_the_bot(seed_settings, seed_engine):
    with TestClient(create_app(seed_settings, engine=seed_engine)) as client:
        assert client.post("/telegram/webhook", json={}).status_code == 404
