"""POST /v1/ask: a cited, checked answer as JSON, or as server-sent events with `stream`."""

from __future__ import annotations

import json
from collections.abc import Iterator

from flask import Blueprint, Response, stream_with_context

from service.answer import AskRequest, AskResponse, Event
from service.api import require_ready, runtime, tenant
from service.api.limits import check_article_ids, check_question
from service.api.schema import operation, parse_json
from service.errors import internal_problem

bp = Blueprint("ask", __name__, url_prefix="/v1")
bp.before_request(require_ready)


@bp.post("/ask")
@operation("Answer a question from the ingested articles; every sentence cites and is checked against "
           "verbatim quotes. With stream=true: text/event-stream of `token` events, then one `answer` event "
           "(this schema) with the checked sentences", body=AskRequest, response=AskResponse, streams=True)
def ask_view():
    body = parse_json(AskRequest)
    settings = runtime().settings
    check_question(body.question, body.messages, settings)
    check_article_ids(body.filters.article_ids, settings)
    answerer = runtime().answerer()
    if not body.stream:
        return answerer.ask(body, tenant()).model_dump(mode="json")
    events = answerer.events(body, tenant())
    return Response(stream_with_context(_server_sent(events)), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _server_sent(events: Iterator[Event]) -> Iterator[str]:
    """Once the stream has begun the status is sent, so a late failure is an `error` event."""
    try:
        for name, data in events:
            payload = {"text": data} if name == "token" else data.model_dump(mode="json")
            yield f"event: {name}\ndata: {json.dumps(payload, ensure_ascii=False)}\n\n"
    except Exception as exc:
        yield f"event: error\ndata: {internal_problem(exc).model_dump_json(exclude_none=True)}\n\n"
