"""Errors as RFC 9457 problem details (`application/problem+json`).

A client sees a stable `type`, a `detail` written for it and the request's id; what went
wrong inside (SQLite, Chroma, a provider, the network) goes to the log under that id only.
"""

from __future__ import annotations

import logging
import secrets

from flask import Flask, Response, g, has_request_context
from pydantic import BaseModel, Field
from werkzeug.exceptions import HTTPException

PROBLEM_JSON = "application/problem+json"
REQUEST_ID_HEADER = "X-Request-Id"
log = logging.getLogger(__name__)

# One stable type per kind of problem, so clients can branch on it without parsing text.
TYPES = {400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found", 405: "method-not-allowed",
         413: "too-large", 415: "unsupported-media-type", 422: "invalid", 429: "rate-limited",
         500: "internal", 503: "not-ready"}


def problem_type(status: int) -> str:
    return f"/problems/{TYPES.get(status, 'http-' + str(status))}"


class Problem(BaseModel):
    type: str = Field(description="A stable URI reference naming the kind of problem.")
    title: str
    status: int
    detail: str | None = None
    request_id: str | None = Field(default=None, description="Quote it when reporting a problem; the log has it.")
    errors: list[dict] | None = None


def problem(status: int, title: str, detail: str | None = None, errors: list[dict] | None = None) -> Problem:
    return Problem(type=problem_type(status), title=title, status=status, detail=detail,
                   request_id=request_id() if has_request_context() else None, errors=errors)


class ProblemError(Exception):
    """Raised by handlers and pipelines to answer with a problem document."""

    def __init__(self, status: int, title: str, detail: str | None = None, errors: list[dict] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.errors = status, title, detail, errors
        self.headers = headers or {}


def request_id() -> str:
    """Made here, never taken from the caller, so a log line cannot be forged or confused."""
    if "request_id" not in g:
        g.request_id = secrets.token_hex(8)
    return g.request_id


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> Response:
    return Response(problem.model_dump_json(exclude_none=True), status=problem.status, mimetype=PROBLEM_JSON,
                    headers=headers)


def internal_problem(error: BaseException) -> Problem:
    log.error("request %s failed", request_id(), exc_info=error)
    return problem(500, "Internal Server Error", "the service failed; the log has the details under this request id")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ProblemError)
    def _problem(error: ProblemError):
        return problem_response(problem(error.status, error.title, error.detail, error.errors), error.headers)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        headers = {k: v for k, v in error.get_headers() if k.lower() in {"retry-after", "allow", "www-authenticate"}}
        return problem_response(problem(error.code or 500, error.name, error.description), headers)

    @app.errorhandler(RecursionError)
    def _too_deep(error: RecursionError):
        # A parser that recursed past Python's limit on what the caller sent: the caller's problem.
        return problem_response(problem(400, "Bad Request", "the request nests too deeply"))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        return problem_response(internal_problem(error))

    @app.after_request
    def _identify(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = request_id()
        return response
