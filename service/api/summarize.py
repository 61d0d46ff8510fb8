"""POST /v1/summarize: a cited, checked summary of stored articles or of raw text."""

from __future__ import annotations

from flask import Blueprint

from service.api import require_ready, runtime, tenant
from service.api.limits import check_article_ids, check_title, check_words
from service.api.schema import operation, parse_json
from service.errors import ProblemError
from service.ingest.extract import ExtractionError
from service.summarize import SummarizeRequest, Summary, load_articles

bp = Blueprint("summarize", __name__, url_prefix="/v1")
bp.before_request(require_ready)


@bp.post("/summarize")
@operation("Summarise one article, several, or raw text; every sentence cites verbatim spans and is checked",
           body=SummarizeRequest, response=Summary)
def summarize_view():
    body = parse_json(SummarizeRequest)
    rt = runtime()
    check_article_ids(body.article_ids, rt.settings)
    check_title(body.title, rt.settings)
    check_words(body.words, rt.settings)
    try:
        articles, chunks = load_articles(body, rt.store, rt.models.embedder, rt.settings, tenant())
    except LookupError as exc:
        raise ProblemError(404, "Not Found", str(exc)) from None
    except ExtractionError as exc:
        raise ProblemError(422, "Unusable text", str(exc)) from None
    summary = rt.summarizer().summarize(articles, chunks, body.style, body.words, body.verify)
    return summary.model_dump(mode="json")
