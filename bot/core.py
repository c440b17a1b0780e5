"""The conversation core every channel shares (Telegram, Zalo): the engine on one worker thread, the
follow-up memory, what an answer shows (read generically from the Answer record), paged results,
feedback, the per-user rate limit, the allow list and admin rights. Channels only render and send.

    core = Core(settings, engine, allowed=…, admins=…, rate_per_minute=20, source="zalo")
    await core.open()                          # worker thread; loads the Engine when none was given
    reply = await core.ask(state, question)    # state: the chat's mutable mapping (history, votes, offer)
    page = await core.results(query, exclude, page=0)
    core.vote(state, key, "up", reply.record(), chat_id)
"""
from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import time
from collections import OrderedDict
from collections.abc import Hashable, MutableMapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.feedback import append_feedback
from bot.limits import Access, RateLimiter
from core.errors import NotFound

if TYPE_CHECKING:
    from answer.records import Answer
    from core.settings import Settings
    from index.records import Hit

log = logging.getLogger(__name__)

# Conversation memory: a follow-up ("còn năm 2025 thì sao?") is read against the chat's last few
# questions. Four turns cover the dev follow-ups in ../shared/eval/conversation-dev.jsonl (at most
# three earlier questions each); after 15 minutes of silence a question starts a new topic.
HISTORY_TURNS = 4
HISTORY_SECONDS = 15 * 60
SUGGESTIONS = 3          # closest passages shown under a "not found"
RESULTS_PER_PAGE = 3     # three excerpts fit one phone screen
MAX_PAGES = 10
POLL_SECONDS = 1.0       # how often an upload's job is looked at; a seed document ingests in 2-5 s here
WAIT_SECONDS = 15 * 60   # OCR of a long scan can take minutes; after this the bot stops waiting

# what an answer message is, for its renderer
ANSWER, NOT_FOUND, SHORT = "answer", "not_found", "short"


def recent_questions(state: MutableMapping, now: float | None = None) -> tuple[str, ...]:
    """The chat's earlier questions still in memory, most recent last."""
    now = time.time() if now is None else now
    kept = [(at, q) for at, q in state.get("history", ()) if now - at <= HISTORY_SECONDS]
    state["history"] = kept[-HISTORY_TURNS:]
    return tuple(q for _, q in state["history"])


def remember_question(state: MutableMapping, question: str, now: float | None = None) -> None:
    state.setdefault("history", []).append((time.time() if now is None else now, question))
    state["history"] = state["history"][-HISTORY_TURNS:]


def takes_history(engine) -> bool:
    """Engine.ask(question, filters=None, history=()) is the contract; older engines lack history."""
    try:
        return "history" in inspect.signature(engine.ask).parameters
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class Source:
    citation: str
    doc_id: str
    section_id: str
    scanned: bool = False   # quoted from a scan: the channel marks it (texts.SCANNED)


@dataclass(frozen=True)
class Reply:
    """What one Answer shows, read from the record's fields, never from its mode name: a channel renders
    the kind (answer with sources / not found with related passages / short line) in its own markup, so
    a new answer mode that fills these fields needs no change in any channel."""

    kind: str
    question: str
    text: str
    quote: str = ""
    sources: tuple[Source, ...] = ()
    related: tuple[Hit, ...] = ()      # the closest passages under a "not found"
    cited: tuple[str, ...] = ()        # passage ids "full" opens
    shown: tuple[str, ...] = ()        # passage ids "more" skips
    found: bool = False

    def record(self) -> dict:
        """What a vote on this answer logs."""
        return {"question": self.question, "answer": self.text, "found": self.found, "citations": list(self.cited)}


def reply_of(answer: Answer, suggestions: int = SUGGESTIONS) -> Reply:
    """The one reading of an Answer for every channel."""
    cited = tuple(dict.fromkeys(c.passage_id for c in answer.citations))
    sources = tuple({c.citation: Source(c.citation, c.doc_id, c.section_id, c.scanned)
                     for c in answer.citations if c.citation}.values())
    # abstentions may carry their closest passages as `related` (newer engines) or `suggestions`
    related = tuple(getattr(answer, "related", ()) or answer.suggestions)[:suggestions]
    text = (answer.answer or "").strip()
    if answer.found and (cited or text):     # a document fact may answer in a sentence with nothing cited
        return Reply(ANSWER, answer.question, text, (answer.quote or "").strip(), sources, (), cited, cited, True)
    if not related and not cited and text:
        return Reply(SHORT, answer.question, text)      # greetings, thanks: a line with nothing to cite
    return Reply(NOT_FOUND, answer.question, text, related=related, shown=tuple(h.passage_id for h in related))


@dataclass(frozen=True)
class Page:
    """One page of ranked passages for a query, without those already shown."""

    query: str
    exclude: tuple[str, ...]
    page: int
    start: int
    hits: tuple[Hit, ...]
    has_next: bool

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(h.passage_id for h in self.hits)


@dataclass(frozen=True)
class Offer:
    """What typed replies act on in a channel without buttons: "1" the full passages, "2" the next
    results page, "đúng"/"sai" a vote on the answer (record None: nothing to vote on)."""

    full: tuple[str, ...]
    query: str
    exclude: tuple[str, ...]
    page: int
    record: dict | None = None
    key: str = ""


@dataclass
class Core:
    settings: Settings
    engine: object | None = None
    allowed: set = field(default_factory=set)
    admins: frozenset = frozenset()
    rate_per_minute: int = 20
    source: str = "telegram"             # written into each feedback line
    limiter: RateLimiter = field(init=False)
    access: Access = field(init=False)
    owns_engine: bool = False
    executor: ThreadPoolExecutor | None = None

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.rate_per_minute, 60.0)
        self.access = Access(set(self.allowed))
        self.admins = frozenset(self.admins)

    # -- life ------------------------------------------------------------------------------------
    async def open(self) -> None:
        """Start the worker thread and load the Engine when none was injected."""
        if self.executor is None:
            self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"sotay-{self.source}")
        if self.engine is None:
            from service.engine import Engine
            log.info("loading the search engine")
            self.owns_engine = True
            self.engine = await asyncio.get_running_loop().run_in_executor(self.executor, Engine.open, self.settings)

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = None
        if self.owns_engine and callable(getattr(self.engine, "close", None)):
            self.engine.close()
            self.owns_engine = False

    async def call(self, method: str, *args, **kwargs):
        """Run one Engine method on the worker thread so the event loop keeps serving."""
        fn = functools.partial(getattr(self.engine, method), *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn)

    # -- who and how fast --------------------------------------------------------------------------
    def allows(self, chat_id: Hashable) -> bool:
        return self.access.allows(chat_id)

    def is_admin(self, key: Hashable) -> bool:
        return key in self.admins

    def rate(self, user: Hashable) -> tuple[str, int]:
        """(OK/WARN/DROP, seconds to wait) for one more question from user."""
        verdict = self.limiter.check(user)
        return verdict, max(1, round(self.limiter.retry_after(user)))

    # -- questions ---------------------------------------------------------------------------------
    async def ask(self, state: MutableMapping, question: str) -> Reply:
        """Ask with the chat's recent questions; remembers the question. Raises BadQuery."""
        history = recent_questions(state)
        extra = {"history": history} if takes_history(self.engine) else {}
        answer = await self.call("ask", question, **extra)
        remember_question(state, question)
        reply = reply_of(answer)
        log.info("answered %s kind=%s citations=%d history=%d", self.source, reply.kind, len(reply.cited),
                 len(history))
        return reply

    async def results(self, query: str, exclude: Sequence[str] = (), page: int = 0) -> Page:
        """One page of engine.search with offset, ranked past what the user has already seen."""
        per, skip, page = RESULTS_PER_PAGE, set(exclude), max(0, int(page))
        if skip:
            hits = await self.call("search", query, k=(page + 1) * per + len(skip) + 1)
            hits = [h for h in hits if h.passage_id not in skip][page * per:]
        else:
            hits = await self.call("search", query, k=per + 1, offset=page * per)
        has_next = len(hits) > per and page + 1 < MAX_PAGES
        return Page(query, tuple(exclude), page, page * per + 1, tuple(hits[:per]), has_next)

    async def passages(self, ids: Sequence[str]) -> list[Hit | None]:
        """The whole passages, None for one no longer in the store."""
        out: list[Hit | None] = []
        for pid in ids:
            try:
                out.append(await self.call("passage", pid))
            except NotFound:
                out.append(None)
        return out

    def vote(self, state: MutableMapping, key: Hashable, value: str, record: dict, chat_id) -> bool:
        """Log 👍/👎 once per answer and value into feedback.jsonl; False when already given."""
        votes = state.setdefault("votes", {})
        if votes.get(key) == value:
            return False
        votes[key] = value
        append_feedback(self.settings.data_dir / "feedback.jsonl", value, record, chat_id, source=self.source)
        return True

    # -- uploads (admins) --------------------------------------------------------------------------
    async def follow(self, job_id: str, poll: float = POLL_SECONDS, wait: float = WAIT_SECONDS):
        """The upload's job once it is no longer queued or running (or when waiting took too long)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        job = await self.call("job", job_id)
        while job.status in ("queued", "running") and loop.time() < deadline:
            await asyncio.sleep(poll)
            job = await self.call("job", job_id)
        return job


class ChatStates:
    """Per-chat state (history, votes, the typed-reply offer) for a channel that keeps it in memory;
    the least recently used chats are forgotten past `size`."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._states: OrderedDict[Hashable, dict] = OrderedDict()

    def __getitem__(self, chat_id: Hashable) -> dict:
        state = self._states.pop(chat_id, None) or {}
        self._states[chat_id] = state
        while len(self._states) > self.size:
            self._states.popitem(last=False)
        return state
