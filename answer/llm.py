"""Optional LLM writer: an OpenAI-compatible chat model rewrites the answer from the retrieved passages.

    writer = LLMWriter(settings)                 # settings.llm_url set (SOTAY_LLM_URL)
    writer.rewrite(question, hits, fallback) -> Answer

The model sees only the top passages, numbered [1]..[n] with their citation strings, and must cite
them as [1], [2]. Its [n] markers are mapped back to the real passages, so every citation in an
"llm" answer points at text the user can open. Anything doubtful (timeout, connection error,
non-200, malformed JSON, empty reply, no valid [n], over-long reply) is logged and the extractive
`fallback` is returned unchanged: the LLM may improve an answer, never lose one.
"""
from __future__ import annotations

import logging
import re

import httpx

from answer.records import Answer, Citation
from index.records import Hit

log = logging.getLogger(__name__)

PASSAGES = 4            # the top hits only: the extractive stage already ranked them
PASSAGE_CHARS = 2000    # bounds the prompt if a passage is unusually long
MAX_REPLY = 1200        # asked for ~600; twice that means the model ignored the brief
MAX_TOKENS = 600

SYSTEM = (
    "Bạn là trợ lý tra cứu văn bản cho cán bộ công đoàn. Chỉ trả lời dựa trên các đoạn trích "
    "được đánh số dưới đây, không dùng kiến thức bên ngoài, không suy đoán.\n"
    "- Mỗi ý phải ghi nguồn bằng số đoạn trong ngoặc vuông, ví dụ [1] hoặc [2].\n"
    "- Giữ nguyên số liệu, tỷ lệ, tên và số hiệu văn bản như trong đoạn trích.\n"
    "- Nếu các đoạn trích không chứa câu trả lời, hãy nói: \"Không tìm thấy nội dung này trong "
    "các văn bản đã nạp.\"\n"
    "- Trả lời ngắn gọn bằng tiếng Việt, tối đa khoảng 600 ký tự.\n\n"
    "Các đoạn trích:\n\n{passages}"
)
# "[1]", "[2, 3]", "[1; 4]": models often group several sources in one bracket
_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# reasoning models (Qwen, DeepSeek) may prepend their thinking; it is not part of the answer
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL)


def endpoint(url: str) -> str:
    """Accept the base ("http://host:port/v1") or the full ".../v1/chat/completions" URL."""
    url = url.rstrip("/")
    return url if url.endswith("/chat/completions") else url + "/chat/completions"


def build_messages(question: str, hits: list[Hit]) -> list[dict]:
    passages = "\n\n".join(f"[{i}] {h.citation}\n{h.text[:PASSAGE_CHARS]}" for i, h in enumerate(hits, 1))
    return [{"role": "system", "content": SYSTEM.format(passages=passages)},
            {"role": "user", "content": f"Câu hỏi: {question}"}]


def cited(text: str, n: int) -> list[int]:
    """Passage numbers (1-based, within 1..n) in order of first citation."""
    out: list[int] = []
    for group in _MARKER.findall(text):
        for num in re.split(r"\s*[,;]\s*", group):
            i = int(num)
            if 1 <= i <= n and i not in out:
                out.append(i)
    return out


class LLMWriter:
    def __init__(self, settings) -> None:
        self.settings = settings
        self.url = endpoint(settings.llm_url)
        headers = {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key else {}
        # one client per writer: its connection pool is thread-safe and reused by the API's sync
        # routes and the bot's worker threads alike
        self.client = httpx.Client(timeout=settings.llm_timeout, headers=headers)

    def close(self) -> None:
        self.client.close()

    def rewrite(self, question: str, hits: list[Hit], fallback: Answer) -> Answer:
        top = list(hits[:PASSAGES])
        if not top:
            return fallback
        text = self._complete(question, top)
        if text is None:
            return fallback
        numbers = cited(text, len(top))
        if not numbers:
            log.warning("LLM reply cites no valid passage [1..%d]; using the extractive answer", len(top))
            return fallback
        if len(text) > MAX_REPLY:
            log.warning("LLM reply too long (%d chars); using the extractive answer", len(text))
            return fallback
        citations = tuple(Citation.of(top[i - 1]) for i in numbers)
        return Answer(question=question, answer=text, found=True, quote=fallback.quote,
                      citations=citations, suggestions=fallback.suggestions, mode="llm")

    def _complete(self, question: str, hits: list[Hit]) -> str | None:
        """The model's reply text, or None (logged) on any transport or format failure."""
        body = {"model": self.settings.llm_model, "messages": build_messages(question, hits),
                "temperature": 0, "max_tokens": MAX_TOKENS}
        # log the URL and error type only: headers (the API key) never reach the log
        try:
            r = self.client.post(self.url, json=body)
        except httpx.TimeoutException:
            log.warning("LLM timed out after %ss (%s); using the extractive answer",
                        self.settings.llm_timeout, self.url)
            return None
        except httpx.HTTPError as e:
            log.warning("LLM request failed (%s: %s); using the extractive answer", type(e).__name__, self.url)
            return None
        if r.status_code != 200:
            log.warning("LLM returned HTTP %d (%s); using the extractive answer", r.status_code, self.url)
            return None
        try:
            content = r.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            log.warning("LLM returned malformed JSON (%s); using the extractive answer", self.url)
            return None
        text = _THINK.sub("", content).strip() if isinstance(content, str) else ""
        if not text:
            log.warning("LLM returned an empty reply; using the extractive answer")
            return None
        return text

