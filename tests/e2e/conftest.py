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
