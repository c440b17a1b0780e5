"""Reply latency end to end against the fake Bot API: update queued → sendMessage received."""
from __future__ import annotations

import json
import statistics
import time

from tests.conftest import DEV


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def test_reply_latency_over_dev_questions(make_bot, engine):
    bot = make_bot(telegram_rate_per_minute=10_000)
    fake = bot.fake
    questions = [json.loads(line)["question"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    bot.sync()                                        # first update handled, connections open
    latencies = []
    for q in questions:
        mark = fake.mark()
        pushed = fake.push(fake.make_update(message=fake.make_message(q, chat_id=91)))
        reply = fake.wait_for("sendMessage", lambda c: str(c.chat_id) == "91", after=mark)
        assert reply.error is None
        latencies.append(reply.t - pushed)
    alone = []
    for q in questions:                               # the same questions straight to the engine
        t = time.perf_counter()
        engine.ask(q)
        alone.append(time.perf_counter() - t)
    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    print(f"\nbot reply latency over {len(latencies)} dev questions: p50 {p50 * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms; engine.ask alone: "
          f"p50 {statistics.median(alone) * 1000:.0f} ms, p95 {percentile(alone, 0.95) * 1000:.0f} ms")
    assert p95 < 3.0
