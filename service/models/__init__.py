"""Seams to the outside models: embedder, reranker, LLM; each with a fake beside it."""
