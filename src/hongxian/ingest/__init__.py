"""Ingest stage: one module per export format; `registry` picks a reader by sniffing content."""
