"""The Flask application factory: no state is created at import time."""

from __future__ import annotations

import atexit
import logging
import threading

from flask import Flask

from service.api import articles, ask, health, summarize
from service.api.schema import openapi_document
from service.errors import Problem, problem_response, register_error_handlers
from service.models.registry import Models
from service.runtime import NotReady, Runtime
from service.settings import Settings
from service.store import InvalidTenant


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    """`runtime`: models and store already built (tests pass one with fakes); by default one is
    made from `settings` and its models load in the background."""
    if runtime is None:
        runtime = Runtime(Models(settings or Settings.from_env()))
    settings = runtime.settings
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.extensions["sourced"] = runtime

    app.register_blueprint(health.bp)
    app.register_blueprint(articles.bp)
    app.register_blueprint(ask.bp)
    app.register_blueprint(summarize.bp)
    register_error_handlers(app)

    @app.errorhandler(NotReady)
    def _not_ready(error: NotReady):
        return problem_response(Problem(status=503, title="Not ready", detail=str(error)))

    @app.errorhandler(InvalidTenant)
    def _bad_tenant(error: InvalidTenant):
        return problem_response(Problem(status=400, title="Invalid tenant", detail=str(error)))

    app.add_url_rule("/openapi.json", "openapi", lambda: openapi_document(app))

    models = runtime.models
    if not models.ready:
        # /healthz answers at once; /readyz turns ready when the weights are in memory.
        threading.Thread(target=_load_quietly, args=(models,), name="load-models", daemon=True).start()
    atexit.register(models.close)
    return app


def _load_quietly(models: Models) -> None:
    try:
        models.load()
    except Exception:
        # models.error keeps the reason for /readyz; the log keeps the traceback.
        logging.getLogger(__name__).exception("loading models failed")
