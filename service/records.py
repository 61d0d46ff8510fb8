"""The records every stage shares: articles, chunks, the filters that select them, ids and hashes.

Plain data that imports nothing of the service, so that ingestion, the store, retrieval
and the pipelines above them can all speak of an Article without importing each other.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _calendar_date(value: object) -> object:
    """Lax parsing would read `0` or `1e9` as a date; a caller means YYYY-MM-DD or a date."""
    numeric = isinstance(value, int | float)
    if numeric or (isinstance(value, str) and not ISO_DATE.fullmatch(value)):
        raise ValueError("a date is written YYYY-MM-DD")  # pydantic reports ValueErrors as validation errors
    return value


IsoDate = Annotated[date, BeforeValidator(_calendar_date)]


class Article(BaseModel):
    id: str
    title: str
    text: str
    url: str | None = None
    source: str | None = None
    author: str | None = None
    published: IsoDate | None = None
    language: str | None = None
    content_hash: str
    ingested_at: datetime

    @property
    def version(self) -> str:
        """The short content hash that names this version's chunks and vectors."""
        return self.content_hash[:12]


class Chunk(BaseModel):
    """A run of whole sentences; `article.text[start:end] == text` always holds."""

    id: str
    article_id: str
    index: int
    start: int
    end: int
    text: str


class ArticleFields(BaseModel):
    """What a caller may say about an article besides its body."""

    id: str | None = Field(default=None, description="Your id; derived from the URL or content if absent.")
    title: str | None = None
    url: str | None = None
    source: str | None = None
    author: str | None = None
    published: IsoDate | None = None
    language: str | None = None


class Filters(BaseModel):
    """Which articles a search or a listing may return."""

    model_config = ConfigDict(extra="forbid")

    article_ids: list[str] | None = None
    source: str | None = None
    published_from: IsoDate | None = None
    published_to: IsoDate | None = None


class ConcurrentWrite(RuntimeError):
    """Another writer replaced or removed the article between this writer's read and its write."""


def content_hash(fields: ArticleFields, title: str, text: str) -> str:
    """Changes whenever anything a reader or a citation could see changes."""
    digest = hashlib.sha256()
    for part in (title, text, fields.url or "", fields.source or "", fields.author or "",
                 fields.published.isoformat() if fields.published else "", fields.language or ""):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def derive_id(fields: ArticleFields, text: str) -> str:
    if fields.id:
        return fields.id
    if fields.url:
        return "u-" + hashlib.sha256(fields.url.strip().encode()).hexdigest()[:16]
    return "c-" + hashlib.sha256(text.encode()).hexdigest()[:16]
