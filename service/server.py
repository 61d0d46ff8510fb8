"""Run the app under gunicorn, configured from Settings."""

from __future__ import annotations

import logging

from gunicorn.app.base import BaseApplication

from service.errors import logging_config
from service.keys import KeyStore
from service.models.llm import validate_model_string
from service.settings import Settings, is_loopback

log = logging.getLogger(__name__)


class _Gunicorn(BaseApplication):
    def __init__(self, settings: Settings):
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        self.cfg.set("bind", f"{self.settings.host}:{self.settings.port}")
        self.cfg.set("workers", self.settings.workers)
        self.cfg.set("threads", 4)
        # Generation on CPU can take minutes; gunicorn's 30 s default would kill the worker mid-answer.
        self.cfg.set("timeout", int(self.settings.llm_timeout_s) + 60)
        self.cfg.set("accesslog", "-")
        self.cfg.set("logconfig_dict", logging_config(self.settings.log_format))

    def load(self):
        from service.app import create_app

        return create_app(self.settings)


def run(settings: Settings) -> None:
    validate_model_string(settings.llm_model)
    if settings.workers > 1 and settings.chroma_mode == "embedded":
        raise ValueError(
            "several workers would all write to one embedded Chroma directory, which silently "
            "degrades its index; set SOURCED_CHROMA_URL to a Chroma server, or SOURCED_WORKERS=1"
        )
    check_exposure(settings)
    _Gunicorn(settings).run()


def check_exposure(settings: Settings) -> None:
    """With no API key, anyone who reaches the port could read and write every tenant: so
    listen beyond loopback only with a key, or when the operator says so explicitly."""
    if is_loopback(settings.host) or KeyStore(settings.keys_path).enabled:
        return
    if not settings.allow_open:
        raise ValueError(
            f"no API key is configured, so the service would be open to anyone who can reach "
            f"{settings.host}:{settings.port}; add one with `sourced keys add TENANT`, listen on 127.0.0.1, "
            "or set SOURCED_ALLOW_OPEN=true to serve without keys anyway")
    log.warning("serving on %s with no API key: anyone who can reach the port can read and write every tenant",
                settings.host)

