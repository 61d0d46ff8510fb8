"""What one process holds once: settings, models, and the store and checker built on them.

This is the only place that wires models into the pipelines: each pipeline receives the
parts it uses (store, embedder, reranker, llm, checker, policy), never the runtime itself.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from pathlib import Path

import httpx

from service.answer import Answerer
from service.checker import Checker, Judge, NliJudge
from service.keys import KeyStore
from service.models.registry import Models
from service.models.reranker import OverlapReranker, Reranker
from service.policy import AnswerPolicy, SummaryPolicy
from service.settings import Settings
from service.store import Store, consistency
from service.store.consistency import TenantReport
from service.summarize import Summarizer

log = logging.getLogger(__name__)


class NotReady(RuntimeError):
    """The models are still loading (or failed to), or the store is being checked; the message is
    for callers (a loading failure's reason, which may name paths, stays in the log)."""


class Runtime:
    """`fetch_transport` carries URL fetches at ingest (tests pass an httpx.MockTransport)."""

    def __init__(self, models: Models, fetch_transport: httpx.BaseTransport | None = None):
        self.models = models
        self.fetch_transport = fetch_transport
        self.summary_policy = SummaryPolicy()
        self.keys = KeyStore(models.settings.keys_path)
        self.repaired = threading.Event()
        self._store: Store | None = None
        self._checker: Checker | None = None
        self._lock = threading.Lock()

    @property
    def settings(self) -> Settings:
        return self.models.settings

    def require_ready(self) -> None:
        if not self.models.ready:
            raise self._models_not_ready()
        if not self.repaired.is_set():
            raise NotReady("the store is being checked")

    def _models_not_ready(self) -> NotReady:
        return NotReady("the models failed to load; see the log" if self.models.error else "models are still loading")

    def repair_store(self) -> list[TenantReport]:
        """Bring SQLite, Chroma and the keyword index into agreement (what a crash may have left),
        before the service answers."""
        reports = consistency.check(self.store, self.models.embedder)
        for report in reports:
            if report.repaired:
                log.warning("repaired tenant %s at start-up: consistent now: %s", report.tenant, report.consistent)
        self.repaired.set()
        return reports

    @property
    def store(self) -> Store:
        if self._store is None:
            with self._lock:
                if self._store is None:
                    embedder = self.models.embedder
                    if embedder is None:
                        raise self._models_not_ready()
                    self._store = Store(self.settings, embedder.name, embedder.dimension)
        return self._store

    @property
    def reranker(self) -> Reranker:
        """The configured reranker, or word overlap when SOURCED_RERANKER=none."""
        if self.settings.reranker == "none":
            return OverlapReranker()
        if self.models.reranker is None:
            raise self._models_not_ready()
        return self.models.reranker

    @property
    def answer_policy(self) -> AnswerPolicy:
        reranker = self.reranker
        return AnswerPolicy.from_settings(self.settings, relevance_floor=reranker.relevance_floor,
                                          offer_floor=reranker.offer_floor, quote_floor=reranker.quote_floor,
                                          unnamed_floor=reranker.unnamed_floor)

    @property
    def checker(self) -> Checker:
        if self._checker is None:
            with self._lock:
                if self._checker is None:
                    self._checker = self.build_checker()
        return self._checker

    def build_checker(self, *, judge: bool = True) -> Checker:
        """The cascade over the loaded embedder, with the judge the settings name (none if `judge`
        is False). The calibrated weights were fitted with the LLM judge; with an NLI model, run
        eval/calibrate.py again to fit them to it."""
        if self.models.embedder is None:
            raise self._models_not_ready()
        settings = self.settings
        if not judge or settings.checker_judge == "none":
            return Checker(self.models.embedder)
        if settings.checker_judge == "nli":
            if settings.checker_nli_model is None:
                raise ValueError("SOURCED_CHECKER_JUDGE=nli needs SOURCED_CHECKER_NLI_MODEL (a local model directory)")
            return Checker(self.models.embedder, NliJudge(settings.checker_nli_model, settings.threads))
        return Checker(self.models.embedder, Judge(self.models.llm))

    def answerer(self) -> Answerer:
        return Answerer(store=self.store, embedder=self.models.embedder, reranker=self.reranker,
                        llm=self.models.llm, checker=self.checker, policy=self.answer_policy)

    def summarizer(self) -> Summarizer:
        return Summarizer(self.models.llm, self.checker, self.models.embedder, self.summary_policy)

    def over(self, data_dir: Path) -> Runtime:
        """The same loaded models over an embedded store in another data directory (the evals'
        scratch corpora)."""
        settings = self.settings.model_copy(update={"data_dir": data_dir, "chroma_url": None})
        return Runtime(dataclasses.replace(self.models, settings=settings), self.fetch_transport)

    @classmethod
    def for_ingest(cls, settings: Settings) -> Runtime:
        """The runtime of a CLI command that only embeds: the generator is not loaded."""
        return cls(Models(settings).load(reranker=False, generator=False))
