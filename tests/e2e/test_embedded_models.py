"""The three embedded models, loaded for real, reached the way the service reaches them."""

import time

import litellm
import numpy as np
import pytest

from service.models.embedder import BgeSmallEmbedder
from service.models.llm import LLMError
from service.settings import EMBEDDED_LLM

pytestmark = pytest.mark.e2e


def test_embedder_puts_paraphrases_closer_than_unrelated_text(embedded_models):
    vectors = embedded_models.embedder.embed([
        "Belgian intelligence is watching Alibaba's cargo hub.",
        "The security service monitors the Alibaba logistics centre in Liege.",
        "The recipe needs two eggs and a cup of flour.",
    ])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


def test_optional_bge_small_embedder_loads_from_package_files():
    vectors = BgeSmallEmbedder(threads=2).embed(["cargo airport", "air freight hub", "chocolate cake"])
    assert vectors.shape == (3, 384)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_reranker_ranks_the_answering_passage_first(embedded_models):
    scores = embedded_models.reranker.score("Who is monitoring Alibaba?", [
        "The weather in Liege was mild this week.",
        "Belgium's State Security Service is monitoring Alibaba's logistics hub at Liege airport.",
        "Alibaba reported quarterly revenue growth.",
    ])
    assert int(np.argmax(scores)) == 1


def test_litellm_completion_reaches_the_embedded_model(embedded_models):
    response = litellm.completion(
        model=EMBEDDED_LLM,
        messages=[{"role": "user", "content": "What is the capital of France? Answer in one word."}],
        max_tokens=8, temperature=0,
    )
    text = response.choices[0].message.content
    assert "Paris" in text
    assert response.usage.prompt_tokens > 10 and response.usage.completion_tokens >= 1


def test_litellm_streams_from_the_embedded_model(embedded_models):
    pieces = [
        chunk.choices[0].delta.content or ""
        for chunk in litellm.completion(
            model=EMBEDDED_LLM,
            messages=[{"role": "user", "content": "Count from one to five in words, separated by commas."}],
            max_tokens=20, temperature=0, stream=True,
        )
    ]
    assert sum(1 for p in pieces if p) > 3
    assert "three" in "".join(pieces).lower()


def test_seam_streams_and_completes_the_same_greedy_text(embedded_models):
    messages = [{"role": "user", "content": "Name three primary colours."}]
    whole = embedded_models.llm.complete(messages, max_tokens=24).text
    assert "".join(embedded_models.llm.stream(messages, max_tokens=24)) == whole


def test_next_token_probabilities_from_the_embedded_model(embedded_models):
    def ask(question):
        return embedded_models.llm.next_token_probabilities(
            [{"role": "user", "content": f"{question} Answer Yes or No."}], ["Yes", "No"]
        )

    yes = ask("Is Paris the capital of France?")
    no = ask("Is Berlin the capital of Spain?")
    assert yes["Yes"] > yes["No"] and no["No"] > no["Yes"]
    assert 0.5 < yes["Yes"] + yes["No"] <= 1.0 + 1e-6


LONG_STORY = [{"role": "user", "content": "Write a long story, in many paragraphs, about a lighthouse keeper."}]


def test_a_call_that_runs_past_the_timeout_ends_there_and_leaves_the_model_usable(embedded_models, monkeypatch):
    # 400 tokens take over 30 s on 2 cores; the call must end near the 1 s timeout instead.
    monkeypatch.setattr(embedded_models._local_provider, "timeout_s", 1.0)
    started = time.monotonic()
    with pytest.raises(LLMError, match="SOURCED_LLM_TIMEOUT_S"):
        embedded_models.llm.complete(LONG_STORY, max_tokens=400)
    assert time.monotonic() - started < 10
    monkeypatch.undo()
    assert "Paris" in embedded_models.llm.complete(
        [{"role": "user", "content": "What is the capital of France? Answer in one word."}], max_tokens=8).text


def test_a_stream_closed_half_way_frees_the_model_at_once(embedded_models):
    pieces = iter(embedded_models.llm.stream(LONG_STORY, max_tokens=400))
    assert next(pieces)
    pieces.close()
    lock = embedded_models._local_provider._lock
    assert lock.acquire(timeout=1.0), "the model was still held by the abandoned stream"
    lock.release()
