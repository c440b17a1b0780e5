"""Stage 3: hits → a short quoted answer with citations (extractive, optionally LLM-written)."""
