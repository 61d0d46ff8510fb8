"""Chunk vectors in Chroma: embedded (PersistentClient) by default, a server when configured.

Collections are created with no embedding function, so Chroma never falls back to its
default one (which downloads a model): the service embeds every text itself and passes
vectors in. Writes are split by the client's maximum batch size.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError

from service.records import Article, Chunk, Filters
from service.settings import Settings

COLLECTION_PREFIX = "sourced-"


class EmbedderMismatch(RuntimeError):
    """The collection was built with another embedder; its vectors cannot be compared."""


def chroma_client(settings: Settings) -> chromadb.ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(host=url.hostname or "127.0.0.1",
                                   port=url.port or (443 if url.scheme == "https" else 8000),
                                   ssl=url.scheme == "https", settings=chroma_settings)
    path = settings.data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


class VectorStore:
    def __init__(self, client: chromadb.ClientAPI, embedder_name: str, dimension: int):
        self.client = client
        self.embedder_name = embedder_name
        self.dimension = dimension
        self.max_batch = client.get_max_batch_size()
        self._collections: dict[str, chromadb.Collection] = {}

    def collection(self, tenant: str) -> chromadb.Collection:
        """The tenant's collection, created on first write."""
        if tenant not in self._collections:
            collection = self.client.get_or_create_collection(
                name=COLLECTION_PREFIX + tenant,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"embedder": self.embedder_name, "dimension": self.dimension},
            )
            existing = (collection.metadata or {}).get("embedder")
            if existing not in (None, self.embedder_name):
                raise EmbedderMismatch(
                    f"tenant {tenant!r} was indexed with {existing}, not {self.embedder_name}; "
                    "re-ingest into a new data directory or set SOURCED_EMBEDDER back"
                )
            self._collections[tenant] = collection
        return self._collections[tenant]

    def tenants(self) -> list[str]:
        """The tenants that have a collection."""
        return [c.name.removeprefix(COLLECTION_PREFIX) for c in self.client.list_collections()
                if c.name.startswith(COLLECTION_PREFIX)]

    def existing(self, tenant: str) -> chromadb.Collection | None:
        """For reads: a tenant nobody wrote to stays absent, with no collection made for it."""
        if tenant in self._collections:
            return self._collections[tenant]
        try:
            self.client.get_collection(COLLECTION_PREFIX + tenant)
        except (NotFoundError, ValueError):
            return None
        return self.collection(tenant)

    def upsert(self, tenant: str, ids: Sequence[str], vectors: np.ndarray, documents: Sequence[str],
               metadatas: Sequence[dict]) -> None:
        collection = self.collection(tenant)
        for i in range(0, len(ids), self.max_batch):
            end = i + self.max_batch
            collection.upsert(ids=list(ids[i:end]), embeddings=vectors[i:end], documents=list(documents[i:end]),
                              metadatas=list(metadatas[i:end]))

    def delete_article(self, tenant: str, article_id: str, keep_version: str | None = None) -> None:
        """Delete the article's chunks, except those of `keep_version` if given."""
        collection = self.existing(tenant)
        if collection is None:
            return
        where: dict = {"article_id": article_id}
        if keep_version is not None:
            where = {"$and": [where, {"version": {"$ne": keep_version}}]}
        collection.delete(where=where)

    def delete_ids(self, tenant: str, ids: Sequence[str]) -> None:
        collection = self.existing(tenant)
        if collection is None:
            return
        for i in range(0, len(ids), self.max_batch):
            collection.delete(ids=list(ids[i:i + self.max_batch]))

    def query(self, tenant: str, vector: np.ndarray, k: int, filters: Filters | None = None
              ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the nearest chunks that pass `filters`, best first."""
        collection = self.existing(tenant)
        if collection is None or not collection.count():
            return []
        result = collection.query(query_embeddings=[vector], n_results=k, where=_where(filters),
                                  include=["distances"])
        return [(chunk_id, 1.0 - distance) for chunk_id, distance in zip(result["ids"][0], result["distances"][0])]

    def count(self, tenant: str) -> int:
        collection = self.existing(tenant)
        return collection.count() if collection is not None else 0


def chunk_metadata(article: Article, chunk: Chunk) -> dict:
    """What Chroma keeps beside a chunk's vector: enough to filter and to delete by version."""
    return {"article_id": article.id, "version": article.version, "start": chunk.start, "end": chunk.end,
            "source": article.source or "", "published": _day_number(article.published)}


def _day_number(day: date | None) -> int:
    """A date as yyyymmdd (0 when unknown), so Chroma can compare date ranges."""
    return int(day.strftime("%Y%m%d")) if day else 0


def _where(filters: Filters | None) -> dict | None:
    """`filters` in Chroma's filter syntax."""
    if filters is None:
        return None
    clauses: list[dict] = []
    if filters.article_ids:
        clauses.append({"article_id": {"$in": filters.article_ids}})
    if filters.source is not None:
        clauses.append({"source": filters.source})
    if filters.published_from is not None:
        clauses.append({"published": {"$gte": _day_number(filters.published_from)}})
    if filters.published_to is not None:
        clauses.append({"published": {"$lte": _day_number(filters.published_to)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
