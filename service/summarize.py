"""Summaries: numbered sentences -> select -> generate -> cite -> verify -> quote or drop.

Long inputs and many articles are summarised map-reduce style. Map: every sentence of every
article is scored for salience (closeness to its article's centroid embedding, plus a lead
bonus), and each article keeps its best sentences within an equal share of the prompt
budget. Reduce: the model writes the summary from that selection, citing its numbers. No
part is skipped unread, each article is represented, and the prompt stays short: the
embedded 1.5B model invents facts on long inputs and reads only ~40 tokens/s, so an LLM map
step over whole articles cost minutes per article and made more errors, not fewer.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from service.checker import Checker
from service.checker.qualifiers import unattributed_speech
from service.citations import Citation, CitedSentence, DraftSentence, cite, parse_cited_text, renumber, with_markers
from service.context import Passage, render_passages
from service.headlines import MOST_CHARS as HEADLINE_CHARS
from service.headlines import headline, reported_by, titled_by_lead, titling_lead
from service.ingest.extract import ExtractionError
from service.ingest.pipeline import Source, extract, ingest, to_article
from service.models.embedder import Embedder
from service.models.llm import LLM, LLMError, Usage
from service.policy import SummaryPolicy
from service.prompts import load_prompt
from service.records import Article, Chunk
from service.settings import Settings
from service.store import Store
from service.text import (FEATURE_OPENING, FILE_CAPTION, LEANS_ON_ANOTHER, NAME, PICTURED, POINTS_BACK, STOPWORDS,
                          TITLES, WORD, content_words, is_caption, is_promotion, name_forms, names, numbers,
                          past_kicker, sentence_spans, timeless, without_converted_amounts)
from service.verify import CheckedSentence, degradations, headline_shortens, verify

log = logging.getLogger(__name__)
GENERATOR_FAILED = "the generator failed: the summary is the most salient sentences themselves"

Style = Literal["headline", "brief", "bullets", "newsletter"]
PROMPT_VERSION = "v3"
BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
TITLE = re.compile(r"^\s*(?:\**title\**\s*:)\s*", re.IGNORECASE)
QUESTION = re.compile(r"\?['\"’”)\]]*$")
# '..., said Lordstown CEO Edward Hightower said in a release.': a source's slip that a summary
# copying the sentence would print as its own; not reported speech ("Peskov said Putin said he ...").
SAID_TWICE = re.compile(r"[,\"”]\s*said\s+(?:(?:the\s+)?[A-Z][\w.'’-]{0,40}\s+){1,6}said"
                        r"(?=\s+(?:in|on|at|to|during|after)\b|\s*[.,])")
# A sentence that fills out a thin summary has at least this many words (shorter ones say little),
# and at least this share of its content words new to the headline and what is shown: the stems
# are crude ("fear" is not "fearing"), and a sentence that is half repeats reads as a repeat.
FILL_MIN_WORDS = 6
FILL_NEW_SHARE = 0.5
# The person an article names this many times or more, more often than anyone else, is someone its
# story names.
MAIN_PERSON_MENTIONS = 3
# "His accomplice, 30-year-old Edgar Ricardo de Oliveira, ...": someone introduced as another's; the
# other is who the sentences just before were about, this many sentences back at most.
POSSESSIVE_OPENING = re.compile(r"^(?:His|Her)\s+[a-z-]+(?:\s+[a-z-]+)?,\s+(?:[\w-]+\s+)?[A-Z]")
OWNER_REACH = 3
THIRD_PERSON = re.compile(r"\b(?:he|she|him|his|her)\b", re.IGNORECASE)
# "For the full year of 2023, ...", "In 2025, ...": the period what follows is true of.
OPENING_PERIOD = re.compile(r"^\W*(?:for|in|during|by|over|throughout|through|since|until)\s+(?:the\s+)?"
                            r"(?:[\w'’-]+\s+){0,4}?(?:\d{4}|FY\s?\d{2,4})\b[^,]{0,30},\s+", re.IGNORECASE)
# A lead that adds this many content words to the headline cut from it says more than the headline.
LEAD_ADDS_WORDS = 3
# "And now, Politico reports ...", "But the company said ...": a link to a sentence the summary does
# not show. Not "But for the rain", "Now that prices rose" or "However hard they tried".
OPENING_LINK = re.compile(r"^(?:(?:and\s+now|also|meanwhile|however|now|still),\s+|(?:and|but)\s+"
                          r"(?=(?:the|a|an|he|she|they|it|its|this|his|her|their|police|officials)\b))",
                          re.IGNORECASE)

# "However, there have been fears ...", "But the authorities ... have not found any evidence": a
# quote set against the sentence before it in its article. Not "But for the rain" or "However hard".
SETS_AGAINST = re.compile(r"^\W*(?:(?:however|nevertheless|nonetheless|still|yet),\s+|but\s+(?!for\b|also\b))",
                          re.IGNORECASE)

# "An attorney representing the brothers, ...": brothers the reader knows only where the story has
# said whose brother is who (the Tate story never named Tristan). Not "the Tate brothers".
KIN_GROUP = re.compile(r"\bthe\s+(?:brothers|sisters|siblings|twins)\b", re.IGNORECASE)
KIN = re.compile(r"\b(?:brother|sister|sibling|twin)s?\b", re.IGNORECASE)

# An answer to what a story alleges: a denial, an inquiry that found no evidence, where the accused
# stand ("Alibaba denied any wrongdoing, it added"; "the authorities ... have not found any
# evidence of poison"). An editor does not send the allegation without it; the session 34 editor
# found these left out.
DENIAL = r"\b(?:denied|denies|deny|denying|rejected|rejects|disputed|disputes|refuted|refutes)\b"
# "pleaded not guilty", "maintains his innocence", "none of the four detainees has been formally
# charged" (left out of the Tate story).
STANDING = (r"\bpleaded\s+not\s+guilty\b|\bmaintain(?:s|ed|ing)?\s+(?:his|her|their|its)\s+innocence\b|"
            r"\bnone\s+of\s+(?:\w+\s+){1,4}(?:has|have|had)\s+been\s+(?:formally\s+)?charged\b|"
            r"\b(?:has|have|had)\s+not\s+(?:yet\s+)?been\s+(?:formally\s+)?charged\b")
# The accused's answer in their own words: Binance's "clarified that there was no commingling of
# funds", Ozy's lawyer's "We are really disappointed", ByteDance's "We are disappointed with this
# decision, which we believe to be misguided" (each left out of a digest an editor would not send).
RETORT = (r"\bclarified\s+that\s+there\s+(?:was|were)\s+no\b|\b(?:we|i)\s+(?:are|am)\s+(?:\w+\s+)?disappointed\b|"
          r"\bdisappointed\s+(?:with|by)\s+(?:this|the)\s+decision\b|\bin\s+good\s+faith\b|\bno\s+wrongdoing\b|"
          r"\b(?:misguided|baseless|unfounded|groundless)\b|\bwithout\s+merit\b")
# The defence's: "the defense would challenge an extension, insisting there was not enough evidence"
# (Tate's lawyer, left out beside "none of the four detainees has been formally charged").
CHALLENGE = r"\b(?:would|will|to)\s+challenge\b|\bnot\s+enough\s+evidence\b"
REPLY = re.compile(rf"{DENIAL}|\b(?:no|not\s+(?:\w+\s+){{0,2}}any)\s+evidence\b|{STANDING}|{RETORT}|{CHALLENGE}",
                   re.IGNORECASE)
# An answer the accused or their side give, not a state of things ("has not been charged").
VOICED = re.compile(rf"{DENIAL}|{RETORT}|{CHALLENGE}", re.IGNORECASE)
# "ByteDance has consistently denied these accusations": what it answers is in the sentence before.
ANSWERS_THE_SENTENCE_BEFORE = re.compile(
    rf"{DENIAL}\s+(?:these|those|this|that|it|them|the\s+(?:claims?|accusations?|allegations?|reports?|charges?))\b",
    re.IGNORECASE)


class SummarizeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    article_id: str | None = None
    article_ids: list[str] | None = Field(default=None, min_length=1)
    text: str | None = Field(default=None, min_length=1, description="Raw text, summarised without being stored.")
    title: str | None = Field(default=None, description="The raw text's title.")
    store: bool = Field(default=False, description="Ingest the raw text as an article before summarising it.")
    style: Style = "brief"
    words: int | None = Field(default=None, ge=3, description="Word budget; each style has a default.")
    verify: Literal["remove", "flag"] = "remove"

    @model_validator(mode="after")
    def _one_input(self) -> SummarizeRequest:
        given = [name for name in ("article_id", "article_ids", "text") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of `article_id`, `article_ids` or `text`")
        if self.text is not None and not self.text.strip():
            raise ValueError("the text is blank")
        return self


class Summary(BaseModel):
    title: str | None = Field(description="The headline the model wrote (checked against `title_citations`), else "
                              "the article's title.")
    title_citations: list[int] = Field(default_factory=list, description="The quotes a headline the model wrote "
                                       "rests on.")
    headline_source: Citation | None = Field(
        default=None, description="The article's sentence the title was cut from (an article that came without "
        "one), where no summary sentence cites it: what a reader checks the title against.")
    summary: str
    style: Style
    words: int = Field(description="The word budget asked for.")
    sentences: list[CitedSentence]
    citations: list[Citation]
    article_ids: list[str]
    generated: int = Field(description="Sentences the model wrote, before checking.")
    faithfulness: float = Field(description="Share of generated sentences supported, or shown as the quote they "
                                "rest on.")
    removed: int = Field(description="Unsupported sentences dropped (no quote of theirs could stand in).")
    quoted: int = Field(default=0, description="Unsupported sentences shown as the quote they rest on instead.")
    dropped_qualifiers: int = Field(default=0, description="Generated sentences that, as first written, dropped an "
                                    "attribution or a hedge of the quotes they cite (where the checker found them "
                                    "supported otherwise, the quote itself stands in their place).")
    degraded: list[str] = Field(default_factory=list, description="Parts that failed and what stood in for them.")
    model: str
    prompt_version: str
    timings: dict[str, float]
    usage: Usage

    @computed_field(description="Words the summary has (citation markers not counted).")
    @property
    def word_count(self) -> int:
        return sum(len(sentence.text.split()) for sentence in self.sentences)


def load_articles(request: SummarizeRequest, store: Store, embedder: Embedder, settings: Settings, tenant: str
                  ) -> tuple[list[Article], dict[str, list[Chunk]]]:
    """The articles a request names (LookupError for an unknown id), or its raw text as an
    unsaved article; raw text is stored first only when the request says `store`."""
    texts = store.texts
    if request.text is not None:
        source = Source(text=request.text, title=request.title)
        if not request.store:
            return [to_article(extract(source, settings))], {}
        report = ingest([(0, source)], store, embedder, settings, tenant)
        if report.failed:
            raise ExtractionError(report.results[0].error)
        ids = [report.results[0].article_id]
    else:
        ids = [request.article_id] if request.article_id is not None else list(dict.fromkeys(request.article_ids))
    articles = [texts.get(tenant, article_id) for article_id in ids]
    missing = [article_id for article_id, article in zip(ids, articles) if article is None]
    if missing:
        raise LookupError(f"no article {', '.join(map(repr, missing))}")
    return articles, {a.id: texts.chunks_of(tenant, a) for a in articles}


def numbered_sentences(articles: Sequence[Article], chunks: dict[str, list[Chunk]]) -> list[Passage]:
    """The articles' sentences a summary may draw on: a plea to sign up for a newsletter is the
    site's, not the story's (unless the article is nothing else), and so are a desk's tag before the
    story ("FIRST ON FOX: ", "NEW YORK - "), an archive photo's caption run into a sentence, which
    a sentence copying its quote would repeat, a picture's caption or a subheading (other than
    the lead a headline is cut from; shown as a summary's sentences, two captions of CCTV stills
    stood under a headline about the gunman's death), and a question, which states nothing ("The
    reason?", a link to another story: "Bird flu has jumped to mammals - so how worried should
    humans be?"), nor one that says "said" twice for one speaker (a slip its summary would repeat),
    nor a caption run into the story ("Steve Johnson, right, and his wife arrive ...", whose name a
    summary gave to the man who pleaded guilty), nor someone's words that do not say whose (a
    quotation that opened in the sentence before):
    a summary sentence resting on them could say neither whose they are nor stand as its own."""
    passages = []
    for article in articles:
        article_chunks = chunks.get(article.id, [])
        spans = sentence_spans(article.text)
        lead_at = lead_start(article)
        story: list[tuple[int, int]] = []
        for start, end in spans:
            if (is_caption(article.text, start, end) or QUESTION.search(article.text, start, end)
                    or SAID_TWICE.search(article.text, start, end) or PICTURED.search(article.text, start, end)
                    or unattributed_speech(article.text[start:end])) and not start <= lead_at < end:
                continue
            if not story:  # a desk's tag opens the story only
                start = past_kicker(article.text, start, end)
            if start == end:  # a dateline on its own line ("CNN --")
                continue
            if caption := FILE_CAPTION.match(article.text[start:end]):
                start += caption.end()
            if not is_promotion(article.text[start:end]):
                story.append((start, end))
        for start, end in story or spans:
            chunk_id = next((c.id for c in article_chunks if c.start <= start < c.end), f"{article.id}#text")
            passages.append(Passage(n=len(passages) + 1, article=article, chunk_id=chunk_id, start=start, end=end,
                                    relevance=0.0))
    return passages


class Summarizer:
    def __init__(self, llm: LLM, checker: Checker, embedder: Embedder, policy: SummaryPolicy):
        self.llm = llm
        self.checker = checker
        self.embedder = embedder
        self.policy = policy
        self.system = load_prompt("summarize-system", PROMPT_VERSION).render()
        self.template = load_prompt("summarize", PROMPT_VERSION)
        self.styles = dict(line.split(": ", 1) for line in
                           load_prompt("summarize-styles", PROMPT_VERSION).template.splitlines() if line.strip())

    def summarize(self, articles: Sequence[Article], chunks: dict[str, list[Chunk]], style: Style,
                  words: int | None = None, verify_mode: str = "remove", write_title: bool = False,
                  told_from_lead: bool = False) -> Summary:
        """`write_title`: the model heads the summary with a headline of its own (the newsletter style
        always does), shown where it passes `checked_title`; else the article's title stands.
        `told_from_lead`: a summary shown without the headline cut from its lead (a digest's story
        opens with the lead instead, the headline's words in bold) opens with that lead, whatever it
        adds to the headline."""
        words = self.policy.words_for(style, words)
        usage, timings = Usage(), {"generate": 0.0, "verify": 0.0}
        numbered = numbered_sentences(articles, chunks)
        passages = select_salient(numbered, self.embedder, self.policy)
        degraded: list[str] = []
        try:
            text = self._generate(passages, style, words, usage, timings, write_title)
        except LLMError:
            log.warning("the summary's generator failed; summarising extractively", exc_info=True)
            degraded.append(GENERATOR_FAILED)
            text = ""
        title_line, drafts = split_output(text, style, {p.n for p in passages})
        started = time.perf_counter()
        min_support = self.policy.min_support
        checked = (verify(drafts, passages, self.checker, min_support, self.policy.max_new_words) if drafts
                   else extractive_summary(passages))
        dropping = sum(s.dropped_qualifier for s in checked)
        budget = round(words * self.policy.budget_slack)
        # A headline-style summary is one line: where the model's is unsupported, the story's lead
        # stands (below), not the quote it cited, which may be a detail ("Crews had restored power
        # to all but 1,200 homes" for a storm that cut power to 42,000).
        checked, quoted = (quotes_in_place(checked, passages, self.policy.quote_overlap, budget)
                           if style != "headline" else (checked, 0))
        written_title = (self.checked_title(title_line, passages, articles)
                         if title_line is not None and (style == "newsletter" or write_title) else None)
        timings["verify"] += _ms(started)
        title = written_title.text if written_title else None
        titled_by_article = title is None and len(articles) == 1  # its own title, or one cut from its lead
        if titled_by_article:
            title = headline(articles[0].title, articles[0].text)
        supported = sum(s.supported for s in checked)
        shown = checked if verify_mode == "flag" else [s for s in checked if s.supported]
        # A summary is never empty while its article has sentences: where every sentence written was
        # unsupported, repeated the title (a headline may be its quote) or points back to one not
        # shown, the earliest salient sentence that does not stands alone, else the first written.
        # A story's lead is shown as its headline where the article came without a title.
        leads = lead_passages(articles, numbered)
        # Under a headline of the model's own, the lead is not shown above the summary: the summary
        # may tell it, and a sentence pointing back to it needs it told first.
        headline_leads = set() if written_title else leads
        overlap = self.policy.repeat_overlap
        unlinked = [without_opening_link(sentence) for sentence in without_repeats(shown, title, overlap)]
        # A lead the headline was cut from may stand alone where it says more than the headline, or
        # where it is shown in the headline's place.
        standing = [s for s in extractive_summary(passages) if not POINTS_BACK.match(s.text)
                    and (told_from_lead or says_more_than(s.text, title) if s.citations[0] in headline_leads
                         else without_repeats([s], title, overlap, keep_one=False))]
        alone = read_alone(unlinked, headline_leads, numbered)
        lead_in_place = told_from_lead and bool(headline_leads)  # the lead shown where its headline is not
        opened = (alone if style == "headline" else
                  opened_by_lead(alone, numbered if told_from_lead else passages, leads, title, budget,
                                 always=lead_in_place))
        if style != "headline":
            started = time.perf_counter()
            opened = without_restatements(opened, self.checker, self.policy.restatement_support, budget)
            timings["verify"] += _ms(started)
        kept = (within_budget(opened, budget)
                or [without_opening_link(s) for s in within_budget(standing or shown or extractive_summary(passages),
                                                                   budget)[:1]])
        if style != "headline":
            if not lead_in_place:  # in its headline's place, the lead is the news, not "the headline again"
                kept = told_under_headline(kept, numbered, headline_leads, title, budget, overlap)
            # the accused's answer before the filling: it is news, the filling background
            kept = with_reply(kept, numbered, leads, round(budget * (1 + self.policy.reply_overrun)))
            kept = with_actor(kept, numbered, headline_leads, budget)
            kept = with_main_person(kept, numbered, leads, budget)
            if is_thin(kept, passages, words, self.policy):
                kept = filled_out(kept, passages, headline_leads, title, budget)
        kept = in_its_time(self.introducing(answers_last(kept), numbered, None if lead_in_place else title), numbered)
        kept = with_links_kept(kept, numbered)
        # The headline's quotes are numbered first, as a reader meets them.
        out, citations = renumber(printed(undated_timeless([written_title, *kept] if written_title else kept,
                                                           numbered)), numbered)
        title_citations = []
        if written_title:
            title, title_citations, out = out[0].text, out[0].citations, out[1:]
        lead = next((p for p in numbered if p.n in leads), None) if titled_by_article else None
        shown_lead = lead is not None and any(lead.n in s.citations for s in kept)
        headline_source = cite(lead, 0) if lead is not None and not shown_lead else None
        rendered = ("\n".join(f"- {with_markers(s.text, s.citations)}" for s in out) if style == "bullets"
                    else " ".join(with_markers(s.text, s.citations) for s in out))
        return Summary(title=title, title_citations=title_citations, headline_source=headline_source,
                       summary=rendered, style=style, words=words,
                       sentences=out, citations=citations, article_ids=[a.id for a in articles], generated=len(drafts),
                       faithfulness=round(supported / len(checked), 4) if checked else 1.0,
                       removed=0 if verify_mode == "flag" else len(checked) - supported,
                       quoted=quoted, dropped_qualifiers=dropping, degraded=degraded + degradations(checked),
                       model=self.llm.model, prompt_version=PROMPT_VERSION,
                       timings=timings, usage=usage)

    def introducing(self, sentences: list[CheckedSentence], numbered: Sequence[Passage], title: str | None
                    ) -> list[CheckedSentence]:
        """The sentences, a person one names by surname alone before the story has named them given
        their full name ("Carlos Watson's attorney"), and initials the story has not spelt out spelt
        out ("the European Commission (EC)"), with the article's first sentence that names them so
        cited beside its own, where the checker finds it supported as written: under "The founder of
        Ozy Media was arrested", "Watson's attorney" was nobody's. A name given by its last word is
        given whole ("told the Wall Street Journal")."""
        told, introduced = title or "", []
        by_number = {p.n: p.text for p in numbered}
        for sentence in sentences:
            article = next((p.article for p in numbered if p.n in sentence.citations), None)
            for introduce in (given_in_full, given_whole, spelt_out):
                found = introduce(sentence.text, told, article.text) if article else None
                source = found and next((p for p in numbered if p.article.id == article.id
                                         and re.search(rf"\b{re.escape(found[1])}\b", p.text)), None)
                if not found or not source:
                    continue
                cited = list(dict.fromkeys([*sentence.citations, source.n]))
                verdict = self.checker.check(found[0], [by_number[n] for n in cited])
                if verdict.probability >= (self.policy.min_support or self.checker.calibration.threshold):
                    sentence = dataclasses.replace(sentence, text=found[0], citations=cited,
                                                   score=verdict.probability)
            introduced.append(sentence)
            told += " " + sentence.text
        return introduced

    def _messages(self, passages: Sequence[Passage], instruction: str) -> list[dict[str, str]]:
        return [{"role": "system", "content": self.system},
                {"role": "user", "content": self.template.render(passages=render_passages(passages),
                                                                 instruction=instruction)}]

    def checked_title(self, line: DraftSentence, passages: Sequence[Passage], articles: Sequence[Article]
                      ) -> CheckedSentence | None:
        """The model's headline, where the checker finds it supported as written by the sentences it
        cites (else by its article's lead) and it shortens them (`headline_shortens`: their words in
        their order, its verbs in a headline's tense), keeping what they attribute or hedge and
        naming only what they name; not a question, and no longer than a headline cut from a lead.
        The embedded model drops who said it from most headlines it writes: where the quote closes
        a clause with it (", health officials have said"), the headline is tried again with it."""
        written = sentence_case(line.text, articles).strip().rstrip(".")
        if not written or QUESTION.search(written):
            return None
        by_number = {p.n: p.text for p in passages}

        def as_written(text: str, cited: list[int]) -> CheckedSentence | None:
            if len(text) > HEADLINE_CHARS:
                return None
            verdict = verify([DraftSentence(text, cited)], passages, self.checker, self.policy.min_support)[0]
            quotes = [by_number[n] for n in verdict.citations]
            kept = verdict.supported and verdict.text == text and quotes  # not its quote instead
            return verdict if kept and headline_shortens(text, quotes, self.policy.max_new_words) else None

        # each set of quotes once: the lead it cites is not checked again as the lead
        tried = dict.fromkeys((tuple(line.citations), *((n,) for n in sorted(lead_passages(articles, passages)))))
        for cited in map(list, tried):
            said = reported_by(" ".join(by_number[n] for n in cited if n in by_number))
            found = as_written(written, cited) or (said and as_written(f"{written}, {said}", cited))
            if found:
                return found
        return None

    def _generate(self, passages: Sequence[Passage], style: str, words: int, usage: Usage,
                  timings: dict[str, float], write_title: bool) -> str:
        started = time.perf_counter()
        instruction = self.styles[style].format(words=words)
        if write_title and style != "newsletter":
            instruction = f"{self.styles['title']}\n{instruction}"
        completion = self.llm.complete(self._messages(passages, instruction), max_tokens=self.policy.max_tokens(words))
        usage.add(completion)
        timings["generate"] += _ms(started)
        return completion.text


def quotes_in_place(checked: list[CheckedSentence], passages: Sequence[Passage], overlap: float, most_words: int
                    ) -> tuple[list[CheckedSentence], int]:
    """Each unsupported sentence gives way to the quote it cites (or, citing none, the sentence
    offered) that shares most of its content words, where that quote shares at least `overlap` of
    them, says whose words it gives, and fits the summary's `most_words`: the source's own sentence
    says what the model meant to, as it says it (a longer one would be the whole of a headline-style
    summary, or run past a brief). A second try by the model cost a generation and a check for each (a third of
    the digest's time) and was still only as good as the checker. The embedded model leaves most
    of its unsupported sentences uncited. Returns the sentences and how many a quote stands in for."""
    by_number = {p.n: p for p in passages}
    result, quoted = [], 0
    for sentence in checked:
        words = content_words(sentence.text)
        candidates = [n for n in sentence.citations if n in by_number] or list(by_number)
        shared = {n: len(words & content_words(by_number[n].text)) for n in candidates}
        best = next((n for n in sorted(shared, key=lambda n: -shared[n])
                     if shared[n] >= overlap * len(words) and len(by_number[n].text.split()) <= most_words
                     and not unattributed_speech(by_number[n].text)), None)
        if sentence.supported or not words or best is None:
            result.append(sentence)
            continue
        result.append(CheckedSentence(text=by_number[best].text, citations=[best], supported=True, score=1.0,
                                      judge_failed=sentence.judge_failed))
        quoted += 1
    return result, quoted


def in_its_time(sentences: list[CheckedSentence], passages: Sequence[Passage]) -> list[CheckedSentence]:
    """The sentences, each that copies what its quote says after an opening period with a year ("For
    the full year of 2023, Moderna expects Spikevax to have sales contracted for delivery of $5bn")
    opened by it again: without it, the figure has no period."""
    by_number = {p.n: p.text for p in passages}
    timed = []
    for sentence in sentences:
        quote = by_number.get(sentence.citations[0], "") if len(sentence.citations) == 1 else ""
        period = OPENING_PERIOD.match(quote)
        rest = quote[period.end():] if period else ""
        if (period and not numbers(period.group()) & numbers(sentence.text)
                and sentence.text.lower().split()[:3] == rest.lower().split()[:3]):
            sentence = dataclasses.replace(sentence, text=f"{period.group()}{rest[:1]}{sentence.text[1:]}")
        timed.append(sentence)
    return timed


def extractive_summary(passages: Sequence[Passage]) -> list[CheckedSentence]:
    """The salient sentences themselves, in reading order, each citing itself (the budget is
    applied after, as for a generated summary)."""
    return [CheckedSentence(text=p.text, citations=[p.n], supported=True, score=1.0) for p in passages]


def split_output(text: str, style: str, valid: set[int]) -> tuple[DraftSentence | None, list[DraftSentence]]:
    """(title, sentences) of a generated summary: each bullet is a sentence of its own."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    title = None
    if style != "headline" and lines and TITLE.match(lines[0]):
        parsed = parse_cited_text(TITLE.sub("", lines.pop(0)).strip("*# "), valid)
        title = parsed[0] if parsed else None
    if style == "headline":
        return title, parse_cited_text(BULLET.sub("", lines[0]), valid)[:1] if lines else []
    if style == "bullets":
        return title, [s for line in lines for s in parse_cited_text(BULLET.sub("", line), valid)]
    return title, parse_cited_text(" ".join(BULLET.sub("", line) for line in lines), valid)


def sentence_case(title: str, articles: Sequence[Article]) -> str:
    """'Service Monitors Alibaba Hub' -> 'Service monitors Alibaba hub': a title-cased word that the
    articles write in lower case is no name, and the checker reads capitals as names."""
    lower = {w for a in articles for w in WORD.findall(a.text) if w.islower()}
    words = title.split(" ")
    return " ".join([words[0]] + [w.lower() if w.lower().strip(",.:;!?") in lower else w for w in words[1:]])


def select_salient(passages: list[Passage], embedder: Embedder, policy: SummaryPolicy) -> list[Passage]:
    """The most salient sentences of each article within an equal share of the policy's budget:
    close to the article's centroid, early, carrying key facts (a number, a named actor, a reason
    or consequence), and not repeating the article's own headline or a sentence already chosen."""
    budget = policy.select_chars
    if sum(p.end - p.start for p in passages) <= budget:
        return passages
    vectors = embedder.embed([p.text for p in passages])
    by_article: dict[str, list[int]] = {}
    for i, passage in enumerate(passages):
        by_article.setdefault(passage.article.id, []).append(i)
    titles = dict(zip(by_article, embedder.embed([passages[ix[0]].article.title or "" for ix in by_article.values()])))
    share = budget / len(by_article)
    chosen: list[Passage] = []
    for article_id, indices in by_article.items():
        centroid = vectors[indices].mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        scores = {i: float(vectors[i] @ centroid) + policy.lead_bonus / (1 + rank)
                  + policy.fact_bonus * key_facts(passages[i].text) for rank, i in enumerate(indices)}
        article = passages[indices[0]].article
        # A headline made from the lead is cut from it: the lead is the story's first sentence, not a repeat.
        own_title = article.title and not titled_by_lead(article.title, article.text)
        taken: list[np.ndarray] = [titles[article_id]] if own_title else []
        used = 0
        for i in sorted(indices, key=lambda i: -scores[i]):
            length = passages[i].end - passages[i].start
            if used and used + length > share:
                continue
            if any(float(vectors[i] @ other) >= policy.repeat_similarity for other in taken):
                continue
            chosen.append(passages[i])
            taken.append(vectors[i])
            used += length
    return sorted(chosen, key=lambda p: p.n)


CAUSE = re.compile(r"\b(?:because|due to|after|since|as a result|so that|following|amid|over concerns?|which means|"
                   r"leading to|forcing|prompting|causing)\b", re.IGNORECASE)


def key_facts(sentence: str) -> int:
    """How many kinds of key fact a sentence carries: a number, a named actor, a reason or consequence."""
    return bool(numbers(sentence)) + bool(names(sentence)) + bool(CAUSE.search(sentence))


def without_repeats(sentences: list[CheckedSentence], title: str | None, overlap: float, keep_one: bool = True
                    ) -> list[CheckedSentence]:
    """The sentences less those that repeat the headline or an earlier sentence (most of their
    content words are already there); a summary that only restates its headline keeps that one
    unless `keep_one` is False."""
    seen = [content_words(title)] if title else []
    kept = []
    for sentence in sentences:
        words = content_words(sentence.text)
        if words and any(len(words & earlier) / len(words) >= overlap for earlier in seen):
            continue
        kept.append(sentence)
        seen.append(words)
    return kept or (sentences[:1] if keep_one else [])


def without_restatements(sentences: list[CheckedSentence], checker: Checker, support: float, budget: int
                         ) -> list[CheckedSentence]:
    """The sentences less each that the story's supported sentences before it already support at
    `support` (checked against them as if they were its quotes): it says again, in other words,
    what the reader was just told, where `without_repeats` sees only the same words. The budget it
    held goes to what comes after it. Not checked: a sentence with a name or a number the story
    has not given, which tells something new (each check may cost a call to the judge, a second
    or more); one the next sentence points back to ("It ...", "denied these accusations"), which
    would then point at another; and those past the `budget` in words, which are cut anyway."""
    kept: list[CheckedSentence] = []
    given: set[str] = set()  # every word of the story so far: a name may open a sentence, where names() passes it by
    used = 0
    for sentence, following in zip(sentences, [*sentences[1:], None]):
        leaned_on = following is not None and leans_on_the_one_before(following.text)
        told = [k.text for k in kept if k.supported]
        if (told and not leaned_on and used < budget and names(sentence.text) | numbers(sentence.text) <= given
                and checker.check(sentence.text, told).probability >= support):
            continue
        kept.append(sentence)
        given |= name_forms(sentence.text) | numbers(sentence.text)
        used += len(sentence.text.split())
    return kept


def says_more_than(lead: str, title: str | None) -> bool:
    """Whether a lead says more than the headline cut from it: a day or two more is not more."""
    return len(content_words(lead) - content_words(title or "")) >= LEAD_ADDS_WORDS


def leans_on_the_one_before(text: str) -> bool:
    """Whether a sentence points back to the one before it ("He died ...", "The move ...") or
    answers it ("denied these accusations")."""
    return bool(POINTS_BACK.match(text) or ANSWERS_THE_SENTENCE_BEFORE.search(text))


def set_against_one_not_shown(sentence: CheckedSentence, quotes: dict[int, str], shown: set[int]) -> bool:
    """Whether a sentence tells a quote its article sets against the sentence before it
    (`SETS_AGAINST`), where that one is neither among `shown` nor cited with it. An answer to what
    the story alleges (`REPLY`: "But the company has denied any wrongdoing") answers the
    allegation, wherever the article told it, not the sentence before it."""
    return not REPLY.search(sentence.text) and any(
        SETS_AGAINST.match(quotes.get(n, "")) and n - 1 not in shown | set(sentence.citations)
        for n in sentence.citations)


def kin_not_introduced(text: str, told: Iterable[str]) -> bool:
    """Whether a sentence speaks of "the brothers" (`KIN_GROUP`) where nothing `told` before it says
    whose brother anyone is."""
    return bool(KIN_GROUP.search(text)) and not any(KIN.search(before) for before in told)


def read_alone(sentences: list[CheckedSentence], leads: set[int], numbered: Sequence[Passage]
               ) -> list[CheckedSentence]:
    """The sentences less those that point back to an article sentence the reader was not shown
    just before: the sentence before its quote is shown earlier in the summary, or is its
    article's lead (the headline). "ByteDance has consistently denied these accusations", after
    the EC's reason for its ban, denied what the sentence before it in the article says. So for
    one that tells a quote its article sets against the sentence before it (`SETS_AGAINST`):
    "However, there have been fears that the virus could have evolved to spread more easily
    between people" answered "most cases in people involving direct contact with infected birds";
    told without it, after a child's death from bird flu, it read as an alarm the article does
    not raise. And for one that speaks of "the brothers" before the story says whose brother
    anyone is (`kin_not_introduced`)."""
    quotes = {p.n: p.text for p in numbered}
    shown_before = set(leads)
    kept: list[CheckedSentence] = []
    for sentence in sentences:
        first = min(sentence.citations, default=0)
        if ((leans_on_the_one_before(sentence.text) and first - 1 not in shown_before | set(sentence.citations))
                or set_against_one_not_shown(sentence, quotes, shown_before)
                or kin_not_introduced(sentence.text, [*(quotes.get(n, "") for n in leads), *(k.text for k in kept)])):
            continue
        kept.append(sentence)
        shown_before.update(sentence.citations)
    return kept


def lead_passages(articles: Sequence[Article], numbered: Sequence[Passage]) -> set[int]:
    """The numbers of the passages that lead stories headed by their lead (articles that came
    without a title): the passage where the lead starts."""
    leads = set()
    for article in articles:
        at = lead_start(article)
        leads |= {p.n for p in numbered if p.article.id == article.id and p.start <= at < p.end}
    return leads


def lead_start(article: Article) -> int:
    """Where the lead its headline is cut from starts in the article's text; -1 for an article
    with a title of its own."""
    lead = titling_lead(article.title, article.text)
    return article.text.find(lead) if lead else -1


def opened_by_lead(sentences: list[CheckedSentence], passages: Sequence[Passage], leads: set[int],
                   title: str | None, budget: int, always: bool = False) -> list[CheckedSentence]:
    """The sentences, opened by the story's lead where its headline was cut from it and no
    sentence cites it: the lead says who reported what the rest states ("A report by Forbes found
    that Binance transferred ..."), and all the headline promises. Not where the headline is all
    of it but a day or two (the summary would repeat it), nor where the lead and the first
    sentence together overrun the budget (the lead would push out what the model wrote), unless
    `always` (the headline is not shown: the lead tells the news in its place, and a sentence that
    cites it comes first; `passages` are then all the article's, as the lead may not have been
    among those offered to the model)."""
    lead = next((p for p in passages if p.n in leads), None)
    if lead is None:
        return sentences
    telling = [s for s in sentences if lead.n in s.citations]
    if telling:  # told in the headline's place, the news comes before its background
        return [*telling[:1], *(s for s in sentences if s is not telling[0])] if always else sentences
    if not always and (not sentences or not says_more_than(lead.text, title)
                       or len(lead.text.split()) + len(sentences[0].text.split()) > budget):
        return sentences
    return [*extractive_summary([lead]), *sentences]


def undated_timeless(sentences: list[CheckedSentence], passages: Sequence[Passage]) -> list[CheckedSentence]:
    """The sentences, those resting only on undated articles without the words that date them by
    the day they ran ("this month", "on Thursday"): under a digest's date they read
    as that week's. Dropping when a thing happened leaves what the quotes support supported."""
    undated = {p.n for p in passages if p.article.published is None}
    return [dataclasses.replace(s, text=timeless(s.text)) if s.citations and set(s.citations) <= undated else s
            for s in sentences]


def printed(sentences: list[CheckedSentence]) -> list[CheckedSentence]:
    """The sentences without what a reader would stop at and need not: an amount's conversion."""
    return [dataclasses.replace(s, text=without_converted_amounts(s.text)) for s in sentences]


def told_under_headline(sentences: list[CheckedSentence], numbered: Sequence[Passage], leads: set[int],
                        title: str | None, budget: int, overlap: float) -> list[CheckedSentence]:
    """The sentences, opened by the article's sentence that names most of what the headline names
    (the earliest of those) and stands alone without repeating it, where none of them names any of
    it, or all they say is the headline: under "Police shot Ezequias Souza Ribeiro dead", a summary
    of the victims and a manhunt told another story; under "The EU Commission has now banned
    employees from using TikTok", one of the U.S. ban did, and another only the headline again."""
    named = names(title) if title else set()
    saying_more = without_repeats(sentences, title, overlap, keep_one=False)
    if not named or not sentences or (saying_more and any(named & name_forms(s.text) for s in sentences)):
        return sentences
    unlinked = [without_opening_link(s) for s in extractive_summary([p for p in numbered if p.n not in leads])]
    naming = [s for s in unlinked if named & name_forms(s.text) and len(s.text.split()) <= budget
              and not POINTS_BACK.match(s.text) and not LEANS_ON_ANOTHER.search(s.text)
              and without_repeats([s], title, overlap, keep_one=False)]
    if not naming:
        return sentences
    best = max(naming, key=lambda s: (len(named & name_forms(s.text)), -s.citations[0]))
    return within_budget([best, *saying_more], budget)


def is_thin(sentences: list[CheckedSentence], passages: Sequence[Passage], words: int, policy: SummaryPolicy
            ) -> bool:
    """Whether a summary says little of a long article (see `SummaryPolicy.thin_share`)."""
    said = sum(len(s.text.split()) for s in sentences)
    shown = {n for s in sentences for n in s.citations}
    return ((said < policy.thin_share * words or len(sentences) <= policy.thin_sentences)
            and len(shown) <= policy.thin_sentence_share * len(passages))


def filled_out(sentences: list[CheckedSentence], passages: Sequence[Passage], leads: set[int], title: str | None,
               budget: int) -> list[CheckedSentence]:
    """The sentences, gone on with the salient sentences they do not show, in reading order: each
    that reads alone (or follows one shown from its article), says something (`FILL_MIN_WORDS`:
    not "TikTok is in trouble.") and says it anew (`FILL_NEW_SHARE`, against the headline and what
    is shown together: not "Residents of the small town evacuated, and now many fear for their
    futures" beside "Residents of a small town are fearing for their futures"), while they fit the
    budget. Each goes after the last sentence shown that comes before it in the article, so that
    "The space observatory" still follows the headline that names it. Under "The James Webb Space
    Telescope peered into a celestial Pandora's box", one sentence on Hubble's earlier images left
    out what Webb observed, which the article goes on to say. Not one that speaks of "the brothers"
    where nothing shown says whose brother anyone is."""
    said = sum(len(s.text.split()) for s in sentences)
    shown = list(sentences)
    told = content_words(title or "").union(*(content_words(s.text) for s in sentences))
    article_of = {p.n: p.article.id for p in passages}
    quotes = {p.n: p.text for p in passages}
    opening = int(bool(shown) and bool(leads & set(shown[0].citations)))  # a lead that opens the story stays first
    for candidate in map(without_opening_link, extractive_summary(passages)):
        n, length, words = candidate.citations[0], len(candidate.text.split()), content_words(candidate.text)
        cited = {c for s in shown for c in s.citations} | leads
        follows_one_shown = n - 1 in cited and article_of.get(n - 1) == article_of[n]
        if (n in cited or length < FILL_MIN_WORDS or said + length > budget or LEANS_ON_ANOTHER.search(candidate.text)
                or FEATURE_OPENING.match(candidate.text)
                or (POINTS_BACK.match(candidate.text) and not follows_one_shown)
                or set_against_one_not_shown(candidate, quotes, cited)
                or kin_not_introduced(candidate.text, [title or "", *(quotes[c] for c in leads if c in quotes),
                                                       *(s.text for s in shown)])
                or not words or len(words - told) < FILL_NEW_SHARE * len(words)):
            continue
        # after the last sentence shown that comes before it in the article: the summary's own
        # order stands (a sentence that names the headline's subject may open it on purpose)
        at = max((i + 1 for i, s in enumerate(shown) if s.citations and min(s.citations) < n), default=0)
        shown.insert(max(at, opening), candidate)
        said += length
        told |= words
    return shown


def with_reply(sentences: list[CheckedSentence], numbered: Sequence[Passage], leads: set[int], budget: int
               ) -> list[CheckedSentence]:
    """The sentences with the article's first answer to what it alleges (`REPLY`), where none of them
    gives one: in its place in reading order, the last sentences giving way where it would overrun
    the budget, except the one that tells the news: the lead where one is shown (the Tate story
    opened on his December arrest, and kept its answer at the cost of the court's extension), else
    the first. An answer that leans on a sentence not shown ("Another ...", "He denied it", "denied
    these accusations" after another sentence than the accusations) is no answer a reader can
    follow. Where what is shown is only where the accused stand ("none of the four detainees has
    been formally charged"), their own answer is added to it, where the article gives one. Nor is
    one that would speak of "the brothers" where the story, made room for it, no longer says whose
    brother anyone is: Tate's lawyer "representing the brothers" pushed out the sentence on his
    arrest with his brother Tristan; the next answer in the article stands in its place."""
    if not sentences or any(VOICED.search(s.text) for s in sentences):
        return sentences
    answering = VOICED if any(REPLY.search(s.text) for s in sentences) else REPLY
    shown = {n for s in sentences for n in s.citations}
    replies = [reply for reply in map(without_opening_link, extractive_summary(numbered))
               if answering.search(reply.text) and not POINTS_BACK.match(reply.text)
               and not LEANS_ON_ANOTHER.search(reply.text)
               and not (ANSWERS_THE_SENTENCE_BEFORE.search(reply.text) and reply.citations[0] - 1 not in shown)]
    # the accused's own answer before where they stand: Tate's lawyer's challenge, not "none of the
    # four detainees has been formally charged", which names no one the story has introduced
    headline_quotes = [p.text for p in numbered if p.n in leads]
    for reply in sorted(replies, key=lambda r: not VOICED.search(r.text)):
        answered = added_in_order(sentences, reply, leads, budget)
        if answered is sentences:
            return sentences
        if not kin_not_introduced(reply.text, [*headline_quotes, *(s.text for s in answered[:answered.index(reply)])]):
            return answered
    return sentences


def answers_last(sentences: list[CheckedSentence]) -> list[CheckedSentence]:
    """The sentences, the accused's answers (`VOICED`) after what they answer: Binance's "A
    spokesperson for the exchange clarified that there was no commingling of funds" had come before
    the transfers Forbes reported. The first sentence stays first: it tells the news."""
    rest = sentences[1:]
    moved = [s for s in rest if VOICED.search(s.text) and not ANSWERS_THE_SENTENCE_BEFORE.search(s.text)]
    return [*sentences[:1], *(s for s in rest if s not in moved), *moved]  # "denied these accusations" stays put


def with_actor(sentences: list[CheckedSentence], numbered: Sequence[Passage], leads: set[int], budget: int
               ) -> list[CheckedSentence]:
    """The sentences, where none of them names anyone and they open with their article's first
    sentence or stand under it as their headline (its number in `leads`), with the article's next
    sentence right after it where that one names who is behind the news: "The labels of plant-based
    milk alternatives may soon include a voluntary statement ..." is a proposal, and only the
    sentence after it says whose ("That's the primary recommendation included in proposed
    guidelines, drafted by the U.S. Food and Drug Administration, ..."). The last sentences give
    way where it would overrun the budget."""
    if not sentences or not sentences[0].citations:
        return sentences
    headline = next((p for p in numbered if p.n in leads and not any(p.n in s.citations for s in sentences)), None)
    opening = headline.n if headline else min(sentences[0].citations)
    article = next(p.article for p in numbered if p.n == opening)
    if any(p.n < opening and p.article.id == article.id for p in numbered):
        return sentences
    known = names(article.text)
    things = spelt_in_lower_case(known, article.text)  # "PBMA" (plant-based milk alternatives): no one
    told = [*sentences, *extractive_summary([headline] if headline else [])]
    if any(names(timeless(s.text)) - things or name_forms(" ".join(WORD.findall(s.text)[:1])) & known
           for s in told):
        return sentences
    after = next((p for p in numbered if p.n == opening + 1 and p.article.id == article.id), None)
    cited = {n for s in sentences for n in s.citations}
    if after is None or after.n in cited or not names(after.text) or LEANS_ON_ANOTHER.search(after.text):
        return sentences
    actor = without_opening_link(extractive_summary([after])[0])
    shown = added_in_order(sentences, actor, leads, budget)
    # under the headline it leans on, it comes first
    return [actor, *(s for s in shown if s is not actor)] if headline and actor in shown else shown


def spelt_in_lower_case(named: set[str], article_text: str) -> set[str]:
    """Those of `named` (as `names` gives them) that are initials of content words the article
    writes in a row in lower case, hyphens parting words: "pbma" of "plant-based milk
    alternatives", a thing, where an actor's initials stand for capitals ("FDA" of "Food and Drug
    Administration"). Read in the article's opening, as its people are."""
    text = article_text[:PEOPLE_READ_CHARS]
    capitals = {word.lower() for word in re.findall(r"(?<![A-Z]{2}\s)\b[A-Z]{3,6}\b(?!\s+[A-Z]{2})", text)}
    acronyms = named & capitals  # three letters or more, and not in a line of capitals
    words = re.findall(r"[A-Za-z]+", text.replace("-", " "))
    return {acronym for acronym in acronyms if any(
        all(w.islower() and w not in STOPWORDS for w in words[at:at + len(acronym)])
        and _initials(words[at:at + len(acronym)]) == acronym for at in range(len(words)))}


def with_main_person(sentences: list[CheckedSentence], numbered: Sequence[Passage], leads: set[int], budget: int
                     ) -> list[CheckedSentence]:
    """The sentences, where none names the person their article names most (see `people`), with the
    article's first sentence that names them and reads alone (or after the one shown about whose
    they are: see `follows_its_owner`), in its place in reading order; the
    last sentences give way where it would overrun the budget, never the one that tells the news.
    Told through one gunman, the Sinop killings read as his alone, where his accomplice, named seven
    times, "confessed to the crimes" ("The lawyer for surviving assailant Edgar Ricardo de Oliveira
    said ...")."""
    if not sentences or not sentences[0].citations:
        return sentences
    opening = min(sentences[0].citations)
    article = next(p.article for p in numbered if p.n == opening)
    named = people(article.text)
    if not named:
        return sentences
    most = max(named.values())
    main = [surname for surname, count in named.items() if count == most]
    if most < MAIN_PERSON_MENTIONS or len(main) > 1 or any(re.search(rf"\b{main[0]}\b", s.text) for s in sentences):
        return sentences
    cited = {n for s in sentences for n in s.citations}
    naming = next((candidate for candidate in map(without_opening_link, extractive_summary(
        [p for p in numbered if p.article.id == article.id and p.n not in cited
         and re.search(rf"\b{main[0]}\b", p.text)]))
        if len(candidate.text.split()) >= FILL_MIN_WORDS and not LEANS_ON_ANOTHER.search(candidate.text)
        and not unattributed_speech(candidate.text)
        and (not POINTS_BACK.match(candidate.text) or follows_its_owner(candidate, cited, numbered, set(named)))), None)
    if naming is None:
        return sentences
    owner = {max(n for n in cited if n < naming.citations[0])} if POINTS_BACK.match(naming.text) else set()
    return added_in_order(sentences, naming, leads | owner, budget)  # "His accomplice" keeps whose he was


def follows_its_owner(sentence: CheckedSentence, shown: set[int], numbered: Sequence[Passage], surnames: set[str]
                      ) -> bool:
    """Whether a sentence that introduces someone as another's ("His accomplice, 30-year-old Edgar
    Ricardo de Oliveira, also ran ...") may follow the last sentence shown before it: that one is at
    most `OWNER_REACH` sentences before it in the article, and those between go on about one
    person ("He died ...", "Military Police say he was shot ...") and name none of the people the
    article names (`surnames`), so that "His" is still whom that sentence was about."""
    n = sentence.citations[0]
    before = max((m for m in shown if m < n), default=None)
    if not POSSESSIVE_OPENING.match(sentence.text) or before is None or n - before > OWNER_REACH:
        return False
    between = [p.text for p in numbered if before < p.n < n]
    return all(THIRD_PERSON.search(text) and not any(re.search(rf"\b{surname}\b", text) for surname in surnames)
               for text in between)


# An article's people are read in its first this many characters (some 3,000 words: a long news
# story), so that a page of a million characters costs a summary no more than a story does.
PEOPLE_READ_CHARS = 20_000
CALENDAR = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february march april
june july august september october november december""".split())
# "to Asia", "in South Asia": a word a place name follows, where a person's surname seldom does.
_PLACE_BEFORE = re.compile(r"\b(?:in|to|from|across|into|over|throughout|around|near|of|the)\s+$", re.IGNORECASE)


def people(article_text: str) -> dict[str, int]:
    """The people an article introduces by a given name and then calls by surname alone within a
    sentence ("Edgar Ricardo de Oliveira ... that Oliveira had played"), each with how many times
    it names them."""
    text = article_text[:PEOPLE_READ_CHARS]
    found, passed_over = {}, set()
    for bare in _BARE_WORD.finditer(text):
        surname = bare.group()
        if (surname in found or surname in passed_over or surname.lower() in TITLES
                or not _mid_sentence(text, bare.start()) or _after_a_name(text, bare.start())
                or _PLACE_BEFORE.search(text[max(0, bare.start() - 20):bare.start()])):
            continue
        full = re.search(rf"\b([A-Z][a-z]+)\s+(?:(?:[A-Z][a-z]+|d[aeo]s?)\s+){{0,2}}{surname}\b", text)
        if (full and full.group(1).lower() not in STOPWORDS | TITLES and surname.lower() not in CALENDAR
                and full.start() < bare.start()):
            found[surname] = len(re.findall(rf"\b{surname}\b", text))
        else:
            passed_over.add(surname)  # introduced by no given name before its first lone use: none after it
    return found


def added_in_order(sentences: list[CheckedSentence], added: CheckedSentence, leads: set[int], budget: int
                   ) -> list[CheckedSentence]:
    """The sentences with `added` in its place in reading order, the last of them giving way where
    it would overrun the budget, except the one that tells the news (the lead where one is shown,
    else the first) and the accused's answer (it may have taken the story past the budget). The
    sentences as they are where it cannot fit."""
    telling = ([s for s in sentences if leads & set(s.citations)] or sentences[:1]) + [
        s for s in sentences if VOICED.search(s.text)]
    kept = list(sentences)
    used = sum(len(s.text.split()) for s in [*sentences, added])
    for candidate in reversed(sentences):
        if used <= budget:
            break
        if candidate not in telling:
            kept.remove(candidate)
            used -= len(candidate.text.split())
    if used > budget:
        return sentences
    at = max((i + 1 for i, s in enumerate(kept) if s.citations and min(s.citations) < added.citations[0]), default=1)
    return [*kept[:at], added, *kept[at:]]


# A capitalised word on its own: "Watson" of "Watson's attorney", "White" of "White, 52,".
_BARE_WORD = re.compile(r"(?<![\w'’.-])[A-Z][a-z]{2,30}+(?=['’]s\b|[^\w'’-]|$)")


def given_in_full(text: str, told: str, article_text: str) -> tuple[str, str] | None:
    """`text` with the first surname it gives alone that `told` (what the story said before it)
    does not given the full name its article introduced it by ("Watson" -> "Carlos Watson"), and
    that name: where the article first writes it after one given name ("Carlos Watson ... accuses
    Watson of"), only ever with that one, and writes it alone within a sentence somewhere (as a
    name; not "Police" of "Military Police", which opens sentences only). Not a word of someone's
    quoted words, not a name the article writes alone before it writes it in full ("Australia ...
    Airservices Australia"), nor the last word of a longer name ("the Journal" is not "Street
    Journal" of "the Wall Street Journal")."""
    for bare in _BARE_WORD.finditer(text):
        surname, before = bare.group(), text[:bare.start()]
        if (_within_quotes(before) or _after_a_name(text, bare.start()) or re.match(r"\s+[A-Z]", text[bare.end():])
                or re.search(r"\bthe\s+$", before, re.IGNORECASE)):  # "the Journal": a title, not a surname
            continue
        if re.search(rf"\b{surname}\b", told):
            continue
        alone = [found.start() for found in re.finditer(rf"\b{surname}\b", article_text)
                 if not _after_a_name(article_text, found.start())]
        if not any(_mid_sentence(article_text, at) for at in alone):
            continue
        full = [found for found in re.finditer(rf"\b([A-Z][a-z]+)\s+{surname}\b", article_text)
                if found.group(1).lower() not in STOPWORDS | TITLES and not _after_a_name(article_text, found.start())]
        if full and len({found.group(1) for found in full}) == 1 and full[0].start() < alone[0]:
            name = f"{full[0].group(1)} {surname}"
            return f"{before}{name}{text[bare.end():]}", name
    return None


# A name's last word after "the", standing for the whole: "the Journal", "the Post".
_LAST_WORD_OF_A_NAME = re.compile(r"\bthe\s+([A-Z][a-z]{2,30})\b(?![\w'’-])(?!\s+[A-Z])")


def given_whole(text: str, told: str, article_text: str) -> tuple[str, str] | None:
    """`text` with the first name it gives by its last word after "the" ("told the Journal") as
    its article wrote it in full ("the Wall Street Journal"), and that name: where the article
    ends one longer name only with that word, and writes it in full before it writes it short
    (not "the House" for "the White House" where the article named the House first). Not a word
    of someone's quoted words, nor a name `told` (what the story said before) gave in full."""
    for short in _LAST_WORD_OF_A_NAME.finditer(text):
        word, before = short.group(1), text[:short.start(1)]
        if _within_quotes(before):
            continue
        longer = list(re.finditer(rf"\b[Tt]he\s+((?:[A-Z][\w.&'’-]*\s+){{1,3}}){word}\b", article_text))
        alone = re.search(rf"\b[Tt]he\s+{word}\b", article_text)
        if not longer or len({found.group(1) for found in longer}) > 1 or (alone and alone.start() < longer[0].start()):
            continue
        name = f"{longer[0].group(1)}{word}"
        if not re.search(rf"\b{re.escape(name)}\b", told):
            return f"{before}{name}{text[short.end(1):]}", name
    return None


# Capitals for a name's initials: "FIMS", "EC"; not "(UAS)", spelt out just before it, nor those
# news style leaves as they are.
_ACRONYM = re.compile(r"(?<![\w'’.(-])[A-Z]{2,6}(?![\w'’.-])")
KNOWN_INITIALS = frozenset({"US", "UK", "EU", "UN"})


def spelt_out(text: str, told: str, article_text: str) -> tuple[str, str] | None:
    """`text` with the first initials it gives that `told` does not, spelt out as its article spells
    them the first time ("FIMS will ..." -> "The Flight Information Management System (FIMS)
    will ...", "the EC" -> "the European Commission (EC)"), and the name spelt out: a reader of one
    story in a digest has not read the article that introduced them."""
    for found in _ACRONYM.finditer(text):
        acronym, before = found.group(), text[:found.start()]
        if acronym in KNOWN_INITIALS or _within_quotes(before) or re.search(rf"\b{acronym}\b", told):
            continue
        name = defined(acronym, article_text) or next(
            (spelt for spelt in map(_without_opening_stopwords, NAME.finditer(article_text))
             if _initials(spelt.split()) == acronym), None)
        if name is not None and name not in told:
            opening = "The " if not before.strip() else ""  # "FIMS will ...": "The Flight ... (FIMS) will ..."
            return f"{before}{opening}{name} ({acronym}){text[found.end():]}", name
    return None


def defined(acronym: str, article_text: str) -> str | None:
    """What the article spells `acronym` out as just before it in brackets, in any case:
    "purchasing managers' index ( PMI )"."""
    for bracket in re.finditer(rf"\(\s*{acronym}\s*\)", article_text):
        words = article_text[max(0, bracket.start() - 120):bracket.start()].split()
        for count in range(1, min(len(words), 2 * len(acronym) + 2) + 1):  # its words and a few "of"s
            spelt = words[-count:]
            if _initials(spelt).upper() == acronym and spelt[0].lower() not in STOPWORDS:
                return " ".join(spelt)
    return None


def _initials(words: list[str]) -> str:
    """"FDA" of "Food and Drug Administration": the first letters of its words but stop words."""
    return "".join(w[0] for w in words if w.lower() not in STOPWORDS)


def _without_opening_stopwords(name: re.Match[str]) -> str:
    """The name without the words that open it: "The", or a sentence before it ("TikTok. The")."""
    words = re.split(r"(?<=[a-z])\.\s+", name.group())[-1].split()
    while len(words) > 1 and words[0].lower() in STOPWORDS:
        words.pop(0)
    return " ".join(words)


def _within_quotes(before: str) -> bool:
    return (before.count('"') + before.count("“") - before.count("”")) % 2 == 1


def _mid_sentence(text: str, at: int) -> bool:
    """Whether text[at] is within a sentence: a name written alone there is a name ("between White
    and a niece"), where any word opening a sentence is capitalised ("Police moved quickly")."""
    return re.search(r"(?:^|[.!?\n]['\"”’)]*)\s*$", text[max(0, at - 40):at]) is None


def _after_a_name(text: str, at: int) -> bool:
    return re.search(r"[A-Z][\w'’.-]*\s+$", text[max(0, at - 40):at]) is not None


def without_opening_link(sentence: CheckedSentence) -> CheckedSentence:
    """'And now, Politico reports ...' as 'Politico reports ...': the link was to the sentence
    before it in the article, not to the one before it in the summary."""
    rest = OPENING_LINK.sub("", sentence.text, count=1)
    if rest == sentence.text or len(rest.split()) < 4:
        return sentence
    return dataclasses.replace(sentence, text=rest[:1].upper() + rest[1:])


def with_links_kept(sentences: list[CheckedSentence], numbered: Sequence[Passage]) -> list[CheckedSentence]:
    """The sentences, each that tells its quote without the quote's link to the sentence before it
    in its article (`without_opening_link`) given it back where that sentence is cited by the one
    shown just before it: the link then joins what the article joins ("... with some parents and
    officials suspecting they were poisoned. But the authorities ... have not found any evidence of
    poison", which the reader missed)."""
    quotes = {p.n: p.text for p in numbered}
    kept = sentences[:1]
    for before, sentence in zip(sentences, sentences[1:]):
        n = min(sentence.citations, default=0)
        quote = quotes.get(n, "")
        link = OPENING_LINK.match(quote)
        first = WORD.match(sentence.text)
        linked_word = WORD.match(quote, link.end()) if link else None
        if (link and first and linked_word and n - 1 in before.citations
                and first.group().lower() == linked_word.group().lower()):
            sentence = dataclasses.replace(sentence, text=quote[:linked_word.end()] + sentence.text[first.end():])
        kept.append(sentence)
    return kept


def within_budget(sentences: list[CheckedSentence], most_words: int) -> list[CheckedSentence]:
    """The sentences in order, up to the last that fits in `most_words` (the first always stays)."""
    kept, used = [], 0
    for sentence in sentences:
        count = len(sentence.text.split())
        if kept and used + count > most_words:
            break
        kept.append(sentence)
        used += count
    return kept


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
