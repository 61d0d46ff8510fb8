"""The LLM seam, with the model faked at litellm's custom-provider boundary."""


import pytest

from service.models.fake_llm import register_fake
from service.models.llm import LLM, LLMConfigError
from service.settings import Settings


@pytest.fixture
def echo():
    return register_fake(lambda messages: "You said: " + messages[-1]["content"])


def llm_for(model: str) -> LLM:
    return LLM(Settings(llm_model=model))


def test_complete_goes_through_litellm_to_the_provider(echo):
    completion = llm_for("fake/echo").complete([{"role": "user", "content": "hello there"}])
    assert completion.text == "You said: hello there"
    assert completion.completion_tokens == 4
    assert echo.calls == [[{"role": "user", "content": "hello there"}]]


def test_stream_yields_pieces_that_join_to_the_answer(echo):
    pieces = list(llm_for("fake/echo").stream([{"role": "user", "content": "one two"}]))
    assert len(pieces) > 1
    assert "".join(pieces) == "You said: one two"


def test_next_token_probabilities_is_none_when_the_provider_has_no_logprobs(echo):
    assert llm_for("fake/echo").next_token_probabilities([{"role": "user", "content": "ok?"}], ["Yes", "No"]) is None


@pytest.mark.parametrize("model", ["nosuchprovider/some-model", "local/not-a-model", ""])
def test_an_unknown_model_string_fails_at_construction(model):
    with pytest.raises(LLMConfigError):
        llm_for(model)


def test_known_remote_providers_are_accepted_without_a_call():
    for model in ["openai/gpt-4o-mini", "ollama/llama3.1", "hosted_vllm/qwen", "anthropic/claude-3-5-haiku"]:
        assert llm_for(model).model == model


def test_waiting_longer_than_the_timeout_for_the_embedded_model_fails_instead_of_queueing():
    import time

    from service.models.local_llm import FairLock, LocalLlamaProvider

    provider = LocalLlamaProvider.__new__(LocalLlamaProvider)  # the lock alone, without loading weights
    provider._lock, provider.timeout_s = FairLock(), 0.2
    with provider._turn():
        started = time.monotonic()
        with pytest.raises(TimeoutError, match="SOURCED_LLM_TIMEOUT_S"), provider._turn():
            pass
        assert time.monotonic() - started < 1.0
    with provider._turn() as deadline:  # released: the next caller gets it at once, with its own deadline
        assert deadline > time.monotonic()
