"""Every ask and summary survives a failing model: the LLM is reached through litellm's OpenAI
provider at a fake server on 127.0.0.1 that fails the generator or the judge on demand (HTTP 500,
a timeout, malformed JSON, a stream cut half-way); the embedder and reranker are the real ones."""

from __future__ import annotations

import json
import time

import pytest

from service.answer import GENERATOR_CUT
from service.app import create_app
from service.settings import Settings
from service.summarize import GENERATOR_FAILED
from service.verify import JUDGE_FAILED
from tests.conftest import MODEL_DIR
from tests.fake_openai import ANSWER, FakeOpenAI

TIMEOUT_S = 2.0
STORY = ("The harbour board approved the quay expansion on Monday, its chairman said. Work on the new quay "
         "starts in March and will cost 40 million euros. Fishermen oppose the plan because the quay closes "
         "their moorings.")
QUESTION = {"question": "What did the harbour board approve on Monday?"}
FAULTS = ["500", "timeout", "malformed", "cut"]


@pytest.fixture(scope="module")
def fake():
    server = FakeOpenAI(slow_s=TIMEOUT_S * 3)
    yield server
    server.close()


@pytest.fixture(scope="module")
def client(tmp_path_factory, fake):
    settings = Settings(data_dir=tmp_path_factory.mktemp("faults"), model_dir=MODEL_DIR, threads=2,
                        llm_model="openai/fake-model", llm_api_base=fake.base_url, llm_api_key="sk-test",
                        llm_timeout_s=TIMEOUT_S, llm_retries=1, rate_generative_per_minute=1000)
    app = create_app(settings)
    client = app.test_client()
    deadline = time.monotonic() + 120
    while client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "the models never loaded"
        time.sleep(0.5)
    assert client.post("/v1/articles", json={"id": "quay", "title": "Quay approved", "text": STORY}).status_code == 201
    return client


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


# A bound for one request: every model call it makes may wait for the timeout on each try.
MOST_S = 30


@pytest.mark.parametrize("fault", FAULTS)
def test_a_failing_generator_gives_the_quoted_answer_and_an_extractive_summary(client, fake, fault):
    fake.faults = {"generator": fault}
    try:
        asked, seconds = timed(lambda: client.post("/v1/ask", json=QUESTION))
        assert asked.status_code == 200 and seconds < MOST_S
        assert asked.json["mode"] == "extractive" and asked.json["fallback"] == "the generator failed"
        assert "harbour board approved the quay expansion" in asked.json["answer"]

        streamed = client.post("/v1/ask", json={**QUESTION, "stream": True})
        events = streamed.get_data(as_text=True)
        assert streamed.status_code == 200 and "event: answer" in events and "event: error" not in events

        summary, seconds = timed(lambda: client.post("/v1/summarize", json={"article_id": "quay"}))
        assert summary.status_code == 200 and seconds < MOST_S
        assert summary.json["degraded"][0] == GENERATOR_FAILED and summary.json["citations"]
        assert summary.json["summary"].startswith("The harbour board approved")
    finally:
        fake.faults = {}


@pytest.mark.parametrize("fault", ["500", "timeout", "malformed"])
def test_a_failing_judge_leaves_the_fast_checker_to_decide_and_says_so(client, fake, fault):
    fake.faults = {"judge": fault}
    # A conclusion: the checker leaves such a sentence to the judge rather than the fast signals.
    fake.answer = "Yes, the harbour board approved the quay expansion, and work starts in March [1]."
    judge_calls = fake.calls["judge"]
    try:
        asked, seconds = timed(lambda: client.post("/v1/ask", json={**QUESTION, "verify": "flag"}))
        assert asked.status_code == 200 and seconds < MOST_S and asked.json["found"]
        assert fake.calls["judge"] > judge_calls, "the judge was never asked"
        assert JUDGE_FAILED in asked.json["degraded"]
        summary = client.post("/v1/summarize", json={"article_id": "quay", "verify": "flag"})
        assert summary.status_code == 200 and JUDGE_FAILED in summary.json["degraded"]
    finally:
        fake.faults, fake.answer = {}, ANSWER


def test_with_the_model_healthy_nothing_is_degraded(client, fake):
    asked = client.post("/v1/ask", json=QUESTION)
    assert asked.status_code == 200 and asked.json["mode"] == "generate" and asked.json["degraded"] == []


def test_a_stream_cut_half_way_ends_with_the_finished_sentences_checked(client, fake):
    fake.faults = {"generator": "cut"}
    # The stream breaks off inside the second sentence: the first is whole and can be checked.
    fake.answer = ("The harbour board approved the quay expansion on Monday, its chairman said [1]. Work on the new "
                   "quay starts in March and will cost 40 million euros according to the board and its many advisers [1].")
    try:
        streamed = client.post("/v1/ask", json={**QUESTION, "stream": True})
        events = streamed.get_data(as_text=True)
        assert streamed.status_code == 200 and "event: error" not in events
        answer = json.loads(events.split("event: answer\ndata: ", 1)[1].split("\n", 1)[0])
        assert answer["mode"] == "generate" and GENERATOR_CUT in answer["degraded"]
        assert [s["text"] for s in answer["sentences"]] == [
            "The harbour board approved the quay expansion on Monday, its chairman said."]
    finally:
        fake.faults, fake.answer = {}, ANSWER
