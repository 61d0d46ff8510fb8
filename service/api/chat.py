"""The OpenAI chat API over the ask pipeline: `POST /v1/chat/completions` and `GET /v1/models`.

Chat tools that already speak it (Open WebUI, LibreChat, the openai libraries) reach the same
condensing, retrieval, generation and checking as `/v1/ask`, over the caller's tenant, with the
same keys. The client's system messages are dropped: they steer neither retrieval nor the
service's own rules. The reply's text carries `[n]` markers and a "Sources" list a plain chat
client can show, with article text escaped for the Markdown chat clients render (a title cannot
become an image or a link); the structured, unescaped citations come in the extra top-level
field `sourced`.

A streamed reply sends the checked answer, never the unchecked draft: a chat client cannot take
back text it has shown, so while the draft is written and checked the stream carries only SSE
comments, which keep the connection alive and which clients ignore.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from typing import Annotated, Literal

from flask import Blueprint, Response, request, stream_with_context
from pydantic import BaseModel, ConfigDict, Field

from service.answer import AskRequest, AskResponse
from service.api import runtime, tenant
from service.api.limits import check_question
from service.api.schema import operation, parse_json
from service.citations import with_markers
from service.errors import PROBLEM_JSON, ProblemError, internal_problem, request_id
from service.generate import Message
from service.text import markdown_escaped, markdown_url

bp = Blueprint("chat", __name__, url_prefix="/v1")

# Each model a chat client may name: the ask mode it runs, and what it gives.
MODELS = {"sourced": ("generate", "generated answers, every sentence cited and checked against its quotes"),
          "sourced-extractive": ("extractive", "the best quoted sentences themselves, no LLM")}
# Every route under these answers errors in OpenAI's shape, an unknown method or path included.
OPENAI_PATHS = ("/v1/chat/", "/v1/models")
SOURCES_HEADING = "Sources:"
# Seconds between keep-alive comments while the answer is drafted and checked.
KEEP_ALIVE_S = 2.0
MAX_CONTENT_PARTS = 64
# OpenAI's error `type` for each status a problem can have.
ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
               404: "not_found_error", 405: "invalid_request_error", 413: "invalid_request_error",
               415: "invalid_request_error", 422: "invalid_request_error", 429: "rate_limit_error",
               503: "service_unavailable"}


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")  # name, tool_calls, ...: accepted, not used
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | Annotated[list[ContentPart], Field(max_length=MAX_CONTENT_PARTS)] | None = None

    def text(self) -> str:
        if self.content is None or isinstance(self.content, str):
            return self.content or ""
        if any(part.type != "text" for part in self.content):
            raise unsupported("messages", "only text content is supported")
        return "".join(part.text or "" for part in self.content)


class ChatCompletionRequest(BaseModel):
    """The OpenAI request. Fields that steer sampling (temperature, top_p, max_tokens, seed, user,
    ...) are accepted and ignored: the service samples greedily and bounds the answer itself."""

    model_config = ConfigDict(extra="allow")
    model: str = Field(description="`sourced` (generated, checked answers) or `sourced-extractive` (quotes only).")
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    stream_options: dict | None = None
    n: int = Field(default=1, description="Only 1.")
    tools: list | None = Field(default=None, description="Not supported.")
    functions: list | None = Field(default=None, description="Not supported.")


class ChatCompletionMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChatChoice(BaseModel):
    index: int = 0
    message: ChatCompletionMessage
    finish_reason: Literal["stop"] = "stop"


class ChatUsage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: ChatUsage
    sourced: AskResponse = Field(description="The answer as /v1/ask gives it: citations with spans and quotes.")


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "sourced"
    description: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class OpenAIErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None
    code: str | None


class OpenAIError(BaseModel):
    """Errors of these routes, in the shape OpenAI clients read."""

    error: OpenAIErrorDetail
    request_id: str | None = None


@bp.get("/models")
@operation("The models a chat client may name: `sourced` and `sourced-extractive`", response=ModelList,
           error=OpenAIError)
def list_models():
    return ModelList(data=[ModelCard(id=name, description=text)
                           for name, (_, text) in MODELS.items()]).model_dump(mode="json")


@bp.get("/models/<model>")
@operation("One model", response=ModelCard, error=OpenAIError)
def get_model(model: str):
    if model not in MODELS:
        raise ProblemError(404, "Not Found", f"no model {model!r}; the models are {', '.join(MODELS)}")
    return ModelCard(id=model, description=MODELS[model][1]).model_dump(mode="json")


@bp.post("/chat/completions")
@operation("OpenAI-compatible chat: the conversation is answered by the ask pipeline; with stream=true, "
           "`chat.completion.chunk` events of the checked answer, then `data: [DONE]`",
           body=ChatCompletionRequest, response=ChatCompletion, streams=True, error=OpenAIError)
def chat_completions():
    body = parse_json(ChatCompletionRequest)
    settings = runtime().settings
    ask = ask_request(body, settings.max_messages)
    check_question(None, ask.messages, settings)
    runtime().require_ready()
    answerer = runtime().answerer()
    created = int(time.time())
    if not body.stream:
        answer = answerer.ask(ask, tenant())
        return completion(answer, body.model, created).model_dump(mode="json")
    events = answerer.events(ask, tenant())  # retrieval runs here: its errors are plain errors
    include_usage = bool((body.stream_options or {}).get("include_usage"))
    return Response(stream_with_context(_chunks(events, body.model, created, include_usage)),
                    mimetype="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def unsupported(param: str, detail: str) -> ProblemError:
    return ProblemError(400, "Bad Request", detail, [{"loc": [param], "msg": detail}])


def ask_request(body: ChatCompletionRequest, most_messages: int) -> AskRequest:
    """The conversation as an ask: its last `most_messages` messages (chat clients send the whole
    history every time, and condensing reads only the last few turns), without the client's system
    messages and tool turns, and each earlier answer without its Sources list (quotes would pull
    the condensed question off course)."""
    if body.model not in MODELS:
        raise ProblemError(404, "Not Found", f"no model {body.model!r}; the models are {', '.join(MODELS)}",
                           [{"loc": ["model"], "msg": "model_not_found"}])
    if body.n != 1:
        raise unsupported("n", "only n=1 is supported: one checked answer per question")
    if body.tools or body.functions:
        raise unsupported("tools", "tools and functions are not supported: the service answers from its articles")
    turns = []
    for message in body.messages[-most_messages:]:
        if message.role not in ("user", "assistant"):
            continue
        text = message.text()
        if message.role == "assistant" and f"\n\n{SOURCES_HEADING}\n" in text:
            text = text.split("\n\n", 1)[0]  # our own reply: the answer, before its notes and sources
        if text.strip():
            turns.append(Message(role=message.role, content=text))
    if not turns or turns[-1].role != "user":
        raise unsupported("messages", "the conversation must end with a user message that asks something")
    return AskRequest(messages=turns, mode=MODELS[body.model][0], stream=body.stream)


def reply_parts(answer: AskResponse) -> tuple[list[str], str]:
    """The answer's sentences with their [n] markers, and the Sources list (one line per citation:
    the quote, its title and URL), all article text escaped for Markdown."""
    if not answer.found:
        return [answer.answer], ""
    sentences = [with_markers(markdown_escaped(s.text), s.citations) for s in answer.sentences]
    lines = [f'[{c.n}] "{markdown_escaped(c.quote)}" ({markdown_escaped(c.title)}'
             f'{", <" + markdown_url(c.url) + ">" if c.url else ""})' for c in answer.citations]
    notes = checker_notes(answer)
    return sentences, "\n".join(["", "", *([*notes, ""] if notes else []), SOURCES_HEADING, *lines])


def checker_notes(answer: AskResponse) -> list[str]:
    """What a chat reader should know that the sentences alone do not say."""
    notes = []
    if answer.fallback:
        notes.append(f"Quoted, not written: {answer.fallback}; these are the best matching sentences as they stand.")
    if answer.removed:
        notes.append(f"Removed: {answer.removed} sentence(s) the model wrote that their quotes did not support.")
    notes += [f"Degraded: {part}." for part in answer.degraded]
    return notes


def reply_text(answer: AskResponse) -> str:
    sentences, sources = reply_parts(answer)
    return " ".join(sentences) + sources


def usage_of(answer: AskResponse) -> ChatUsage:
    used = answer.usage
    return ChatUsage(prompt_tokens=used.prompt_tokens, completion_tokens=used.completion_tokens,
                     total_tokens=used.prompt_tokens + used.completion_tokens)


def completion(answer: AskResponse, model: str, created: int) -> ChatCompletion:
    return ChatCompletion(id=f"chatcmpl-{request_id()}", created=created, model=model,
                          choices=[ChatChoice(message=ChatCompletionMessage(content=reply_text(answer)))],
                          usage=usage_of(answer), sourced=answer)


def _in_background(events: Iterator, stop: threading.Event) -> queue.Queue:
    """The events, read in a thread into a queue, so that the response can send keep-alives while
    the pipeline is busy (condensing, retrieving, checking). Once `stop` is set (the client went
    away) the thread stops reading and closes the pipeline, which frees the model."""
    found: queue.Queue = queue.Queue()

    def read() -> None:
        try:
            for event in events:
                if stop.is_set():
                    break
                found.put(event)
        except Exception as exc:  # handed to the response, which reports it
            found.put(("failed", exc))
        finally:
            events.close()
            found.put(("end", None))

    threading.Thread(target=read, name="chat-stream", daemon=True).start()
    return found


def _chunks(events: Iterator, model: str, created: int, include_usage: bool) -> Iterator[str]:
    chunk_id = f"chatcmpl-{request_id()}"

    def event(choices: list[dict], **extra) -> str:
        data = {"id": chunk_id, "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": choices, **extra}
        return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

    def chunk(delta: dict, finish: str | None = None, **extra) -> str:
        return event([{"index": 0, "delta": delta, "finish_reason": finish}], **extra)

    yield chunk({"role": "assistant", "content": ""})
    stop = threading.Event()
    found = _in_background(events, stop)
    try:
        answer = None
        while True:
            try:
                name, data = found.get(timeout=KEEP_ALIVE_S)
            except queue.Empty:
                yield ": drafting and checking\n\n"
                continue
            if name == "failed":
                raise data
            if name == "end":
                break
            if name == "answer":
                answer = data
        sentences, sources = reply_parts(answer)
        for i, sentence in enumerate(sentences):
            yield chunk({"content": sentence if i == len(sentences) - 1 else sentence + " "})
        if sources:
            yield chunk({"content": sources})
        yield chunk({}, "stop", sourced=answer.model_dump(mode="json"))
        if include_usage:
            yield event([], usage=usage_of(answer).model_dump())
    except Exception as exc:  # the status is sent: a late failure is an error event
        problem = internal_problem(exc)
        error = {"error": openai_error(problem.status, problem.detail or problem.title), "request_id": problem.request_id}
        yield f"data: {json.dumps(error)}\n\n"
    finally:
        stop.set()
    yield "data: [DONE]\n\n"


def openai_error(status: int, message: str, param: str | None = None, code: str | None = None) -> dict:
    return {"message": message, "type": ERROR_TYPES.get(status, "server_error"), "param": param, "code": code}


@bp.after_app_request
def _openai_errors(response: Response) -> Response:
    """Problems on the OpenAI routes in the shape OpenAI clients read (`{"error": {"message", "type",
    "param", "code"}}`), whichever layer raised them (routing, keys, limits, validation); the request
    id stays beside them. OpenAI answers a body it cannot use with 400, so 422 becomes 400 here."""
    if response.mimetype != PROBLEM_JSON or not request.path.startswith(OPENAI_PATHS):
        return response
    problem = json.loads(response.get_data())
    status = 400 if problem["status"] == 422 else problem["status"]
    errors = problem.get("errors") or []
    param = ".".join(map(str, errors[0]["loc"])) if errors and errors[0].get("loc") else None
    code = "model_not_found" if errors and errors[0].get("msg") == "model_not_found" else None
    if status == 401:
        code = "invalid_api_key"
    error = openai_error(status, problem.get("detail") or problem["title"], param, code)
    response.set_data(json.dumps({"error": error, "request_id": problem.get("request_id")}))
    response.status_code = status
    response.mimetype = "application/json"
    return response
