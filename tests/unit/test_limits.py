"""Bounded input: every limit comes from settings, is named in its error, and leaves nothing half-written."""

from __future__ import annotations

import json
import sqlite3

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from service.api.limits import json_depth
from tests.conftest import client_of, fake_runtime

STORY = "The harbour board approved the quay expansion on Monday. Work starts in March."


@pytest.fixture
def client(settings):
    runtime, _ = fake_runtime(settings, max_batch_articles=3, max_title_chars=20, max_question_chars=50,
                              max_messages=2, max_message_chars=60, max_summary_words=100, max_summary_articles=2,
                              max_offset=10, max_limit=5, max_json_depth=6)
    return client_of(runtime)


def total(client) -> int:
    return client.get("/v1/articles").json["total"]


def test_a_batch_over_the_limit_is_413_naming_the_setting_and_stores_nothing(client):
    batch = {"articles": [{"id": f"a{i}", "text": STORY} for i in range(4)]}
    response = client.post("/v1/articles", json=batch)
    assert response.status_code == 413 and "SOURCED_MAX_BATCH_ARTICLES" in response.json["detail"]
    assert total(client) == 0


def test_metadata_over_its_limit_fails_that_item_alone(client):
    batch = {"articles": [{"id": "long", "title": "x" * 21, "text": STORY}, {"id": "fine", "title": "Quay", "text": STORY}]}
    response = client.post("/v1/articles", json=batch)
    assert response.status_code == 201
    failed = response.json["results"][0]
    assert failed["status"] == "failed" and "SOURCED_MAX_TITLE_CHARS" in failed["error"]
    assert total(client) == 1


@pytest.mark.parametrize("query,setting", [("limit=6", "SOURCED_MAX_LIMIT"), ("offset=11", "SOURCED_MAX_OFFSET")])
def test_paging_beyond_its_limits_is_422(client, query, setting):
    response = client.get(f"/v1/articles?{query}")
    assert response.status_code == 422 and setting in response.json["detail"]


@pytest.mark.parametrize("body,status,setting", [
    ({"question": "q" * 51}, 413, "SOURCED_MAX_QUESTION_CHARS"),
    ({"messages": [{"role": "user", "content": "hi"}] * 3}, 413, "SOURCED_MAX_MESSAGES"),
    ({"messages": [{"role": "user", "content": "m" * 61}]}, 413, "SOURCED_MAX_MESSAGE_CHARS"),
    ({"question": "When?", "filters": {"article_ids": ["a", "b", "c"]}}, 413, "SOURCED_MAX_SUMMARY_ARTICLES"),
])
def test_questions_and_conversations_are_bounded(client, body, status, setting):
    response = client.post("/v1/ask", json=body)
    assert response.status_code == status and setting in response.json["detail"]


@pytest.mark.parametrize("body,status,setting", [
    ({"article_id": "a", "words": 101}, 422, "SOURCED_MAX_SUMMARY_WORDS"),
    ({"article_ids": ["a", "b", "c"]}, 413, "SOURCED_MAX_SUMMARY_ARTICLES"),
])
def test_summaries_are_bounded(client, body, status, setting):
    response = client.post("/v1/summarize", json=body)
    assert response.status_code == status and setting in response.json["detail"]


@pytest.mark.parametrize("path", ["/v1/articles", "/v1/ask", "/v1/summarize"])
def test_deep_nesting_is_a_400_before_any_parser_sees_it(client, path):
    for depth in (7, 100_000):
        body = "[" * depth + "]" * depth
        response = client.post(path, data=body, content_type="application/json")
        assert response.status_code == 400, (depth, response.text)
        assert "SOURCED_MAX_JSON_DEPTH" in response.json["detail"]
    assert total(client) == 0


def test_brackets_inside_strings_do_not_count_as_nesting(client):
    title = "[[[[[[[[{{{{{{{ \\\" ]]]] \\\\"
    response = client.post("/v1/articles", data=json.dumps({"id": "b", "title": title[:20], "text": STORY * 2}),
                           content_type="application/json")
    assert response.status_code == 201, response.text


def nesting(value) -> int:
    if isinstance(value, list):
        return 1 + max(map(nesting, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(nesting, value.values()), default=0)
    return 0


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab,:'),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(alphabet='[]{}"\\ab'), inner, max_size=3),
    max_leaves=20)


@hypothesis_settings(max_examples=300, deadline=None)
@given(json_values)
def test_json_depth_matches_the_parsed_nesting(value):
    assert json_depth(json.dumps(value).encode()) == nesting(value)


def test_an_internal_failure_shows_the_client_an_id_not_the_internals(settings, caplog):
    runtime, _ = fake_runtime(settings)
    client = client_of(runtime)

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("unable to open database file /srv/secret/articles.sqlite3")

    runtime.store.texts.list = broken
    response = client.get("/v1/articles")
    assert response.status_code == 500 and response.json["type"] == "/problems/internal"
    assert "secret" not in response.text and "sqlite" not in response.text.lower()
    request_id = response.json["request_id"]
    assert response.headers["X-Request-Id"] == request_id
    assert request_id in caplog.text and "/srv/secret/articles.sqlite3" in caplog.text


def test_every_response_forbids_script_and_sniffing(client):
    for response in (client.get("/healthz"), client.get("/v1/articles"), client.get("/nope")):
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_store_failure_fails_the_item_without_the_stores_words(settings, caplog):
    runtime, _ = fake_runtime(settings)
    client = client_of(runtime)

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error at /srv/secret/articles.sqlite3")

    runtime.store.save = broken
    response = client.post("/v1/articles", json={"id": "quay", "text": STORY})
    assert response.status_code == 422
    assert "secret" not in response.text and "I/O" not in response.text
    assert "storing failed" in response.json["detail"] and "/srv/secret/articles.sqlite3" in caplog.text


def test_json_in_another_encoding_is_refused_before_the_depth_scan_could_be_fooled(client):
    # In UTF-16, U+2200 holds a 0x22 byte: a scan of the bytes would think a string opened there.
    body = ('{"question": "\u2200", "x": ' + "[" * 5000 + "]" * 5000 + "}").encode("utf-16")
    response = client.post("/v1/ask", data=body, content_type="application/json")
    assert response.status_code == 400 and "UTF-8" in response.json["detail"]


def test_a_body_over_the_request_limit_names_the_setting(settings):
    client = client_of(fake_runtime(settings, max_request_bytes=1000)[0])
    response = client.post("/v1/articles", json={"text": "word " * 500})
    assert response.status_code == 413 and "SOURCED_MAX_REQUEST_BYTES" in response.json["detail"]


def test_a_raw_texts_title_and_a_pages_own_metadata_are_bounded(client):
    response = client.post("/v1/summarize", json={"text": STORY, "title": "t" * 21})
    assert response.status_code == 413 and "SOURCED_MAX_TITLE_CHARS" in response.json["detail"]
    page = f"<html><head><title>{'Headline ' * 20}</title></head><body><p>{STORY}</p><p>{STORY}</p></body></html>"
    stored = client.post("/v1/articles", json={"id": "page", "html": page})
    assert stored.status_code == 201, stored.json
    assert len(client.get("/v1/articles/page").json["title"]) <= 20


def test_a_batch_may_ask_for_only_so_many_fetches(settings):
    client = client_of(fake_runtime(settings, max_batch_urls=2)[0])
    batch = {"articles": [{"url": f"https://example.org/{i}"} for i in range(3)]}
    response = client.post("/v1/articles", json=batch)
    assert response.status_code == 413 and "SOURCED_MAX_BATCH_URLS" in response.json["detail"]
