"""The embedded generator (a GGUF model run by llama-cpp-python) as a litellm custom provider.

Registered under the provider name `local`, so `litellm.completion(model="local/<name>")`
reaches it like any remote model. llama.cpp contexts are not thread-safe, so every call
holds one lock: the embedded model serves one generation at a time, to callers in the order
they came. SOURCED_LLM_TIMEOUT_S counts from the call, its wait for the lock included: a caller
still waiting then fails, and generation stops at the next token (reading the prompt, a few
seconds at most, cannot be interrupted).

A llama.cpp context reuses the longest token prefix its previous prompt shares with the next
one, so a prompt whose fixed part (rules, worked examples, the judge's instructions) comes
first pays only for its new tokens. Answers, judgements and summaries alternate, and each
would evict the others' prefix from a single context; so the provider keeps a few contexts
(`SOURCED_LLM_CONTEXTS`, each a copy of the weights in memory) and sends each kind of prompt,
known by the start of its first message, to the context that last served that kind.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from litellm import CustomLLM
from litellm.types.utils import (ChatCompletionTokenLogprob, ChoiceLogprobs, GenericStreamingChunk,
                                 PromptTokensDetailsWrapper, Usage)
from litellm.utils import ModelResponse

from service import metrics
from service.models.gguf import QWEN_CODER_1_5B, SplitModel, ensure_assembled
from service.settings import Settings

if TYPE_CHECKING:  # llama_cpp is imported when the model loads, not when this module does
    from llama_cpp import Llama

PROVIDER = "local"
LOCAL_MODELS: dict[str, SplitModel] = {"qwen2.5-coder-1.5b-instruct": QWEN_CODER_1_5B}
# Characters of a prompt's first message that name its kind: the system prompts and the judge's
# instructions differ well within them, and no request's own text reaches that far.
PROMPT_KIND_CHARS = 160


class UnknownLocalModel(ValueError):
    """`local/<name>` where no embedded model has that name."""


def local_model_spec(model: str) -> SplitModel:
    name = model.removeprefix(f"{PROVIDER}/")
    if name not in LOCAL_MODELS:
        raise UnknownLocalModel(
            f"no embedded model called {name!r}; embedded models: "
            + ", ".join(f"{PROVIDER}/{n}" for n in LOCAL_MODELS)
        )
    return LOCAL_MODELS[name]


class FairLock:
    """A lock handed to its waiters first come, first served, each waiting at most its timeout.
    (threading.Lock wakes an arbitrary waiter, so under load one request could wait for ever
    while later ones are served.)"""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiters: deque[threading.Event] = deque()

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            turn = threading.Event()
            self._waiters.append(turn)
        if turn.wait(timeout):
            return True
        with self._mutex:
            if turn.is_set():  # handed over just as the wait ran out
                return True
            self._waiters.remove(turn)
            return False

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().set()  # the lock passes straight to the next waiter
            else:
                self._held = False


class _Deadline:
    """A llama-cpp logits processor that ends generation once the call's time is up: from then on
    only the end-of-sequence token can be sampled, so the context is left in a clean state."""

    def __init__(self, deadline: float, end_token: int):
        self.deadline = deadline
        self.end_token = end_token
        self.expired = False

    def __call__(self, input_ids: np.ndarray, scores: np.ndarray) -> np.ndarray:
        if time.monotonic() > self.deadline:
            self.expired = True
            scores[:] = -np.inf
            scores[self.end_token] = 0.0
        return scores


class _CaptureLogits:
    """A llama-cpp logits processor that keeps each step's logits and changes nothing."""

    def __init__(self) -> None:
        self.steps: list[np.ndarray] = []

    def __call__(self, input_ids: np.ndarray, scores: np.ndarray) -> np.ndarray:
        self.steps.append(np.array(scores, dtype=np.float32, copy=True))
        return scores


class LocalLlamaProvider(CustomLLM):
    def __init__(self, settings: Settings):
        super().__init__()
        from llama_cpp import Llama

        spec = local_model_spec(settings.llm_model)
        started = time.perf_counter()
        self.path: Path = ensure_assembled(settings.models_path, spec)
        # mmap makes generation ~20x slower on this kind of machine (pages evicted under load).
        self.contexts = [
            Llama(model_path=str(self.path), n_ctx=settings.llm_context_tokens, n_threads=settings.threads,
                  n_threads_batch=settings.threads, use_mmap=False, verbose=False)
            for _ in range(settings.llm_contexts)
        ]
        self.load_seconds = time.perf_counter() - started
        self.timeout_s = settings.llm_timeout_s
        self._lock = FairLock()
        self._kinds: OrderedDict[str, Llama] = OrderedDict()  # prompt kind -> its context, least recent first

    @property
    def llama(self) -> Llama:
        """The first context: for callers that use llama-cpp-python directly (benchmarks)."""
        return self.contexts[0]

    def close(self) -> None:
        with self._turn():
            for context in self.contexts:
                context.close()

    @contextmanager
    def _turn(self) -> Iterator[float]:
        """The model, for one call, and the monotonic time by which the call must end: callers queue
        in order, the wait is measured, and one that waits out SOURCED_LLM_TIMEOUT_S fails (and
        degrades) instead."""
        started = time.monotonic()
        acquired = self._lock.acquire(timeout=self.timeout_s)
        metrics.embedded_lock_wait.observe(time.monotonic() - started)
        if not acquired:
            raise TimeoutError(f"the embedded model was busy for {self.timeout_s:g} s (SOURCED_LLM_TIMEOUT_S)")
        try:
            yield started + self.timeout_s
        finally:
            self._lock.release()

    def _timed_out(self) -> TimeoutError:
        return TimeoutError(f"the embedded model ran past {self.timeout_s:g} s (SOURCED_LLM_TIMEOUT_S)")

    def _context_for(self, messages: list[dict]) -> Llama:
        """The context that last served this kind of prompt, else the one used least recently."""
        kind = str(messages[0].get("content", ""))[:PROMPT_KIND_CHARS] if messages else ""
        if kind in self._kinds:
            self._kinds.move_to_end(kind)
            return self._kinds[kind]
        busy = list(self._kinds.values())
        free = [c for c in self.contexts if c not in busy]
        context = free[0] if free else self._kinds[next(iter(self._kinds))]
        for other in [k for k, c in self._kinds.items() if c is context]:
            del self._kinds[other]
        self._kinds[kind] = context
        return context

    @staticmethod
    def _cached_prefix(before: list[int], prompt: list[int]) -> int:
        """Tokens of `prompt` that the context still held from its previous call (not evaluated again)."""
        shared = 0
        for a, b in zip(before, prompt):
            if a != b:
                break
            shared += 1
        return min(shared, max(len(prompt) - 1, 0))

    def _usage(self, llama: Llama, before: list[int], prompt_tokens: int, completion_tokens: int) -> Usage:
        prompt = llama.input_ids[:prompt_tokens].tolist()
        return Usage(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
                     total_tokens=prompt_tokens + completion_tokens,
                     prompt_tokens_details=PromptTokensDetailsWrapper(
                         cached_tokens=self._cached_prefix(before, prompt)))

    def _llama_options(self, optional_params: dict) -> dict:
        options = {
            "max_tokens": optional_params.get("max_tokens") or 256,
            "temperature": optional_params.get("temperature", 0.0),
            "stop": optional_params.get("stop"),
            "seed": optional_params.get("seed", 0),
        }
        if "top_p" in optional_params:
            options["top_p"] = optional_params["top_p"]
        return options

    def _logprobs(self, llama: Llama, capture: _CaptureLogits, tokens: list[str], top: int) -> ChoiceLogprobs:
        content = []
        for logits, token in zip(capture.steps, tokens):
            logprobs = logits - (np.log(np.exp(logits - logits.max()).sum()) + logits.max())
            best = np.argsort(-logprobs)[: max(top, 1)]
            alternatives = [
                {"token": self._piece(llama, int(i)), "logprob": float(logprobs[i]), "bytes": None} for i in best
            ]
            content.append(
                ChatCompletionTokenLogprob(
                    token=token, logprob=alternatives[0]["logprob"], bytes=None, top_logprobs=alternatives
                )
            )
        return ChoiceLogprobs(content=content)

    @staticmethod
    def _piece(llama: Llama, token_id: int) -> str:
        return llama.detokenize([token_id]).decode("utf-8", errors="replace")

    def completion(self, model, messages, api_base, custom_prompt_dict, model_response: ModelResponse,
                   print_verbose, encoding, api_key, logging_obj, optional_params: dict, *args, **kwargs):
        wants_logprobs = bool(optional_params.get("logprobs"))
        capture = _CaptureLogits()
        with self._turn() as deadline:
            llama = self._context_for(messages)
            before = llama.input_ids[:llama.n_tokens].tolist()
            timer = _Deadline(deadline, llama.token_eos())
            result = llama.create_chat_completion(
                messages=messages,
                logits_processor=[capture, timer] if wants_logprobs else [timer],
                **self._llama_options(optional_params),
            )
            if timer.expired:
                raise self._timed_out()
            usage = self._usage(llama, before, result["usage"]["prompt_tokens"],
                                result["usage"]["completion_tokens"])
            if wants_logprobs:
                completion_ids = llama.tokenize(
                    (result["choices"][0]["message"]["content"] or "").encode(), add_bos=False, special=True
                )
                pieces = [self._piece(llama, i) for i in completion_ids] or [""]
                logprobs = self._logprobs(llama, capture, pieces, optional_params.get("top_logprobs") or 1)
        choice = result["choices"][0]
        model_response.choices[0].message.content = choice["message"]["content"]
        model_response.choices[0].finish_reason = choice.get("finish_reason") or "stop"
        if wants_logprobs:
            model_response.choices[0].logprobs = logprobs
        model_response.model = model
        model_response.usage = usage
        return model_response

    def streaming(self, model, messages, api_base, custom_prompt_dict, model_response, print_verbose,
                  encoding, api_key, logging_obj, optional_params: dict, *args, **kwargs
                  ) -> Iterator[GenericStreamingChunk]:
        with self._turn() as deadline:
            llama = self._context_for(messages)
            before = llama.input_ids[:llama.n_tokens].tolist()
            timer = _Deadline(deadline, llama.token_eos())
            completion_tokens = 0
            for chunk in llama.create_chat_completion(
                messages=messages, stream=True, logits_processor=[timer], **self._llama_options(optional_params)
            ):
                if timer.expired:
                    raise self._timed_out()
                choice = chunk["choices"][0]
                text = choice["delta"].get("content") or ""
                finish = choice.get("finish_reason")
                completion_tokens += bool(text)
                if finish:
                    prompt_tokens = max(llama.n_tokens - completion_tokens, 0)
                    usage = self._usage(llama, before, prompt_tokens, completion_tokens)
                    yield GenericStreamingChunk(
                        text=text, is_finished=True, finish_reason=finish, index=0, tool_use=None,
                        usage={"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                               "total_tokens": prompt_tokens + completion_tokens,
                               "prompt_tokens_details": {"cached_tokens": usage.prompt_tokens_details.cached_tokens}},
                    )
                    return
                if text:
                    yield GenericStreamingChunk(
                        text=text, is_finished=False, finish_reason="", index=0, tool_use=None, usage=None
                    )

    async def acompletion(self, *args, **kwargs):
        return await asyncio.to_thread(self.completion, *args, **kwargs)

    async def astreaming(self, *args, **kwargs) -> AsyncIterator[GenericStreamingChunk]:
        stream = self.streaming(*args, **kwargs)
        done = object()
        while (chunk := await asyncio.to_thread(next, stream, done)) is not done:
            yield chunk
