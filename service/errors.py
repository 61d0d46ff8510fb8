"""Errors as RFC 9457 problem details (`application/problem+json`).

A client sees a stable `type`, a `detail` written for it and the request's id; what went
wrong inside (SQLite, Chroma, a provider, the network) goes to the log under that id only.
"""

from __future__ import annotations

import json
import logging
import re
import secrets

from flask import Flask, Response, g, has_request_context, request
from pydantic import BaseModel, Field
from werkzeug.exceptions import HTTPException

PROBLEM_JSON = "application/problem+json"
REQUEST_ID_HEADER = "X-Request-Id"
CALLER_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
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
    """The caller's X-Request-Id when it is a plain token (so a proxy's id follows the request
    through the logs, and nothing can be written into a log line through it), else one made here."""
    if "request_id" not in g:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = offered if CALLER_REQUEST_ID.fullmatch(offered) else secrets.token_hex(8)
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


class JsonLines(logging.Formatter):
    """One JSON object per log line, with the id of the request it belongs to."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname,
                 "logger": record.name, "message": record.getMessage()}
        if has_request_context():
            entry["request_id"] = request_id()
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def logging_config(fmt: str) -> dict:
    """For gunicorn's logconfig_dict: every logger, gunicorn's access log included, to stderr."""
    formatter = {"()": JsonLines} if fmt == "json" else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    handler = {"class": "logging.StreamHandler", "formatter": "main", "stream": "ext://sys.stderr"}
    return {"version": 1, "disable_existing_loggers": False, "formatters": {"main": formatter},
            "handlers": {"stderr": handler}, "root": {"level": "INFO", "handlers": ["stderr"]},
            "loggers": {name: {"level": "INFO", "handlers": ["stderr"], "propagate": False}
                        for name in ("gunicorn.error", "gunicorn.access")}}
