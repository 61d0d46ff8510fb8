"""A BM25 keyword index per tenant (bm25s), kept in step with the article store.

bm25s indexes are immutable, so the index is rebuilt from the current chunks whenever
the store's change counter moves, saved beside the data, and loaded from disk when a
saved copy is current; a missing or stale copy is simply rebuilt.
"""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import bm25s

from service import metrics
from service.store.texts import TextStore


class _Index:
    def __init__(self, generation: int, chunk_ids: list[str], retriever: bm25s.BM25 | None):
        self.generation = generation
        self.chunk_ids = chunk_ids
        self.retriever = retriever


class KeywordIndex:
    def __init__(self, directory: Path, texts: TextStore):
        self.directory = directory
        self.texts = texts
        self._indexes: dict[str, _Index] = {}
        # One lock per tenant: a rebuild for one tenant never stalls searches of another.
        self._tenant_locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def search(self, tenant: str, query: str, k: int) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) of the best matching chunks, best first."""
        index = self._current(tenant)
        tokens = bm25s.tokenize([query], stopwords="en", show_progress=False)
        if index.retriever is None or not tokens.vocab:
            return []
        k = min(k, len(index.chunk_ids))
        documents, scores = index.retriever.retrieve(tokens, k=k, show_progress=False, n_threads=1)
        return [(index.chunk_ids[d], float(s)) for d, s in zip(documents[0], scores[0]) if s > 0]

    def stale(self, tenant: str) -> bool:
        """No complete copy of the tenant's current generation on disk (it is built at the next search)."""
        generation = self.texts.generation(tenant)
        return generation > 0 and not (self._path(tenant, generation) / "chunk_ids.json").exists()

    def refresh(self, tenant: str) -> None:
        """Bring the tenant's index up to date now rather than at the next search."""
        self._current(tenant)

    def _current(self, tenant: str) -> _Index:
        generation = self.texts.generation(tenant)
        if generation == 0:
            # Nothing was ever written for this tenant: reading it must create nothing on disk or here.
            return _Index(0, [], None)
        with self._lock_of(tenant):
            index = self._indexes.get(tenant)
            if index is None or index.generation != generation:
                index = self._load(tenant, generation) or self._build(tenant, generation)
                self._indexes[tenant] = index
            return index

    def _lock_of(self, tenant: str) -> threading.Lock:
        with self._locks_guard:
            return self._tenant_locks.setdefault(tenant, threading.Lock())

    def _path(self, tenant: str, generation: int) -> Path:
        return self.directory / tenant / f"generation-{generation}"

    def _load(self, tenant: str, generation: int) -> _Index | None:
        path = self._path(tenant, generation)
        if not (path / "chunk_ids.json").exists():
            return None
        chunk_ids = json.loads((path / "chunk_ids.json").read_text())
        retriever = bm25s.BM25.load(str(path), show_progress=False) if chunk_ids else None
        return _Index(generation, chunk_ids, retriever)

    def _build(self, tenant: str, generation: int) -> _Index:
        metrics.keyword_rebuilds.inc()
        chunks = list(self.texts.all_chunks(tenant))
        retriever = None
        if chunks:
            retriever = bm25s.BM25()
            retriever.index(bm25s.tokenize([c.text for c in chunks], stopwords="en", show_progress=False),
                            show_progress=False)
        index = _Index(generation, [c.id for c in chunks], retriever)
        self._save(tenant, index)
        return index

    def _save(self, tenant: str, index: _Index) -> None:
        final = self._path(tenant, index.generation)
        staging = final.with_name(final.name + ".tmp")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        if index.retriever is not None:
            index.retriever.save(str(staging), show_progress=False)
        # chunk_ids.json is written last: its presence marks a complete copy.
        (staging / "chunk_ids.json").write_text(json.dumps(index.chunk_ids))
        shutil.rmtree(final, ignore_errors=True)
        staging.rename(final)
        for old in final.parent.glob("generation-*"):
            if old != final and not old.name.endswith(".tmp"):
                shutil.rmtree(old, ignore_errors=True)
