"""/v1/articles through the Flask test client, over a real Chroma and the real embedder."""

import pytest

from service.errors import PROBLEM_JSON
from tests.conftest import client_of

pytestmark = pytest.mark.e2e

STORY = "The port authority approved the harbour expansion on Monday, its chairman said. Work starts in March."


@pytest.fixture
def client(runtime):
    return client_of(runtime)


def test_post_one_then_batch_then_read_back(client):
    one = client.post("/v1/articles", json={"id": "port-1", "text": STORY, "source": "Port News",
                                            "published": "2024-03-01"})
    assert one.status_code == 201 and one.json["added"] == 1
    batch = client.post("/v1/articles", json={"articles": [
        {"id": "port-1", "text": STORY, "source": "Port News", "published": "2024-03-01"},
        {"id": "rail-1", "title": "Rail strike", "text": "Rail workers will strike on Friday, the union said today.",
         "source": "Rail Daily", "published": "2024-04-02"},
        {"id": "bad", "text": ""},
        {"html": "<p>x</p>", "text": "both"},
    ]})
    assert batch.status_code == 201
    assert [r["status"] for r in batch.json["results"]] == ["unchanged", "added", "failed", "failed"]
    assert "empty" in batch.json["results"][2]["error"]

    listed = client.get("/v1/articles?source=Rail%20Daily").json
    assert listed["total"] == 1 and listed["articles"][0]["id"] == "rail-1"
    dated = client.get("/v1/articles?published_from=2024-03-15&limit=1").json
    assert [a["id"] for a in dated["articles"]] == ["rail-1"]
    page = client.get("/v1/articles?limit=1&offset=1").json
    assert page["total"] == 2 and [a["id"] for a in page["articles"]] == ["port-1"]

    article = client.get("/v1/articles/port-1").json
    assert article["text"] == STORY
    assert all(STORY[c["start"]:c["end"]] == c["text"] for c in article["chunks"])


def test_delete_then_404(client):
    client.post("/v1/articles", json={"id": "gone", "text": STORY})
    assert client.delete("/v1/articles/gone").status_code == 204
    missing = client.get("/v1/articles/gone")
    assert missing.status_code == 404 and missing.mimetype == PROBLEM_JSON
    assert client.delete("/v1/articles/gone").status_code == 404


@pytest.mark.parametrize("kwargs, status", [
    ({"data": "not json", "content_type": "application/json"}, 400),
    ({"json": {"text": ""}}, 422),
    ({"json": {"title": "no body"}}, 422),
    ({"json": {"text": STORY, "colour": "red"}}, 422),
    ({"json": {"articles": []}}, 422),
    ({"json": {"id": "bad id!", "text": STORY}}, 422),
])
def test_bad_requests_are_problem_documents(client, kwargs, status):
    response = client.post("/v1/articles", **kwargs)
    assert response.status_code == status and response.mimetype == PROBLEM_JSON
    assert response.json["detail"]


def test_huge_bodies_are_refused_before_parsing(client, runtime):
    too_big = runtime.settings.max_request_bytes + 1
    response = client.post("/v1/articles", data=b"{" + b" " * too_big + b"}", content_type="application/json")
    assert response.status_code == 413 and response.mimetype == PROBLEM_JSON


def test_tenants_are_isolated_and_validated(client):
    client.post("/v1/articles", json={"id": "t", "text": STORY}, headers={"X-Sourced-Tenant": "newsroom-a"})
    assert client.get("/v1/articles/t", headers={"X-Sourced-Tenant": "newsroom-a"}).status_code == 200
    assert client.get("/v1/articles/t", headers={"X-Sourced-Tenant": "newsroom-b"}).status_code == 404
    assert client.get("/v1/articles", headers={"X-Sourced-Tenant": "../etc"}).status_code == 400
    assert client.get("/v1/articles?limit=0").status_code == 400


def test_openapi_document_describes_the_routes(client):
    document = client.get("/openapi.json").json
    assert {"/v1/articles", "/v1/articles/{article_id}"} <= set(document["paths"])
    assert {"post", "get"} <= set(document["paths"]["/v1/articles"])
    assert "Source" in document["components"]["schemas"] and "Problem" in document["components"]["schemas"]
