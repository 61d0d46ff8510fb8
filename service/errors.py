"""Errors as RFC 9457 problem details (`application/problem+json`)."""

from __future__ import annotations

from flask import Flask, Response
from pydantic import BaseModel
from werkzeug.exceptions import HTTPException

PROBLEM_JSON = "application/problem+json"


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[dict] | None = None


class ProblemError(Exception):
    """Raised by handlers and pipelines to answer with a problem document."""

    def __init__(self, status: int, title: str, detail: str | None = None, errors: list[dict] | None = None):
        super().__init__(detail or title)
        self.problem = Problem(status=status, title=title, detail=detail, errors=errors)


def problem_response(problem: Problem) -> Response:
    return Response(problem.model_dump_json(exclude_none=True), status=problem.status, mimetype=PROBLEM_JSON)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ProblemError)
    def _problem(error: ProblemError):
        return problem_response(error.problem)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        return problem_response(Problem(status=error.code or 500, title=error.name, detail=error.description))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("unhandled error")
        return problem_response(Problem(status=500, title="Internal Server Error",
                                        detail=f"{error.__class__.__name__}: {error}"))
