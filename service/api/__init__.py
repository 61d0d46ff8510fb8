"""Thin HTTP shells: parse the request, call one pipeline function, format the response."""

from __future__ import annotations

from flask import current_app, g

from service.runtime import Runtime


def runtime() -> Runtime:
    return current_app.extensions["sourced"]


def require_ready() -> None:
    """A blueprint's `before_request`: its routes need the models in memory."""
    runtime().require_ready()


def tenant() -> str:
    """The tenant `access.authenticate` established for this request."""
    return g.tenant
