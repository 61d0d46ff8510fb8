from __future__ import annotations

from flask import Blueprint, Response, current_app
from pydantic import BaseModel

from service import metrics
from service.errors import problem, problem_response

bp = Blueprint("health", __name__)


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    models: dict[str, str]


@bp.get("/healthz")
def healthz():
    return Health(status="ok").model_dump()


@bp.get("/metrics")
def prometheus_metrics():
    body, content_type = metrics.exposition()
    return Response(body, mimetype=content_type.split(";")[0], headers={"Content-Type": content_type})


@bp.get("/readyz")
def readyz():
    runtime = current_app.extensions["sourced"]
    models = runtime.models
    if models.error:
        # The reason may name paths and library internals; it is in the log, not for callers.
        return problem_response(problem(503, "Models failed to load", "the models failed to load; see the log"))
    if not models.ready:
        return problem_response(problem(503, "Not ready", "models are still loading"))
    if not runtime.repaired.is_set():
        return problem_response(problem(503, "Not ready", "the store is being checked"))
    return Readiness(status="ready", models={i.role: i.name for i in models.info}).model_dump()
