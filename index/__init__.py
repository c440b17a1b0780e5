"""Stage 2: passages → lexical (BM25) and dense (Chroma) indexes → ranked hits."""
