from __future__ import annotations

from flask import Blueprint, Response, current_app
from pydantic import BaseModel

from service import metrics
from service.errors import problem, problem_response
from service.runtime import NotReady

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
    try:
        runtime.require_ready()
    except NotReady as exc:
        title = "Models failed to load" if runtime.models.error else "Not ready"
        return problem_response(problem(503, title, str(exc)))
    return Readiness(status="ready", models={i.role: i.name for i in runtime.models.info}).model_dump()
