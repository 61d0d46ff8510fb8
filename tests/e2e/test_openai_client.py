"""The official openai Python client, pointed with `base_url` at a real `sourced serve` with the
embedded models: a plain answer, a streamed one, a follow-up turn, and errors."""

from __future__ import annotations

import httpx
import openai
import pytest

pytestmark = pytest.mark.e2e

SEED_QUESTION = "Who is monitoring whom, and why?"


@pytest.fixture(scope="module")
def client(served):
    # Local mode: any bearer value passes, as OpenAI clients always send one.
    return openai.OpenAI(base_url=served + "/v1", api_key="sk-local-anything", max_retries=0, timeout=300)


@pytest.fixture(scope="module")
def article(served) -> str:
    return httpx.get(served + "/v1/articles/seed").json()["text"]


def assert_cited(content: str, sourced: dict, article: str) -> None:
    answer, sources = content.split("\n\nSources:\n")
    assert "[1]" in answer
    for citation in sourced["citations"]:
        assert citation["quote"] == article[citation["start"]:citation["end"]]
        assert f'[{citation["n"]}] "{citation["quote"]}"' in sources


def test_models_lists_both(client):
    assert [m.id for m in client.models.list()] == ["sourced", "sourced-extractive"]


def test_plain_streamed_and_follow_up(client, article):
    reply = client.chat.completions.create(
        model="sourced", temperature=0.2, user="newsroom-tester",
        messages=[{"role": "system", "content": "Answer in French."}, {"role": "user", "content": SEED_QUESTION}])
    content = reply.choices[0].message.content
    sourced = reply.model_extra["sourced"]
    assert sourced["found"] and sourced["mode"] == "generate"
    assert "Alibaba" in content and "intelligence" in content.lower()
    assert_cited(content, sourced, article)

    pieces, finished = [], None
    for chunk in client.chat.completions.create(model="sourced", stream=True,
                                                messages=[{"role": "user", "content": SEED_QUESTION}]):
        if chunk.choices:
            pieces.append(chunk.choices[0].delta.content or "")
            if chunk.choices[0].finish_reason == "stop":
                finished = chunk.model_extra["sourced"]
    assert finished is not None and "".join(pieces).startswith(finished["answer"])
    assert_cited("".join(pieces), finished, article)

    follow_up = client.chat.completions.create(model="sourced", messages=[
        {"role": "user", "content": SEED_QUESTION}, {"role": "assistant", "content": content},
        {"role": "user", "content": "Where is the hub it is watching?"}])
    # The earlier turns reach the pipeline (the 1.5B model may keep this question as it is): "it"
    # is the service watching Alibaba's hub, so the answer quotes that story. (Where the model's
    # sentence drops the newspaper's attribution, the quote itself stands in its place, and it may
    # not name the city.)
    followed = follow_up.model_extra["sourced"]
    assert followed["found"] and followed["citations"]
    assert all("Alibaba" in citation["title"] for citation in followed["citations"]), followed["citations"]


def test_errors_arrive_as_the_clients_exceptions(client):
    with pytest.raises(openai.BadRequestError) as many:
        client.chat.completions.create(model="sourced", n=2, messages=[{"role": "user", "content": SEED_QUESTION}])
    assert many.value.body["param"] == "n" and many.value.body["type"] == "invalid_request_error"
    with pytest.raises(openai.NotFoundError) as unknown:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": SEED_QUESTION}])
    assert unknown.value.body["code"] == "model_not_found"
