"""The reading room at `/`: one HTML page, its script and its style sheet, served by the service
itself (no build step, no CDN). The page talks to the JSON API like any client; it inserts what
comes from articles or the model as text, never as HTML, and its policy lets it run only its own
script."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, send_from_directory

STATIC = Path(__file__).resolve().parents[1] / "static"
# require-trusted-types-for: the browser itself refuses any assignment of a string as HTML.
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
               "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'")

bp = Blueprint("web", __name__, static_folder=STATIC, static_url_path="/static")


@bp.get("/")
def page():
    response = send_from_directory(STATIC, "index.html", max_age=0)
    response.headers["Content-Security-Policy"] = PAGE_POLICY
    return response
