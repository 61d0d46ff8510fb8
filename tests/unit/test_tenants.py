"""Tenant names: valid Chroma collection names or refused; reading a tenant that does not exist creates nothing."""

from __future__ import annotations

import pytest

from tests.conftest import client_of, fake_runtime

STORY = "The harbour board approved the quay expansion on Monday. Work starts in March."


@pytest.mark.parametrize("name", ["", " ", "ab", "-abc", "abc-", "_abc", "ABC", "a.b.c", "../etc", "a b c", "x" * 64, "ünï"])
def test_names_that_are_not_valid_collection_names_are_refused(settings, name):
    client = client_of(fake_runtime(settings)[0])
    response = client.get("/v1/articles", headers={"X-Sourced-Tenant": name})
    assert response.status_code == 400 and response.json["title"] == "Invalid tenant"


@pytest.mark.parametrize("name", ["abc", "newsroom-a", "x" * 63, "a_1"])
def test_valid_names_are_accepted(settings, name):
    client = client_of(fake_runtime(settings)[0])
    assert client.get("/v1/articles", headers={"X-Sourced-Tenant": name}).status_code == 200


def test_reading_a_tenant_that_does_not_exist_creates_nothing(settings):
    runtime, _ = fake_runtime(settings)
    client = client_of(runtime)
    client.post("/v1/articles", json={"id": "quay", "text": STORY}, headers={"X-Sourced-Tenant": "real"})
    ghost = {"X-Sourced-Tenant": "ghost"}
    assert client.get("/v1/articles", headers=ghost).json["total"] == 0
    assert client.get("/v1/articles/quay", headers=ghost).status_code == 404
    assert client.delete("/v1/articles/quay", headers=ghost).status_code == 404
    asked = client.post("/v1/ask", json={"question": "When does work start?", "mode": "extractive"}, headers=ghost)
    assert asked.status_code == 200 and not asked.json["found"]
    assert client.post("/v1/summarize", json={"article_id": "quay"}, headers=ghost).status_code == 404

    store = runtime.store
    assert [c.name for c in store.vectors.client.list_collections()] == ["sourced-real"]
    assert "ghost" not in store.vectors._collections and "ghost" not in store.keywords._indexes
    assert not (store.keywords.directory / "ghost").exists()
    assert store.texts.generation("ghost") == 0
