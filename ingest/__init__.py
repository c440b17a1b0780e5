"""Stage 1: files → documents → sections → passages."""
