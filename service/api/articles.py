from __future__ import annotations

from datetime import date

from flask import Blueprint, request
from pydantic import BaseModel, ConfigDict, Field

from service.api import runtime, tenant
from service.api.limits import bounded_item, check_batch, check_page, check_urls
from service.api.schema import operation, parse_json, parse_query
from service.errors import ProblemError
from service.ingest.pipeline import Failed, IngestReport, Source, ingest, parse_item
from service.records import Article, IsoDate

bp = Blueprint("articles", __name__, url_prefix="/v1/articles")
DEFAULT_PAGE = 50


class IngestBatch(BaseModel):
    """The documented shape of a batch; its items are validated one by one (see batch_items)."""

    model_config = ConfigDict(extra="forbid")
    articles: list[Source] = Field(min_length=1)


class ListQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    q: str | None = Field(default=None, max_length=200, description="Text the title contains (case ignored for ASCII letters).")
    source: str | None = None
    published_from: IsoDate | None = None
    published_to: IsoDate | None = None
    limit: int | None = Field(default=None, ge=1, description="50, or SOURCED_MAX_LIMIT if that is smaller.")
    offset: int = Field(default=0, ge=0)


class ArticleSummary(BaseModel):
    id: str
    title: str
    url: str | None
    source: str | None
    author: str | None
    published: date | None
    language: str | None
    content_hash: str
    chars: int


class ArticlePage(BaseModel):
    articles: list[ArticleSummary]
    total: int
    limit: int
    offset: int


class ChunkOut(BaseModel):
    id: str
    index: int
    start: int
    end: int
    text: str


class ArticleDetail(Article):
    chunks: list[ChunkOut]


def summary_of(article: Article) -> ArticleSummary:
    return ArticleSummary(**article.model_dump(exclude={"text", "ingested_at"}), chars=len(article.text))


@bp.post("")
@operation("Ingest one article or a batch; each item is added, replaced, unchanged or failed",
           body=Source | IngestBatch, response=IngestReport, status=(200, 201))
def create():
    body = request.get_json(silent=True)
    rt = runtime()
    items = batch_items(body) if isinstance(body, dict) and "articles" in body else [parse_json(Source)]
    items = [bounded_item(item, rt.settings) for item in items]
    check_urls(items, rt.settings)
    report = ingest(enumerate(items), rt.store, rt.models.embedder, rt.settings, tenant(),
                    transport=rt.fetch_transport)
    if report.failed == len(items):
        raise ProblemError(422, "Nothing ingested", "; ".join(r.error for r in report.results),
                           [r.model_dump() for r in report.results])
    return report.model_dump(mode="json"), 201 if report.added else 200


def batch_items(body: dict) -> list[Source | Failed]:
    """Validate each item on its own, so one malformed item fails alone."""
    articles = body["articles"]
    if set(body) != {"articles"} or not isinstance(articles, list) or not articles:
        raise ProblemError(422, "Invalid request body", "a batch is {\"articles\": [one or more articles]}")
    check_batch(len(articles), runtime().settings)
    return [parse_item(entry) for entry in articles]


@bp.get("")
@operation("List articles, newest first, filtered by title words, source and published date", query=ListQuery,
           response=ArticlePage)
def list_articles():
    query = parse_query(ListQuery)
    settings = runtime().settings
    limit = query.limit if query.limit is not None else min(DEFAULT_PAGE, settings.max_limit)
    check_page(limit, query.offset, settings)
    articles, total = runtime().store.texts.list(
        tenant(), source=query.source, published_from=query.published_from, published_to=query.published_to,
        title_contains=query.q, limit=limit, offset=query.offset)
    return ArticlePage(articles=[summary_of(a) for a in articles], total=total, limit=limit,
                       offset=query.offset).model_dump(mode="json")


@bp.get("/<article_id>")
@operation("One article with its text and chunks", response=ArticleDetail)
def get_article(article_id: str):
    texts = runtime().store.texts
    article = texts.get(tenant(), article_id)
    if article is None:
        raise ProblemError(404, "Not Found", f"no article {article_id!r}")
    chunks = [ChunkOut(**c.model_dump(exclude={"article_id"})) for c in texts.chunks_of(tenant(), article)]
    return ArticleDetail(**article.model_dump(), chunks=chunks).model_dump(mode="json")


@bp.delete("/<article_id>")
@operation("Delete an article, its chunks, vectors and keywords", status=204)
def delete_article(article_id: str):
    store = runtime().store
    if not store.delete(tenant(), article_id):
        raise ProblemError(404, "Not Found", f"no article {article_id!r}")
    return "", 204
