"""The Flask application factory: no state is created at import time."""

from __future__ import annotations

import atexit
import logging
import threading
import time

from flask import Flask, Response, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from service import metrics
from service.api import articles, ask, chat, digests, health, summarize, web
from service.api.access import authenticate, install_rate_limits
from service.api.limits import bounded_json
from service.api.schema import openapi_document
from service.errors import problem, problem_response, register_error_handlers
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
    app = Flask(__name__, static_folder=None)  # the page's files are the web blueprint's
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.extensions["sourced"] = runtime

    register_error_handlers(app)
    app.before_request(_start_clock)
    app.after_request(_observe)
    # Before the rate limiter's own hook, so that limits count per authenticated key.
    app.before_request(lambda: authenticate(runtime.keys, settings))
    app.before_request(lambda: bounded_json(settings))
    for blueprint in (health.bp, articles.bp, ask.bp, summarize.bp, chat.bp, digests.bp, web.bp):
        app.register_blueprint(blueprint)
    app.extensions["limiter"] = install_rate_limits(app, settings, [ask.bp, summarize.bp, chat.bp])

    @app.errorhandler(NotReady)
    def _not_ready(error: NotReady):
        return problem_response(problem(503, "Not ready", str(error)))

    @app.errorhandler(RequestEntityTooLarge)
    def _body_too_large(error: RequestEntityTooLarge):
        return problem_response(problem(413, "Too large", f"the body is over {settings.max_request_bytes:,} bytes "
                                                          "(SOURCED_MAX_REQUEST_BYTES)"))

    @app.errorhandler(InvalidTenant)
    def _bad_tenant(error: InvalidTenant):
        return problem_response(problem(400, "Invalid tenant", str(error)))

    app.add_url_rule("/openapi.json", "openapi", lambda: openapi_document(app))
    app.after_request(_secure_headers)

    models = runtime.models
    if models.ready:
        runtime.repair_store()
    else:
        # /healthz answers at once; /readyz turns ready when the weights are in memory and the
        # store has been checked (and repaired where a crash left it inconsistent).
        threading.Thread(target=_load_and_repair, args=(runtime,), name="load-models", daemon=True).start()
    atexit.register(models.close)
    return app


# Nothing the service sends may run script or be framed, whatever text it carries.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _start_clock() -> None:
    g.started = time.perf_counter()


def _observe(response: Response) -> Response:
    """Latency to the response's start (a stream's first byte), by route template, never by path."""
    route = request.url_rule.rule if request.url_rule is not None else "unmatched"
    metrics.requests.labels(route, request.method, str(response.status_code)).observe(
        time.perf_counter() - g.get("started", time.perf_counter()))
    return response


def _secure_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _load_and_repair(runtime: Runtime) -> None:
    try:
        runtime.models.load()
        runtime.repair_store()
    except Exception:
        # models.error keeps a loading failure's reason for /readyz; the log keeps the traceback.
        logging.getLogger(__name__).exception("loading models or checking the store failed")
