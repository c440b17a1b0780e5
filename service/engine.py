"""The one engine api/ and bot/ share: search, ask, documents, and the one write path.

    engine = Engine.open(settings)                      # loads the model and indexes once
    engine.search(query, k=10, filters=None, offset=0) -> list[Hit]
    engine.ask(question, filters=None, history=()) -> Answer
    engine.documents(filters=None) -> list[DocumentSummary]
    engine.document(doc_id_or_number) -> Document      # raises NotFound
    engine.passage(passage_id) -> Hit                  # raises NotFound
    engine.submit(data, filename, choice) -> Job       # background ingest (index/twins.py Choice); engine.job(id)
    engine.add_bytes(data, filename) -> FileResult     # the same, waiting for it (CLI, tests)
    engine.add_files(paths, on_result, on_embed)       # a folder from the CLI: words first, then vectors
    engine.delete(doc_id)                              # raises NotFound; waits for the QUICK lane
    engine.delete_later(doc_id) -> Job                 # the same as a job, for callers that must not block
    engine.close()                                     # or: with Engine.open(settings) as engine: …

Every process (API, bot, `sotay ingest`) opens its own Engine on the same store. A serving one (API, bot) runs
a watcher thread that applies the others' changes from the store's change log within a second or two; the CLI
opens with watch=False and reads the store as it is.
"""
from __future__ import annotations

import atexit
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from answer import facts
from answer.compare import compare_targets
from answer.compose import compose, idf_from_counts
from answer.llm import LLMWriter
from answer.records import Answer
from answer.status import with_status
from core.errors import Ambiguous, IngestError, NotFound
from core.settings import Settings
from core.text import fold
from index.build import FileResult, Indexer
from index.chroma import UNREACHABLE, unreachable
from index.embed import EmbeddingCache, load_embedder, model_for
from index.originals import Originals
from index.records import Filters, Hit
from index.search import Searcher, Tuning, View
from index.store import CHANGES_KEPT_S, Store
from index.twins import Choice
from index.validity import validated, with_validity
from index.writelock import WriteLock
from ingest.limits import ReadLimits
from ingest.records import Document, DocumentSummary
from query.understand import Query, understand
from service.checks import checked, checked_history
from service.deletions import Deletions
from service.jobs import Job, JobQueue
from service.tuning import tune_process

log = logging.getLogger(__name__)
ASK_CANDIDATES = 8
# how often each process looks for other processes' changes, and how far back it re-reads the log
# (writes from several processes are not ordered by their timestamps to the millisecond)
WATCH_INTERVAL_S = 1.0
WATCH_OVERLAP_S = 5.0
# the lexical index is saved for the next start-up once changes have been quiet this long
SAVE_AFTER_S = 30.0


@dataclass
class Engine:
    settings: Settings
    store: Store
    searcher: Searcher
    indexer: Indexer
    llm: LLMWriter | None = None
    jobs: JobQueue | None = None
    # one add_files at a time in this process (it swaps the indexer's notify); each store write step holds the
    # indexer's lock, the data dir's (index/writelock.py), across processes
    _write_lock: threading.RLock = field(default_factory=threading.RLock)
    deletions: Deletions | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    # what is wrong with the store, as the watcher last found it (it reads the change log every second)
    store_problem: str | None = None
    _watcher: threading.Thread | None = None

    @classmethod
    def open(cls, settings: Settings, watch: bool = True) -> Engine:
        tune_process()
        embedder = load_embedder(model_for(settings), settings.cache_dir)
        store = Store(settings, embedder.name)
        cache = EmbeddingCache(settings.cache_dir)
        indexer = Indexer(store, embedder, cache, notify=lambda d: searcher.apply([d]), limits=ReadLimits.of(settings),
                          paragraphs=settings.maxp != "off", lock=WriteLock(settings.data_dir),
                          originals=Originals(settings.data_dir))
        indexer.recover()
        searcher = Searcher(store, embedder, settings.data_dir, cache,
                            tuning=Tuning(maxp=settings.maxp, maxp_depth=settings.maxp_depth))
        llm = LLMWriter(settings) if settings.llm_url else None
        engine = cls(settings=settings, store=store, searcher=searcher, indexer=indexer, llm=llm)
        engine.jobs = JobQueue(engine._ingest, folder=settings.data_dir / "jobs")
        engine.deletions = Deletions(store, indexer, engine.jobs, engine.listed)
        if watch:   # a serving process takes up the uploads a crashed one left (service/jobfiles.py)
            engine.jobs.resume()
            engine._watcher = threading.Thread(target=engine._watch, name="sotay-watch", daemon=True)
            engine._watcher.start()
            if settings.embed_in_background:
                engine.jobs.background(engine.complete_embeddings)
        # an engine nobody closed still stops its threads before the interpreter finalises: a daemon thread
        # caught inside Chroma's native code while Python shuts down crashes the process (seen: exit 139)
        atexit.register(engine._stop_threads)
        if searcher.items:   # first-call costs (model kernels, pyvi, regexes) are paid here, not by a user
            searcher.search("công đoàn cơ sở")
        return engine

    def close(self) -> None:
        """Stop the watcher and the upload worker, close the LLM client, save the lexical index. Once."""
        if self._stop.is_set():
            return
        self._stop_threads()
        if self.llm is not None:
            self.llm.close()
        self.searcher.save()

    def _stop_threads(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=10)
        if self.jobs is not None:
            self.jobs.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # reading ----------------------------------------------------------------------
    def search(self, query: str, k: int = 10, filters: Filters | None = None, offset: int = 0) -> list[Hit]:
        query = checked(query)
        return self.searcher.search(query, k=k, filters=filters, offset=offset)

    def ask(self, question: str, filters: Filters | None = None, history: Sequence[str] = ()) -> Answer:
        """Answer a question; `history` holds the conversation's earlier questions, most recent last. The
        question is read once (query/understand.py) against one snapshot of the index, which every step uses."""
        question = checked(question)
        history = checked_history(history)
        view = self.searcher.current()
        query = understand(question, history, view.hints)
        answer = self._answer(query, view, filters, bool(history))
        answer = with_status(answer, view.docs)   # a replaced or ended document says so
        return replace(answer, question=question, followup=query.turn.followup, query=query)

    def _answer(self, query: Query, view: View, filters: Filters | None, conversation: bool) -> Answer:
        if query.smalltalk is not None:
            return Answer(question=query.question, answer=query.smalltalk, found=False, mode="smalltalk")
        number = facts.number_query(query.question)
        card = self._card(query.question, number, filters, conversation) if number is not None else None
        if card is not None:
            return card
        answer = self._facts(query.searched, filters)
        if answer is not None:
            return answer
        comparison = compare_targets(self, query.searched, filters)
        if comparison is not None:
            return comparison
        hits = self.searcher.search(query.plan, k=ASK_CANDIDATES, filters=filters, view=view)
        answer = compose(query, hits, idf_from_counts(view.doc_freq, view.size), view.doc_freq)
        if self.llm is not None and answer.found:
            return self.llm.rewrite(query.searched, hits, fallback=answer)
        return answer

    def _documents_in_view(self, filters: Filters | None) -> list[DocumentSummary]:
        docs = list(self.searcher.view.docs.values())
        return [d for d in docs if filters is None or filters.matches(d)]

    def _passages_of(self, doc_id: str):
        view = self.searcher.view
        return [view.passages[i] for i in np.flatnonzero(view.doc_of_row == doc_id)]

    def _facts(self, query: str, filters: Filters | None) -> Answer | None:
        """A document's own facts (signer, date, number, issuer, recipients, type, term) from its record."""
        field = facts.asked(query)
        if field is None:
            return None
        docs = facts.identify(query, self._documents_in_view(filters))
        if len(docs) == 1:
            return facts.answer(query, field, docs[0], self._passages_of(docs[0].id))
        number = facts.cited_number(query)
        if number is not None:   # "Ai ký Quyết định 3169/QĐ-TLĐ?" of a document not in the store
            return facts.absent(query, number, self.searcher.search(number, k=ASK_CANDIDATES, filters=filters))
        return None

    def _card(self, question: str, number: tuple[set[str], str], filters: Filters | None,
              conversation: bool) -> Answer | None:
        """The card of the document a number names; a number no document carries is said to be absent, except
        a bare one in a conversation ("2025?"), which is a follow-up."""
        docs = facts.matching(number, self._documents_in_view(filters))
        if not docs:
            if "/" not in number[1] and conversation:
                return None
            return facts.absent(question, question.strip(), self.searcher.search(question, k=ASK_CANDIDATES,
                                                                                  filters=filters))
        passages = {d.id: self._passages_of(d.id) for d in docs}
        outlines = {d.id: self._outline(d.id) for d in docs[:1]}
        return facts.card_answer(question, docs, passages, outlines)

    def _outline(self, doc_id: str) -> list[str]:
        doc = self.store.get_document(doc_id)
        if doc is None:
            return []
        body = [s for s in doc.sections if s.kind == "body" and s.heading]
        top = min((s.level for s in body), default=0)
        return [s.heading for s in body if s.level == top][:12]

    def documents(self, filters: Filters | None = None) -> list[DocumentSummary]:
        docs = with_validity(self.store.list_documents(), self.searcher.today())
        if filters is not None:
            docs = [d for d in docs if filters.matches(d)]
        return sorted(docs, key=lambda d: (d.meta.date or "", d.id), reverse=True)

    def document(self, key: str) -> Document:
        """By id, or by number typed any way ('01/CTr-LĐLĐ', '01/ctr-ldld'); a number several documents
        share raises Ambiguous with the candidates, never picks one."""
        doc = self.store.get_document(key)
        if doc is not None:
            return validated(doc, self.store.list_documents(), self.searcher.today())
        wanted = fold(key).replace(" ", "")
        same = [d for d in self.store.list_documents()
                if d.meta.number and fold(d.meta.number).replace(" ", "") == wanted]
        if len(same) > 1:
            raise Ambiguous(key, [(d.id, ", ".join(x for x in (d.name, d.meta.issuer, d.meta.date) if x))
                                  for d in sorted(same, key=lambda d: d.id)])
        found = self.store.get_document(same[0].id) if same else None
        if found is None:
            raise NotFound(f"Không có văn bản '{key}'")
        return validated(found, self.store.list_documents(), self.searcher.today())   # index/validity.py

    def find_documents(self, key: str) -> list[DocumentSummary]:
        """What `/vanban <key>` means: the document with this id or number, else those a partial number names
        ("04", "CTr 01"); empty when none."""
        try:
            return [self.document(key).summary()]
        except NotFound:
            number = facts.number_query(key)
            return facts.matching(number, self._documents_in_view(None)) if number else []

    def passage(self, passage_id: str) -> Hit:
        view = self.searcher.view
        if passage_id not in view.position:
            raise NotFound(f"Không có đoạn '{passage_id}'")
        return view.hit(passage_id)

    def stats(self) -> dict:
        view = self.searcher.view
        return {"documents": len(view.docs), "passages": view.size, "embed_model": self.searcher.embedder.name}

    def health(self) -> dict:
        """Memory only (never waits on the store or a write): "ok", or "degraded" with the store's problem;
        search keeps answering from memory meanwhile."""
        problem = self.store_problem
        return {"status": "degraded" if problem else "ok", **self.stats(),
                **({"problem": problem} if problem else {})}

    # writing -----------------------------------------------------------------------
    def submit(self, data: bytes, filename: str, choice: Choice | None = None) -> Job:
        """Queue a file for the background worker; returns at once. `choice` answers a "similar" result."""
        assert self.jobs is not None
        return self.jobs.submit(data, filename, choice)

    def job(self, job_id: str) -> Job:
        assert self.jobs is not None
        return self.jobs.get(job_id)

    def add_bytes(self, data: bytes, filename: str) -> FileResult:
        """Ingest and wait (CLI, tests); raises IngestError like the job would report it."""
        job = self.jobs.wait(self.submit(data, filename).id) if self.jobs else None
        if job is None or job.result is None:
            raise IngestError(job.error if job and job.error else f"{filename}: không nạp được")
        return job.result

    def add_files(self, paths: Iterable[Path], on_result: Callable[[FileResult], None] = lambda r: None,
                  on_embed: Callable[[int, int], None] | None = None, embed: bool = True) -> list[FileResult]:
        """Ingest files in this process: each is searchable by words once read, then the embeddings of
        all of them are written (an interrupted run resumes: embedded texts come from the cache).
        Without `embed`, the vectors are left to a later run or to a server's background worker."""
        results = []
        with self._write_lock:
            with self._applied_together():   # this process's view: once for the words, not per file
                for path in paths:
                    results.append(self.indexer.add_file(path, embed=False))
                    on_result(results[-1])
            if embed:
                with self._applied_together():
                    self.indexer.embed_missing(on_embed)
        return results

    def missing_vectors(self) -> int:
        """Passages searchable by words whose embeddings (or, maxP on, paragraph vectors) are not written yet."""
        return sum(len(pids) for _, _, _, pids in self.indexer.missing())

    @contextlib.contextmanager
    def _applied_together(self):
        """While many files are ingested in a row, this process's own view is brought up to date once at
        the end, not after each file (each apply swaps the view). Other processes still see each file as
        soon as it is written, through the change log."""
        notify = self.indexer.notify
        changed: dict[str, None] = {}
        self.indexer.notify = lambda doc_id: changed.setdefault(doc_id)
        try:
            yield
        finally:
            self.indexer.notify = notify
            self.searcher.apply(list(changed))

    def _ingest(self, data: bytes, filename: str, progress, choice: Choice | None = None) -> FileResult:
        # no engine-wide lock: the indexer holds its lock for each store write only, so a deletion or a small
        # upload on the other lane never waits for this file to be read or embedded
        return self.indexer.add_bytes(data, filename, progress=progress, choice=choice)

    def complete_embeddings(self) -> int:
        """Write the vectors an interrupted ingest left out (killed server or CLI): documents are searchable
        by words meanwhile, and the dense leg fills in as each one is done. Runs on the ingest worker."""
        done = self.indexer.embed_missing()
        if done:
            log.info("completed the embeddings of %d passages left by an interrupted ingest", done)
        return done

    def delete(self, doc_id: str) -> DocumentSummary:
        """Remove a listed document (a QUICK-lane job, service/deletions.py); returns what was removed."""
        return self.deletions.now(doc_id)

    def delete_later(self, doc_id: str) -> Job:
        """The same as a job, for callers that must not block; NotFound at once for an unlisted id."""
        return self.deletions.later(doc_id)

    def listed(self, doc_id: str) -> DocumentSummary | None:
        """The document as this process's view lists it: memory only, no store read."""
        return self.searcher.view.docs.get(doc_id)

    # other processes' changes -------------------------------------------------------
    def _watch(self) -> None:
        since, seen, dirty_at = time.time(), set(), 0.0
        while not self._stop.wait(WATCH_INTERVAL_S):
            try:
                changes = self.store.changes_since(since - WATCH_OVERLAP_S)
                if self.store_problem:
                    log.warning("the Chroma server answers again")
                self.store_problem = None
                fresh = [c for c in changes if c.id not in seen and c.id not in self.store.own_changes]
                if fresh:
                    if time.time() - since > CHANGES_KEPT_S:
                        self.searcher.reload()
                    else:
                        self.searcher.apply(sorted({c.doc_id for c in fresh}))
                    dirty_at = time.time()
                # only once applied: a change that failed to apply (the writer was mid-write) is retried
                seen = {c.id for c in changes}
                since = max([since, *(c.ts for c in changes)])
                if dirty_at and time.time() - dirty_at > SAVE_AFTER_S:
                    self.searcher.save()
                    dirty_at = 0.0
            except Exception as e:   # a store hiccup must not end the watcher; the next round tries again
                if unreachable(e):
                    if not self.store_problem:
                        log.warning("the Chroma server does not answer (%s); searching from memory", e)
                    self.store_problem = UNREACHABLE
                else:
                    log.warning("applying other processes' changes failed (%s); retrying", e)
