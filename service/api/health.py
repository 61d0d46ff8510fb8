from __future__ import annotations

from flask import Blueprint, current_app
from pydantic import BaseModel

from service.errors import Problem, problem_response

bp = Blueprint("health", __name__)


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    models: dict[str, str]


@bp.get("/healthz")
def healthz():
    return Health(status="ok").model_dump()


@bp.get("/readyz")
def readyz():
    models = current_app.extensions["sourced"].models
    if models.error:
        return problem_response(Problem(status=503, title="Models failed to load", detail=models.error))
    if not models.ready:
        return problem_response(Problem(status=503, title="Not ready", detail="models are still loading"))
    return Readiness(status="ready", models={i.role: i.name for i in models.info}).model_dump()
