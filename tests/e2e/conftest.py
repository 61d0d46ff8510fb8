from __future__ import annotations

import pytest

from service.models.registry import Models
from service.settings import Settings
from tests.conftest import MODEL_DIR


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
    """A runtime over a fresh data directory: the real embedder and Chroma, the LLM faked at litellm."""
    from tests.conftest import fake_runtime

    return fake_runtime(settings, embedder=embedder)[0]


SEED_URL = "https://theprint.in/world/belgium-alibaba-liege/"


@pytest.fixture(scope="session")
def served(tmp_path_factory) -> str:
    """A real `sourced serve` with the embedded models, the seed page ingested: its base URL.
    Shared by the tests that use the service as its clients do (the openai library, a browser)."""
    import httpx

    from eval.datasets import SEED_PAGE
    from tests.e2e.serving import serve

    folder = tmp_path_factory.mktemp("served")
    with serve(folder / "data", folder / "server.log") as base:
        added = httpx.post(base + "/v1/articles", timeout=120, json={
            "id": "seed", "page_text": SEED_PAGE.read_text(encoding="utf-8"), "source": "ThePrint", "url": SEED_URL})
        assert added.status_code == 201, added.text
        yield base
