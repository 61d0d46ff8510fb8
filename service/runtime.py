"""What one process holds once: settings, models, and the store and checker built on them."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from service.checker import Checker, make_checker
from service.models.registry import Models
from service.models.reranker import OverlapReranker, Reranker
from service.settings import Settings
from service.store import Store


class NotReady(RuntimeError):
    """The models are still loading (or failed to); the store needs the embedder."""


@dataclass
class Runtime:
    settings: Settings
    models: Models
    _store: Store | None = None
    _checker: Checker | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def store(self) -> Store:
        if self._store is None:
            with self._lock:
                if self._store is None:
                    embedder = self.models.embedder
                    if embedder is None:
                        raise NotReady(self.models.error or "models are still loading")
                    self._store = Store(self.settings, embedder.name, embedder.dimension)
        return self._store

    @property
    def reranker(self) -> Reranker:
        """The configured reranker, or word overlap when SOURCED_RERANKER=none."""
        if self.settings.reranker == "none":
            return OverlapReranker()
        if self.models.reranker is None:
            raise NotReady(self.models.error or "models are still loading")
        return self.models.reranker

    @property
    def relevance_floor(self) -> float:
        """Below this reranker score a passage does not answer the query (SOURCED_MIN_RELEVANCE overrides)."""
        if self.settings.min_relevance is not None:
            return self.settings.min_relevance
        return self.reranker.relevance_floor

    @property
    def checker(self) -> Checker:
        if self._checker is None:
            with self._lock:
                if self._checker is None:
                    if self.models.embedder is None:
                        raise NotReady(self.models.error or "models are still loading")
                    self._checker = make_checker(self.models)
        return self._checker

    @classmethod
    def for_ingest(cls, settings: Settings) -> Runtime:
        """The runtime of a CLI command that only embeds: the generator is not loaded."""
        return cls(settings=settings, models=Models(settings).load(reranker=False, generator=False))
