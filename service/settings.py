"""One typed settings object, read from SOURCED_* environment variables.

Every default works offline on a laptop: the embedded models, an embedded Chroma
under the data directory, and the local GGUF generator through litellm.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

ENV_PREFIX = "SOURCED_"
EMBEDDED_LLM = "local/qwen2.5-coder-1.5b-instruct"


class SettingsError(ValueError):
    """A SOURCED_* variable is unknown or has a value of the wrong type."""


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    data_dir: Path = Field(default=Path("data"), description="Articles, Chroma and caches.")
    model_dir: Path | None = Field(
        default=None, description="Where the assembled GGUF lives; <data_dir>/models if unset."
    )

    llm_model: str = Field(default=EMBEDDED_LLM, description="Any litellm model string.")
    llm_api_base: str | None = None
    llm_api_key: SecretStr | None = Field(default=None, description="Never logged or shown.")
    llm_timeout_s: float = Field(default=120.0, gt=0)
    llm_retries: int = Field(default=2, ge=0, le=5, description="Retries of a failed call (with backoff) before degrading.")
    llm_max_tokens: int = Field(default=400, gt=0)
    llm_context_tokens: int = Field(default=4096, ge=512)
    llm_contexts: int = Field(
        default=3, ge=1, le=8,
        description="Contexts of the embedded model, each keeping one kind of prompt's prefix evaluated "
                    "(answers, judgements, summaries); each holds a copy of the weights (~1.1 GB).")

    embedder: Literal["minilm", "bge-small"] = "minilm"
    reranker: Literal["ms-marco-minilm", "none"] = "ms-marco-minilm"
    min_relevance: float | None = Field(
        default=None, description="Relevance floor in the reranker's units; unset uses the reranker's own.")
    # Above the checker's balanced threshold (0.5): a reader is hurt more by a kept sentence its
    # quotes do not support than by an answer that says less or "not in the sources".
    answer_min_support: float = Field(
        default=0.7, ge=0.0, le=1.0,
        description="Probability of support an answer sentence needs to be kept (or not flagged).")

    chunk_chars: int = Field(default=800, ge=100, description="Largest chunk, in characters.")
    chunk_overlap_sentences: int = Field(default=1, ge=0)
    max_article_chars: int = Field(default=1_000_000, gt=0, description="Longer article texts are refused.")
    fetch_timeout_s: float = Field(default=10.0, gt=0, description="One deadline for a whole URL fetch.")
    fetch_max_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    fetch_allow_private: bool = Field(
        default=False, description="Fetch URLs on loopback, private and link-local addresses (intranet deployments).")
    fetch_ports: tuple[int, ...] = Field(default=(80, 443), description="Ports a fetched URL may name, comma-separated.")

    checker_judge: Literal["llm", "nli", "none"] = Field(
        default="llm", description="Who decides the claims the fast signals leave uncertain.")
    checker_nli_model: Path | None = Field(
        default=None, description="A local sentence-transformers NLI CrossEncoder, for checker_judge=nli.")

    chroma_url: str | None = Field(
        default=None, description="Chroma server URL; unset means an embedded store in data_dir."
    )
    threads: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)

    workers: int = Field(default=1, ge=1, description="gunicorn worker processes for `sourced serve`.")
    log_format: Literal["json", "text"] = Field(default="json", description="`sourced serve`'s log lines.")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    max_request_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    allow_open: bool = Field(
        default=False, description="Let `sourced serve` listen beyond loopback with no API key configured.")

    rate_requests_per_minute: int = Field(default=120, ge=1, description="Per API key (or client address).")
    rate_generative_per_minute: int = Field(default=10, ge=1, description="Asks and summaries per key per minute.")
    rate_limit_storage: str = Field(default="memory://", description="A `limits` storage URI, e.g. redis://host.")

    max_batch_articles: int = Field(default=100, ge=1)
    max_batch_urls: int = Field(
        default=10, ge=1, description="URLs one request may ask to fetch (each within SOURCED_FETCH_TIMEOUT_S).")
    max_title_chars: int = Field(default=500, ge=1)
    max_author_chars: int = Field(default=200, ge=1)
    max_source_chars: int = Field(default=200, ge=1)
    max_url_chars: int = Field(default=2048, ge=1)
    max_json_depth: int = Field(default=20, ge=2)
    max_offset: int = Field(default=100_000, ge=0)
    max_limit: int = Field(default=500, ge=1)
    max_question_chars: int = Field(default=2000, ge=1)
    max_messages: int = Field(default=50, ge=1)
    max_message_chars: int = Field(default=4000, ge=1)
    max_summary_words: int = Field(default=600, ge=3)
    max_summary_articles: int = Field(default=100, ge=1)

    @field_validator("fetch_ports", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        return tuple(part.strip() for part in value.split(",") if part.strip()) if isinstance(value, str) else value

    @property
    def keys_path(self) -> Path:
        return self.data_dir / "keys.json"

    @property
    def models_path(self) -> Path:
        return self.model_dir if self.model_dir is not None else self.data_dir / "models"

    @property
    def chroma_mode(self) -> Literal["embedded", "http"]:
        return "http" if self.chroma_url else "embedded"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> Settings:
        """Build settings from SOURCED_* variables; a misspelt variable is an error, not ignored."""
        environ = os.environ if environ is None else environ
        known = set(cls.model_fields)
        values: dict[str, object] = {}
        for name, raw in environ.items():
            if not name.startswith(ENV_PREFIX):
                continue
            field = name[len(ENV_PREFIX):].lower()
            if field not in known:
                raise SettingsError(
                    f"unknown setting {name}; known: "
                    + ", ".join(ENV_PREFIX + k.upper() for k in sorted(known))
                )
            values[field] = raw if raw != "" else None
        values.update(overrides)
        try:
            return cls(**{k: v for k, v in values.items() if v is not None})
        except ValidationError as exc:
            problems = "; ".join(
                f"{ENV_PREFIX}{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
            )
            raise SettingsError(problems) from None


def is_loopback(host: str) -> bool:
    """`host` (a name or an address, IPv6 with or without brackets) names this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
