"""The newsletter digest: select articles -> summarise each (cached) -> group by topic -> render.

Each article's summary is cached under (content hash, prompt version, rules, model, style, words),
written atomically as soon as it is done, so a run killed halfway, or re-run with one new
article, summarises only what is missing. One article failing is recorded in the digest
and does not stop the others. The embedded model runs one summary at a time (it holds one
context); a remote model gets up to `concurrency` summaries in flight.
"""

from __future__ import annotations

import hashlib
import logging
import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import jinja2
from pydantic import BaseModel, Field

from service.citations import SENTENCE_END, with_markers
from service.headlines import headline, titled_by_lead
from service.models.embedder import Embedder
from service.models.llm import shown_name
from service.models.reranker import Reranker
from service.records import Article, Filters
from service.retrieve import retrieve
from service.store import Store
from service.policy import SummaryPolicy
from service.sections import IN_BRIEF, sections
from service.summarize import PROMPT_VERSION, REPLY, Style, Summarizer, Summary
from service.text import WORD, content_word_sequence, content_words, markdown_escaped, markdown_url

TEMPLATES = Path(__file__).with_name("templates")
# Raised when what a summary keeps changes without its prompts changing, so that cached summaries
# made by the old rules are made again (2: unsupported sentences quoted, not rewritten; leads; 3: no
# captions offered, undated sentences without "this month"; 4: no word of a sentence's own stands in
# for its quote's; 5 and 6: thin summaries filled out from their articles, then in their own order;
# 7: a headline of the model's own for an article without a title; 8: a day kept where a phrase
# between commas needs it; 9: a denial or a finding of no evidence kept; 10: where the accused stand
# kept, and "As of Tuesday," gone whole; 11: a story headed by its cut lead told from that lead; 12: the
# accused's answer in their own words kept; 13: a quote set against the sentence before it, and "the
# brothers", only after what they lean on; "As of Tuesday," kept; "But ..." kept after what it links to).
SUMMARY_RULES = "13"
# Of an article, what two reports of one story are compared by: about the 256 word pieces the
# embedder reads of a text.
OPENING_CHARS = 1500
# A story's first sentence tells its headline where it opens with this share of the headline's
# content words, no more than LEAD_IN_GAP others between any two of them.
LEAD_IN_SHARE = 0.7
LEAD_IN_GAP = 3
# Where a story is one sentence, its bold ends after at least this many words, where a phrase or
# clause starts.
LEAD_IN_OPENING_WORDS = 6
PHRASE_START = re.compile(r"\s+(?=(?:of|to|in|on|at|for|with|from|after|as|amid|while|which|who|that)\b)|,")
SENTENCE_CLOSE = " .!?\"'”’"
DOTTED_REST = re.compile(r"(?:(?:\.[A-Z])+\.)?")
CLOSERS = re.compile(r"[)\]”’\"']*")
# "in Iran's holy city" | "of Qom": the name a headline's place is of goes with it.
NAMED_PLACE = re.compile(r"(?:\s+of\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)?")
CLAUSE_CLOSING = re.compile(r"(?:\s+[\w']+){1,3}(?=[,;:.!?]|$)")
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
    also: list[DigestItem] = Field(default_factory=list, description="Other articles reporting the same story, each "
                                   "by its first sentence, its quotes numbered after the story's own.")
    shown_as: str | None = Field(default=None, description="What an article under another story's is shown as: "
                                 "'Also reported by' its outlet, or 'Related report' where its outlet is unknown.")


class Topic(BaseModel):
    name: str
    items: list[DigestItem]


class Digest(BaseModel):
    title: str
    generated_at: datetime
    model: str
    # Defaults: a digest kept by an earlier version still opens.
    checker: str = Field(default="not recorded", description="What checked each sentence against its sources.")
    published_from: date | None = Field(default=None, description="The dates the digest covers: the selection's, "
                                        "else the earliest and latest of its articles' publication dates.")
    published_to: date | None = None
    stories_until: date | None = Field(default=None, description="An issue of archived articles: the latest day its "
                                       "stories can be from, so that none reads as this week's news.")
    topics: list[Topic]
    failed: list[DigestItem]

    @property
    def items(self) -> list[DigestItem]:
        """The stories, one for each set of articles that report the same one."""
        return [item for topic in self.topics for item in topic.items]

    @property
    def reports(self) -> list[DigestItem]:
        """Every article's item, the stories' and those reporting a story again."""
        return [report for item in self.items for report in (item, *item.also)]


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
        parts = (article.content_hash, PROMPT_VERSION, SUMMARY_RULES, model, style, str(words))
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
                 period: tuple[date | None, date | None] = (None, None), stories_until: date | None = None,
                 concurrency: int = 4, on_item: Callable[[DigestItem], None] | None = None) -> Digest:
    """`period`: the publication dates the selection asked for, if it did; `stories_until`: for an
    issue of archived articles, the latest day its stories can be from."""
    llm = summarizer.llm
    texts = store.texts

    def summarize(article: Article) -> DigestItem:
        item = DigestItem(article_id=article.id, title=headline(article.title, article.text), url=article.url,
                          source=article.source, published=article.published)
        key = SummaryCache.key(article, llm.model, style, words)
        cached = cache.get(key)
        if cached is not None:
            item.summary, item.cached = cached, True
        else:
            try:
                # An article without a title of its own gets a headline the model writes, where it
                # passes the check: its lead cut short repeated the summary's first sentence. Where
                # none passes, the story is told from its lead, the headline's words in bold.
                untitled = titled_by_lead(article.title, article.text)
                item.summary = summarizer.summarize([article], {article.id: texts.chunks_of(tenant, article)}, style,
                                                    words, write_title=untitled, told_from_lead=untitled)
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
    dates = sorted(item.published for item in done if item.published)
    published_from, published_to = period
    by_id = {article.id: article for article in articles}
    return Digest(title=title, generated_at=datetime.now(timezone.utc), model=llm.model,
                  checker=summarizer.checker.description,
                  published_from=published_from or (dates[0] if dates else None),
                  published_to=published_to or (dates[-1] if dates else None),
                  stories_until=stories_until,
                  topics=group_by_topic(merge_same_stories(done, [by_id[item.article_id].text for item in done],
                                                           summarizer.embedder, summarizer.policy),
                                        summarizer.embedder, summarizer.policy),
                  failed=failed)


def merge_same_stories(items: list[DigestItem], texts: Sequence[str], embedder: Embedder, policy: SummaryPolicy
                       ) -> list[DigestItem]:
    """The items, each story once: articles whose headline and summary embed as close as
    `same_story_similarity`, or whose `texts` open as close as `same_opening_similarity`, report the
    same story, shown as one led by the report whose summary says most of what the others'
    headlines say, the others under it by their first sentence. An editor sends one story with two
    sources, not the same story twice, and leads with the report that tells it (not one about the
    background). Two summaries of one story can tell it from different sentences; the articles
    still open on the same facts."""
    if len(items) < 2:
        return items
    n = len(items)
    vectors = embedder.embed([f"{item.title}. {item.summary.summary}" for item in items]
                             + [item.summary.summary for item in items] + [item.title for item in items]
                             + [text[:OPENING_CHARS] for text in texts])
    stories, summaries, titles, openings = vectors[:n], vectors[n:2 * n], vectors[2 * n:3 * n], vectors[3 * n:]

    def same_story(i: int, j: int) -> bool:
        return (float(stories[i] @ stories[j]) >= policy.same_story_similarity
                or float(openings[i] @ openings[j]) >= policy.same_opening_similarity)

    groups: list[list[int]] = []
    for i in range(n):
        group = next((g for g in groups if same_story(i, g[0])), None)
        if group is None:
            groups.append([i])
        else:
            group.append(i)
    leads = []
    for group in groups:
        lead = max(group, key=lambda i: sum(float(summaries[i] @ titles[j]) for j in group if j != i))
        items[lead].also.extend(items[j].model_copy(update={"summary": first_sentence(items[j].summary, headed=False),
                                                            "shown_as": shown_as(items[j])})
                                for j in group if j != lead)
        number_reports(items[lead])
        leads.append(lead)
    return [items[i] for i in sorted(leads)]


def shown_as(report: DigestItem) -> str:
    """'Also reported by' names an outlet: a report whose outlet is unknown is only related (a
    dataset's name in its place read as a second outlet backing the story). A digest kept before
    reports carried it says it from the outlet."""
    if report.shown_as:
        return report.shown_as
    return f"Also reported by {' '.join(report.source.split())}" if report.source else "Related report"


def lead_in(item: DigestItem) -> int:
    """How many characters of a story's first sentence tell its headline, where the sentence opens
    with it in nearly its words (a headline cut from the lead the sentence tells, "Moderna, Inc.'s
    revenues ..." for "Moderna's revenues ..."): the story is told from that sentence, those words
    in bold, as briefs are, rather than under a headline the sentence repeats, which an editor
    would not send. So for a headline the model wrote from the sentence the story opens with ("Asian
    share markets follow Wall Street into the red" over "Asian share markets followed Wall Street
    into the red as ..."); not for one written from other sentences, whose quotes the story's
    opening does not show. 0 for a story told under its headline."""
    summary = item.summary
    if summary is None or summary.style == "bullets" or not summary.sentences:
        return 0
    if not set(summary.title_citations) <= set(summary.sentences[0].citations):
        return 0
    untold = Counter(content_word_sequence(summary.title or item.title))  # each of its words, as often as it has it
    headline_words = len(untold)
    first = summary.sentences[0].text
    told, told_to, missed = set(), 0, 0
    for word in WORD.finditer(first):
        stem = next(iter(content_words(word.group())), None)
        if stem is None:
            continue
        if untold[stem] > 0:  # "Conservative Leader ..., while NDP Leader": the headline has one
            untold[stem] -= 1
            told.add(stem)
            told_to, missed = word.end(), 0
        elif not told or (missed := missed + 1) > LEAD_IN_GAP:
            break  # a sentence that opens otherwise, or one past the headline's words
    if not headline_words or len(told) < LEAD_IN_SHARE * headline_words:
        return 0
    # "..., health officials [have said]," the words that close the headline's clause close the bold
    closing = CLAUSE_CLOSING.match(first, told_to)
    if closing and not content_words(closing.group()):
        told_to = closing.end()
    told_to = DOTTED_REST.match(first, told_to).end()  # "U.S.", not "U" in bold
    told_to = NAMED_PLACE.match(first, told_to).end()  # "Iran's holy city of Qom"
    told_to = CLOSERS.match(first, told_to).end()  # "(UAS)", not "(UAS" in bold
    if len(summary.sentences) == 1 and not first[told_to:].strip(SENTENCE_CLOSE):
        # bold to its end, a story of one sentence would read as a headline without a story: the
        # bold ends before the first phrase after its opening words ("Lordstown Motors said it will
        # suspend production and deliveries" | "of its all-electric Endurance pickup to ...")
        opening = list(WORD.finditer(first))[LEAD_IN_OPENING_WORDS - 1:LEAD_IN_OPENING_WORDS]
        phrase = PHRASE_START.search(first, opening[0].end()) if opening else None
        told_to = phrase.start() if phrase else told_to
    return told_to if summary.summary.startswith(first[:told_to]) else 0


def number_reports(item: DigestItem) -> None:
    """The quotes of a story's other reports numbered after the story's own, in order."""
    offset = len(item.summary.citations)
    for other in item.also:
        other.summary = numbered_after(other.summary, offset)
        offset += len(other.summary.citations)


def numbered_after(summary: Summary, offset: int) -> Summary:
    """The summary with its citations numbered from `offset` + 1: shown under another story, its
    quotes follow that story's."""
    shift = offset - min((c.n for c in summary.citations), default=1) + 1
    sentences = [s.model_copy(update={"citations": [n + shift for n in s.citations]}) for s in summary.sentences]
    return summary.model_copy(update={
        "sentences": sentences, "citations": [c.model_copy(update={"n": c.n + shift}) for c in summary.citations],
        "title_citations": [n + shift for n in summary.title_citations],
        "summary": " ".join(with_markers(s.text, s.citations) for s in sentences)})


def group_by_topic(items: list[DigestItem], embedder: Embedder, policy: SummaryPolicy) -> list[Topic]:
    found = sections([f"{item.title}. {item.summary.summary}" for item in items], embedder,
                     policy.section_join_distance, policy.most_sections)
    for name, members in found:
        if name == IN_BRIEF:  # brief: a story's first sentence, with the quotes it cites
            for i in members:
                items[i].summary = first_sentence(items[i].summary)
                number_reports(items[i])
    return [Topic(name=name, items=[items[i] for i in members]) for name, members in found]


def first_sentence(summary: Summary, headed: bool = True) -> Summary:
    """The summary cut to its first sentence, and its answer to what the story alleges (a denial,
    no evidence found) where it gives one, with the quotes that they and, where it is `headed`
    (shown under its own headline, not as another report of a story), its headline cite,
    numbered again from 1."""
    first, *rest = summary.sentences
    shown = [first, *[s for s in rest if REPLY.search(s.text)][:1]]
    title_citations = summary.title_citations if headed else []
    cited = sorted(set(title_citations).union(*(s.citations for s in shown)))
    number = {n: i for i, n in enumerate(cited, start=1)}
    sentences = [s.model_copy(update={"citations": [number[n] for n in s.citations]}) for s in shown]
    return summary.model_copy(update={
        "sentences": sentences,
        "citations": [c.model_copy(update={"n": number[c.n]}) for c in summary.citations if c.n in number],
        "title_citations": [number[n] for n in title_citations],
        "summary": " ".join(with_markers(s.text, s.citations) for s in sentences)})


def web_url(url: str | None) -> str | None:
    """The URL where it is an http(s) address; None for anything a browser would run or open
    locally (javascript:, data:, file:)."""
    return url.strip() if url and re.match(r"^https?://", url.strip(), re.IGNORECASE) else None


def citations_of(item: DigestItem) -> dict[int, dict]:
    """The quotes a story's sentences cite, and those of its other reports."""
    return {c.n: c.model_dump(mode="json") for report in (item, *item.also) for c in report.summary.citations}


def markdown_text(value: object) -> object:
    """A value in the Markdown digest: its HTML, links and code spans show as text."""
    return markdown_escaped(value) if isinstance(value, str) else value


# A headline is the article's own title, one the model wrote and the checker passed (it cites its
# quote), or one cut from the lead; and the checker is a program that misses some errors (an editor
# found two it let through): the tagline claims no more than that, and sends the reader to the quotes.
TAGLINE = ("Every sentence below cites the sentences of its article that it rests on, quoted word for word under "
           "each story, and was checked against them by a program that can miss errors. A headline is the title of "
           "its article, one written from the sentence it cites and checked the same way, or the first sentence of "
           "the article, shortened.")
# Where the format has bold (not the plain-text part, which shows such a story as a bullet).
BOLD_NOTE = "Where a story opens in bold, those words are its headline."


def quoted(quote: str) -> str:
    """A quote on one line in quotation marks, unless it opens with someone's words in its own:
    “"We are really disappointed," Watson's attorney ...” read as a stray mark."""
    line = " ".join(quote.split())
    return line if line[:1] in "\"“" else f"“{line}”"


def day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "date unknown"


def credit(report: DigestItem) -> str:
    """A story's outlet and publication date, "CNN · date unknown"; nothing where both are unknown,
    which the masthead says once (an editor found "outlet and date unknown" under 20 stories of
    25, after "outlet unknown · date unknown" under 21)."""
    if not report.source and report.published is None:
        return ""
    return f"{' '.join((report.source or 'outlet unknown').split())} · {day(report.published)}"


def issue_line(digest: Digest) -> str:
    """The day the issue was made and what it holds; an issue of archived articles says so first,
    so that no reader takes a story's present tense, or its "Tuesday", for this week's."""
    made, held = day(digest.generated_at), stories(digest)
    if digest.stories_until is None:
        return f"{made} · {held}"
    return f"From the archive, compiled {made}: {held} published by {day(digest.stories_until)}"


def stories(digest: Digest) -> str:
    """'26 stories', or '25 stories from 26 articles' where two report one story."""
    count, articles = len(digest.items), len(digest.reports)
    said = f"{count} {'story' if count == 1 else 'stories'}"
    return said if articles == count else f"{said} from {articles} articles"


def coverage(digest: Digest) -> str:
    """The publication dates a digest covers, and how many of its articles have none, as sentences
    of their own (run into the issue line, an editor could not parse them)."""
    start, end = digest.published_from, digest.published_to
    span = "" if not start and not end else (
        f"published {day(start)}" if start == end else
        f"published {day(start)} to {day(end)}" if start and end else
        f"published from {day(start)}" if start else f"published until {day(end)}")
    undated = sum(item.published is None for item in digest.reports)
    if span and undated:  # alone, "published 5 October 2023" read to an editor as the issue's own date
        span = f"{len(digest.reports) - undated} of {len(digest.reports)} articles dated, {span}"
    # Undated, a story's "later this year", or a weekday kept where its phrase needs it ("by Friday"),
    # would read as this issue's.
    note = (f"{undated} undated: where one of their stories says “last year” or “by Friday”, that is counted "
            "from its article's day, not this issue's" if undated else "")
    uncredited = sum(not credit(item) for item in digest.items)
    unknown = (f"{uncredited} {'story records' if uncredited == 1 else 'stories record'} neither outlet nor date: "
               f"{'it has' if uncredited == 1 else 'they have'} no credit line" if uncredited else "")
    return " ".join(f"{part[0].upper()}{part[1:]}." for part in (span, note, unknown) if part)


def render(digest: Digest, fmt: str) -> str:
    """`fmt`: html (for mail clients and browsers), md, or txt (an email's plain-text part)."""
    # Titles, quotes and model output are data: the HTML template escapes them for HTML, and
    # the Markdown one backslash-escapes what Markdown would turn into markup.
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                                     autoescape=jinja2.select_autoescape(["html", "html.j2"]),
                                     finalize=markdown_text if fmt == "md" else None,
                                     trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                                     undefined=jinja2.StrictUndefined)
    environment.filters["oneline"] = lambda text: " ".join(str(text).split())
    environment.filters["web_url"] = web_url
    environment.filters["markdown_url"] = markdown_url
    environment.filters["day"] = day
    environment.filters["shown_name"] = shown_name
    environment.filters["quoted"] = quoted
    # A sentence shown without its full stop (a caption's, a subheading's) would run into the next.
    environment.filters["full_stop"] = lambda text: "" if SENTENCE_END.search(text) else "."
    environment.filters["markers"] = lambda numbers: ", ".join(f"[{n}]" for n in numbers)
    template = environment.get_template(f"digest.{fmt}.j2")
    return template.render(digest=digest, citations_of=citations_of, issue_line=issue_line, coverage=coverage,
                           shown_as=shown_as, lead_in=lead_in, credit=credit, TAGLINE=TAGLINE,
                           BOLD_NOTE=BOLD_NOTE)


def email(digest: Digest) -> bytes:
    """The digest as a MIME message, ready for any mail client or `sendmail`: its plain-text
    part, then the HTML one (multipart/alternative). The sender and recipients are the user's."""
    message = EmailMessage()
    message["Subject"] = f"{' '.join(digest.title.split())}, {day(digest.generated_at.date())}"  # one issue of many
    message["Date"] = format_datetime(digest.generated_at)
    message.set_content(render(digest, "txt"))
    message.add_alternative(render(digest, "html"), subtype="html")
    return bytes(message)


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
    for fmt in ("md", "html", "txt"):
        path = out / f"digest.{fmt}"
        path.write_text(render(digest, fmt), encoding="utf-8")
        written[fmt] = path
    (out / "digest.json").write_text(json.dumps(digest.model_dump(mode="json"), indent=1), encoding="utf-8")
    (out / "digest.eml").write_bytes(email(digest))
    written.update(json=out / "digest.json", eml=out / "digest.eml")
    return written
