from __future__ import annotations

from pathlib import Path

import pytest

import service  # noqa: F401  (pins offline variables before any model library is imported)
from service.models.registry import Models
from service.settings import Settings

PROJECT = Path(__file__).resolve().parents[1]
SHARED_DATA = PROJECT.parent / "shared" / "data"
# The assembled GGUF (1.1 GB) is shared by every test run of this checkout, not rebuilt per test.
MODEL_DIR = PROJECT / "data" / "models"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", model_dir=MODEL_DIR, threads=2)


@pytest.fixture(scope="session")
def embedded_models() -> Models:
    """The real embedder, reranker and local generator, loaded once for the session."""
    models = Models(Settings(data_dir=MODEL_DIR.parent, model_dir=MODEL_DIR, threads=2)).load()
    yield models
    models.close()


@pytest.fixture(scope="session")
def embedder():
    from service.models.embedder import MiniLMEmbedder

    return MiniLMEmbedder(threads=2)


@pytest.fixture
def runtime(settings, embedder):
    """A runtime over a fresh data directory: real embedder and Chroma, the LLM faked at litellm."""
    from service.models.fake_llm import register_fake
    from service.models.reranker import OverlapReranker
    from service.runtime import Runtime

    register_fake(lambda messages: "fake answer")
    settings = settings.model_copy(update={"llm_model": "fake/test"})
    return Runtime(settings=settings, models=Models(settings, embedder=embedder, reranker=OverlapReranker()))


def client_of(runtime):
    """The Flask test client of an app serving this runtime."""
    from service.app import create_app

    app = create_app(runtime.settings, runtime.models)
    app.extensions["sourced"] = runtime
    return app.test_client()


def corpus_sources():
    """The seed page plus the 25 distinct SummEdits news articles, as ingestion sources."""
    import json

    from service.ingest.pipeline import Source

    documents = []
    with (SHARED_DATA / "summedits_news.jsonl").open() as handle:
        for line in handle:
            document = json.loads(line)["document"]
            if document not in documents:
                documents.append(document)
    seed = Source(id="seed", page_text=(SHARED_DATA / "seed_page.txt").read_text(), source="ThePrint")
    return [seed] + [Source(id=f"summedits-{i:02d}", text=d, source="SummEdits") for i, d in enumerate(documents)]
