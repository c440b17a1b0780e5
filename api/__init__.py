"""Stage 4: the HTTP API and the staff web page, over the shared engine."""
