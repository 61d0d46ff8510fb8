"""The models one service process uses, loaded once, described, and closed at exit."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from service.models.embedder import EMBEDDERS, Embedder
from service.models.llm import LLM, register_provider
from service.models.local_llm import PROVIDER as LOCAL_PROVIDER
from service.models.reranker import RERANKERS, Reranker
from service.settings import Settings


def _local_llama(settings: Settings):
    from service.models.local_llm import LocalLlamaProvider

    return LocalLlamaProvider(settings)


# litellm providers that run inside this process, by provider name: they are loaded with the
# other models, and serve one call at a time.
EMBEDDED_PROVIDERS = {LOCAL_PROVIDER: _local_llama}


@dataclass
class ModelInfo:
    role: str
    name: str
    files: list[Path]
    load_seconds: float | None

    @property
    def size_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.files if f.exists())


@dataclass
class Models:
    """Holds the embedder, reranker and LLM. Constructing it validates the LLM model string
    (a bad one fails at start-up, not at the first request); `load()` brings the weights up."""

    settings: Settings
    embedder: Embedder | None = None
    reranker: Reranker | None = None
    llm: LLM | None = None
    info: list[ModelInfo] = field(default_factory=list)
    error: str | None = None
    _local_provider: object | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.llm = self.llm or LLM(self.settings, in_process=self._embedded_provider is not None)

    @property
    def _embedded_provider(self):
        """The factory of the in-process provider the model string names, or None for a remote one."""
        return EMBEDDED_PROVIDERS.get(self.settings.llm_model.split("/", 1)[0])

    @property
    def ready(self) -> bool:
        reranker_ready = self.reranker is not None or self.settings.reranker == "none"
        generator_ready = self._embedded_provider is None or self._local_provider is not None
        return self.error is None and self.embedder is not None and reranker_ready and generator_ready

    def load(self, *, reranker: bool = True, generator: bool = True) -> Models:
        """Load what is asked for and not yet loaded; a failure is kept in `error` for /readyz."""
        with self._lock:
            try:
                self._load(reranker, generator)
            except Exception as exc:
                self.error = f"{exc.__class__.__name__}: {exc}"
                raise
        return self

    def _timed(self, role: str, build):
        started = time.perf_counter()
        model = build()
        self.info.append(ModelInfo(role, model.name, model.files, time.perf_counter() - started))
        return model

    def _load(self, reranker: bool, generator: bool) -> None:
        threads = self.settings.threads
        if self.embedder is None:
            self.embedder = self._timed("embedder", lambda: EMBEDDERS[self.settings.embedder](threads))
        if reranker and self.reranker is None and self.settings.reranker != "none":
            self.reranker = self._timed("reranker", lambda: RERANKERS[self.settings.reranker](threads))
        if not generator or any(i.role == "generator" for i in self.info):
            return
        if self._embedded_provider is not None:
            provider = self._embedded_provider(self.settings)
            register_provider(self.settings.llm_model.split("/", 1)[0], provider)
            self._local_provider = provider
            self.info.append(ModelInfo("generator", self.settings.llm_model, [provider.path],
                                       provider.load_seconds))
        else:
            self.info.append(ModelInfo("generator", self.settings.llm_model, [], None))

    def close(self) -> None:
        provider, self._local_provider = self._local_provider, None
        if provider is not None:
            provider.close()
