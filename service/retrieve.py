"""Hybrid retrieval: query vector + BM25, fused by reciprocal rank, then reranked.

Both indexes are asked for candidates; every candidate is resolved through the article
store (current version, tenant, filters); the fused list is reranked by the cross-encoder.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel, ConfigDict

from service.ingest.article import Article, Chunk
from service.models.embedder import Embedder
from service.models.reranker import Reranker
from service.store import Store

RRF_K = 60  # the constant from Cormack et al. (2009); damps the weight of top ranks


class Filters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    article_ids: list[str] | None = None
    source: str | None = None
    published_from: date | None = None
    published_to: date | None = None

    def chroma_where(self) -> dict | None:
        clauses: list[dict] = []
        if self.article_ids:
            clauses.append({"article_id": {"$in": self.article_ids}})
        if self.source is not None:
            clauses.append({"source": self.source})
        if self.published_from is not None:
            clauses.append({"published": {"$gte": int(self.published_from.strftime("%Y%m%d"))}})
        if self.published_to is not None:
            clauses.append({"published": {"$lte": int(self.published_to.strftime("%Y%m%d"))}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass
class Hit:
    chunk: Chunk
    article: Article
    fused: float
    relevance: float | None = None  # the reranker's score, when reranked


@dataclass
class Retrieval:
    hits: list[Hit]
    timings_ms: dict[str, float] = field(default_factory=dict)


def retrieve(query: str, store: Store, embedder: Embedder, tenant: str, *, k: int = 5, candidates: int = 30,
             filters: Filters | None = None, reranker: Reranker | None = None) -> Retrieval:
    filters = filters or Filters()
    started = time.perf_counter()
    vector = embedder.embed([query])[0]
    by_vector = store.vectors.query(tenant, vector, candidates, where=filters.chroma_where()) \
        if store.vectors.count(tenant) else []
    by_keyword = store.keywords.search(tenant, query, candidates * 2)
    fused: dict[str, float] = {}
    for ranked in (by_vector, by_keyword):
        for rank, (chunk_id, _) in enumerate(ranked, 1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank)
    best_first = sorted(fused, key=lambda chunk_id: -fused[chunk_id])
    current = store.texts.current_chunks(tenant, best_first, best=candidates if reranker is not None else k,
                                         **filters.model_dump())
    hits = [Hit(chunk=chunk, article=article, fused=fused[chunk_id]) for chunk_id, (chunk, article) in current.items()]
    timings = {"retrieve": (time.perf_counter() - started) * 1000}
    if reranker is not None and hits:
        started = time.perf_counter()
        scores = reranker.score(query, [h.chunk.text for h in hits])
        for hit, score in zip(hits, scores):
            hit.relevance = float(score)
        hits.sort(key=lambda h: -h.relevance)
        timings["rerank"] = (time.perf_counter() - started) * 1000
    return Retrieval(hits=hits[:k], timings_ms=timings)
