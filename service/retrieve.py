"""Hybrid retrieval: query vector + BM25, fused by reciprocal rank, then optionally reranked.

Both indexes are asked for candidates; every candidate is resolved through the article
store (current version, tenant, filters), so nothing stale or foreign reaches a reader.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from service.models.embedder import Embedder
from service.models.reranker import Reranker
from service.records import Article, Chunk, Filters
from service.store import Store

RRF_K = 60  # the constant from Cormack et al. (2009); damps the weight of top ranks


@dataclass
class Hit:
    chunk: Chunk
    article: Article
    relevance: float | None = None  # the reranker's score, when reranked


@dataclass
class Retrieval:
    hits: list[Hit]
    ms: float  # the whole search, reranking included


def retrieve(query: str, store: Store, embedder: Embedder, tenant: str, *, k: int = 5, candidates: int = 30,
             filters: Filters | None = None, reranker: Reranker | None = None) -> Retrieval:
    filters = filters or Filters()
    started = time.perf_counter()
    vector = embedder.embed([query])[0]
    by_vector = store.vectors.query(tenant, vector, candidates, filters)
    by_keyword = store.keywords.search(tenant, query, candidates * 2)
    fused: dict[str, float] = {}
    for ranked in (by_vector, by_keyword):
        for rank, (chunk_id, _) in enumerate(ranked, 1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank)
    best_first = sorted(fused, key=lambda chunk_id: -fused[chunk_id])
    current = store.texts.current_chunks(tenant, best_first, best=candidates if reranker is not None else k,
                                         **filters.model_dump())
    hits = [Hit(chunk=chunk, article=article) for chunk, article in current.values()]
    if reranker is not None and hits:
        scores = reranker.score(query, [h.chunk.text for h in hits])
        for hit, score in zip(hits, scores):
            hit.relevance = float(score)
        hits.sort(key=lambda h: -h.relevance)
    return Retrieval(hits=hits[:k], ms=(time.perf_counter() - started) * 1000)
