"""Ingestion: sources -> clean Article -> sentence-aware chunks with exact spans."""
