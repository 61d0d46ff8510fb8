"""Idempotent ingestion: sources in, articles added, replaced or left unchanged, with reasons.

Items are processed in groups so that the chunks of many articles are embedded in one
batch; each article is then written on its own, so one bad item never blocks the others
and nothing of a failed item is left behind.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from typing import Literal, Protocol
from urllib.parse import urlsplit

import httpx
import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from service import metrics
from service.ingest.chunk import chunk_article
from service.ingest.extract import Extracted, ExtractionError, from_html, from_page_text, from_text
from service.ingest.fetch import FetchLimits, fetch_url
from service.models.embedder import Embedder
from service.records import ID_PATTERN, Article, ArticleFields, Chunk, ConcurrentWrite, content_hash, derive_id
from service.settings import Settings

log = logging.getLogger(__name__)

Status = Literal["added", "replaced", "unchanged", "failed"]
GROUP_ARTICLES = 32
GROUP_CHUNKS = 512


class Source(ArticleFields):
    """One article to ingest: a body as `text`, `html` or scraped `page_text`, or just a `url` to fetch."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = None
    html: str | None = None
    page_text: str | None = Field(default=None, description="Text scraped from a page; site furniture is trimmed.")

    @field_validator("url")
    @classmethod
    def _web_url(cls, url: str | None) -> str | None:
        """A stored URL is shown to readers as a link: javascript:, data:, file: and the like never are."""
        if url is None:
            return url
        try:
            parts = urlsplit(url)
        except ValueError:
            parts = None
        if parts is None or parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
            raise ValueError("must be an absolute http or https URL")
        return url

    @model_validator(mode="after")
    def _one_body(self) -> Source:
        bodies = [name for name in ("text", "html", "page_text") if getattr(self, name) is not None]
        if len(bodies) > 1:
            raise ValueError(f"give one of text, html or page_text, not {' and '.join(bodies)}")
        if not bodies and not self.url:
            raise ValueError("give the article as text, html or page_text, or a url to fetch")
        if self.id is not None and not ID_PATTERN.match(self.id):
            raise ValueError("id must be 1-128 of letters, digits, '.', '_', ':' and '-', starting with a letter or digit")
        return self


    @property
    def fetches(self) -> bool:
        """Only a URL was given: the article is fetched from it."""
        return self.text is None and self.html is None and self.page_text is None


class ItemResult(BaseModel):
    position: int = Field(description="0-based position of the item in the batch.")
    article_id: str | None = None
    status: Status
    chunks: int = 0
    error: str | None = None


class IngestReport(BaseModel):
    results: list[ItemResult]
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    failed: int = 0

    @classmethod
    def of(cls, results: list[ItemResult]) -> IngestReport:
        counts = {status: sum(1 for r in results if r.status == status)
                  for status in ("added", "replaced", "unchanged", "failed")}
        return cls(results=results, **counts)


class ArticleWriter(Protocol):
    """Where ingestion writes (the store): it reads the current version and saves a new one."""

    def current_hash(self, tenant: str, article_id: str) -> str | None: ...

    def save(self, tenant: str, article: Article, chunks: list[Chunk], vectors: np.ndarray,
             expected_hash: str | None) -> None: ...

    def refresh_keywords(self, tenant: str) -> None: ...


class Failed(BaseModel):
    """An item that could not even be parsed (a malformed JSONL line, a file that is not text)."""

    error: str


def extract(source: Source, settings: Settings, transport: httpx.BaseTransport | None = None) -> Extracted:
    """`transport` carries URL fetches (tests pass an httpx.MockTransport); None is the network."""
    fields = ArticleFields(**source.model_dump(include=set(ArticleFields.model_fields)))
    if source.html is not None:
        extracted = from_html(source.html, fields)
    elif source.page_text is not None:
        extracted = from_page_text(source.page_text, fields)
    elif source.text is not None:
        extracted = from_text(source.text, fields)
    else:  # source.fetches
        limits = FetchLimits(timeout_s=settings.fetch_timeout_s, max_bytes=settings.fetch_max_bytes,
                             ports=settings.fetch_ports, allow_private=settings.fetch_allow_private)
        extracted = fetch_url(source.url, fields, limits, transport)
    if len(extracted.text) > settings.max_article_chars:
        raise ExtractionError(f"the article text has {len(extracted.text):,} characters, over the "
                              f"limit of {settings.max_article_chars:,} (SOURCED_MAX_ARTICLE_CHARS)")
    return bounded_metadata(extracted, settings)


def bounded_metadata(extracted: Extracted, settings: Settings) -> Extracted:
    """Metadata read from a page (its headline, byline, site name) is cut to the bounds a caller's
    own is refused beyond: the page's author chose it, not the caller."""
    fields = extracted.fields
    cut = {name: _cut(getattr(fields, name), getattr(settings, f"max_{name}_chars"))
           for name in ("author", "source") if getattr(fields, name) is not None}
    return dataclasses.replace(extracted, title=_cut(extracted.title, settings.max_title_chars),
                               fields=fields.model_copy(update=cut))


def _cut(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def to_article(extracted: Extracted) -> Article:
    fields = extracted.fields
    return Article(
        id=derive_id(fields, extracted.text), title=extracted.title, text=extracted.text, url=fields.url,
        source=fields.source, author=fields.author, published=fields.published, language=fields.language,
        content_hash=content_hash(fields, extracted.title, extracted.text),
        ingested_at=datetime.now(timezone.utc),
    )


def ingest(items: Iterable[tuple[int, Source | Failed]], store: ArticleWriter, embedder: Embedder,
           settings: Settings, tenant: str, on_item: Callable[[ItemResult], None] | None = None,
           transport: httpx.BaseTransport | None = None) -> IngestReport:
    results: list[ItemResult] = []

    def record(result: ItemResult) -> None:
        results.append(result)
        metrics.ingested.labels(result.status).inc()
        if on_item:
            on_item(result)

    pending: list[tuple[int, Article, list[Chunk], str | None]] = []

    def store_pending() -> None:
        vectors = embedder.embed([c.text for _, _, chunks, _ in pending for c in chunks])
        offset = 0
        for position, article, chunks, previous in pending:
            article_vectors, offset = vectors[offset:offset + len(chunks)], offset + len(chunks)
            try:
                store.save(tenant, article, chunks, article_vectors, expected_hash=previous)
            except ConcurrentWrite:
                record(ItemResult(position=position, article_id=article.id, status="failed",
                                  error="another request wrote this article at the same time; send it again"))
                continue
            except Exception:  # a store failure fails this item; the batch goes on
                # The store's own words (paths, SQL, Chroma internals) are for the log, not the caller.
                log.exception("storing article %r failed", article.id)
                record(ItemResult(position=position, article_id=article.id, status="failed",
                                  error="storing failed; the service log has the details"))
                continue
            record(ItemResult(position=position, article_id=article.id, status="replaced" if previous else "added",
                              chunks=len(chunks)))
        pending.clear()

    for position, item in items:
        if isinstance(item, Failed):
            record(ItemResult(position=position, status="failed", error=item.error))
            continue
        try:
            article = to_article(extract(item, settings, transport))
        except (ExtractionError, ValidationError) as exc:
            record(ItemResult(position=position, article_id=item.id, status="failed", error=str(exc)))
            continue
        previous = store.current_hash(tenant, article.id)
        if previous == article.content_hash:
            record(ItemResult(position=position, article_id=article.id, status="unchanged"))
            continue
        chunks = chunk_article(article.id, article.version, article.text,
                               settings.chunk_chars, settings.chunk_overlap_sentences)
        pending.append((position, article, chunks, previous))
        # Many short articles share one embedding batch; long ones are stored as soon as they
        # fill it, so memory holds a bounded number of chunks and their vectors, not the batch's.
        if len(pending) == GROUP_ARTICLES or sum(len(c) for _, _, c, _ in pending) >= GROUP_CHUNKS:
            store_pending()
    if pending:
        store_pending()
    store.refresh_keywords(tenant)
    return IngestReport.of(sorted(results, key=lambda r: r.position))


def parse_jsonl(lines: Iterable[str | bytes], first_line: int = 1) -> Iterator[tuple[int, Source | Failed]]:
    """Each line a JSON object; a bad line becomes a Failed item naming its line number."""
    for number, line in enumerate(lines, first_line):
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8")
            except UnicodeDecodeError:
                yield number, Failed(error="not valid UTF-8")
                continue
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, Failed(error=f"not JSON ({exc.msg})")
            continue
        yield number, parse_item(entry)


def parse_item(entry: object) -> Source | Failed:
    """One item of a batch (a JSONL line, a JSON list entry, an API batch entry), validated alone."""
    try:
        return Source.model_validate(entry)
    except ValidationError as exc:
        return Failed(error=describe(exc))


def describe(error: ValidationError) -> str:
    return "; ".join(
        (f"{'.'.join(map(str, e['loc']))}: " if e["loc"] else "") + e["msg"].removeprefix("Value error, ")
        for e in error.errors()
    )

