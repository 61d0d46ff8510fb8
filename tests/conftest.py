from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import service  # noqa: F401  (pins offline variables before any model library is imported)
from service.models.registry import Models
from service.settings import Settings

PROJECT = Path(__file__).resolve().parents[1]
TEST_DATA = PROJECT / "tests" / "data"
# The assembled GGUF (1.1 GB) is shared by every test run of this checkout, not rebuilt per test.
MODEL_DIR = PROJECT / "data" / "models"
CHROMIUM = "/usr/bin/chromium"
# As root in a container, with no network beyond loopback: no sandbox, and none of the
# background connections chromium would otherwise try (and be refused) at every start.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(items):
    """Everything under tests/e2e loads real models: `-m "not e2e"` runs the fast unit tests alone."""
    for item in items:
        if (PROJECT / "tests" / "e2e") in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", model_dir=MODEL_DIR, threads=2)


def fake_runtime(settings: Settings, reply=lambda messages: "fake answer", embedder=None, **overrides):
    """A runtime over `settings` (its data directory fresh per test) with the LLM faked at the
    litellm seam; the hashing embedder and word-overlap reranker unless an embedder is given."""
    from service.models.embedder import HashingEmbedder
    from service.models.fake_llm import register_fake
    from service.models.reranker import OverlapReranker
    from service.runtime import Runtime

    provider = register_fake(reply)
    settings = settings.model_copy(update={"llm_model": "fake/test", **overrides})
    runtime = Runtime(Models(settings, embedder=embedder or HashingEmbedder(), reranker=OverlapReranker()))
    return runtime, provider


@pytest.fixture
def runtime(settings):
    return fake_runtime(settings)[0]


def client_of(runtime):
    """The Flask test client of an app serving this runtime."""
    from service.app import create_app

    return create_app(runtime=runtime).test_client()


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    assert shutil.which(CHROMIUM), f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
