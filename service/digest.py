"""The newsletter digest: select articles -> summarise each (cached) -> group by topic -> render.

Each article's summary is cached under (content hash, prompt version, model, style, words),
written atomically as soon as it is done, so a run killed halfway, or re-run with one new
article, summarises only what is missing. One article failing is recorded in the digest
and does not stop the others. The embedded model runs one summary at a time (it holds one
context); a remote model gets up to `concurrency` summaries in flight.
"""

from __future__ import annotations

import hashlib
import logging
import re
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone
from pathlib import Path

import jinja2
import numpy as np
from pydantic import BaseModel, Field

from service.models.embedder import Embedder
from service.models.reranker import Reranker
from service.records import Article, Filters
from service.retrieve import retrieve
from service.store import Store
from service.summarize import PROMPT_VERSION, Style, Summarizer, Summary
from service.text import POSSESSIVE, STOPWORDS, WORD, markdown_escaped

TEMPLATES = Path(__file__).with_name("templates")
log = logging.getLogger(__name__)


class Selection(Filters):
    """Which articles a digest covers: retrieval's filters, or the articles most relevant to a topic."""

    topic: str | None = Field(default=None, description="A query: the articles most relevant to it.")
    limit: int = Field(default=50, ge=1, le=500)


class DigestItem(BaseModel):
    article_id: str
    title: str
    url: str | None
    source: str | None
    published: date | None
    summary: Summary | None = None
    cached: bool = False
    error: str | None = None


class Topic(BaseModel):
    name: str
    items: list[DigestItem]


class Digest(BaseModel):
    title: str
    generated_at: datetime
    model: str
    topics: list[Topic]
    failed: list[DigestItem]

    @property
    def items(self) -> list[DigestItem]:
        return [item for topic in self.topics for item in topic.items]


def select_articles(selection: Selection, store: Store, embedder: Embedder, reranker: Reranker,
                    relevance_floor: float, tenant: str) -> list[Article]:
    texts = store.texts
    if selection.article_ids:
        ids = list(dict.fromkeys(selection.article_ids))
        articles = [texts.get(tenant, article_id) for article_id in ids]
        missing = [i for i, a in zip(ids, articles) if a is None]
        if missing:
            raise LookupError(f"no article {', '.join(map(repr, missing))}")
        return articles[:selection.limit]
    if selection.topic:
        filters = Filters(**selection.model_dump(include=set(Filters.model_fields)))
        hits = retrieve(selection.topic, store, embedder, tenant, k=selection.limit * 4,
                        candidates=selection.limit * 4, filters=filters, reranker=reranker).hits
        relevant = [h for h in hits if h.relevance is None or h.relevance >= relevance_floor]
        return list({h.article.id: h.article for h in relevant}.values())[:selection.limit]
    articles, _ = texts.list(tenant, source=selection.source, published_from=selection.published_from,
                             published_to=selection.published_to, limit=selection.limit, offset=0)
    return articles


class SummaryCache:
    def __init__(self, directory: Path):
        self.directory = directory

    @staticmethod
    def key(article: Article, model: str, style: str, words: int | None) -> str:
        parts = (article.content_hash, PROMPT_VERSION, model, style, str(words))
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()

    def get(self, key: str) -> Summary | None:
        path = self.directory / f"{key}.json"
        try:
            return Summary.model_validate_json(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None  # a missing or unreadable entry is summarised again

    def put(self, key: str, summary: Summary) -> None:
        write_whole(self.directory / f"{key}.json", summary.model_dump_json())


def write_whole(path: Path, text: str, mode: int | None = None) -> None:
    """Write `path` through a temporary file and a rename: a reader (or a run killed half-way)
    sees the previous file or the new one, never half of one. `mode`: its permissions, where
    the temporary file's own (0600) will not do."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False, encoding="utf-8") as handle:
        handle.write(text)
    if mode is not None:
        os.chmod(handle.name, mode)
    os.replace(handle.name, path)


def build_digest(articles: Sequence[Article], summarizer: Summarizer, store: Store, cache: SummaryCache,
                 tenant: str, *, title: str, style: Style = "brief", words: int | None = None,
                 concurrency: int = 4, on_item: Callable[[DigestItem], None] | None = None) -> Digest:
    llm = summarizer.llm
    texts = store.texts

    def summarize(article: Article) -> DigestItem:
        item = DigestItem(article_id=article.id, title=article.title, url=article.url, source=article.source,
                          published=article.published)
        key = SummaryCache.key(article, llm.model, style, words)
        cached = cache.get(key)
        if cached is not None:
            item.summary, item.cached = cached, True
        else:
            try:
                item.summary = summarizer.summarize([article], {article.id: texts.chunks_of(tenant, article)}, style,
                                                    words)
                if not item.summary.degraded:  # a stand-in is not kept: the next run tries the model again
                    cache.put(key, item.summary)
            except Exception:  # one article failing is reported; the batch goes on
                # Its internals (paths, store errors) go to the log; the digest is read by tenants.
                log.exception("summarising article %r failed", article.id)
                item.error = "summarising failed; the log has the details"
        if on_item:
            on_item(item)
        return item

    workers = max(1, min(concurrency, llm.max_concurrency or concurrency))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        items = list(pool.map(summarize, articles))
    done = [item for item in items if item.summary is not None and item.summary.sentences]
    failed = [item for item in items if item not in done]
    for item in failed:
        item.error = item.error or "no sentence of the summary was supported by the article"
    return Digest(title=title, generated_at=datetime.now(timezone.utc), model=llm.model,
                  topics=group_by_topic(done, summarizer.embedder, summarizer.policy.topic_similarity),
                  failed=failed)


def group_by_topic(items: list[DigestItem], embedder: Embedder, similarity: float) -> list[Topic]:
    """Greedy clustering of title + summary vectors. A topic of several articles is named by
    the names they share; articles that share a topic with no other go last, together."""
    if not items:
        return []
    vectors = embedder.embed([f"{item.title}. {item.summary.summary}" for item in items])
    groups: list[list[int]] = []
    centroids: list[np.ndarray] = []
    for i, vector in enumerate(vectors):
        similarities = [float(c @ vector / np.linalg.norm(c)) for c in centroids]
        best = int(np.argmax(similarities)) if similarities else -1
        if best >= 0 and similarities[best] >= similarity:
            groups[best].append(i)
            centroids[best] = centroids[best] + vector
        else:
            groups.append([i])
            centroids.append(vector.copy())
    shared = sorted((g for g in groups if len(g) > 1), key=len, reverse=True)
    topics = [Topic(name=topic_name([items[i] for i in group]), items=[items[i] for i in group]) for group in shared]
    alone = [items[g[0]] for g in groups if len(g) == 1]
    if alone:
        topics.append(Topic(name="Also in the news" if topics else "The news", items=alone))
    return topics


def topic_name(items: list[DigestItem]) -> str:
    """The names (capitalised words past a sentence's start) most of the topic's articles share,
    or else the longer words they share."""
    names: Counter[str] = Counter()
    words: Counter[str] = Counter()
    for item in items:
        found = [POSSESSIVE.sub("", w) for w in WORD.findall(f"{item.title}. {item.summary.summary}")]
        names.update({w for w in found[1:] if w[:1].isupper() and w.lower() not in STOPWORDS and len(w) > 2})
        words.update({w.lower() for w in found if w.lower() not in STOPWORDS and len(w) > 5})
    majority = len(items) / 2
    common = [w for w, n in names.most_common(3) if n > majority]
    if not common:
        common = [w.capitalize() for w, n in words.most_common(2) if n > majority]
    return ", ".join(common) if common else "Related stories"


def web_url(url: str | None) -> str | None:
    """The URL where it is an http(s) address; None for anything a browser would run or open
    locally (javascript:, data:, file:)."""
    return url if url and re.match(r"^https?://", url.strip(), re.IGNORECASE) else None


def citations_of(item: DigestItem) -> dict[int, dict]:
    return {c.n: c.model_dump(mode="json") for c in item.summary.citations}


def markdown_text(value: object) -> object:
    """A value in the Markdown digest: its HTML, links and code spans show as text."""
    return markdown_escaped(value) if isinstance(value, str) else value


def render(digest: Digest, fmt: str) -> str:
    # Titles, quotes and model output are data: the HTML template escapes them for HTML, and
    # the Markdown one backslash-escapes what Markdown would turn into markup.
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                                     autoescape=jinja2.select_autoescape(["html", "html.j2"]),
                                     finalize=markdown_text if fmt == "md" else None,
                                     trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    environment.filters["oneline"] = lambda text: " ".join(str(text).split())
    environment.filters["web_url"] = web_url
    template = environment.get_template(f"digest.{fmt}.j2")
    return template.render(digest=digest, citations_of=citations_of)


def latest_path(data_dir: Path, tenant: str) -> Path:
    """Where the last digest made for a tenant is kept, for the web page to open."""
    return data_dir / "digests" / tenant / "latest.json"


def keep_latest(digest: Digest, data_dir: Path, tenant: str) -> None:
    # Readable by all: the server may run as another user than `sourced digest`.
    write_whole(latest_path(data_dir, tenant), digest.model_dump_json(), mode=0o644)


def load_latest(data_dir: Path, tenant: str) -> Digest | None:
    """None when there is none, or it cannot be read (the log says why)."""
    path = latest_path(data_dir, tenant)
    try:
        return Digest.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        log.exception("the latest digest at %s cannot be read", path)
        return None


def write_digest(digest: Digest, out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for fmt, name in (("md", "digest.md"), ("html", "digest.html")):
        path = out / name
        path.write_text(render(digest, fmt), encoding="utf-8")
        written[fmt] = path
    (out / "digest.json").write_text(json.dumps(digest.model_dump(mode="json"), indent=1), encoding="utf-8")
    written["json"] = out / "digest.json"
    return written
