"""One typed settings object, read from SOURCED_* environment variables.

Every default works offline on a laptop: the embedded models, an embedded Chroma
under the data directory, and the local GGUF generator through litellm.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

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
    llm_api_key: str | None = None
    llm_timeout_s: float = Field(default=120.0, gt=0)
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
    fetch_timeout_s: float = Field(default=10.0, gt=0)
    fetch_max_bytes: int = Field(default=5 * 1024 * 1024, gt=0)

    checker_judge: Literal["llm", "nli", "none"] = Field(
        default="llm", description="Who decides the claims the fast signals leave uncertain.")
    checker_nli_model: Path | None = Field(
        default=None, description="A local sentence-transformers NLI CrossEncoder, for checker_judge=nli.")

    chroma_url: str | None = Field(
        default=None, description="Chroma server URL; unset means an embedded store in data_dir."
    )
    threads: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)

    workers: int = Field(default=1, ge=1, description="gunicorn worker processes for `sourced serve`.")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    max_request_bytes: int = Field(default=10 * 1024 * 1024, gt=0)

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
