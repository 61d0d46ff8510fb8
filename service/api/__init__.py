"""Thin HTTP shells: parse the request, call one pipeline function, format the response."""

from __future__ import annotations

from flask import current_app, request

from service.api.schema import TENANT_HEADER
from service.runtime import Runtime
from service.store import DEFAULT_TENANT, validate_tenant


def runtime() -> Runtime:
    return current_app.extensions["sourced"]


def require_ready() -> None:
    """A blueprint's `before_request`: its routes need the models in memory."""
    runtime().require_ready()


def tenant() -> str:
    return validate_tenant(request.headers.get(TENANT_HEADER, DEFAULT_TENANT))
