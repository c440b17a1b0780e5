"""The real Application (bot.app) against the fake Bot API server: push updates, check what is sent."""
from __future__ import annotations

import json
import logging

import pytest

from tests.bot.fake_telegram import BOT_ID, TOKEN

EXAMPLE = "chỉ tiêu đào tạo chủ tịch CĐCS là gì?"
ANCHOR = "100% chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng"
UNANSWERABLE = "Thủ tục đăng ký kết hôn cần giấy tờ gì?"


def to(chat_id):
    return lambda c: str(c.chat_id) == str(chat_id)


def ask(fake, text, chat_id, **kw):
    """Push a message and return the bot's sendMessage to that chat."""
    mark = fake.mark()
    fake.send_text(text, chat_id=chat_id, **kw)
    return fake.wait_for("sendMessage", to(chat_id), after=mark)


def assert_no_errors(fake):
    bad = [(c.method, c.error) for c in fake.calls if c.error]
    assert not bad, bad
    leaked = [c.text for c in fake.find("sendMessage") if "Traceback" in c.text or "Xin lỗi, có lỗi" in c.text]
    assert not leaked, leaked


# -- answering ------------------------------------------------------------------------------------
def test_example_question_typing_then_quoted_answer_with_source(bot):
    fake = bot.fake
    mark = fake.mark()
    fake.send_text(EXAMPLE, chat_id=11)
    typing = fake.wait_for("sendChatAction", to(11), after=mark)
    answer = fake.wait_for("sendMessage", to(11), after=mark)
    assert typing.params["action"] == "typing" and typing.t <= answer.t
    assert ANCHOR in answer.text
    assert "📄 <b>Nguồn:</b>\n• " in answer.text
    source = answer.text.split("Nguồn:</b>", 1)[1]
    assert "Lai Châu" in source or "CTr" in source            # the citation names a document
    assert answer.params["parse_mode"] == "HTML"
    labels = [b["text"] for b in answer.buttons()]
    assert labels == ["Xem đầy đủ", "Kết quả khác", "👍", "👎"]
    assert all(len(b["callback_data"].encode()) <= 64 for b in answer.buttons())
    assert "reply_parameters" not in answer.params           # private chat: no quoting needed
    assert_no_errors(fake)


def test_full_passage_button_sends_the_whole_passage(bot, engine):
    fake = bot.fake
    answer = ask(fake, EXAMPLE, 12)
    pid = engine.ask(EXAMPLE).citations[0].passage_id
    passage = engine.passage(pid)
    mark = fake.mark()
    fake.press(answer, "Xem đầy đủ")
    fake.wait_for("answerCallbackQuery", after=mark)
    full = fake.wait_for("sendMessage", to(12), after=mark)
    last_line = passage.text.strip().splitlines()[-1]
    assert full.text.startswith("📄 <b>") and last_line.replace("&", "&amp;") in full.text
    assert len(full.text) > len(passage.text) * 0.9
    assert_no_errors(fake)


def test_more_results_are_paged_and_page_two_differs(bot):
    fake = bot.fake
    answer = ask(fake, EXAMPLE, 13)
    mark = fake.mark()
    fake.press(answer, "Kết quả khác")
    page1 = fake.wait_for("sendMessage", to(13), after=mark)
    assert "Kết quả cho:" in page1.text and "📖" in [b["text"][:1] for b in page1.buttons()]
    first_text = page1.text
    mark = fake.mark()
    fake.press(page1, "Trang sau")
    page2 = fake.wait_for("editMessageText", to(13), after=mark)
    assert page2.params["message_id"] == page1.result["message_id"]
    assert "trang 2" in page2.text and page2.text != first_text
    cites1 = {line for line in first_text.split("\n") if line[:2].rstrip(".").isdigit()}
    cites2 = {line for line in page2.text.split("\n") if line[:2].rstrip(".").isdigit()}
    assert cites1 and cites2 and not (cites1 & cites2)
    mark = fake.mark()
    fake.press(fake.messages[(13, page1.result["message_id"])], "Trang trước")   # the edited message
    back = fake.wait_for("editMessageText", to(13), after=mark)
    assert back.text == first_text
    assert_no_errors(fake)


def test_more_results_skip_what_was_already_quoted(bot, engine):
    fake = bot.fake
    answer = ask(fake, EXAMPLE, 14)
    mark = fake.mark()
    fake.press(answer, "Kết quả khác")
    page1 = fake.wait_for("sendMessage", to(14), after=mark)
    shown = engine.ask(EXAMPLE)
    for pid in [c.passage_id for c in shown.citations] or [h.passage_id for h in shown.suggestions]:
        citation = engine.passage(pid).citation
        assert citation.replace("&", "&amp;") not in page1.text


def test_thumbs_up_appends_feedback_line(bot):
    fake = bot.fake
    answer = ask(fake, EXAMPLE, 15)
    mark = fake.mark()
    fake.press(answer, "👍")
    ack = fake.wait_for("answerCallbackQuery", after=mark)
    assert "Cảm ơn" in ack.params.get("text", "")
    lines = (bot.settings.data_dir / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[-1])
    assert record["vote"] == "up" and record["question"] == EXAMPLE
    assert record["answer"] and "time" in record and isinstance(record["citations"], list)
    assert record["citations"] and ":" in record["citations"][0]          # passage ids
    mark = fake.mark()
    fake.press(answer, "👎")
    fake.wait_for("answerCallbackQuery", after=mark)
    lines = (bot.settings.data_dir / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[-1])["vote"] == "down" and len(lines) == 2


def test_unanswerable_question_says_not_found_with_hint(bot):
    fake = bot.fake
    msg = ask(fake, UNANSWERABLE, 16)
    assert "tìm thấy" in msg.text.lower()
    assert "/tim &lt;từ khóa&gt;" in msg.text and "diễn đạt lại" in msg.text
    assert "Nguồn:" not in msg.text
    labels = [b["text"] for b in msg.buttons()]
    assert "Xem đầy đủ" not in labels and "Kết quả khác" in labels
    assert_no_errors(fake)


def test_html_in_question_is_escaped(bot):
    fake = bot.fake
    msg = ask(fake, "chỉ tiêu <b>& đào tạo chủ tịch CĐCS là gì?", 17)
    assert msg.params["parse_mode"] == "HTML" and msg.error is None
    found = ask(fake, "/tim <b>& đào tạo", 17)
    assert "&lt;b&gt;&amp; đào tạo" in found.text
    assert_no_errors(fake)


# -- commands -------------------------------------------------------------------------------------
def test_set_my_commands_at_startup(bot):
    call = bot.fake.wait_for("setMyCommands")
    names = [c["command"] for c in call.params["commands"]]
    assert names == ["start", "help", "tim", "vanban"]
    assert all(c["description"] for c in call.params["commands"])


def test_start_greets_with_three_examples_that_can_be_pressed(bot):
    fake = bot.fake
    msg = ask(fake, "/start", 21)
    assert "Xin chào" in msg.text and "Chỉ tiêu đào tạo chủ tịch CĐCS là gì?" in msg.text
    assert len(msg.buttons()) == 3
    mark = fake.mark()
    fake.press(msg, "Chỉ tiêu đào tạo")
    reply = fake.wait_for("sendMessage", to(21), after=mark)
    assert "Kết quả khác" in [b["text"] for b in reply.buttons()]
    assert_no_errors(fake)


def test_help(bot):
    msg = ask(bot.fake, "/help", 22)
    assert "Hướng dẫn" in msg.text and "/tim" in msg.text and "/vanban" in msg.text
    assert "@sotay_test_bot" in msg.text


def test_unknown_command_points_to_help(bot):
    msg = ask(bot.fake, "/xyz", 23)
    assert "/help" in msg.text


def test_tim_without_keywords_shows_usage(bot):
    msg = ask(bot.fake, "/tim", 24)
    assert "Cách dùng" in msg.text and "/tim &lt;từ khóa&gt;" in msg.text


def test_tim_lists_ranked_passages_with_citations(bot):
    fake = bot.fake
    msg = ask(fake, "/tim luân chuyển cán bộ", 25)
    assert "Kết quả cho:</b> luân chuyển cán bộ" in msg.text
    assert msg.text.count("<b>") >= 3 and "1. <b>" in msg.text and "3. <b>" in msg.text
    labels = [b["text"] for b in msg.buttons()]
    assert labels[:3] == ["📖 1", "📖 2", "📖 3"] and "Trang sau ▶" in labels
    mark = fake.mark()
    fake.press(msg, "📖 1")
    full = fake.wait_for("sendMessage", to(25), after=mark)
    assert full.text.startswith("📄 <b>")
    assert_no_errors(fake)


def test_vanban_lists_documents_with_paging_buttons(bot):
    fake = bot.fake
    msg = ask(fake, "/vanban", 26)
    assert "Văn bản hiện có" in msg.text and "trang 1/2" in msg.text
    assert "Trang sau ▶" in [b["text"] for b in msg.buttons()]
    mark = fake.mark()
    fake.press(msg, "Trang sau")
    page2 = fake.wait_for("editMessageText", to(26), after=mark)
    assert "trang 2/2" in page2.text and page2.text != msg.text
    labels = [b["text"] for b in page2.params["reply_markup"]["inline_keyboard"][-1]]
    assert labels == ["◀ Trang trước"]
    mark = fake.mark()
    fake.press(fake.messages[(26, msg.result["message_id"])], "📘")
    outline = fake.wait_for("sendMessage", to(26), after=mark)
    assert "Mục lục" in outline.text
    assert_no_errors(fake)


def test_vanban_number_shows_metadata_and_outline(bot):
    msg = ask(bot.fake, "/vanban 01/CTr-LĐLĐ", 27)
    text = msg.text
    assert "Chương trình số 01/CTr-LĐLĐ" in text
    assert "Ngày ban hành: 21/01/2026" in text and "Lai Châu" in text
    assert "Mục lục" in text and "I. MỤC ĐÍCH, YÊU CẦU" in text and "IV. TỔ CHỨC THỰC HIỆN" in text
    assert "\n    1. Nâng cao bản lĩnh chính trị" in text                      # indented sub-heading
    again = ask(bot.fake, "/vanban 01/ctr-ldld", 27)                          # typed without diacritics
    assert "Chương trình số 01/CTr-LĐLĐ" in again.text


def test_vanban_unknown_is_a_polite_not_found(bot):
    msg = ask(bot.fake, "/vanban 99/XYZ-ABC", 28)
    assert "Không tìm thấy văn bản «99/XYZ-ABC»" in msg.text and "/vanban" in msg.text
    assert_no_errors(bot.fake)


# -- groups, other messages, access, load -----------------------------------------------------------
def test_group_message_without_mention_is_ignored(bot):
    fake = bot.fake
    fake.send_text(EXAMPLE, chat_id=-1001, user_id=31, chat_type="supergroup")
    fake.send_sticker(chat_id=-1001, user_id=31)
    bot.sync()
    assert fake.find(chat_id=-1001) == []


def test_group_mention_gets_threaded_reply(bot):
    fake = bot.fake
    mark = fake.mark()
    msg = fake.send_text(EXAMPLE, chat_id=-1002, user_id=32, chat_type="supergroup", mention=True)
    reply = fake.wait_for("sendMessage", to(-1002), after=mark)
    assert reply.params["reply_parameters"]["message_id"] == msg["message_id"]
    assert "Kết quả khác" in [b["text"] for b in reply.buttons()]
    # replying to the bot's message counts as addressing it
    bot_msg = fake.messages[(-1002, reply.result["message_id"])]
    mark = fake.mark()
    follow = fake.send_text("cán bộ được luân chuyển phải công tác ít nhất bao lâu?", chat_id=-1002,
                            user_id=33, reply_to=bot_msg)
    again = fake.wait_for("sendMessage", to(-1002), after=mark)
    assert again.params["reply_parameters"]["message_id"] == follow["message_id"]
    # commands work in groups too, addressed or not
    mark = fake.mark()
    fake.send_text("/help@sotay_test_bot", chat_id=-1002, user_id=33)
    assert "Hướng dẫn" in fake.wait_for("sendMessage", to(-1002), after=mark).text
    assert_no_errors(fake)


def test_sticker_and_photo_get_friendly_text_reply(bot):
    fake = bot.fake
    mark = fake.mark()
    fake.send_sticker(chat_id=41)
    msg = fake.wait_for("sendMessage", to(41), after=mark)
    assert "câu hỏi dạng chữ" in msg.text and "reply_markup" not in msg.params
    mark = fake.mark()
    fake.send_photo(chat_id=41)           # not an administrator: a photo is not taken as an upload
    refusal = fake.wait_for("sendMessage", to(41), after=mark).text
    assert "quản trị viên" in refusal and "câu hỏi bằng chữ" in refusal
    assert fake.find("getFile") == []
    assert fake.find("sendChatAction", chat_id=41) == []


def test_flood_is_rate_limited(bot):
    fake = bot.fake
    mark = fake.mark()
    for i in range(30):
        fake.send_text(f"{EXAMPLE} ({i})", chat_id=51)
    bot.sync()
    sent = fake.find("sendMessage", chat_id=51, after=mark)
    answers = [c for c in sent if c.buttons()]
    slow = [c for c in sent if "chậm lại" in c.text]
    assert len(answers) == 20                  # at most 20 a minute…
    assert len(slow) == 1                      # …and one "chậm lại", not 10
    assert len(sent) == len(answers) + len(slow)
    # another user is not affected
    assert ask(fake, EXAMPLE, 52).buttons()


def test_allowed_chats_refuse_others_politely(make_bot):
    bot = make_bot(telegram_allowed_chats="4242, -4243")
    fake = bot.fake
    refused = ask(fake, EXAMPLE, 61)
    assert "Xin lỗi" in refused.text and "quản trị viên" in refused.text
    assert fake.find("sendChatAction", chat_id=61) == []
    fake.send_text(EXAMPLE, chat_id=-999, chat_type="group")          # unaddressed, other group: silent
    bot.sync(chat_id=4242)
    assert fake.find(chat_id=-999) == []
    ok = ask(fake, EXAMPLE, 4242)
    assert "Kết quả khác" in [b["text"] for b in ok.buttons()]


class Boom:
    """The real engine, except that ask() fails like a bug would."""

    def __init__(self, engine):
        self._engine = engine

    def __getattr__(self, name):
        return getattr(self._engine, name)

    def ask(self, question, filters=None):
        raise RuntimeError("boom: /srv/secret/path line 42")


def test_handler_error_apologises_without_details(make_bot, engine, caplog):
    bot = make_bot(engine_override=Boom(engine))
    fake = bot.fake
    with caplog.at_level(logging.ERROR, logger="bot.chat"):
        msg = ask(fake, EXAMPLE, 71)
    assert msg.text.startswith("Xin lỗi, có lỗi")
    for c in fake.find("sendMessage"):
        assert "Traceback" not in c.text and "boom" not in c.text and "RuntimeError" not in c.text
    # the traceback is logged (as exc_info, or as exc_text once the secret-redacting filter has formatted it)
    assert any("boom" in (r.exc_text or "") or (r.exc_info and "boom" in str(r.exc_info[1])) for r in caplog.records)
    assert ask(fake, "/help", 71).text.startswith("📖")           # the bot keeps working


def test_token_never_logged(bot, caplog):
    from bot.app import protect_logs
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
    with caplog.at_level(logging.INFO):
        protect_logs(TOKEN)
        logging.getLogger("telegram.ext.test").warning("POST https://api.telegram.org/bot%s/getMe", TOKEN)
    assert TOKEN not in caplog.text and "<token>" in caplog.text


# -- webhook ----------------------------------------------------------------------------------------
def test_webhook_feed_checks_the_secret(make_bot):
    from bot.webhook import feed
    bot = make_bot(polling=False, telegram_webhook_url="https://sotay.example/telegram/webhook")
    fake = bot.fake
    hook = fake.wait_for("setWebhook")
    assert hook.params["url"] == "https://sotay.example/telegram/webhook"
    assert hook.params["secret_token"] == "s3cret-hook"
    payload = fake.make_update(message=fake.make_message(EXAMPLE, chat_id=81))
    assert bot.runner.run(feed(bot.app, payload, "wrong")) is False
    assert bot.runner.run(feed(bot.app, payload, None)) is False
    mark = fake.mark()
    assert bot.runner.run(feed(bot.app, payload, "s3cret-hook")) is True
    reply = fake.wait_for("sendMessage", to(81), after=mark)
    assert "Kết quả khác" in [b["text"] for b in reply.buttons()]
    assert len(fake.find("sendMessage", chat_id=81)) == 1               # the refused calls sent nothing
    assert fake.get_updates_count == 0                                  # no polling in webhook mode
    with pytest.raises(ValueError):
        bot.runner.run(feed(bot.app, {"nope": 1}, "s3cret-hook"))


def test_bot_id_matches_fake(bot):
    assert bot.app.bot.id == BOT_ID and bot.app.bot.username == "sotay_test_bot"


def test_engine_is_loaded_in_post_init_when_not_injected(make_bot, engine):
    bot = make_bot(engine_override="load", data_dir=engine.settings.data_dir, cache_dir=engine.settings.cache_dir,
                   embed_model=engine.settings.embed_model)
    assert bot.app.bot_data["core"].engine is not engine
    msg = ask(bot.fake, EXAMPLE, 95)
    assert ANCHOR in msg.text


def test_run_polling_in_a_process_answers_and_keeps_the_token_out_of_logs(engine, tmp_path):
    """The `sotay bot` path: run_polling(Settings()) from the environment, Engine loaded in post_init."""
    import os
    import signal
    import subprocess
    import sys

    from tests.bot.conftest import ROOT
    from tests.bot.fake_telegram import FakeTelegram

    fake = FakeTelegram()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOTAY_")}
    env.update(PYTHONPATH=str(ROOT), SOTAY_TELEGRAM_TOKEN=TOKEN, SOTAY_TELEGRAM_BASE_URL=fake.start(),
               SOTAY_DATA_DIR=str(engine.settings.data_dir), SOTAY_CACHE_DIR=str(engine.settings.cache_dir),
               SOTAY_EMBED_MODEL=engine.settings.embed_model)
    log_file = tmp_path / "bot.log"
    with log_file.open("w") as out:
        code = "from bot.app import run_polling\nfrom core.settings import Settings\nrun_polling(Settings())"
        proc = subprocess.Popen([sys.executable, "-c", code],
                                cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            fake.wait_for("setMyCommands", timeout=120)
            msg = ask(fake, EXAMPLE, 96)
            assert ANCHOR in msg.text
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            finally:
                if proc.poll() is None:
                    proc.kill()
                fake.stop()
    logs = log_file.read_text()
    assert proc.returncode == 0, logs
    assert TOKEN not in logs and TOKEN.split(":")[1] not in logs


def test_entry_points_refuse_a_bad_setup(tmp_path):
    from bot.app import build_application, file_url, run_polling
    from core.errors import SotayError
    from tests.bot.conftest import bot_settings

    assert file_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_url("http://127.0.0.1:8081/bot/") == "http://127.0.0.1:8081/file/bot"
    with pytest.raises(SotayError):
        build_application(bot_settings(tmp_path, "http://127.0.0.1:1/bot", telegram_token=None))
    with pytest.raises(SotayError):      # polling would delete the webhook the API relies on
        run_polling(bot_settings(tmp_path, "http://127.0.0.1:1/bot", telegram_webhook_url="https://x.example/h"))
