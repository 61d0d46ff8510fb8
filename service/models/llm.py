"""The LLM seam. litellm is the only way the service calls a language model.

`LLM` applies the settings (model string, api_base, key, timeout) to every litellm
call, so the rest of the service never imports litellm. The embedded generator is a
litellm custom provider (`local/...`), registered beside any other provider, so that
changing `SOURCED_LLM_MODEL` to `openai/...`, `ollama/...` or `hosted_vllm/...` is the
whole switch.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import litellm
from litellm import CustomLLM
from pydantic import BaseModel, Field

from service import metrics
from service.settings import Settings

litellm.suppress_debug_info = True

Message = dict[str, str]


def shown_name(model: str) -> str:
    """A model's name as a reader sees it: "qwen2.5-coder-1.5b-instruct", not the embedded
    provider's routing name "local/qwen2.5-coder-1.5b-instruct" (an editor read it as a file path)."""
    return model.removeprefix("local/")


class LLMConfigError(ValueError):
    """The configured model string names no provider litellm knows, or no embedded model."""


class LLMError(RuntimeError):
    """The model call failed (provider down, timeout, bad response)."""


@dataclass(frozen=True)
class Completion:
    text: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    cached_prompt_tokens: int = 0  # of prompt_tokens, those the provider reused instead of evaluating


def _usage_of(completion_text: str, model: str, usage, pieces: int | None = None) -> Completion:
    details = getattr(usage, "prompt_tokens_details", None)
    cached = details.get("cached_tokens") if isinstance(details, dict) else getattr(details, "cached_tokens", 0)
    return Completion(text=completion_text, model=model,
                      prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
                      completion_tokens=getattr(usage, "completion_tokens", 0) or (pieces or 0),
                      cached_prompt_tokens=cached or 0)


class TokenStream:
    """Iterate for text pieces; afterwards `completion` holds the whole text and token usage."""

    def __init__(self, model: str, kwargs: dict):
        self.model = model
        self._kwargs = kwargs
        self.completion: Completion | None = None

    def __iter__(self) -> Iterator[str]:
        pieces: list[str] = []
        usage = None
        with metrics.timed_llm_call(self.model, "stream"):
            try:
                for chunk in litellm.completion(**self._kwargs, stream=True, stream_options={"include_usage": True}):
                    usage = getattr(chunk, "usage", None) or usage
                    piece = chunk.choices[0].delta.content if chunk.choices else None
                    if piece:
                        pieces.append(piece)
                        yield piece
            except Exception as exc:  # litellm maps every provider's failure onto its own exception tree
                raise LLMError(f"{self.model}: {exc}") from exc
            if not pieces and usage is None:
                # Not a short answer but no answer at all (a body litellm could not read as events).
                raise LLMError(f"{self.model}: the stream carried no text")
        self.completion = _usage_of("".join(pieces), self.model, usage, len(pieces))
        metrics.count_tokens(self.model, self.completion.prompt_tokens, self.completion.completion_tokens)


class Usage(BaseModel):
    """Tokens spent by one request, over all its model calls."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_prompt_tokens: int = Field(
        default=0, description="Of prompt_tokens, those the provider reused from its prompt cache.")

    def add(self, completion: Completion) -> None:
        self.prompt_tokens += completion.prompt_tokens
        self.completion_tokens += completion.completion_tokens
        self.cached_prompt_tokens += completion.cached_prompt_tokens


def register_provider(name: str, handler: CustomLLM) -> None:
    """Add (or replace) a litellm custom provider without dropping other registrations."""
    others = [p for p in litellm.custom_provider_map if p["provider"] != name]
    litellm.custom_provider_map = [*others, {"provider": name, "custom_handler": handler}]
    litellm.utils.custom_llm_setup()


class LLM:
    """`in_process`: the model runs in this process (the embedded one): one call at a time, and
    no retries, since what fails it (its own timeout, a bad prompt) fails it again.
    `max_concurrency`: calls worth having in flight at once (None: as many as the caller likes,
    a remote server queues them)."""

    def __init__(self, settings: Settings, in_process: bool = False):
        self.model = settings.llm_model
        self.max_concurrency = 1 if in_process else None
        self.max_tokens = settings.llm_max_tokens
        api_key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        retries = 0 if in_process else settings.llm_retries
        options = {"api_base": settings.llm_api_base, "api_key": api_key,
                   "timeout": settings.llm_timeout_s, "num_retries": retries or None}
        self._call_options = {k: v for k, v in options.items() if v is not None}
        validate_model_string(self.model)

    def _kwargs(self, messages: Sequence[Message], max_tokens: int | None, stop: Sequence[str] | None) -> dict:
        return {
            "model": self.model,
            "messages": list(messages),
            "max_tokens": max_tokens or self.max_tokens,
            "temperature": 0.0,
            **({"stop": list(stop)} if stop else {}),
            **self._call_options,
        }

    def complete(
        self, messages: Sequence[Message], max_tokens: int | None = None, stop: Sequence[str] | None = None
    ) -> Completion:
        with metrics.timed_llm_call(self.model, "complete"):
            try:
                response = litellm.completion(**self._kwargs(messages, max_tokens, stop))
            except Exception as exc:  # litellm maps every provider's failure onto its own exception tree
                raise LLMError(f"{self.model}: {exc}") from exc
        completion = _completion_from(response, self.model)
        metrics.count_tokens(self.model, completion.prompt_tokens, completion.completion_tokens)
        return completion

    def stream(
        self, messages: Sequence[Message], max_tokens: int | None = None, stop: Sequence[str] | None = None
    ) -> TokenStream:
        """Text pieces as the model produces them; the stream's `completion` is set at the end."""
        return TokenStream(self.model, self._kwargs(messages, max_tokens, stop))

    def next_token_probabilities(
        self, messages: Sequence[Message], candidates: Sequence[str], top: int = 20
    ) -> dict[str, float] | None:
        """Probability of each candidate as the first answer token, or None where the provider
        returns no logprobs (then the caller reads the answer text instead).

        Candidates are matched on the stripped, case-sensitive token text, and all variants of
        a candidate (" Yes", "Yes") are summed.
        """
        with metrics.timed_llm_call(self.model, "judge"):
            try:
                response = litellm.completion(
                    **self._kwargs(messages, 1, None), logprobs=True, top_logprobs=top
                )
            except litellm.UnsupportedParamsError:
                return None
            except Exception as exc:
                raise LLMError(f"{self.model}: {exc}") from exc
        logprobs = getattr(response.choices[0], "logprobs", None)
        content = getattr(logprobs, "content", None) if logprobs is not None else None
        if not content:
            return None
        probabilities = dict.fromkeys(candidates, 0.0)
        for alternative in content[0].top_logprobs:
            token = alternative.token.strip()
            if token in probabilities:
                probabilities[token] += math.exp(alternative.logprob)
        return probabilities


def validate_model_string(model: str) -> None:
    from service.models.local_llm import PROVIDER, UnknownLocalModel, local_model_spec

    if model.startswith(f"{PROVIDER}/"):
        try:
            local_model_spec(model)
        except UnknownLocalModel as exc:
            raise LLMConfigError(f"SOURCED_LLM_MODEL={model!r}: {exc}") from None
        return
    try:
        litellm.get_llm_provider(model)
    except Exception as exc:
        raise LLMConfigError(
            f"SOURCED_LLM_MODEL={model!r} names no provider litellm knows ({exc.__class__.__name__}). "
            "Use local/<embedded model>, or a litellm string such as openai/gpt-4o-mini, "
            "ollama/llama3.1, hosted_vllm/<model> with SOURCED_LLM_API_BASE."
        ) from None


def _completion_from(response, model: str) -> Completion:
    return _usage_of(response.choices[0].message.content or "", model, getattr(response, "usage", None))
