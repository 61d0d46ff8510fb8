"""Run the app under gunicorn, configured from Settings."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from service.models.llm import validate_model_string
from service.settings import Settings


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
    _Gunicorn(settings).run()
