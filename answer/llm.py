"""Optional LLM writer (placeholder)."""
from __future__ import annotations


class LLMWriter:
    def __init__(self, settings) -> None:
        self.settings = settings

    def rewrite(self, question, hits, fallback):
        return fallback
