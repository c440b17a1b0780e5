"""Zalo events → the shared core → plain-text replies. Typed replies stand in for Telegram's buttons:
"1" the full passage, "2" more results, "đúng"/"sai" feedback on the last answer. A failing event is
logged and answered "Xin lỗi…"; it never stops the channel."""
from __future__ import annotations

import asyncio
import itertools
import logging
import re

from bot import texts as t
from bot.core import SHORT, ChatStates, Core, Offer, Page
from bot.format import public_base
from bot.limits import OK, WARN
from bot.zalo import render
from bot.zalo.client import TooLarge, ZaloClient, ZaloError
from bot.zalo.events import IMAGE, TEXT, Incoming, events_of, parse
from core.errors import BadQuery, NotFound
from core.text import fold
from index.twins import Choice

log = logging.getLogger(__name__)
MB = 1024 * 1024
FULL, MORE, UP, DOWN = "full", "more", "up", "down"
TYPED = {"1": FULL, "2": MORE, "dung": UP, "sai": DOWN, "👍": UP, "👎": DOWN}
# typed answers to "có vẻ là văn bản … đã có" (Zalo has no buttons): add as a new document, or replace it
CHOICES = {"them": "new", "them moi": "new", "thay": "replace"}


def typed_reply(text: str) -> str | None:
    """FULL / MORE / UP / DOWN for a typed reply ("1", "2", "đúng", "Sai!", "dung"), else None."""
    word = re.sub(r"[\s.!?,;:]+$", "", text.strip()).strip()
    if word in TYPED:
        return TYPED[word]
    return TYPED.get(fold(word)) if len(word) <= 5 else None


class ZaloBot:
    def __init__(self, core: Core, client: ZaloClient) -> None:
        self.core, self.client = core, client
        self.states = ChatStates()
        self.tasks: set[asyncio.Task] = set()
        self.base = public_base(core.settings.public_url)
        self.max_bytes = core.settings.max_upload_mb * MB
        self._keys = itertools.count(1)

    async def handle(self, payload) -> int:
        """Every event in a webhook body or getUpdates result; returns how many were messages."""
        handled = 0
        for event in events_of(payload):
            message = parse(event)
            if message is None:
                log.info("ignored a Zalo event without a chat (%s)", str(event.get("event_name"))[:40])
                continue
            handled += 1
            try:
                # one event at a time per chat: behind a webhook each event runs on its own task, and a
                # "1" sent right after a question must wait for that question's answer
                async with self.states[message.chat_id].setdefault("lock", asyncio.Lock()):
                    await self.on_message(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("Zalo event %s in chat %s failed", message.event, message.chat_id)
                await self.send(message.chat_id, t.SORRY)
        return handled

    async def on_message(self, m: Incoming) -> None:
        if not self.core.allows(m.chat_id):
            log.info("refused Zalo chat %s", m.chat_id)
            await self.send(m.chat_id, t.REFUSED)
        elif m.event == IMAGE or m.photo:
            await self.on_photo(m)
        elif m.event == TEXT or m.text:
            await self.on_text(m)
        else:                       # stickers, voice, unsupported
            await self.send(m.chat_id, t.Z_NON_TEXT)

    async def on_text(self, m: Incoming) -> None:
        text = m.text.strip()
        if not text:
            return
        state = self.states[m.chat_id]
        typed = typed_reply(text)
        chosen = CHOICES.get(re.sub(r"[\s.!?,;:]+$", "", fold(text)))
        if chosen is not None and state.get("similar") and self.core.is_admin(m.user_id):
            await self.choose(m, state, chosen)
        elif typed is not None:
            await self.on_typed(m, state, typed)
        elif text.startswith("/"):
            await self.on_command(m, state, text)
        else:
            await self.answer(m, state, text)

    # -- questions ---------------------------------------------------------------------------------
    async def rate_ok(self, m: Incoming) -> bool:
        verdict, wait = self.core.rate(m.user_id)
        if verdict == WARN:
            await self.send(m.chat_id, t.SLOW_DOWN.format(n=self.core.limiter.limit, s=wait))
        return verdict == OK

    async def answer(self, m: Incoming, state: dict, question: str) -> None:
        if not await self.rate_ok(m):
            return
        await self.typing(m.chat_id)
        try:
            reply = await self.core.ask(state, question)
        except BadQuery as e:
            await self.send(m.chat_id, str(e))
            return
        if reply.kind == SHORT:
            state.pop("offer", None)
            await self.send(m.chat_id, reply.text)
            return
        state["offer"] = Offer(full=reply.cited, query=question, exclude=reply.shown, page=0,
                               record=reply.record(), key=f"z{next(self._keys)}")
        await self.send(m.chat_id, render.reply_text(reply, self.base), render.reply_footer(reply))

    async def on_typed(self, m: Incoming, state: dict, kind: str) -> None:
        offer: Offer | None = state.get("offer")
        if offer is None:
            await self.send(m.chat_id, t.Z_NOTHING_YET)
        elif kind == FULL:
            if not offer.full:
                await self.send(m.chat_id, t.Z_NO_FULL)
                return
            hits = await self.core.passages(offer.full)
            for i, hit in enumerate(hits):
                footer = t.Z_TYPED_FULL if i == len(hits) - 1 and offer.record else ""
                await self.send(m.chat_id, render.passage_text(hit) if hit else t.GONE, footer)
        elif kind == MORE:
            if await self.rate_ok(m):
                await self.results(m, state, offer.query, offer.exclude, offer.page, offer)
        elif offer.record is None:
            await self.send(m.chat_id, t.Z_NO_VOTE)
        else:
            new = self.core.vote(state, offer.key, kind, offer.record, m.chat_id)
            await self.send(m.chat_id, t.Z_THANKS[kind] if new else t.ALREADY)

    async def results(self, m: Incoming, state: dict, query: str, exclude, page: int, offer: Offer | None) -> None:
        await self.typing(m.chat_id)
        try:
            shown: Page = await self.core.results(query, exclude, page)
        except BadQuery as e:
            await self.send(m.chat_id, str(e))
            return
        state["offer"] = Offer(full=shown.ids, query=query, exclude=tuple(exclude), page=shown.page + 1,
                               record=offer.record if offer else None, key=offer.key if offer else "")
        await self.send(m.chat_id, render.results_text(shown), render.results_footer(shown))

    # -- commands ----------------------------------------------------------------------------------
    async def on_command(self, m: Incoming, state: dict, text: str) -> None:
        head, _, rest = text.partition(" ")
        name, rest = head[1:].lower(), rest.strip()
        if name == "start":
            examples = "\n".join(f"• {q}" for q in t.EXAMPLES)
            await self.send(m.chat_id, t.Z_GREETING.format(name=f" {m.name}" if m.name else "", examples=examples))
        elif name == "help":
            await self.send(m.chat_id, t.Z_HELP)
        elif name == "tim":
            if not rest:
                await self.send(m.chat_id, t.Z_TIM_USAGE)
            elif await self.rate_ok(m):
                await self.results(m, state, rest, (), 0, None)
        elif name == "vanban":
            await self.documents(m, rest)
        else:
            await self.send(m.chat_id, t.UNKNOWN_COMMAND)

    async def documents(self, m: Incoming, key: str) -> None:
        if not key:
            await self.send(m.chat_id, render.doc_list_text(await self.core.call("documents")))
            return
        found = await self.core.call("find_documents", key)
        if len(found) > 1:   # "/vanban 04": the documents the partial number names
            await self.send(m.chat_id, render.doc_list_text(found))
            return
        try:
            doc = await self.core.call("document", found[0].id if found else key)
        except NotFound:
            await self.send(m.chat_id, t.DOC_NOT_FOUND.format(key=key))
            return
        await self.send(m.chat_id, render.document_text(doc))

    # -- photos from admins ------------------------------------------------------------------------
    async def on_photo(self, m: Incoming) -> None:
        """A photographed page from an admin is downloaded, OCR'd and ingested (Engine.submit, the
        upload path of the web page and Telegram); anyone else is refused without a download."""
        if not self.core.is_admin(m.user_id):
            log.info("refused a photo from Zalo user %s", m.user_id)
            await self.send(m.chat_id, t.Z_UPLOAD_REFUSED)
            return
        name = "anh-" + (re.sub(r"[^0-9A-Za-z_-]", "", m.message_id)[:40] or "zalo") + ".jpg"
        if not m.photo:
            await self.send(m.chat_id, t.Z_UPLOAD_NO_PHOTO.format(name=name))
            return
        await self.send(m.chat_id, t.UPLOAD_WORKING.format(name=name))
        try:
            data = await self.client.download(m.photo, self.max_bytes)
        except TooLarge:
            await self.send(m.chat_id, t.Z_UPLOAD_TOO_BIG.format(name=name, limit=self.max_bytes // MB))
            return
        except ZaloError as e:
            log.warning("photo download failed: %s", e)
            await self.send(m.chat_id, t.Z_UPLOAD_NO_PHOTO.format(name=name))
            return
        job = await self.core.call("submit", data, name)
        log.info("upload zalo chat=%s file=%s bytes=%d job=%s", m.chat_id, name, len(data), job.id)
        self.following(m.chat_id, job.id, name, data)

    async def choose(self, m: Incoming, state: dict, action: str) -> None:
        """"thêm" / "thay" after a similar upload: the same photo again, with the administrator's choice."""
        data, name, doc_id, stored = state.pop("similar")
        job = await self.core.call("submit", data, name, Choice(action, doc_id if action == "replace" else None))
        log.info("upload zalo chat=%s file=%s chosen=%s %s job=%s", m.chat_id, name, action, doc_id, job.id)
        await self.send(m.chat_id, t.UPLOAD_CHOSEN[action].format(file=name, name=stored))
        self.following(m.chat_id, job.id, name, data)

    def following(self, chat_id: str, job_id: str, name: str, data: bytes) -> None:
        task = asyncio.create_task(self.follow(chat_id, job_id, name, data))   # other chats are not held up
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def follow(self, chat_id: str, job_id: str, name: str, data: bytes = b"") -> None:
        try:
            job = await self.core.follow(job_id)
            if job.status in ("queued", "running"):
                await self.send(chat_id, t.UPLOAD_SLOW.format(name=name, stage=job.stage))
            elif job.status != "done" or job.result is None or job.result.status == "failed":
                error = job.error or (job.result.error if job.result else None) or t.UNKNOWN
                await self.send(chat_id, t.UPLOAD_FAILED.format(name=name, error=error))
            elif job.result.status == "similar" and job.result.document is not None and data:
                r = job.result   # nothing written: the administrator answers "thêm" or "thay"
                self.states[chat_id]["similar"] = (data, name, r.doc_id, r.document.name)
                await self.send(chat_id, render.upload_text(r) + "\n\n" + t.Z_UPLOAD_SIMILAR.format(
                    name=r.document.name, why=r.twin_of, file=name))
            else:
                await self.send(chat_id, render.upload_text(job.result))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("following upload job %s failed", job_id)
            await self.send(chat_id, t.SORRY)

    # -- sending -----------------------------------------------------------------------------------
    async def send(self, chat_id: str, text: str, footer: str = "") -> int:
        """Send text as messages of at most 2,000 characters; returns how many were accepted."""
        sent = 0
        for part in render.messages(text, footer):
            try:
                await self.client.send_message(chat_id, part)
                sent += 1
            except ZaloError as e:
                log.warning("sendMessage to %s failed: %s", chat_id, e)
                break
        return sent

    async def typing(self, chat_id: str) -> None:
        try:
            await self.client.send_chat_action(chat_id, "typing")
        except ZaloError as e:
            log.debug("sendChatAction failed: %s", e)
