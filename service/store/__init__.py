"""Storage: full article texts and chunk spans (SQLite), vectors (Chroma), keywords (BM25).

SQLite is the record of which version of each article is current; Chroma and the BM25
index hold vectors and terms for chunks, and a chunk counts only while SQLite lists it.
That makes a replace one step for readers: the new chunks are written first, the SQLite
transaction switches to them, and only then are the old ones deleted.
"""

from __future__ import annotations

import re
import threading

import numpy as np

from service.records import Article, Chunk
from service.settings import Settings
from service.store.keywords import KeywordIndex
from service.store.texts import TextStore
from service.store.vectors import VectorStore, chroma_client, chunk_metadata

# Also a valid Chroma collection name once prefixed with "sourced-" (3-63 characters that start
# and end alphanumeric), and a safe directory name.
TENANT_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$")
DEFAULT_TENANT = "default"
ARTICLE_LOCK_STRIPES = 64


class InvalidTenant(ValueError):
    pass


def validate_tenant(tenant: str) -> str:
    if not TENANT_PATTERN.fullmatch(tenant):
        raise InvalidTenant(f"tenant {tenant[:80]!r} must be 3-63 of a-z, 0-9, '_' and '-', "
                            "starting and ending with a letter or digit")
    return tenant


class Store:
    def __init__(self, settings: Settings, embedder_name: str, dimension: int):
        self.texts = TextStore(settings.data_dir / "articles.sqlite3")
        self.vectors = VectorStore(chroma_client(settings), embedder_name, dimension)
        self.keywords = KeywordIndex(settings.data_dir / "keywords", self.texts)
        self._article_locks = [threading.Lock() for _ in range(ARTICLE_LOCK_STRIPES)]

    def current_hash(self, tenant: str, article_id: str) -> str | None:
        """The content hash of the article's current version, None if it is not stored."""
        return self.texts.content_hash(tenant, article_id)

    def save(self, tenant: str, article: Article, chunks: list[Chunk], vectors: np.ndarray,
             expected_hash: str | None) -> None:
        """Add or replace an article so that readers see the old version or the new, never both.
        `expected_hash`: the version the writer read; if another writer got in first, ConcurrentWrite."""
        ids = [c.id for c in chunks]
        with self._writing(tenant, article.id):
            self.vectors.upsert(tenant, ids, vectors, [c.text for c in chunks],
                                [chunk_metadata(article, c) for c in chunks])
            try:
                self.texts.put(tenant, article, chunks, expected_hash)
            except BaseException:
                self.vectors.delete_ids(tenant, ids)
                raise
            self.vectors.delete_article(tenant, article.id, keep_version=article.version)

    def delete(self, tenant: str, article_id: str) -> bool:
        """Vectors first, then the record: a delete that fails half-way still finds the article on
        retry and completes, rather than answering "not found" over leftovers."""
        with self._writing(tenant, article_id):
            self.vectors.delete_article(tenant, article_id)
            deleted = self.texts.delete(tenant, article_id)
        if deleted:
            self.keywords.refresh(tenant)
        return deleted

    def _writing(self, tenant: str, article_id: str) -> threading.Lock:
        """One writer per article in this process (a stripe of locks keeps their number bounded)."""
        return self._article_locks[hash((tenant, article_id)) % len(self._article_locks)]

    def refresh_keywords(self, tenant: str) -> None:
        """Bring the keyword index up to date after a batch of saves."""
        self.keywords.refresh(tenant)
