"""Sổ tay: shared glue (settings, errors, command line) for the ingest → index → answer → api/bot stages."""
