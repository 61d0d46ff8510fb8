"""Storage: full article texts and chunk spans (SQLite), vectors (Chroma), keywords (BM25).

SQLite is the record of which version of each article is current; Chroma and the BM25
index hold vectors and terms for chunks, and a chunk counts only while SQLite lists it.
That makes a replace one step for readers: the new chunks are written first, the SQLite
transaction switches to them, and only then are the old ones deleted.
"""

from __future__ import annotations

import re

import numpy as np

from service.ingest.article import Article, Chunk
from service.settings import Settings
from service.store.keywords import KeywordIndex
from service.store.texts import TextStore
from service.store.vectors import VectorStore, chroma_client

TENANT_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
DEFAULT_TENANT = "default"


class InvalidTenant(ValueError):
    pass


def validate_tenant(tenant: str) -> str:
    if not TENANT_PATTERN.match(tenant):
        raise InvalidTenant(f"tenant {tenant!r} must be 1-63 of a-z, 0-9, '_' and '-', starting with a letter or digit")
    return tenant


class Store:
    def __init__(self, settings: Settings, embedder_name: str, dimension: int):
        self.texts = TextStore(settings.data_dir / "articles.sqlite3")
        self.vectors = VectorStore(chroma_client(settings), embedder_name, dimension)
        self.keywords = KeywordIndex(settings.data_dir / "keywords", self.texts)

    def save(self, tenant: str, article: Article, chunks: list[Chunk], vectors: np.ndarray) -> None:
        """Add or replace an article so that readers see the old version or the new, never both."""
        version = article.content_hash[:12]
        metadatas = [
            {"article_id": article.id, "version": version, "start": c.start, "end": c.end,
             "source": article.source or "", "published": _day_number(article)}
            for c in chunks
        ]
        ids = [c.id for c in chunks]
        self.vectors.upsert(tenant, ids, vectors, [c.text for c in chunks], metadatas)
        try:
            self.texts.put(tenant, article, chunks)
        except BaseException:
            self.vectors.delete_ids(tenant, ids)
            raise
        self.vectors.delete_article(tenant, article.id, keep_version=version)

    def delete(self, tenant: str, article_id: str) -> bool:
        deleted = self.texts.delete(tenant, article_id)
        self.vectors.delete_article(tenant, article_id)
        return deleted


def _day_number(article: Article) -> int:
    """Published date as yyyymmdd (0 when unknown), so Chroma can filter date ranges."""
    return int(article.published.strftime("%Y%m%d")) if article.published else 0
