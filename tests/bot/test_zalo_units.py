"""`sotay bot` running Telegram and Zalo together in one process, and the Zalo pieces on their own:
which channels start, typed replies, event parsing, and cutting text at 2,000 characters."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from bot import texts as t
from bot.run import channels
from bot.split import units
from bot.zalo import render
from bot.zalo.events import IMAGE, TEXT, events_of, parse
from bot.zalo.handler import DOWN, FULL, MORE, UP, typed_reply
from core.errors import SotayError
from core.settings import Settings
from tests.bot import fake_telegram, fake_zalo
from tests.bot.conftest import ROOT
from tests.bot.test_bot import ANCHOR, EXAMPLE
from tests.bot.test_bot import ask as ask_telegram
from tests.bot.test_zalo import ask as ask_zalo


def test_sotay_bot_polls_telegram_and_zalo_in_one_process(engine, tmp_path):
    telegram, zalo = fake_telegram.FakeTelegram(), fake_zalo.FakeZalo()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOTAY_")}
    env.update(PYTHONPATH=str(ROOT), SOTAY_DATA_DIR=str(engine.settings.data_dir),
               SOTAY_CACHE_DIR=str(engine.settings.cache_dir), SOTAY_EMBED_MODEL=engine.settings.embed_model,
               SOTAY_TELEGRAM_TOKEN=fake_telegram.TOKEN, SOTAY_TELEGRAM_BASE_URL=telegram.start(),
               SOTAY_ZALO_TOKEN=fake_zalo.TOKEN, SOTAY_ZALO_BASE_URL=zalo.start())
    log_file = tmp_path / "bot.log"
    with log_file.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "sotay.cli", "bot"], cwd=tmp_path, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
        try:
            zalo.wait_for("deleteWebhook", timeout=120)        # polling needs the webhook gone
            telegram.wait_for("setMyCommands", timeout=120)
            assert ANCHOR in ask_zalo(zalo, EXAMPLE, "p-1").text
            assert ANCHOR in ask_telegram(telegram, EXAMPLE, 97).text
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            finally:
                if proc.poll() is None:
                    proc.kill()
                telegram.stop()
                zalo.stop()
    logs = log_file.read_text()
    assert proc.returncode == 0, logs[-3000:]
    for token in (fake_telegram.TOKEN, fake_zalo.TOKEN):
        assert token not in logs and token.split(":")[1] not in logs


def test_channels_with_a_token_are_polled_and_webhook_ones_left_to_the_api():
    assert channels(Settings(telegram_token="1:a", zalo_token="2:b")) == ["telegram", "zalo"]
    assert channels(Settings(telegram_token=None, zalo_token="2:b")) == ["zalo"]
    assert channels(Settings(telegram_token="1:a", zalo_token="2:b", zalo_webhook_url="https://x/z")) == ["telegram"]
    with pytest.raises(SotayError, match="SOTAY_ZALO_TOKEN"):
        channels(Settings(telegram_token=None, zalo_token=None))
    with pytest.raises(SotayError, match="sotay serve"):
        channels(Settings(telegram_token=None, zalo_token="2:b", zalo_webhook_url="https://x/z"))


def test_webhook_mode_needs_a_secret_of_8_to_256_characters():
    from bot.zalo.app import check_webhook
    for secret in (None, "", "short", "x" * 257):
        with pytest.raises(SotayError, match="8 đến 256"):
            check_webhook(Settings(zalo_token="2:b", zalo_webhook_url="https://x/z", zalo_webhook_secret=secret))
    check_webhook(Settings(zalo_token="2:b", zalo_webhook_url="https://x/z", zalo_webhook_secret="x" * 8))


@pytest.mark.parametrize(("text", "kind"), [("1", FULL), (" 2 ", MORE), ("đúng", UP), ("Đúng!", UP), ("dung", UP),
                                            ("sai", DOWN), ("SAI.", DOWN), ("👍", UP), ("12", None),
                                            ("đúng không?", None), ("sai phạm của cán bộ", None), ("", None)])
def test_typed_replies(text, kind):
    assert typed_reply(text) == kind


def test_documented_wrapped_and_bare_events_parse_alike():
    bare = {"event_name": TEXT, "message": {"from": {"id": "u1", "display_name": "Ted", "is_bot": False},
                                            "chat": {"id": "c1", "chat_type": "PRIVATE"}, "text": " Xin chào ",
                                            "message_id": "m1", "date": 1750316131602}}
    assert events_of({"ok": True, "result": bare}) == events_of(bare) == [bare]
    m = parse(bare)
    assert (m.chat_id, m.user_id, m.text, m.name, m.group) == ("c1", "u1", "Xin chào", "Ted", False)
    photo = parse({"event_name": IMAGE, "message": {"chat": {"id": 7, "chat_type": "GROUP"}, "photo": "https://p/1.jpg",
                                                    "caption": "trang 1"}})
    assert (photo.chat_id, photo.user_id, photo.photo, photo.caption, photo.group) == ("7", "7", "https://p/1.jpg",
                                                                                        "trang 1", True)
    assert parse({"event_name": IMAGE, "message": {"chat": {"id": "c"}, "photo_url": "https://p/2.jpg"}}).photo
    assert parse({"event_name": TEXT, "message": {"chat": {"id": True}}}) is None


def test_messages_never_exceed_2000_and_a_very_long_text_is_trimmed_saying_so():
    paras = [f"Đoạn {i}: " + " ".join(["chữ"] * 120) for i in range(40)]    # ~20,000 characters
    parts = render.messages("\n\n".join(paras), t.Z_TYPED_ANSWER)
    assert len(parts) == render.MAX_PARTS and all(units(p) <= render.LIMIT for p in parts)
    assert t.Z_TRIMMED in parts[-1] and parts[-1].endswith(t.Z_TYPED_ANSWER)
    two = render.messages("\n\n".join(paras[:5]))
    assert len(two) == 2 and "\n\n".join(two) == "\n\n".join(paras[:5])
    emoji = "📄" * 1500                                                  # 3,000 UTF-16 units, no spaces
    assert all(units(p) <= render.LIMIT for p in render.messages(emoji))
    assert render.messages("") == [] and render.messages("", "chân") == ["chân"]
    exact = "x" * (render.LIMIT - 3)
    assert render.messages(exact, "abc") == [exact, "abc"]             # the footer goes to its own message


def test_every_answer_mode_is_read_from_its_fields_for_both_channels():
    from answer.records import Answer, Citation
    from bot import format as fmt
    from bot.core import ANSWER, NOT_FOUND, SHORT, reply_of
    from tests.records import make_hit

    cite = Citation("Đoạn trích.", "Chương trình 04 — II", "d", "II", ("II.",), "d:II")
    hit = make_hit("d:II", "d", "II", ("II. CHỈ TIÊU",), "Chương trình 04 — II", "II. CHỈ TIÊU\n- 100% cán bộ", 1.0)
    quoted = reply_of(Answer("q", "Theo …: «Đoạn trích.»", True, "Đoạn trích.", (cite,)))
    fact = reply_of(Answer("q", "Chương trình 04 do Nguyễn Văn A ký.", True, mode="facts"))
    absent = reply_of(Answer("q", "Không có văn bản số 99/XYZ trong kho.", False, suggestions=(hit,), mode="card"))
    hello = reply_of(Answer("q", "Chào bạn!", False, mode="smalltalk"))
    assert [r.kind for r in (quoted, fact, absent, hello)] == [ANSWER, ANSWER, NOT_FOUND, SHORT]
    assert render.reply_footer(quoted) == t.Z_TYPED_ANSWER and render.reply_footer(fact) == t.Z_TYPED_NOT_FOUND
    assert render.reply_footer(hello) == "" and "Nguồn" not in render.reply_text(fact)
    assert f"• {hit.citation}\n- 100% cán bộ" in render.reply_text(absent) and fact.record()["found"]
    assert fmt.reply_html(hello) == "Chào bạn!" and "<i>Đoạn trích.</i>" in fmt.reply_html(quoted)


def test_sotay_bot_with_a_wrong_zalo_token_is_one_line_and_exit_2(engine, tmp_path):
    zalo = fake_zalo.FakeZalo(token="1:another-token")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOTAY_")}
    env.update(PYTHONPATH=str(ROOT), SOTAY_DATA_DIR=str(engine.settings.data_dir),
               SOTAY_CACHE_DIR=str(engine.settings.cache_dir), SOTAY_EMBED_MODEL=engine.settings.embed_model,
               SOTAY_ZALO_TOKEN=fake_zalo.TOKEN, SOTAY_ZALO_BASE_URL=zalo.start())
    try:
        run = subprocess.run([sys.executable, "-m", "sotay.cli", "bot"], cwd=tmp_path, env=env, capture_output=True,
                             text=True, timeout=180)
    finally:
        zalo.stop()
    assert run.returncode == 2, run.stderr[-2000:]
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("Lỗi: Không kết nối được Zalo Bot API (401)") and "Traceback" not in run.stderr
    assert fake_zalo.TOKEN.split(":")[1] not in run.stdout + run.stderr
