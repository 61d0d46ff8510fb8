"""Who may call `/v1/*`, as which tenant, and how often.

With at least one API key configured, every `/v1/*` request needs `Authorization: Bearer KEY`
and acts for the key's tenant; only an admin key may name another tenant in X-Sourced-Tenant.
With no key (local mode) the tenant comes from the header, and `sourced serve` listens on
loopback only. Limits count per key, or per client address in local mode; the address is the
socket's, never a forwarded header a caller could write.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from flask import Blueprint, Flask, g, request
from flask_limiter import Limiter

from service.api.schema import TENANT_HEADER
from service.errors import ProblemError
from service.keys import KeyStore
from service.settings import Settings, is_loopback
from service.store import DEFAULT_TENANT, validate_tenant

BEARER = "bearer"


def authenticate(keys: KeyStore, settings: Settings) -> None:
    """A `before_request` of the app: sets g.tenant (and g.key when keys are in use)."""
    if not request.path.startswith("/v1/"):
        return
    named = request.headers.get(TENANT_HEADER)
    if not keys.enabled:
        # A web page the operator visits can point its own host name at 127.0.0.1 (DNS
        # rebinding) and call a loopback service from the browser; it cannot make the Host a
        # loopback name, so local mode on loopback answers loopback names only.
        if is_loopback(settings.host) and not is_loopback(urlsplit(f"//{request.host}").hostname or ""):
            raise ProblemError(403, "Forbidden", "in local mode the service answers only to localhost")
        g.tenant = validate_tenant(DEFAULT_TENANT if named is None else named)
        return
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    key = keys.authenticate(presented.strip()) if scheme.lower() == BEARER and presented.strip() else None
    if key is None:
        raise ProblemError(401, "Unauthorized", "send a valid API key as `Authorization: Bearer KEY`",
                           headers={"WWW-Authenticate": 'Bearer realm="sourced"'})
    if named is not None and named != key.tenant and not key.admin:
        raise ProblemError(403, "Forbidden", f"this key is for tenant {key.tenant!r} only")
    g.key = key
    g.tenant = validate_tenant(key.tenant if named is None else named)


def caller() -> str:
    key = g.get("key")
    return f"key:{key.key_id}" if key is not None else f"address:{request.remote_addr}"


def is_generative() -> bool:
    """Asks that call the generator, and every summary; extractive asks only search."""
    if request.endpoint == "summarize.summarize_view":
        return True
    body = request.get_json(silent=True) if request.method == "POST" else None
    if request.endpoint == "ask.ask_view":
        return not (isinstance(body, dict) and body.get("mode") == "extractive")
    if request.endpoint == "chat.chat_completions":
        return not (isinstance(body, dict) and body.get("model") == "sourced-extractive")
    return False


def install_rate_limits(app: Flask, settings: Settings, blueprints: Sequence[Blueprint]) -> Limiter:
    """Every /v1 request counts against one per-minute budget, and the generative ones of
    `blueprints` also against a smaller one; over either is a 429 with Retry-After."""
    limiter = Limiter(
        caller,
        app=app,
        application_limits=[f"{settings.rate_requests_per_minute} per minute"],
        application_limits_exempt_when=lambda: not request.path.startswith("/v1/"),
        storage_uri=settings.rate_limit_storage,
        headers_enabled=True,
        strategy="moving-window",
    )
    generative = limiter.shared_limit(f"{settings.rate_generative_per_minute} per minute", scope="generative",
                                      exempt_when=lambda: not is_generative())
    for blueprint in blueprints:
        generative(blueprint)
    return limiter
