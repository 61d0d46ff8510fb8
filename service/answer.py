"""The ask pipeline: condense -> retrieve -> context -> generate -> cite -> verify -> response.

`ask` returns one response; `ask_events` yields the same response as server-sent events,
tokens first. Both share every stage, so a streamed answer is checked exactly like a plain
one. Without evidence above the relevance floor the answer says so and asks no model.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from service.citations import Citation, CitedSentence, parse_cited_text, renumber, with_markers
from service.context import Context, build_context, render_passages
from service.models.llm import LLM, LLMError, Usage
from service.prompts import load_examples, load_prompt
from service.retrieve import Filters, Retrieval, retrieve
from service.runtime import Runtime
from service.verify import CheckedSentence, verify

NOT_IN_SOURCES = "Not in the sources: the ingested articles do not answer this question."
REFUSAL = "NOT IN SOURCES"
EXTRACTIVE_SENTENCES = 3
EXTRACTIVE_MARGIN = 3.0  # extra sentences must rank within this of the best (reranker units)
CHUNK_CANDIDATES = 6
CANDIDATES_PER_INDEX = CHUNK_CANDIDATES * 3  # asked of the vector and keyword indexes before fusion


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant", "system"]
    content: str = Field(min_length=1, max_length=8000)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str | None = Field(default=None, min_length=1, max_length=2000,
                                 description="One question; or give `messages` for a chat.")
    messages: list[Message] | None = Field(
        default=None, min_length=1, max_length=50,
        description="Chat history, ending with the user's question; earlier turns resolve follow-ups.")
    mode: Literal["generate", "extractive"] = "generate"
    verify: Literal["remove", "flag"] = Field(
        default="remove", description="Unsupported sentences are removed, or kept and marked supported=false.")
    stream: bool = Field(default=False, description="Server-sent events: tokens, then the checked answer.")
    filters: Filters = Field(default_factory=Filters)
    passages: int = Field(default=8, ge=1, le=20, description="Most source sentences given to the model.")

    @model_validator(mode="after")
    def _one_question(self) -> AskRequest:
        if (self.question is None) == (self.messages is None):
            raise ValueError("give either `question` or `messages`")
        if self.messages is not None and self.messages[-1].role != "user":
            raise ValueError("the last message must be the user's question")
        if self.question is not None and not self.question.strip():
            raise ValueError("the question is blank")
        return self

    @property
    def last_question(self) -> str:
        return self.question.strip() if self.question is not None else self.messages[-1].content.strip()


class Timings(BaseModel):
    condense: float = 0.0
    retrieve: float = 0.0
    rerank: float = 0.0
    generate: float = 0.0
    verify: float = 0.0


class AskResponse(BaseModel):
    question: str = Field(description="The standalone question that was answered.")
    answer: str
    found: bool = Field(description="False when the sources hold nothing relevant; the answer then says so.")
    sentences: list[CitedSentence]
    citations: list[Citation]
    removed: int = Field(description="Generated sentences dropped because the checker found no support.")
    mode: Literal["generate", "extractive"]
    fallback: str | None = Field(default=None, description="Why a generate request was answered extractively.")
    model: str | None
    timings: Timings
    usage: Usage


@dataclass
class Prepared:
    """Everything up to generation: the standalone question and the numbered passages."""

    request: AskRequest
    question: str
    context: Context
    found: bool
    timings: Timings
    usage: Usage = field(default_factory=Usage)


def prepare(request: AskRequest, runtime: Runtime, tenant: str) -> Prepared:
    timings, usage = Timings(), Usage()
    started = time.perf_counter()
    question = condense(request, runtime.models.llm, usage)
    timings.condense = _ms(started)
    retrieval = retrieve_chunks(question, runtime, tenant, request.filters)
    timings.retrieve = round(retrieval.timings_ms["retrieve"], 1)
    started = time.perf_counter()
    context = build_context(question, retrieval.hits, runtime.reranker, limit=request.passages)
    timings.rerank = _ms(started)
    found = context.best_relevance is not None and context.best_relevance >= runtime.relevance_floor
    return Prepared(request=request, question=question, context=context, found=found, timings=timings,
                    usage=usage)


def retrieve_chunks(question: str, runtime: Runtime, tenant: str, filters: Filters) -> Retrieval:
    """The chunks whose sentences the reranker will score (retrieval alone, as bench/ask.py times it)."""
    return retrieve(question, runtime.store, runtime.models.embedder, tenant, k=CHUNK_CANDIDATES,
                    candidates=CANDIDATES_PER_INDEX, filters=filters)


def condense(request: AskRequest, llm: LLM, usage: Usage) -> str:
    """The last question, rewritten to stand alone when earlier turns exist.

    Without a generator (extractive mode, or the model failing) the previous user question
    is prepended instead, which keeps its names in the retrieval query.
    """
    messages = request.messages or []
    earlier = [m for m in messages[:-1] if m.role in ("user", "assistant")]
    question = request.last_question
    if not earlier:
        return question
    if request.mode == "generate":
        conversation = "\n".join(f"{m.role}: {' '.join(m.content.split())}" for m in earlier[-6:])
        prompt = load_prompt("condense").render(conversation=conversation, question=question)
        try:
            completion = llm.complete([{"role": "user", "content": prompt}], max_tokens=60, stop=["\n"])
        except LLMError:
            completion = None
        if completion is not None:
            usage.add(completion)
            rewritten = completion.text.strip().strip('"').strip()
            if rewritten:
                return rewritten
    previous = next((m.content for m in reversed(earlier) if m.role == "user"), "")
    return f"{previous.strip()} {question}".strip()


def answer_messages(prepared: Prepared) -> list[dict[str, str]]:
    template = load_prompt("answer")
    messages = [{"role": "system", "content": load_prompt("answer-system", "v2").render()}]
    for example in load_examples("answer-examples"):
        messages += [{"role": "user", "content": template.render(passages=example["passages"],
                                                                 question=example["question"])},
                     {"role": "assistant", "content": example["answer"]}]
    messages.append({"role": "user", "content": template.render(
        passages=render_passages(prepared.context.passages), question=prepared.question)})
    return messages


def ask(request: AskRequest, runtime: Runtime, tenant: str) -> AskResponse:
    prepared = prepare(request, runtime, tenant)
    if not prepared.found:
        return not_found(prepared)
    if request.mode == "extractive":
        return extractive(prepared)
    llm = runtime.models.llm
    started = time.perf_counter()
    try:
        completion = llm.complete(answer_messages(prepared))
    except LLMError as exc:
        return extractive(prepared, fallback=f"the generator failed: {exc}")
    prepared.timings.generate = _ms(started)
    prepared.usage.add(completion)
    return finish(prepared, completion.text, runtime)


def ask_events(request: AskRequest, runtime: Runtime, tenant: str) -> Iterator[tuple[str, dict]]:
    """Retrieval runs before the first event (so its errors become plain HTTP errors); the
    iterator then yields ("token", {"text"}) as the model writes and ("answer", response)."""
    prepared = prepare(request, runtime, tenant)

    def events() -> Iterator[tuple[str, dict]]:
        if not prepared.found or request.mode == "extractive":
            response = not_found(prepared) if not prepared.found else extractive(prepared)
            yield "answer", response.model_dump(mode="json")
            return
        llm = runtime.models.llm
        started = time.perf_counter()
        pieces: list[str] = []
        stream = llm.stream(answer_messages(prepared))
        try:
            for piece in stream:
                pieces.append(piece)
                yield "token", {"text": piece}
        except LLMError as exc:
            yield "answer", extractive(prepared, fallback=f"the generator failed: {exc}").model_dump(mode="json")
            return
        prepared.timings.generate = _ms(started)
        if stream.completion is not None:
            prepared.usage.add(stream.completion)
        yield "answer", finish(prepared, "".join(pieces), runtime).model_dump(mode="json")

    return events()


def finish(prepared: Prepared, text: str, runtime: Runtime) -> AskResponse:
    """Cite and verify the generated text, then renumber citations in order of use."""
    model = runtime.models.llm.model
    if text.strip().upper().startswith(REFUSAL) or not text.strip():
        return not_found(prepared, model=model)
    passages = prepared.context.passages
    drafts = parse_cited_text(text, {p.n for p in passages})
    started = time.perf_counter()
    checked = verify(drafts, passages, runtime.checker, runtime.settings.answer_min_support)
    prepared.timings.verify = _ms(started)
    kept = checked if prepared.request.verify == "flag" else [s for s in checked if s.supported]
    if not any(s.supported for s in kept):
        response = not_found(prepared, model=model)
        response.removed = len(checked)
        return response
    return respond(prepared, kept, removed=len(checked) - len(kept), mode="generate", model=model)


def extractive(prepared: Prepared, fallback: str | None = None) -> AskResponse:
    """The best few sentences themselves, each citing itself: nothing is said that is not quoted."""
    ranked = sorted(prepared.context.passages, key=lambda p: -p.rank_score)
    best = ranked[0].rank_score
    chosen = [p for p in ranked[:EXTRACTIVE_SENTENCES] if p.rank_score >= best - EXTRACTIVE_MARGIN]
    chosen.sort(key=lambda p: p.n)
    sentences = [CheckedSentence(text=p.text, citations=[p.n], supported=True, score=1.0, recited=False)
                 for p in chosen]
    return respond(prepared, sentences, removed=0, mode="extractive", model=None, fallback=fallback)


def not_found(prepared: Prepared, model: str | None = None) -> AskResponse:
    return AskResponse(question=prepared.question, answer=NOT_IN_SOURCES, found=False, sentences=[], citations=[],
                       removed=0, mode=prepared.request.mode, model=model, timings=prepared.timings,
                       usage=prepared.usage)


def respond(prepared: Prepared, sentences: list[CheckedSentence], *, removed: int, mode: str, model: str | None,
            fallback: str | None = None) -> AskResponse:
    out, citations = renumber(sentences, prepared.context.passages)
    return AskResponse(
        question=prepared.question, answer=" ".join(with_markers(s.text, s.citations) for s in out), found=True,
        sentences=out, citations=citations, removed=removed, mode=mode, fallback=fallback, model=model,
        timings=prepared.timings, usage=prepared.usage)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)

