"""Summaries and the digest over a real Chroma and the real embedder, the LLM faked at litellm."""

import email as email_message
import re
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from email import policy as email_policy

import numpy as np
import pytest
from click.testing import CliRunner

from service.cli import main
from service.citations import Citation, CitedSentence
from service.digest import (TAGLINE, Digest, Selection, SummaryCache, build_digest, email, first_sentence, render,
                            select_articles, Topic)
from service.errors import PROBLEM_JSON
from service.models.llm import Usage
from service.policy import SummaryPolicy
from service.records import Article
from service.context import Passage
from service.summarize import GENERATOR_FAILED, Summary, numbered_sentences, select_salient, without_repeats
from service.checker.cascade import Verdict
from service.verify import CheckedSentence
from service.ingest.pipeline import Source, ingest
from tests.conftest import client_of, fake_runtime

HARBOUR = ("The port authority approved the harbour expansion on Monday, its chairman said. "
           "Work on the new quay starts in March and will cost 40 million euros. "
           "Fishermen oppose the plan because the quay closes their moorings.")
RAIL = "Rail workers will strike on Friday, the union said. The strike is over pay and working hours."
FLOOD = "Heavy rain flooded the river valley on Sunday. Two bridges were closed and 300 homes lost power."


def numbered(prompt: str) -> dict[int, str]:
    return {int(n): text for n, text in re.findall(r"^\[(\d+)\] (.*)$", prompt, flags=re.M)}


def cite_first_words(prompt: str, sentences: int = 2) -> str:
    """A faithful fake summary: the first sentences of the prompt, each citing itself."""
    return " ".join(f"{text} [{n}]" for n, text in list(numbered(prompt).items())[:sentences])


class Script:
    def __init__(self):
        self.summary = cite_first_words
        self.fail_on: str | None = None
        self.interrupt_on: str | None = None
        self.calls: list[str] = []

    def __call__(self, messages):
        prompt = messages[-1]["content"]
        self.calls.append("summary")
        if self.interrupt_on and self.interrupt_on in prompt:
            raise KeyboardInterrupt  # the process being killed mid-batch
        if self.fail_on and self.fail_on in prompt:
            raise RuntimeError("model overloaded")
        return self.summary(prompt)


@pytest.fixture
def script():
    return Script()


@pytest.fixture
def rt(settings, script):
    runtime, _ = fake_runtime(settings, script, checker_judge="none")
    sources = [Source(id="harbour", title="Harbour expansion approved", text=HARBOUR, url="https://example.org/h",
                      source="Port News"),
               Source(id="rail", title="Rail strike", text=RAIL, source="Rail Daily"),
               Source(id="flood", title="Valley floods", text=FLOOD, source="Port News")]
    assert ingest(enumerate(sources), runtime.store, runtime.models.embedder, runtime.settings, "default").added == 3
    return runtime


def select(rt, selection):
    return select_articles(selection, rt.store, rt.models.embedder, rt.reranker, rt.answer_policy.relevance_floor,
                           "default")


def digest_of(rt, articles):
    cache = SummaryCache(rt.settings.data_dir / "cache" / "summaries")
    return build_digest(articles, rt.summarizer(), rt.store, cache, "default", title="Morning")


def summarize(rt, ids, style="brief", words=None):
    texts = rt.store.texts
    articles = [texts.get("default", i) for i in ids]
    return rt.summarizer().summarize(articles, {a.id: texts.chunks_of("default", a) for a in articles}, style,
                                     words)


def test_summary_sentences_cite_verbatim_spans(rt):
    summary = summarize(rt, ["harbour"])
    assert summary.faithfulness == 1.0 and summary.removed == 0 and len(summary.sentences) == 2
    article = rt.store.texts.get("default", "harbour")
    for citation in summary.citations:
        assert article.text[citation.start:citation.end] == citation.quote
        assert citation.chunk_id.startswith("harbour#")
    assert summary.summary.endswith("[2].") and summary.title == "Harbour expansion approved"


def test_newsletter_title_is_checked_and_bullets_are_lines(rt, script):
    script.summary = lambda p: ("Title: Port authority approved harbour expansion, chairman says [1]\n"
                                + cite_first_words(p))
    newsletter = summarize(rt, ["harbour"], style="newsletter")
    assert newsletter.title == "Port authority approved harbour expansion, chairman says"
    # the chairman's word as the newsletter's own is not supported as written: it is closed by whose it is
    script.summary = lambda p: "Title: Port authority approved harbour expansion on Monday [1]\n" + cite_first_words(p)
    assert summarize(rt, ["harbour"], style="newsletter").title == ("Port authority approved harbour expansion, its "
                                                                    "chairman said")
    script.summary = lambda p: "Title: Mayor resigns in Brussels bribery scandal [1]\n" + cite_first_words(p)
    assert summarize(rt, ["harbour"], style="newsletter").title == "Harbour expansion approved"  # the article's
    script.summary = lambda p: "\n".join(f"- {text} [{n}]" for n, text in numbered(p).items())
    bullets = summarize(rt, ["harbour"], style="bullets")
    assert bullets.summary.count("\n- ") == 2 and bullets.summary.startswith("- ")


def test_an_unsupported_sentence_gives_way_to_the_quote_it_rests_on_or_is_dropped(rt, script):
    quote = "Work on the new quay starts in March and will cost 40 million euros."
    script.summary = lambda p: (cite_first_words(p, 1) + " Work on the quay starts in March and will cost 40 billion "
                                f"euros [{next(n for n, text in numbered(p).items() if text == quote)}].")
    quoted = summarize(rt, ["harbour"])
    assert quoted.quoted == 1 and quoted.removed == 0 and quoted.faithfulness == 1.0
    assert quoted.sentences[-1].text == quote and "billion" not in quoted.summary
    script.summary = lambda p: cite_first_words(p, 1) + " The chairman resigned in a bribery scandal in Brussels [1]."
    dropped = summarize(rt, ["harbour"])  # it shares one word of five with its quote: it was not about that quote
    assert dropped.removed == 1 and dropped.quoted == 0 and dropped.faithfulness == 0.5
    assert "Brussels" not in dropped.summary
    assert script.calls == ["summary", "summary"]  # no second try by the model
    script.summary = lambda p: cite_first_words(p, 1) + " Work on the quay starts in March and costs 40 billion euros."
    uncited = summarize(rt, ["harbour"])  # the sentence offered that shares most of its words stands in
    assert uncited.quoted == 1 and uncited.sentences[-1].text == quote


def test_a_quote_stands_in_only_where_it_fits_the_summary(settings, script):
    runtime, _ = fake_runtime(settings, script, checker_judge="none")
    lead = "Storms cut power to 42,000 homes on Saturday, the operator said."
    crews = ("Crews working through the night in heavy rain had restored power to all but 1,200 of the homes by "
             "Sunday evening, the operator said.")
    ingest(enumerate([Source(id="storm", title="Storms in Carrow", text=f"{lead} {crews}")]), runtime.store,
           runtime.models.embedder, runtime.settings, "default")
    script.summary = lambda p: f"Crews restored power to 9,000 homes by Sunday [{number_of_text(p, 'Crews')}]."
    assert [s.text for s in summarize(runtime, ["storm"]).sentences] == [crews]  # a brief's 75 words: it fits
    # 20: it does not. The article is undated: its "on Saturday" would read as the reader's Saturday.
    undated_lead = "Storms cut power to 42,000 homes, the operator said."
    assert [s.text for s in summarize(runtime, ["storm"], words=16).sentences] == [undated_lead]
    headline = summarize(runtime, ["storm"], style="headline")  # one line: the lead, not a detail
    assert [s.text for s in headline.sentences] == [undated_lead] and headline.quoted == 0
    dated = Source(id="storm-dated", title="Storms in Carrow", text=f"{lead} {crews}", published="2023-02-25")
    ingest(enumerate([dated]), runtime.store, runtime.models.embedder, runtime.settings, "default")
    assert [s.text for s in summarize(runtime, ["storm-dated"], style="headline").sentences] == [lead]


def number_of_text(prompt: str, phrase: str) -> int:
    return next(n for n, text in numbered(prompt).items() if phrase in text)


def test_a_summary_whose_every_sentence_is_unsupported_is_the_best_quote_not_empty(rt, script):
    script.summary = lambda p: "The chairman resigned in a bribery scandal in Brussels [1]."
    summary = summarize(rt, ["harbour"], style="headline")
    assert summary.removed == 1 and "Brussels" not in summary.summary
    assert len(summary.sentences) == 1 and summary.sentences[0].text in (  # undated: no "on Monday"
        "The port authority approved the harbour expansion, its chairman said. Work on the new quay starts in March "
        "and will cost 40 million euros. Fishermen oppose the plan because the quay closes their moorings.")


def test_the_quote_standing_in_for_an_unsupported_summary_loses_its_opening_link(settings, script):
    runtime, _ = fake_runtime(settings, script, checker_judge="none")
    text = "But the council approved the harbour plan after a long debate. Work starts in March."
    ingest(enumerate([Source(id="council", title="Council vote", text=text)]), runtime.store, runtime.models.embedder,
           runtime.settings, "default")
    script.summary = lambda p: "The chairman resigned in a bribery scandal in Brussels [1]."
    summary = summarize(runtime, ["council"], style="headline")
    assert [s.text for s in summary.sentences] == ["The council approved the harbour plan after a long debate."]
    assert summary.citations[0].quote.startswith("But the council")


def test_a_summary_keeps_the_articles_answer_to_what_it_alleges(settings, script):
    from service.digest import first_sentence

    runtime, _ = fake_runtime(settings, script, checker_judge="none")
    allegation = ("Belgium's intelligence service is monitoring the Liege cargo hub of Alibaba over possible "
                  "espionage, the Financial Times reported.")
    text = " ".join([allegation, "The hub opened in 2021 and employs 900 people.",
                     "Trucks leave the hub for twelve countries every night.",
                     "But the company has denied any wrongdoing, the newspaper added.",
                     "The service declined to comment on the report."])
    ingest(enumerate([Source(id="hub", title="Alibaba hub watched", text=text)]), runtime.store,
           runtime.models.embedder, runtime.settings, "default")
    summary = summarize(runtime, ["hub"])  # the fake cites the first two sentences only
    assert [s.text for s in summary.sentences] == [
        allegation, "The hub opened in 2021 and employs 900 people.",
        "The company has denied any wrongdoing, the newspaper added."]  # its link to what it answers goes
    # where it would overrun the budget, the sentences after the first give way to it
    tight = summarize(runtime, ["hub"], words=22)
    assert [s.text for s in tight.sentences] == [allegation, tight.sentences[1].text]
    assert "denied" in tight.sentences[1].text and [c.n for c in tight.citations] == [1, 2]
    # in brief: the first sentence and the answer, their quotes numbered from 1
    brief = first_sentence(summary)
    assert [s.citations for s in brief.sentences] == [[1], [2]] and [c.n for c in brief.citations] == [1, 2]
    assert "denied any wrongdoing" in brief.citations[1].quote and brief.summary.endswith("added [2].")
    # an answer that leans on a sentence the summary does not show is none a reader can follow
    ingest(enumerate([Source(id="leaning", title="Hub", text=f"{allegation} Trucks leave every night. "
                             "He denied it.")]), runtime.store, runtime.models.embedder, runtime.settings, "default")
    assert "denied" not in summarize(runtime, ["leaning"]).summary
    # "denied these accusations" answers the sentence before it: only after that sentence
    accused = "Governments have accused the company of collecting data from its users."
    ingest(enumerate([Source(id="accused", title="Hub", text=f"{allegation} Trucks leave the hub every night. "
                             f"{accused} The company has denied these accusations.")]),
           runtime.store, runtime.models.embedder, runtime.settings, "default")
    assert "denied" not in summarize(runtime, ["accused"]).summary
    script.summary = lambda p: " ".join(f"{text} [{n}]" for n, text in numbered(p).items() if n in (1, 3))
    assert summarize(runtime, ["accused"]).summary.endswith("The company has denied these accusations [3].")
    # where the accused stand is an answer too, as of its day in an undated story
    script.summary = cite_first_words
    ingest(enumerate([Source(id="detained", title="Detention extended", text=(
        "A court extended the detention of four people on suspicion of fraud, according to reports. Their homes were "
        "raided in December. As of Tuesday, none of the four detainees has been formally charged."))]),
        runtime.store, runtime.models.embedder, runtime.settings, "default")
    assert summarize(runtime, ["detained"]).sentences[-1].text == (
        "As of Tuesday, none of the four detainees has been formally charged.")
    # the lead is not what gives way to the answer where the model put it last (the Tate story lost
    # the court's extension to its answer)
    from service.summarize import with_reply
    numbered_passages = numbered_sentences([runtime.store.texts.get("default", "detained")], {})
    told = [CheckedSentence(text=numbered_passages[1].text, citations=[2], supported=True, score=1.0),
            CheckedSentence(text=numbered_passages[0].text, citations=[1], supported=True, score=1.0)]
    for leads, budget, shown in (({1}, 33, [[2], [1], [3]]), ({1}, 28, [[1], [3]]), ({1}, 23, [[2], [1]]),
                                 (set(), 23, [[2], [3]])):
        assert [s.citations for s in with_reply(told, numbered_passages, leads, budget)] == shown, (leads, budget)


def test_several_articles_make_one_summary_citing_each(rt, script):
    script.summary = lambda p: " ".join(f"{text} [{n}]" for n, text in numbered(p).items()
                                        if "strike on Friday" in text or "approved" in text)
    summary = summarize(rt, ["harbour", "rail"])
    assert {c.article_id for c in summary.citations} == {"harbour", "rail"}


def test_long_and_many_articles_are_reduced_to_salient_sentences_from_each(rt, script):
    sentences = [f"Report {i}: the council counted {i * 7} new bicycles on street number {i}." for i in range(200)]
    ingest([(0, Source(id="long", title="Bicycle census", text=" ".join(sentences)))], rt.store, rt.models.embedder,
           rt.settings, "default")
    prompts = []
    script.summary = lambda p: prompts.append(p) or cite_first_words(p)
    summary = summarize(rt, ["long", "rail"])
    shown = numbered(prompts[0])
    assert sum(len(text) for text in shown.values()) <= rt.summary_policy.select_chars
    assert any("Rail workers" in text for text in shown.values())  # each article keeps a share
    assert any(text.startswith("Report 0:") for text in shown.values())  # the lead counts most
    assert summary.sentences and all(s.supported for s in summary.sentences)
    article = rt.store.texts.get("default", "long")
    assert all(article.text[c.start:c.end] == c.quote for c in summary.citations if c.article_id == "long")


@pytest.fixture
def client(rt):
    return client_of(rt)


def test_summarize_over_http(client, rt):
    by_id = client.post("/v1/summarize", json={"article_id": "rail", "style": "headline"})
    assert by_id.status_code == 200 and by_id.json["style"] == "headline" and len(by_id.json["sentences"]) == 1
    raw = client.post("/v1/summarize", json={"text": "The museum reopened on Saturday after a fire. "
                                                     "Visitors queued for two hours.", "title": "Museum"})
    assert raw.status_code == 200 and raw.json["citations"][0]["quote"].startswith("The museum reopened")
    assert rt.store.texts.list("default", limit=10, offset=0)[1] == 3  # raw text is not stored
    stored = client.post("/v1/summarize", json={"text": "The zoo got a new panda on Monday.", "store": True})
    assert stored.status_code == 200 and rt.store.texts.list("default", limit=10, offset=0)[1] == 4


@pytest.mark.parametrize("body, status", [
    ({"article_id": "nope"}, 404),
    ({}, 422),
    ({"article_id": "rail", "text": "x"}, 422),
    ({"article_id": "rail", "style": "epic"}, 422),
    ({"article_ids": []}, 422),
    ({"text": "   "}, 422),
    ({"article_id": "rail", "words": 0}, 422),
])
def test_bad_summarize_requests_are_problems(client, body, status):
    response = client.post("/v1/summarize", json=body)
    assert response.status_code == status and response.mimetype == PROBLEM_JSON


def test_digest_groups_renders_and_stands_in_for_a_failing_model(rt, script):
    script.fail_on = "Rail workers"
    articles = select(rt, Selection())
    digest = digest_of(rt, articles)
    assert digest.failed == [] and {item.article_id for item in digest.items} == {"harbour", "flood", "rail"}
    rail = next(item for item in digest.items if item.article_id == "rail")
    assert rail.summary.degraded == [GENERATOR_FAILED] and rail.summary.generated == 0
    assert rail.summary.summary.startswith("Rail workers") and rail.summary.citations
    assert SummaryCache(rt.settings.data_dir / "cache" / "summaries").get(
        SummaryCache.key(rt.store.texts.get("default", "rail"), rt.models.llm.model, "brief", None)) is None
    html = render(digest, "html")
    # for mail clients: the quote printed under its story, styles inline, nothing to run
    assert "[1] “The port authority approved the harbour expansion on Monday, its chairman said.”" in html
    assert 'href="https://example.org/h"' in html and "<script" not in html and "<style" not in html
    assert "Port News · date unknown · " in html
    assert (">3 undated: where one of their stories says “last year” or “by Friday”, that is counted from its "
            "article&#39;s day, not this issue&#39;s.<") in html
    assert TAGLINE in html and "quoted from its source" not in html
    # the plain-text part has no bold to speak of
    assert "opens in bold" in html and "opens in bold" not in render(digest, "txt")
    harbour = next(item for item in digest.items if item.article_id == "harbour")
    # the word count is the metadata's, true to the words shown; a reader has no use for it
    assert harbour.summary.word_count == len(" ".join(s.text for s in harbour.summary.sentences).split())
    assert f"{harbour.summary.word_count} words" not in html
    markdown = render(digest, "md")
    assert "[Harbour expansion approved](https://example.org/h)" in markdown
    assert "_Port News · date unknown_" in markdown
    # an issue of archived articles says so, and up to which day its stories can be from
    archive = digest.model_copy(update={"stories_until": date(2023, 2, 28)})
    made = f"{digest.generated_at.day} {digest.generated_at:%B %Y}"
    line = f"From the archive, compiled {made}: 3 stories published by 28 February 2023"
    assert line in render(archive, "txt") and line in render(archive, "html") and line in render(archive, "md")
    assert render(digest, "txt").startswith(f"MORNING\n\n{made} · 3 stories\n3 undated: where one of their stories says")
    assert f"_{made} · 3 stories_\n\n_3 undated: " in markdown
    # in the plain-text part, a story's headline is ruled off, its outlet and date a line of their own;
    # no line ends in a space
    plain = render(digest, "txt")
    assert f"\nHarbour expansion approved\n{'-' * 26}\nPort News · date unknown\nhttps://example.org/h\n" in plain
    assert not [line for line in plain.splitlines() if line.endswith(" ")]
    assert all(render(digest, kind).endswith("\n") for kind in ("md", "txt", "html"))  # text files end their line
    message = email_message.message_from_bytes(email(digest), policy=email_policy.default)
    plain, rich = (part.get_content() for part in message.iter_parts())
    # the subject dates the issue, as one of many in an inbox
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == f"Morning, {digest.generated_at.day} {digest.generated_at:%B %Y}"
    # quotes in curly marks, as in the other parts: a quote that opens with someone's words reads
    # “"We are ...", not ""We are ..."
    assert rich.strip() == html.strip() and "[1] “The port authority approved the harbour expansion on Monday" in plain
    assert "https://example.org/h" in plain and "<" not in plain
    # a story with neither outlet nor date has no credit line: the masthead says so once
    uncredited = digest.model_copy(deep=True)
    for item in uncredited.items:
        item.source = None if item.article_id == "rail" else item.source
    for kind in ("md", "txt", "html"):
        shown = render(uncredited, kind)
        assert "1 story records neither outlet nor date: it has no credit line." in shown, kind
        assert shown.count("date unknown") == render(digest, kind).count("date unknown") - 1, kind


def test_two_reports_of_one_story_are_one_story_with_both_sources(rt, script):
    from service.digest import group_by_topic, shown_as

    second = Source(id="harbour-again", title="Port board backs harbour expansion", source="Quay Times",
                    url="https://example.org/q",
                    text="The port authority has approved the expansion of the harbour, its chairman said on Monday.")
    ingest([(0, second)], rt.store, rt.models.embedder, rt.settings, "default")
    ids = ("harbour", "rail", "flood", "harbour-again")
    digest = digest_of(rt, [rt.store.texts.get("default", i) for i in ids])
    [story] = [item for item in digest.items if item.article_id.startswith("harbour")]
    assert len(digest.items) == 3 and {story.article_id, *(other.article_id for other in story.also)} == {
        "harbour", "harbour-again"}
    [again] = story.also
    assert len(again.summary.sentences) == 1
    own = len(story.summary.citations)  # the other report's quotes are numbered after the story's
    assert [c.n for c in again.summary.citations] == [own + 1] and again.summary.sentences[0].citations == [own + 1]
    html = render(digest, "html")
    assert f"Also reported by {again.source} · date unknown" in html
    assert f"[{own + 1}] “{again.summary.citations[0].quote}”" in html
    assert "3 stories from 4 articles</p>" in html and ">4 undated: " in html
    for kind in ("md", "txt"):
        assert f"Also reported by {again.source}" in render(digest, kind)
    unknown = again.model_copy(update={"source": None, "shown_as": None})  # no outlet: no "reported by"
    assert shown_as(unknown) == "Related report"
    [brief] = group_by_topic(digest.items, rt.models.embedder, replace(rt.summarizer().policy, most_sections=1))
    [story] = [item for item in brief.items if item.article_id.startswith("harbour")]
    assert len(story.summary.citations) == 1 and story.also[0].summary.sentences[0].citations == [2]


def test_the_report_that_tells_the_shared_story_leads_it():
    from service.digest import DigestItem, merge_same_stories

    class Vectors:
        """Texts as vectors by the words they share with the ban: the background shares fewer."""
        def embed(self, texts):
            words = ["commission", "ban", "tiktok", "devices"]
            rows = [[float(w in t.lower()) for w in words] + [1.0] for t in texts]
            return np.array([np.array(r) / np.linalg.norm(r) for r in rows])

    def item(article_id, title, text):
        sentence = CitedSentence(text=text, citations=[1], supported=True, score=1.0)
        summary = Summary(title=title, summary=f"{text} [1]", style="brief", words=60, sentences=[sentence],
                          citations=[Citation(n=1, article_id=article_id, title=title, url=None, chunk_id="c",
                                              start=0, end=len(text), quote=text)],
                          article_ids=[article_id], generated=1, faithfulness=1.0, removed=0, model="m",
                          prompt_version="v", timings={}, usage=Usage())
        return DigestItem(article_id=article_id, title=title, url=None, source=None, published=None, summary=summary)

    background = item("politico", "The Commission bans TikTok",  # the longer summary: not what decides
                      "The U.S. banned the app in December on all federal government phones and computers.")
    news = item("bbc", "EC orders staff to remove TikTok", "The Commission will ban TikTok from its devices.")
    [story] = merge_same_stories([background, news], [background.summary.summary, news.summary.summary], Vectors(),
                                 replace(SummaryPolicy(), same_story_similarity=0.5))
    assert story.article_id == "bbc" and [other.article_id for other in story.also] == ["politico"]


def test_digest_selection_by_source_and_topic(rt):
    assert {a.id for a in select(rt, Selection(source="Port News"))} == {"harbour", "flood"}
    assert [a.id for a in select(rt, Selection(topic="rail workers strike pay"))] == ["rail"]
    with pytest.raises(LookupError, match="no article 'nope'$"):
        select(rt, Selection(article_ids=["rail", "rail", "nope"]))


def test_a_digest_killed_halfway_resumes_without_redoing_finished_articles(rt, script):
    articles = [rt.store.texts.get("default", i) for i in ("harbour", "flood", "rail")]
    script.interrupt_on = "Rail workers"
    with pytest.raises(KeyboardInterrupt):
        digest_of(rt, articles)
    cache = SummaryCache(rt.settings.data_dir / "cache" / "summaries")
    assert len(list(cache.directory.glob("*.json"))) == 2
    script.interrupt_on = None
    script.calls.clear()
    digest = digest_of(rt, articles)
    assert script.calls == ["summary"]  # only the rail article was summarised again
    assert {item.article_id: item.cached for item in digest.items} == {"harbour": True, "flood": True, "rail": False}


def test_hostile_titles_urls_text_and_model_output_render_as_text(settings, script):
    runtime, _ = fake_runtime(settings, script, checker_judge="none")
    hostile = Source(id="x", title='<img src=x onerror=alert(1)>', url="https://example.org/x",
                     text="The council approved the <script>alert(2)</script> harbour plan on Monday. "
                          "Work on the quay starts in March, the mayor said.")
    ingest([(0, hostile)], runtime.store, runtime.models.embedder, runtime.settings, "default")
    # Ingest now refuses such URLs; a store written before that may still hold one.
    texts = runtime.store.texts
    stored = texts.get("default", "x")
    texts.put("default", stored.model_copy(update={"url": "javascript:alert(1)"}), texts.chunks_of("default", stored),
              expected_hash=stored.content_hash)
    script.summary = lambda p: cite_first_words(p) + ' <b onmouseover="alert(3)">bold</b>'
    html = render(digest_of(runtime, [runtime.store.texts.get("default", "x")]), "html")
    assert "<img" not in html and "<script" not in html and "<b " not in html
    assert "javascript:" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    markdown = render(digest_of(runtime, [runtime.store.texts.get("default", "x")]), "md")
    assert "javascript:" not in markdown
    assert not re.search(r"(?<!\\)<(img|b )", markdown) and "\\<img src=x onerror=alert(1)\\>" in markdown
    # a link target cannot be closed early, nor start Markdown of its own on a new line
    texts.put("default", stored.model_copy(update={"url": "https://example.org/a) [x](https://evil.example\n# Hi"}),
              texts.chunks_of("default", stored), expected_hash=stored.content_hash)
    markdown = render(digest_of(runtime, [runtime.store.texts.get("default", "x")]), "md")
    assert "(https://example.org/a%29%20%5Bx%5D%28https://evil.example%0A#%20Hi)" in markdown


def test_a_sentence_that_repeats_an_earlier_one_or_the_headline_is_dropped(rt, script):
    def bridges(prompt):
        return next(n for n, text in numbered(prompt).items() if "bridges" in text)

    script.summary = lambda p: (f"Two bridges were closed and 300 homes lost power [{bridges(p)}]. "
                                f"Two bridges were closed [{bridges(p)}].")
    summary = summarize(rt, ["flood"])
    assert [s.text for s in summary.sentences] == ["Two bridges were closed and 300 homes lost power."]
    written = [CheckedSentence("Heavy rain flooded the valley.", [1], True, 1.0),
               CheckedSentence("Two bridges were closed.", [2], True, 1.0)]
    assert without_repeats(written, "Valley flooded by heavy rain", 0.7) == written[1:]
    assert without_repeats(written[:1], "Valley flooded by heavy rain", 0.7) == written[:1]  # not left empty


def test_salience_favours_key_facts_and_skips_a_repeat_of_the_headline(rt):
    lead = "The council met on Tuesday evening in the town hall."
    sentences = [lead, "The council met on Tuesday evening in the town hall again.",
                 "The budget of 40 million euros was cut because tax income fell, mayor Anna Berg said."]
    filler = ["Some residents brought umbrellas.", "Coffee was served in paper cups.",
              "The room was warm and rather crowded.", "Chairs had been borrowed from the school.",
              "A dog waited outside near the bicycles.", "Nobody remembered the previous agenda.",
              "Lights flickered briefly during the second hour.", "Reporters sat at the back of the hall."]
    text = " ".join(sentences + filler)
    article = Article(id="council", title="Council meets", text=text, content_hash="0" * 64,
                      ingested_at=datetime.now(timezone.utc))
    chosen = [p.text for p in select_salient(numbered_sentences([article], {}), rt.models.embedder,
                                             replace(rt.summarizer().policy, select_chars=200))]
    assert sentences[2] in chosen and not (sentences[0] in chosen and sentences[1] in chosen)


def test_a_sentence_that_drops_its_quotes_attribution_gives_way_to_the_quote(rt, script):
    script.summary = lambda p: f"Rail workers will strike on Friday [{next(n for n, t in numbered(p).items() if 'Friday' in t)}]."
    summary = summarize(rt, ["rail"])
    assert [s.text for s in summary.sentences] == ["Rail workers will strike, the union said."]  # undated: no Friday
    assert summary.dropped_qualifiers == 1 and summary.removed == 0


def test_a_summary_never_draws_on_a_plea_to_sign_up_unless_the_article_is_nothing_else():
    def article(text):
        return Article(id="a", title="t", text=text, content_hash="0" * 64, ingested_at=datetime.now(timezone.utc))

    story = article("Sign up for CNN's Wonder Theory science newsletter. Explore the universe with news on fascinating "
                    "discoveries. Astronomers peered inside spiral galaxies.")
    assert [p.text for p in numbered_sentences([story], {})] == ["Astronomers peered inside spiral galaxies."]
    insider = article("Residents of the small town evacuated. Top editors give you the stories you want -- delivered "
                      "right to your inbox each weekday. Loading Something is loading. Thanks for signing up! Access "
                      "your favorite topics in a personalized feed while you're on the go. download the app Email "
                      "address By clicking 'Sign up', you agree to receive marketing emails from Insider. "
                      "About 1,500 residents were evacuated.")
    assert [p.text for p in numbered_sentences([insider], {})] == [
        "Residents of the small town evacuated.", "About 1,500 residents were evacuated."]
    plea = article("Sign up for our newsletter.")
    assert [p.text for p in numbered_sentences([plea], {})] == ["Sign up for our newsletter."]


def test_a_desks_tag_before_the_story_is_not_part_of_its_sentence():
    text = ("Send this page to someone via email FIRST ON FOX: Michael McCaul traveled to Kyiv on Tuesday. "
            "NATO — which Finland joined this week — said it would respond.")
    article = Article(id="a", title="t", text=text, content_hash="0" * 64, ingested_at=datetime.now(timezone.utc))
    [first, second] = numbered_sentences([article], {})
    assert first.text == "Michael McCaul traveled to Kyiv on Tuesday." == text[first.start:first.end]
    assert second.text == "NATO — which Finland joined this week — said it would respond."  # not a tag: the story's middle
    promoted = Article(id="b", title="t", text="Sign up for our newsletter. " + text[36:], content_hash="0" * 64,
                       ingested_at=datetime.now(timezone.utc))
    assert numbered_sentences([promoted], {})[0].text == "Michael McCaul traveled to Kyiv on Tuesday."
    wire = Article(id="c", title="t", text="(Reuters) -Belgium's intelligence service has been monitoring the hub.",
                   content_hash="0" * 64, ingested_at=datetime.now(timezone.utc))
    assert numbered_sentences([wire], {})[0].text == "Belgium's intelligence service has been monitoring the hub."
    own_line = Article(id="d", title="t", text="Sign up for our newsletter.\n\nCNN --\n\nFor years, flights from Israel "
                       "took longer.", content_hash="0" * 64, ingested_at=datetime.now(timezone.utc))
    assert [p.text for p in numbered_sentences([own_line], {})] == ["For years, flights from Israel took longer."]


def test_an_archive_photos_caption_run_into_a_sentence_is_not_part_of_it():
    text = ("FILE Carlos Watson participates in a panel on July 29, 2016, in Beverly Hills, Calif. Watson, founder of "
            "Ozy Media, was arrested on Thursday. File your taxes early, officials said.")
    article = Article(id="a", title="t", text=text, content_hash="0" * 64, ingested_at=datetime.now(timezone.utc))
    assert [p.text for p in numbered_sentences([article], {})] == [
        "Watson, founder of Ozy Media, was arrested on Thursday.", "File your taxes early, officials said."]


SHOOTING = ("Two gunmen killed seven people at a pool hall in Sinop on Tuesday. "
            "Edgar Ricardo de Oliveira also fled but surrendered to police on Thursday. "
            "The other gunman escaped into the woods near the city. "
            "He died in a confrontation with police after he was found in a wooded area. "
            "And now, police say they are searching for a third man who drove the car.")


def test_a_sentence_pointing_back_to_one_the_summary_does_not_show_is_dropped(settings, script):
    runtime, _ = fake_runtime(settings, script, checker_judge="none")
    ingest(enumerate([Source(id="sinop", text=SHOOTING, source="Wire")]), runtime.store, runtime.models.embedder,
           runtime.settings, "default")

    def cite(*words):
        return lambda p: " ".join(f"{text} [{n}]" for n, text in numbered(p).items() if any(w in text for w in words))

    script.summary = cite("surrendered", "He died", "third man")
    summary = summarize(runtime, ["sinop"])
    # "He" would read as Edgar Ricardo de Oliveira, who surrendered: the man who died is the other.
    assert [s.text for s in summary.sentences] == [
        "Edgar Ricardo de Oliveira also fled but surrendered to police.",  # undated: no "on Thursday"
        "Police say they are searching for a third man who drove the car."]
    assert summary.citations[-1].quote.startswith("And now, police say")  # the quote stays verbatim
    script.summary = cite("other gunman", "He died")
    assert [s.text for s in summarize(runtime, ["sinop"]).sentences] == [
        "The other gunman escaped into the woods near the city.",
        "He died in a confrontation with police after he was found in a wooded area."]


def test_a_summary_whose_every_sentence_points_back_is_a_sentence_that_stands_alone(settings, script):
    runtime, _ = fake_runtime(settings, script, checker_judge="none")
    runtime.summary_policy = replace(runtime.summary_policy, thin_share=0.0, thin_sentences=0)  # this rule alone: not filled out
    ingest(enumerate([Source(id="sinop", title="Pool hall shooting", text=SHOOTING, source="Wire")]), runtime.store,
           runtime.models.embedder, runtime.settings, "default")
    script.summary = lambda p: " ".join(f"{text} [{n}]" for n, text in numbered(p).items() if "He died" in text)
    assert [s.text for s in summarize(runtime, ["sinop"]).sentences] == [
        "Two gunmen killed seven people at a pool hall in Sinop."]


def test_a_summary_that_would_only_repeat_its_headline_says_the_next_thing(settings, script):
    runtime, _ = fake_runtime(settings, script, checker_judge="none")
    text = ("For years, journey times flying east from Israel depended on who you were flying with. "
            "Israeli airlines were banned from the airspace of Oman and Saudi Arabia. "
            "The move could cut flight times to Asia by up to three hours, a commentator said.")
    ingest(enumerate([Source(id="flights", text=text, source="Wire")]), runtime.store, runtime.models.embedder,
           runtime.settings, "default")
    script.summary = lambda p: " ".join(f"{text} [{n}]" for n, text in numbered(p).items() if "The move" in text)
    summary = summarize(runtime, ["flights"])
    assert summary.title == "For years, journey times flying east from Israel depended on who you were flying with"
    assert [s.text for s in summary.sentences] == [
        "Israeli airlines were banned from the airspace of Oman and Saudi Arabia."]


def test_sentences_run_together_without_a_space_are_offered_apart():
    text = ("Asian shares fell on Wednesday for longer.MSCI's broadest index fell 0.97% as the data showed strength "
            "yet.\"The flow of surprises has continued,\" a strategist said. A Ph.D. student agreed.")
    article = Article(id="m", title="Markets", text=text, content_hash="0" * 64, ingested_at=datetime.now(timezone.utc))
    assert [p.text for p in numbered_sentences([article], {})] == [
        "Asian shares fell on Wednesday for longer.", "MSCI's broadest index fell 0.97% as the data showed strength yet.",
        "\"The flow of surprises has continued,\" a strategist said.", "A Ph.D. student agreed."]


def test_a_story_without_a_title_is_headed_by_its_leads_main_clause_in_every_format(settings, script):
    runtime, _ = fake_runtime(settings, script, checker_judge="none")
    lead = ("The founder of the troubled digital start-up Ozy Media was arrested Thursday on fraud charges as part of a "
            "scheme to prop up the financially struggling company, which hemorrhaged millions of dollars.")
    ingest(enumerate([Source(id="ozy", text=f"{lead} The indictment accuses Watson of conspiring to commit fraud.",
                             source="Wire")]), runtime.store, runtime.models.embedder, runtime.settings, "default")
    digest = digest_of(runtime, [runtime.store.texts.get("default", "ozy")])
    headline = "The founder of the troubled digital start-up Ozy Media was arrested on fraud charges"
    assert digest.items[0].summary.title == headline
    for kind in ("md", "html", "txt"):
        shown = render(digest, kind)
        assert headline in shown and "as part of a scheme to…" not in shown


def test_a_lead_that_gave_the_story_its_headline_is_offered_as_its_first_sentence(rt):
    from service.ingest.extract import lead_title

    lead = ("Conservative Leader Pierre Poilievre has shut down his account on the social media app TikTok, following "
            "the news the federal government is banning the app on government-issued phones.")
    filler = ["Some residents brought umbrellas.", "Coffee was served in paper cups.",
              "The room was warm and rather crowded.", "Chairs had been borrowed from the school.",
              "A dog waited outside near the bicycles.", "Nobody remembered the previous agenda."]
    text = " ".join([lead, *filler])
    chosen = {}
    for title in (lead_title(lead), lead):  # titled by ingestion from its lead; titled by its publisher
        article = Article(id="p", title=title, text=text, content_hash="0" * 64, ingested_at=datetime.now(timezone.utc))
        chosen[title] = [p.text for p in select_salient(numbered_sentences([article], {}), rt.models.embedder,
                                                         replace(rt.summarizer().policy, select_chars=200))]
    assert lead in chosen[lead_title(lead)] and lead not in chosen[lead]


def ingest_untitled(runtime, article_id, text):
    ingest(enumerate([Source(id=article_id, text=text, source="Wire")]), runtime.store, runtime.models.embedder,
           runtime.settings, "default")


def citing_all_but(lead):
    """A model's summary citing every sentence offered but the lead."""
    return lambda p: " ".join(f"{text} [{n}]" for n, text in numbered(p).items() if text != lead)


def test_a_story_headed_by_its_cut_lead_opens_with_the_lead_that_says_who_reported_it(settings, script):
    runtime, _ = fake_runtime(settings, script, checker_judge="none")
    lead = ("A report by Forbes found that Binance transferred nearly $1.8 billion worth of stablecoin collateral "
            "to hedge funds last year, including Alameda Research, which was run by the founder of the collapsed "
            "exchange FTX.")
    rest = ("The assets were shifted from the peg wallet to the exchange's cold wallet. "
            "Other beneficiaries include Tron founder Justin Sun, who received $138 million.")
    ingest_untitled(runtime, "binance", f"{lead} {rest}")
    script.summary = citing_all_but(lead)
    summary = summarize(runtime, ["binance"])
    assert summary.title == ("A report by Forbes found that Binance transferred nearly $1.8 billion worth of "
                             "stablecoin collateral to hedge funds")
    assert [s.text for s in summary.sentences][:2] == [lead, "The assets were shifted from the peg wallet to the "
                                                              "exchange's cold wallet."]
    script.summary = lambda p: " ".join(f"{text} [{n}]" for n, text in numbered(p).items())
    assert [s.text for s in summarize(runtime, ["binance"]).sentences].count(lead) == 1
    # a headline-style summary is one short line: the lead would push out what the model wrote
    script.summary = lambda p: next(f"{text} [{n}]" for n, text in numbered(p).items() if "cold wallet" in text)
    headline_style = summarize(runtime, ["binance"], style="headline")
    assert [s.text for s in headline_style.sentences] == [
        "The assets were shifted from the peg wallet to the exchange's cold wallet."]
    # the headline's own sentence, which no sentence shown cites, is there to check it against
    assert headline_style.headline_source.quote == lead and summary.headline_source is None
    digest = digest_of(runtime, [runtime.store.texts.get("default", "binance")])
    # told from its lead, the story opens with it, the headline's words in bold, not under a headline it repeats
    headline = summary.title
    digest.items[0].summary = summary
    html, markdown, plain = (render(digest, kind) for kind in ("html", "md", "txt"))
    # the headline leaves to its story when the news was
    assert f'<strong style="font-size:17px;">{headline}</strong> last year, including Alameda Research' in html
    assert "<h3" not in html and f"**{headline}** last year, including Alameda" in markdown and "###" not in markdown
    assert f"\n* {lead} [1] The assets" in plain and f"\n{headline}\n" not in plain
    digest.items[0].summary = headline_style
    for kind in ("md", "html", "txt"):
        shown = render(digest, kind)
        assert "Headline shortened from the article's first sentence: " in shown
        assert "stablecoin collateral to hedge funds" in shown and "**" not in shown and "<strong" not in shown


def test_a_digest_story_headed_by_its_cut_lead_is_told_from_that_lead_whatever_it_adds(settings, script):
    from service.digest import lead_in

    runtime, _ = fake_runtime(settings, script, checker_judge="none")
    lead = "Police shot Ezequias Souza Ribeiro dead on Wednesday after he went on the run."
    rest = ("Ribeiro, 27, had killed seven people at a bar in Sinop after losing a game of pool to them. "
            "His accomplice Edgar Ricardo de Oliveira surrendered to police.")
    ingest_untitled(runtime, "sinop", f"{lead} {rest}")
    script.summary = citing_all_but(lead)
    # summarised alone, under its headline: the lead says no more than the headline, and is not repeated
    alone = summarize(runtime, ["sinop"])
    assert alone.title == "Police shot Ezequias Souza Ribeiro dead after he went on the run"
    assert alone.sentences[0].text.startswith("Ribeiro, 27,") and alone.headline_source.quote == lead
    # in a digest the headline is not shown above the story: the lead tells the news in its place
    [item] = digest_of(runtime, [runtime.store.texts.get("default", "sinop")]).items
    told = item.summary
    assert told.sentences[0].text == "Police shot Ezequias Souza Ribeiro dead after he went on the run."
    assert told.sentences[1].text.startswith("Ribeiro, 27,") and told.headline_source is None
    assert lead_in(item) == len(told.title)
    # where the model's every sentence gave way (the chips story's one repeated its headline), the lead stands alone
    from service.summarize import opened_by_lead

    passages = numbered_sentences([runtime.store.texts.get("default", "sinop")], {})
    assert [s.text for s in opened_by_lead([], passages, {1}, told.title, 60, always=True)] == [lead]
    assert opened_by_lead([], passages, {1}, told.title, 60) == []
    # nor does a sentence that names the headline's names take its place: it is the news, not "the headline again"
    script.summary = lambda p: next(f"{text} [{n}]" for n, text in numbered(p).items() if text == lead)
    cache = SummaryCache(runtime.settings.data_dir / "cache" / "lead only")
    digest = build_digest([runtime.store.texts.get("default", "sinop")], runtime.summarizer(), runtime.store, cache,
                          "default", title="Morning")
    [item] = digest.items
    assert item.summary.sentences[0].text == "Police shot Ezequias Souza Ribeiro dead after he went on the run."
    # a sentence without its full stop (a caption's) is shown with one, not run into the next
    item.summary.sentences = [s.model_copy(update={"text": s.text.rstrip(".")}) for s in item.summary.sentences]
    # (a story of one sentence: its bold ends where a phrase starts)
    html = render(digest, "html")
    assert "Ribeiro dead</strong> after he went on the run.<sup" in html
    assert "* Police shot Ezequias Souza Ribeiro dead after he went on the run. [1]" in render(digest, "txt")


def test_a_digest_story_told_from_its_lead_gives_the_news_before_its_background(settings, script):
    runtime, _ = fake_runtime(settings, script, checker_judge="none")
    lead = ("A Romanian court on Tuesday agreed to extend former kickboxer and social media influencer Andrew Tate's "
            "detention on suspicion of human trafficking, rape, and forming an organized crime group for another 30 "
            "days, according to reports.")
    arrest = "Tate was arrested on Dec. 29 with his brother Tristan after police raided their Bucharest properties."
    charges = "None of the four detainees has been formally charged, and their lawyers will appeal."
    ingest_untitled(runtime, "tate", f"{lead} {arrest} {charges}")
    script.summary = lambda p: " ".join(f"{text} [{n}]" for n, text in sorted(numbered(p).items(),
                                                                              key=lambda item: item[1] != arrest))
    article = runtime.store.texts.get("default", "tate")
    assert summarize(runtime, ["tate"]).sentences[0].text.startswith("Tate was arrested")  # as written, alone
    [item] = digest_of(runtime, [article]).items
    assert [s.text[:12] for s in item.summary.sentences] == ["A Romanian c", "Tate was arr", "None of the "]


def test_a_story_without_a_title_is_headed_by_a_headline_the_model_wrote_where_it_shortens_its_quote(
        settings, script):
    runtime, _ = fake_runtime(settings, script, checker_judge="none")
    lead = "The EU Commission has now banned employees from using TikTok on work phones and personal phones."
    rest = ("Staff were ordered to remove the app from their official devices by March 15. "
            "The Commission said the ban protects its data.")
    ingest_untitled(runtime, "tiktok", f"{lead} {rest}")
    prompts = []

    def writing(headline, cites=1):
        def write(prompt):
            prompts.append(prompt)
            return f"Title: {headline} [{cites}]\n" + cite_first_words(prompt)
        return write

    # citing another sentence than the lead it shortens, it is checked against the lead
    script.summary = writing("EU Commission has banned employees from using TikTok", cites=2)
    digest = digest_of(runtime, [runtime.store.texts.get("default", "tiktok")])
    summary = digest.items[0].summary
    assert 'starts with "Title: "' in prompts[-1]  # asked for only where the article has no title of its own
    assert summary.title == "EU Commission has banned employees from using TikTok" and summary.title_citations == [1]
    # under a headline of its own, the lead is the summary's first sentence: the news is in the body
    assert summary.sentences[0].citations == [1] and summary.citations[0].quote == lead
    assert summary.headline_source is None
    # the lead it was written from opens the story, in bold as far as it tells the headline, which
    # it would restate at once: no headline, and no label for one
    for kind, shown, heading in (
            ("md", "**The EU Commission has banned employees from using TikTok** on work", "\n### "),
            ("txt", "* The EU Commission has banned employees from using TikTok on work", "\nEU Commission has"),
            ("html", "<strong style=\"font-size:17px;\">The EU Commission has banned employees from using "
                     "TikTok</strong> on work", "</h3>")):
        rendered = render(digest, kind)
        assert shown in rendered and heading not in rendered and "Headline written from" not in rendered, kind
    # in brief, a story keeps its headline's quote; as another report of a story, its headline is not shown
    assert first_sentence(summary).title_citations == [1] and first_sentence(summary).citations[0].quote == lead
    assert first_sentence(summary, headed=False).title_citations == []
    # the same words in another order say another thing; a name the quote lacks is not its
    for wrong in ("EU Commission has banned TikTok employees", "EU Commission has banned employees in Brussels from "
                  "using TikTok"):
        script.summary = writing(wrong)
        cache = SummaryCache(runtime.settings.data_dir / "cache" / "other")
        unchecked = build_digest([runtime.store.texts.get("default", "tiktok")], runtime.summarizer(),
                                 runtime.store, cache, "default", title="Morning").items[0].summary
        assert unchecked.title == lead.replace(" now", "").rstrip("."), wrong  # the lead's
        assert unchecked.title_citations == [] and unchecked.headline_source is None
        # told from the lead the headline is cut from, as a digest shows it in the headline's place
        assert unchecked.sentences[0].text.startswith(unchecked.title) and unchecked.sentences[0].citations == [1]
    # an article with a title of its own keeps it, and is not asked for another
    prompts.clear()
    script.summary = writing("Port authority approves harbour expansion")
    titled = build_digest([runtime.store.texts.get("default", "tiktok").model_copy(update={"title": "TikTok banned"})],
                          runtime.summarizer(), runtime.store, SummaryCache(runtime.settings.data_dir / "t"),
                          "default", title="Morning").items[0]
    assert titled.summary.title == "TikTok banned" and 'starts with "Title: "' not in prompts[-1]


def test_a_written_headline_that_drops_who_said_it_is_closed_by_its_quotes_attribution(settings, script):
    runtime, _ = fake_runtime(settings, script, checker_judge="none")
    lead = "Rail workers across the north will strike on Friday over pay and hours, the union said."
    ingest(enumerate([Source(id="rail", text=f"{lead} Trains will not run until Monday.", source="Wire")]),
           runtime.store, runtime.models.embedder, runtime.settings, "default")
    script.summary = lambda p: "Title: Rail workers will strike over pay and hours [1]\n" + cite_first_words(p)
    summary = digest_of(runtime, [runtime.store.texts.get("default", "rail")]).items[0].summary
    assert summary.title == "Rail workers will strike over pay and hours, the union said"
    script.summary = lambda p: "Title: Rail workers strike over pay and hours [1]\n" + cite_first_words(p)
    other = build_digest([runtime.store.texts.get("default", "rail")], runtime.summarizer(), runtime.store,
                         SummaryCache(runtime.settings.data_dir / "other"), "default", title="Morning")
    assert other.items[0].summary.title_citations == []  # "will" is a hedge no attribution puts back


def test_a_headline_reads_its_verbs_in_the_tense_of_its_quote_but_keeps_its_order():
    from service.verify import headline_shortens

    plea = ("An Australian pleaded guilty on Thursday to the manslaughter of an American Scott Johnson, who fell to "
            "his death 35 years ago.")
    assert headline_shortens("Australian pleads guilty to manslaughter of Scott Johnson", [plea], 1)
    assert not headline_shortens("Scott Johnson pleads guilty to manslaughter of Australian", [plea], 1)
    derailment = "A train derailed in East Palestine, Ohio, leading to the release of toxic chemicals."
    assert headline_shortens("Train derailed in East Palestine, Ohio, releasing toxic chemicals", [derailment], 1)
    pizza = ("The boss of pizza giant Domino's has admitted the company failed to get the balance right when it "
             "upped delivery prices.")
    assert not headline_shortens("Domino's boss admits delivery pricing error", [pizza], 1)  # the words are its own
    account = ("Conservative Leader Pierre Poilievre has shut down his account on the social media app TikTok, while "
               "NDP Leader Jagmeet Singh is taking a pause from posting.")
    assert not headline_shortens("Pierre Poilievre shuts down TikTok", [account], 1)  # what he shut down is left out
    assert not headline_shortens("Pierre Poilievre shuts down his TikTok account", [account], 1)  # reordered
    assert headline_shortens("Pierre Poilievre shuts down his account on TikTok", [account], 1)


def test_a_story_in_brief_is_its_first_sentence_and_the_quotes_it_cites(rt):
    from service.digest import IN_BRIEF, group_by_topic

    digest = digest_of(rt, [rt.store.texts.get("default", i) for i in ("harbour", "rail", "flood")])
    items = [item for topic in digest.topics for item in topic.items]
    full = {item.article_id: item.summary for item in items}
    assert len(full["harbour"].sentences) == 2
    [brief] = group_by_topic(items, rt.models.embedder, replace(rt.summarizer().policy, most_sections=1))
    assert brief.name == IN_BRIEF
    for item in brief.items:
        first = full[item.article_id].sentences[0]
        assert [s.text for s in item.summary.sentences] == [first.text]
        assert [c.n for c in item.summary.citations] == first.citations
        assert item.summary.word_count == len(first.text.split())


def test_captions_subheadings_questions_and_slips_are_not_offered_but_the_lead_that_heads_the_story_is():
    from service.ingest.extract import lead_title

    lead = "Police shot Ezequias Souza Ribeiro dead on Wednesday after he went on the run"
    text = "\n\n".join([
        lead, "Police have killed a gunman who slaughtered seven after losing two games of pool in Brazil.",
        "A still from CCTV footage shows the moment one gunman raises a shotgun",
        "The harrowing security footage shows how the first victim tumbles to the ground.",
        "Picture shows bullet holes through the vehicle",
        "Pool hall killings in Brazil - so how safe are bars?",
        "Police named the pool hall owner as Costa. </sentences>",
        '"We are shocked," said Sinop Police Chief Ana Costa said in a release.',
        "Costa said Ribeiro said he was sorry.",
        'The pool hall will stay shut as a mark of respect for all of them."',
        "Ana Costa, left, and her husband arrive at the hall in Sinop.",
        "In the CCTV footage, Ezequias is seen approaching his targets with a pistol."])
    article = Article(id="sinop", title=lead_title(lead), text=text, content_hash="0" * 64,
                      ingested_at=datetime.now(timezone.utc))
    assert [p.text for p in numbered_sentences([article], {})] == [
        lead, "Police have killed a gunman who slaughtered seven after losing two games of pool in Brazil.",
        "Police named the pool hall owner as Costa. </sentences>",
        "Costa said Ribeiro said he was sorry.",
        "In the CCTV footage, Ezequias is seen approaching his targets with a pistol."]
    titled = article.model_copy(update={"title": "Brazil pool hall gunman killed by police"})
    assert lead not in [p.text for p in numbered_sentences([titled], {})]  # a subheading under the publisher's title


def test_a_sentence_about_some_of_their_victims_points_back():
    from service.summarize import read_alone

    sentences = [CheckedSentence(text="Police have killed a gunman in Sinop.", citations=[1], supported=True, score=1.0),
                 CheckedSentence(text="Six of their victims died at the scene.", citations=[5], supported=True,
                                 score=1.0),
                 CheckedSentence(text="Most of the victims were regulars.", citations=[7], supported=True, score=1.0)]
    assert [s.text for s in read_alone(sentences, {1}, [])] == [
        "Police have killed a gunman in Sinop.", "Most of the victims were regulars."]


def story_of(texts: list[str], *numbers: int) -> tuple[list[CheckedSentence], list[Passage]]:
    """An article of `texts`, one passage each, and a story of those `numbers` shows, each citing itself."""
    article = Article(id="a", title="A", text=" ".join(texts), content_hash="h", ingested_at=datetime.now(timezone.utc))
    passages = [Passage(n=i + 1, article=article, chunk_id="c", start=article.text.index(t),
                        end=article.text.index(t) + len(t), relevance=0.0) for i, t in enumerate(texts)]
    return [CheckedSentence(text=texts[n - 1], citations=[n], supported=True, score=1.0) for n in numbers], passages


def test_where_only_the_accuseds_standing_is_shown_their_own_answer_is_added():
    from service.summarize import with_reply

    texts = ["A court extended the detention of four people on suspicion of fraud, according to reports.",
             "None of the four detainees has been formally charged.",
             "A lawyer for the four said the defense would challenge the extension.",
             "Their homes were raided in December."]
    told, passages = story_of(texts, 1, 2)
    assert [s.citations for s in with_reply(told, passages, {1}, 75)] == [[1], [2], [3]]
    # where nothing of it is shown, their own answer before where they stand
    assert [s.citations for s in with_reply(told[:1], passages, {1}, 75)] == [[1], [3]]
    # the answer itself shown: nothing is added
    answered = [*told[:1], CheckedSentence(text=texts[2], citations=[3], supported=True, score=1.0)]
    assert with_reply(answered, passages, {1}, 75) == answered


def test_a_denial_of_these_accusations_is_shown_only_after_the_accusations():
    from service.summarize import read_alone

    def told(*numbered):
        return [CheckedSentence(text=text, citations=[n], supported=True, score=1.0) for n, text in numbered]

    ban = (1, "The EC has ordered its employees to remove TikTok from their phones.")
    reason = (2, "The EC said the ban protects its data.")
    accused = (3, "Governments have accused ByteDance of collecting data from TikTok's users.")
    denial = (4, "ByteDance has consistently denied these accusations.")
    assert [s.citations for s in read_alone(told(ban, reason, denial), {1}, [])] == [[1], [2]]
    assert [s.citations for s in read_alone(told(ban, accused, denial), {1}, [])] == [[1], [3], [4]]


def test_a_summary_that_names_nothing_its_headline_names_opens_with_the_sentence_that_does(settings, script):
    runtime, _ = fake_runtime(settings, script, checker_judge="none")
    runtime.summary_policy = replace(runtime.summary_policy, thin_share=0.0, thin_sentences=0)  # this rule alone: not filled out
    lead = "Police shot Ezequias Souza Ribeiro dead on Wednesday after he went on the run"
    text = "\n\n".join([
        lead, "Ezequias Souza Ribeiro, 27, went on the run after executing a group of people at a bar in Sinop.",
        "A seventh victim survived the initial shooting but later died from the injuries.",
        "Detectives in Mato Grosso are now hunting the killers."])
    ingest(enumerate([Source(id="sinop", text=text, source="Wire")]), runtime.store, runtime.models.embedder,
           runtime.settings, "default")
    script.summary = lambda p: " ".join(f"{text} [{n}]" for n, text in numbered(p).items()
                                        if "seventh" in text or "Detectives" in text)
    summary = summarize(runtime, ["sinop"])
    assert summary.title == "Police shot Ezequias Souza Ribeiro dead after he went on the run"
    assert [s.text for s in summary.sentences] == [
        "Ezequias Souza Ribeiro, 27, went on the run after executing a group of people at a bar in Sinop.",
        "A seventh victim survived the initial shooting but later died from the injuries.",
        "Detectives in Mato Grosso are hunting the killers."]  # undated: "now" would be the reader's
    script.summary = lambda p: " ".join(f"{text} [{n}]" for n, text in numbered(p).items() if "Ribeiro, 27" in text)
    assert len(summarize(runtime, ["sinop"]).sentences) == 1  # it names him: nothing is added


def test_a_summary_that_only_says_its_headline_again_says_what_the_article_adds(settings, script):
    runtime, _ = fake_runtime(settings, script, checker_judge="none")
    lead = "The EU Commission has now banned employees from using TikTok"
    politico = "And now, Politico reports that European Commission staff is banned from using TikTok over security concerns."
    text = "\n\n".join([lead, "In the U.S. the app got banned for all federal government devices.", politico])
    ingest(enumerate([Source(id="tiktok", text=text, source="Wire")]), runtime.store, runtime.models.embedder,
           runtime.settings, "default")
    script.summary = lambda p: " ".join(f"{text} [{n}]" for n, text in numbered(p).items() if text == lead)
    summary = summarize(runtime, ["tiktok"])
    assert summary.title == "The EU Commission has banned employees from using TikTok"  # undated: no "now"
    assert [s.text for s in summary.sentences] == [
        "Politico reports that European Commission staff is banned from using TikTok over security concerns."]


def test_an_archive_issue_cannot_be_from_the_future(settings, monkeypatch):
    monkeypatch.setenv("SOURCED_DATA_DIR", str(settings.data_dir))
    later = (datetime.now(timezone.utc).date() + timedelta(days=2)).isoformat()
    refused = CliRunner().invoke(main, ["digest", "--stories-until", later])
    assert refused.exit_code == 2 and "--stories-until is a day in the future" in refused.output


WEBB = ["The James Webb Space Telescope just peered into a celestial Pandora's box beyond a megacluster of galaxies.",
        "The space observatory observed Pandora's Cluster, where three massive clusters of galaxies are merging.",
        "Webb peered into a celestial Pandora's box beyond a megacluster of galaxies, the telescope's team said.",
        "It acts as a magnifying glass for the objects behind it.",
        "Previous images of the central core of Pandora's Cluster came courtesy of the Hubble Space Telescope.",
        "Webb's latest observation of the cluster has revealed never-before-seen details in infrared light.",
        "Astronomers in the UNCOVER program used Webb's Near-Infrared Camera for 30 hours to capture long-exposure "
        "images of the cluster and of the faint, very old galaxies that lie far beyond it in infrared light.",
        "The photo released by NASA stitches together four images of the cluster.",
        "The cluster is truly huge.",
        "Or so the team of astronomers says about it.",
        "Pandora's Cluster, where three massive clusters of galaxies are merging, was imaged by the older telescope before Webb.",
        "Webb observed the merging galaxies with new cameras in spring."]


def test_a_summary_that_says_little_of_a_long_article_goes_on_with_what_it_says_next(settings, script):
    runtime, _ = fake_runtime(settings, script, checker_judge="none")
    ingest(enumerate([Source(id="webb", text="\n\n".join(WEBB), source="Wire")]), runtime.store,
           runtime.models.embedder, runtime.settings, "default")
    script.summary = lambda p: " ".join(f"{text} [{n}]" for n, text in numbered(p).items() if "Hubble" in text)
    summary = summarize(runtime, ["webb"])
    # in reading order, within the budget of 75 words: not the lead (the headline), not the headline
    # again, not "It acts ..." (it points back to that), not a sentence past the budget, nor one of
    # a few words, one that leans on the sentence before, or one that says again what is shown
    assert [s.text for s in summary.sentences] == [WEBB[1], WEBB[4], WEBB[5], WEBB[7]]
    assert summary.summary.endswith("[4].") and all(s.supported for s in summary.sentences)
    # the summary's own order stands: each added sentence goes after the last one shown before it
    script.summary = lambda p: " ".join(f"{text} [{n}]" for n, text in sorted(
        numbered(p).items(), key=lambda item: "latest" not in item[1]) if "Hubble" in text or "latest" in text)
    # (the observatory's sentence now says too little that is new: "observation" told "observed")
    assert [s.text for s in summarize(runtime, ["webb"]).sentences] == [WEBB[5], WEBB[4], WEBB[6], WEBB[7]]
    # where the summary already says enough, nothing is added
    script.summary = lambda p: " ".join(f"{text} [{n}]" for n, text in numbered(p).items() if "Hubble" in text
                                        or "UNCOVER" in text)
    assert [s.text for s in summarize(runtime, ["webb"]).sentences] == [WEBB[4], WEBB[6]]


def test_a_quote_is_shown_in_quotation_marks_unless_it_opens_with_someones_words():
    from service.digest import quoted

    assert quoted("The port   authority\napproved it.") == "“The port authority approved it.”"
    assert quoted('"We are really disappointed," his attorney said.') == ('"We are really disappointed," his '
                                                                          'attorney said.')


def test_a_storys_credit_names_its_outlet_and_date_and_is_left_out_where_both_are_unknown():
    from service.digest import DigestItem, credit

    story = DigestItem(article_id="a", title="Mine collapse", url=None, source=None, published=None)
    assert credit(story) == ""  # the masthead says how many stories have neither
    assert credit(story.model_copy(update={"source": " CNN\n"})) == "CNN · date unknown"
    assert credit(story.model_copy(update={"published": date(2023, 10, 5)})) == "outlet unknown · 5 October 2023"


@pytest.mark.parametrize("sentence, answers", [
    ("A spokesperson for the exchange clarified that there was no commingling of funds.", True),
    ('"We are really disappointed," Watson\'s attorney, Lanny Breuer, told the Journal after the arrest.', True),
    ("ByteDance is not happy with the EC's move, with a spokesperson stating, \"We are disappointed with this "
     "decision, which we believe to be misguided and based on fundamental misconceptions.\"", True),
    ("The company said the claims were baseless and it had acted in good faith.", True),
    ("Alibaba denied any wrongdoing, it added.", True),
    ("An attorney representing the brothers, Eugen Vidineac, reportedly told reporters that the defense would "
     "challenge an extension, insisting there was not enough evidence to keep his clients in custody.", True),
    # not answers: a reaction to something else, a plain report
    ("Fans were disappointed when the match was called off because of rain.", False),
    ("The assets were shifted from the peg wallet to the exchange's cold wallet.", False),
    ("There was no sign of the missing hikers on Tuesday.", False),
])
def test_an_answer_to_what_a_story_alleges_is_told_in_the_words_of_the_accused(sentence, answers):
    from service.summarize import REPLY

    assert bool(REPLY.search(sentence)) is answers


@pytest.mark.parametrize("headline, first, bold", [
    # the headline's words, each as often as it has them; past them, none in bold
    ("Conservative Leader Pierre Poilievre has shut down his account on the social media app TikTok",
     "Conservative Leader Pierre Poilievre has shut down his account on TikTok, while NDP Leader Jagmeet Singh "
     "is taking a pause.", "Conservative Leader Pierre Poilievre has shut down his account on TikTok"),
    ("For years, journey times flying east from Israel depended on who you were flying with",
     "For years, journey times flying east from Israel depended on who you were flying with, a pilot says.",
     "For years, journey times flying east from Israel depended on who you were flying with"),
    # a closing bracket, and the words that close the headline's clause, go with it
    ("Australia's agency will deploy a system for small, uncrewed aircraft systems (UAS",
     "Australia's agency will deploy a system for small, uncrewed aircraft systems (UAS) in 2025.",
     "Australia's agency will deploy a system for small, uncrewed aircraft systems (UAS)"),
    ("An 11-year-old girl from Cambodia has died from bird flu, health officials",
     "An 11-year-old girl from Cambodia has died from bird flu, health officials have said, the first since 2014.",
     "An 11-year-old girl from Cambodia has died from bird flu, health officials have said"),
    ("The Biden administration will spur the semiconductor sector in the U",
     "The Biden administration will spur the semiconductor sector in the U.S., a plan shows.",
     "The Biden administration will spur the semiconductor sector in the U.S."),
    ("Hundreds of schoolgirls sick in Iran's holy city",
     "Hundreds of schoolgirls have fallen sick in Iran's holy city of Qom in recent months, officials said.",
     "Hundreds of schoolgirls have fallen sick in Iran's holy city of Qom"),
    # a story of one sentence is not bold to its end, which would read as a headline without a story
    ("Lordstown Motors said it will suspend production and deliveries of its pickup to address issues",
     "Lordstown Motors said it will suspend production and deliveries of its pickup to address issues.",
     "Lordstown Motors said it will suspend production and deliveries"),
    # a first sentence that opens otherwise is told under its headline
    ("A Romanian court agreed to extend Andrew Tate's detention",
     "Tate was arrested on Dec. 29 after a Romanian court agreed to extend Andrew Tate's detention.", ""),
])
def test_a_story_opens_with_its_headlines_words_in_bold_only_as_far_as_its_first_sentence_tells_them(
        headline, first, bold):
    from service.citations import with_markers
    from service.digest import DigestItem, lead_in

    sentence = CitedSentence(text=first, citations=[1], supported=True, score=1.0)
    summary = Summary.model_construct(title=headline, title_citations=[], style="brief", sentences=[sentence],
                                      summary=with_markers(first, [1]))
    story = DigestItem(article_id="a", title=headline, url=None, source=None, published=None, summary=summary)
    assert first[:lead_in(story)] == bold



def test_a_written_headline_the_first_sentence_restates_becomes_that_sentence_in_bold():
    from service.citations import with_markers
    from service.digest import DigestItem, lead_in

    headline = "Asian share markets follow Wall Street into the red"
    first = ("Asian share markets followed Wall Street into the red as surprising strength in global surveys of "
             "services stoked fears that central banks would have to lift interest rates yet further.")

    def story(title_citations, cited):
        sentence = CitedSentence(text=first, citations=cited, supported=True, score=1.0)
        summary = Summary.model_construct(title=headline, title_citations=title_citations, style="brief",
                                          sentences=[sentence], summary=with_markers(first, cited),
                                          citations=[], headline_source=None)
        return DigestItem(article_id="a", title=headline, url=None, source=None, published=None, summary=summary)

    restated = story([1], [1])
    assert first[:lead_in(restated)] == "Asian share markets followed Wall Street into the red"
    for kind in ("md", "txt", "html"):  # no headline over it, and no label for a headline not shown
        shown = render(Digest.model_construct(title="T", topics=[Topic(name="Business", items=[restated])],
                                              failed=[], generated_at=datetime.now(timezone.utc), model="m",
                                              checker="c", published_from=None, published_to=None,
                                              stories_until=None), kind)
        assert "Headline written from" not in shown and "Asian share markets follow Wall" not in shown, kind
    # written from a sentence the story's opening does not cite, the headline stays over it
    assert lead_in(story([2], [1])) == 0

OZY = ("The founder of the digital start-up Ozy Media was arrested on fraud charges as part of a scheme to prop up "
       "the struggling company. The arrest of Carlos Watson at a Manhattan hotel came after two of the company's top "
       "executives pleaded guilty this month. The indictment accuses Watson of conspiring to commit securities fraud. "
       "\"We are really disappointed,\" Watson's attorney, Lanny Breuer, told the Journal after the arrest. "
       "Ozy shut down in 2021.")


def test_a_person_the_story_names_by_surname_alone_is_named_in_full_on_first_mention(settings, script):
    from tests.unit.test_ask import judge_by_words

    # the fast signals are unsure of a sentence joining two quotes: the judge decides, by its words
    runtime, _ = fake_runtime(settings, lambda messages: (judge_by_words(messages[-1]["content"])
                                                          if "<source>" in messages[-1]["content"] else script(messages)),
                              checker_judge="llm")
    ingest(enumerate([Source(id="ozy", title="Ozy founder arrested", text=OZY)]), runtime.store,
           runtime.models.embedder, runtime.settings, "default")
    script.summary = lambda p: " ".join(f"{text} [{n}]" for n, text in numbered(p).items() if n in (1, 4))
    summary = summarize(runtime, ["ozy"])
    texts = [s.text for s in summary.sentences]
    assert texts[1] == ("\"We are really disappointed,\" Carlos Watson's attorney, Lanny Breuer, told the Journal "
                        "after the arrest.")
    # the sentence that names him in full is quoted beside the attorney's
    assert [c.quote[:30] for c in summary.citations if c.n in summary.sentences[1].citations] == [
        "\"We are really disappointed,\" ", "The arrest of Carlos Watson at"]
    # unchecked (no judge where the fast signals are unsure), the sentence stands as its quote has it
    unjudged, _ = fake_runtime(settings, script, checker_judge="none")
    ingest(enumerate([Source(id="ozy", title="Ozy founder arrested", text=OZY)]), unjudged.store,
           unjudged.models.embedder, unjudged.settings, "default")
    assert "\" Watson's attorney" in summarize(unjudged, ["ozy"]).sentences[1].text


def test_a_story_told_in_one_sentence_of_a_long_article_goes_on_after_its_lead():
    from service.summarize import filled_out, is_thin

    policy = SummaryPolicy()
    texts = ["The administration unveiled new details of how it will spend billions on chips.",
             "For years, chip plants went abroad because labour there cost less.",
             "The centerpiece is the creation of at least two manufacturing and research hubs.",
             "Raimondo spoke at Georgetown University about the next phase of the plan.",
             "Companies like Intel have scored visits from the president to tout new plants."]
    article = Article(id="chips", title="Chips", text=" ".join(texts), content_hash="h",
                      ingested_at=datetime.now(timezone.utc))
    starts = [article.text.index(t) for t in texts]
    passages = [Passage(n=i + 1, article=article, chunk_id="c", start=at, end=at + len(t), relevance=0.0)
                for i, (at, t) in enumerate(zip(starts, texts))]
    lead = CheckedSentence(text=texts[0], citations=[1], supported=True, score=1.0)
    assert is_thin([lead], passages, 60, policy)  # 14 words of 60, one sentence: thin either way
    assert not is_thin([lead], passages, 60, replace(policy, thin_share=0.0, thin_sentences=0))
    filled = filled_out([lead], passages, {1}, None, 30)
    # the lead stays first; a feature's scene-setting is no filling
    assert [s.citations for s in filled] == [[1], [3]]


@pytest.mark.parametrize(("sentence", "told", "article", "named"), [
    ("Watson's attorney spoke.", "", "Carlos Watson was arrested. It accuses Watson of fraud. Watson's attorney spoke.",
     "Carlos Watson's attorney spoke."),
    # named already in the story
    ("Watson's attorney spoke.", "Carlos Watson was arrested.", "Carlos Watson was arrested. Watson's attorney spoke.",
     None),
    # a word that only opens sentences alone is no name on its own ("Military Police", "Police moved")
    ("Police moved quickly.", "", "Military Police say he died. Police moved quickly.", None),
    # written alone before it is written in full: a name of its own
    ("Australia will deploy it.", "", "Australia will deploy it. It is run by Airservices Australia, says Australia.",
     None),
    # a longer name's last word, or a title's ("the Journal" of "the Wall Street Journal")
    ("He told the Journal so.", "", "It was reported by the Wall Street Journal. He told the Journal so.", None),
    ("Journal staff agreed.", "", "It was reported by the Wall Street Journal. Staff at the Journal agreed.", None),
    # two people of that name
    ("Johnson said so.", "", "Scott Johnson died. Steve Johnson spoke. Then Johnson said so.", None),
    # someone's quoted words are theirs as they said them
    ("\"Watson is a con man,\" said Peace.", "", "Carlos Watson was arrested. It accuses Watson of fraud.", None),
])
def test_a_surname_alone_is_given_in_full_only_where_the_article_introduced_that_person(sentence, told, article,
                                                                                      named):
    from service.summarize import given_in_full

    found = given_in_full(sentence, told, article)
    assert (found[0] if found else None) == named


@pytest.mark.parametrize(("sentence", "told", "article", "whole"), [
    ("He told the Journal so.", "", "It was reported by the Wall Street Journal. He told the Journal so.",
     "He told the Wall Street Journal so."),
    # given in full already, two names ending in the word, or the short name written first
    ("He told the Journal so.", "The Wall Street Journal reported it.", "The Wall Street Journal reported it.", None),
    ("He told the Journal so.", "", "The Wall Street Journal and the Montreal Journal reported it.", None),
    ("The bill passed the House.", "", "The House voted. Then the White House spoke.", None),
    # someone's quoted words, and a name that goes on ("the Post Office")
    ("She said \"the Post lied\".", "", "The Washington Post reported it.", None),
    ("He ran the Post Office.", "", "The Washington Post reported it.", None),
])
def test_a_name_given_by_its_last_word_is_given_whole_as_the_article_wrote_it(sentence, told, article, whole):
    from service.summarize import given_whole

    found = given_whole(sentence, told, article)
    assert (found[0] if found else None) == whole


@pytest.mark.parametrize(("sentence", "told", "article", "spelt"), [
    ("FIMS will represent the backbone.", "", "It has completed its Flight Information Management System (FIMS). "
     "FIMS will represent the backbone.", "The Flight Information Management System (FIMS) will represent the "
     "backbone."),
    ("The BBC reports that the EC has ordered staff to remove TikTok.", "",
     "The BBC reports that the EC has ordered staff to remove TikTok. The European Commission, the executive of the "
     "EU, said so.", "The BBC reports that the European Commission (EC) has ordered staff to remove TikTok."),
    ("The FDA said so.", "", "The Food and Drug Administration (FDA) met.", "The Food and Drug Administration (FDA) said so."),
    ("FDA staff said so.", "", "The Food and Drug Administration (FDA) met.",
     "The Food and Drug Administration (FDA) staff said so."),
    # spelt out in brackets, in lower case
    ("Shares fell after a PMI report.", "", "A reading of S&P Global's composite purchasing managers' index ( PMI ) "
     "showed growth.", "Shares fell after a purchasing managers' index (PMI) report."),
    # told before, spelt out already, known to every reader, or nowhere spelt out
    ("The FDA said so.", "The FDA met.", "The Food and Drug Administration (FDA) met.", None),
    ("Small uncrewed aircraft systems (UAS) fly.", "", "Uncrewed Aircraft Systems fly.", None),
    ("Growth in the US slowed.", "", "The United States grew.", None),
    ("The BBC said so.", "", "The BBC said so.", None),
    # someone's quoted words are theirs as they said them
    ("She said \"the EC is wrong\".", "", "The European Commission met.", None),
])
def test_initials_are_spelt_out_the_first_time_a_story_gives_them_as_the_article_spells_them(sentence, told, article,
                                                                                               spelt):
    from service.summarize import spelt_out

    found = spelt_out(sentence, told, article)
    assert (found[0] if found else None) == spelt


@pytest.mark.parametrize(("sentence", "points_back"), [
    ("White, 52, was arrested in Sydney that year and pleaded not guilty.", True),
    ("All that is set to change.", True),
    ("Shortly after, Ozy said it was shutting down.", True),
    ("Days later, he was found.", True),
    ("This year, sales rose by a tenth.", False),
    ("Shortly after the vote, the minister resigned.", False),
    ("All the bars closed at midnight.", False),
])
def test_a_sentence_dated_by_another_or_going_on_from_it_points_back(sentence, points_back):
    from service.text import POINTS_BACK

    assert bool(POINTS_BACK.match(sentence)) is points_back


def test_a_story_that_names_no_one_goes_on_with_the_sentence_saying_whose_news_it_is():
    from service.summarize import with_actor

    texts = ["The labels of plant-based milk alternatives may soon include a statement on their nutrients.",
             "That's the primary recommendation in proposed guidelines, drafted by the U.S. Food and Drug "
             "Administration.",
             "The draft guidance, released Wednesday, is a response to the increased consumption of plant-based milk "
             "alternatives.",
             "Research found that consumers understand that plant-based milk alternatives (PBMA) contain no milk."]

    told, passages = story_of(texts, 1, 3)
    assert [s.citations for s in with_actor(told, passages, {1}, 75)] == [[1], [2], [3]]
    # the last sentences give way to it, never the lead
    assert [s.citations for s in with_actor(told, passages, {1}, 35)] == [[1], [2]]
    assert with_actor(told, passages, {1}, 20) == told
    # a story that names its actor, or opens on a later sentence, is left as it is
    named, named_passages = story_of(["The Food and Drug Administration may soon label plant-based milks.", *texts[1:]],
                                     1, 3)
    assert with_actor(named, named_passages, {1}, 75) == named
    # initials of words in lower case name a thing, not who is behind the news
    assert [s.citations for s in with_actor(story_of(texts, 1, 4)[0], passages, {1}, 75)] == [[1], [2], [4]]
    # under the first sentence as its headline, it comes first
    later = [told[1]]
    assert [s.citations for s in with_actor(later, passages, {1}, 75)] == [[2], [3]]
    # a story that opens on a later sentence, its headline not the first, is left as it is
    assert with_actor(later, passages, set(), 75) == later


@pytest.mark.parametrize(("sentence", "expected"), [
    ("He lost around 4,000 reais (PS640) playing pool.", "He lost around 4,000 reais playing pool."),
    ("The deal is worth $5bn (£4bn) to the firm.", "The deal is worth $5bn to the firm."),
    ("He was found about nine miles (15km) from the city.", None),
    ("The index (PMI) rose.", None),
])
def test_an_amounts_conversion_in_brackets_is_not_printed(sentence, expected):
    from service.summarize import printed

    shown = printed([CheckedSentence(text=sentence, citations=[1], supported=True, score=1.0)])
    assert shown[0].text == (expected or sentence)


def test_a_story_names_the_person_its_article_names_most():
    from service.summarize import people, with_main_person

    texts = ["Police have killed a gunman who shot seven people in a bar in Sinop.",
             "Ezequias Souza Ribeiro, 27, went on the run after the shooting.",
             "His accomplice, Edgar Ricardo de Oliveira, surrendered and confessed.",
             "He said that Oliveira had lost a game of pool.",
             "The lawyer for surviving assailant Edgar Ricardo de Oliveira said he will report to police.",
             "Police said Oliveira had been arrested before in Cuiaba."]
    told, passages = story_of(texts, 1, 2)
    assert people(" ".join(texts)) == {"Oliveira": 4}  # not "Cuiaba", a place; "Ribeiro" is never alone
    assert people("Sales rose on Cyber Monday. Shops said Monday that Sales on Monday fell.") == {}
    # the first sentence naming him that reads after what is shown: "His accomplice" after the
    # sentence about the man whose accomplice he was, not "He said"
    assert [s.citations for s in with_main_person(told, passages, {1}, 75)] == [[1], [2], [3]]
    assert [s.citations for s in with_main_person(told[:1], passages, {1}, 75)] == [[1], [5]]
    assert with_main_person(told, passages, {1}, 30) == told  # the man whose accomplice he was stays
    assert with_main_person(told[:1], passages, {1}, 20) == told[:1]
    named = [told[0], CheckedSentence(text=texts[3], citations=[4], supported=True, score=1.0)]
    assert with_main_person(named, passages, {1}, 75) == named


@pytest.mark.parametrize(("quote", "sentence", "timed"), [
    ("For the full year of 2023, Moderna expects Spikevax to have sales of $5bn.",
     "Moderna expects Spikevax to have sales of $5bn.",
     "For the full year of 2023, Moderna expects Spikevax to have sales of $5bn."),
    ("In 2025, the agency will deploy it.", "The agency will deploy it.", "In 2025, the agency will deploy it."),
    # the year kept, another part of the quote, or no period with a year
    ("In 2025, the agency will deploy it.", "In 2025 the agency will deploy it.", None),
    ("In 2025, the agency will deploy it and test it.", "It will test it.", None),
    ("For years, the agency has planned it.", "The agency has planned it.", None),
])
def test_a_sentence_copied_from_after_its_quotes_period_keeps_the_period(quote, sentence, timed):
    from service.summarize import in_its_time

    article = Article(id="a", title="A", text=quote, content_hash="h", ingested_at=datetime.now(timezone.utc))
    passage = Passage(n=1, article=article, chunk_id="c", start=0, end=len(quote), relevance=0.0)
    shown = in_its_time([CheckedSentence(text=sentence, citations=[1], supported=True, score=1.0)], [passage])
    assert shown[0].text == (timed or sentence)


def test_the_accuseds_answer_comes_after_what_it_answers():
    from service.summarize import answers_last

    def told(*texts):
        return [CheckedSentence(text=text, citations=[n], supported=True, score=1.0) for n, text in enumerate(texts, 1)]

    lead, answer, claim = ("A report found that the exchange moved $1.8 billion of collateral.",
                           "A spokesperson for the exchange clarified that there was no commingling of funds.",
                           "The transfers involved assets meant to back customers' stablecoins.")
    assert [s.text for s in answers_last(told(lead, answer, claim))] == [lead, claim, answer]
    assert [s.text for s in answers_last(told(answer, claim))] == [answer, claim]  # the news stays first


def test_an_articles_people_are_read_in_its_opening_only():
    from service.summarize import PEOPLE_READ_CHARS, people

    named = "Edgar Ricardo de Oliveira ran. Police said Oliveira fled. Police said Oliveira confessed. "
    filler = "Police moved quickly. " * (PEOPLE_READ_CHARS // 22 + 1)
    assert people(named + filler) == {"Oliveira": 3}
    assert people(filler + named) == {}  # a page of a million characters costs no more than a story


@pytest.mark.parametrize(("article", "things"), [
    ("Sales of plant-based milk alternatives (PBMA) grew. PBMA products vary.", {"pbma"}),
    ("Cases of respiratory syncytial virus rose. The RSV shot is near.", {"rsv"}),
    # an actor's initials stand for capitals; two letters match any two words; a line in capitals is no acronym
    ("The Food and Drug Administration met. The FDA said so.", set()),
    ("The AP reported a plan.", set()),
    ("The FDA said that food dyes are safe. It said the food did all it could.", set()),  # "food did all"
    ("ANDREW TATE DETAINED IN THE EAST. Officials said each action was taken.", set()),
])
def test_initials_of_words_written_in_lower_case_name_a_thing_not_an_actor(article, things):
    from service.summarize import spelt_in_lower_case
    from service.text import names

    assert spelt_in_lower_case(names(article), article) == things


MODERNA = ("Moderna's revenues from its COVID-19 vaccines have begun an anticipated decline, and it is forecasting "
           "a steep drop in vaccine sales in 2023. Along with other drug makers, Moderna has begun to see its sales "
           "take a downward trajectory. Moderna sold $18.4bn of its vaccine in 2022. It expects sales of $5bn in 2023.")
RESTATED = "Moderna has begun to see its sales take a downward trajectory."


@pytest.mark.parametrize("judged_a_restatement", [True, False])
def test_a_sentence_the_story_already_told_in_other_words_gives_its_place_to_one_that_tells_more(
        settings, script, judged_a_restatement):
    from tests.unit.test_ask import judge_by_words

    def judge(prompt):
        claim = re.search(r'Claim: "(.*)"', prompt).group(1)
        told = "anticipated decline" in prompt  # the sentence before it is among those it is checked against
        return "Yes" if judged_a_restatement and claim == RESTATED and told else judge_by_words(prompt)

    runtime, _ = fake_runtime(settings, lambda messages: (judge(messages[-1]["content"])
                                                          if "<source>" in messages[-1]["content"] else script(messages)),
                              checker_judge="llm")
    ingest(enumerate([Source(id="moderna", title="Moderna's vaccine sales fall", text=MODERNA)]), runtime.store,
           runtime.models.embedder, runtime.settings, "default")
    first = MODERNA.split(". ")[0] + "."
    script.summary = lambda p: (f"{first} [1] {RESTATED} [2] Moderna sold $18.4bn of its vaccine in 2022. [3] "
                                "It expects sales of $5bn in 2023. [4]")
    texts = [s.text for s in summarize(runtime, ["moderna"], words=30).sentences]
    figures = ["Moderna sold $18.4bn of its vaccine in 2022.", "It expects sales of $5bn in 2023."]
    # its words went to the figures
    assert texts == ([first, *figures] if judged_a_restatement else [first, RESTATED])


class Supporting:
    """A checker that finds every sentence supported by the ones before it, and notes what it checked."""
    def __init__(self):
        self.checked = []

    def check(self, claim, sources):
        self.checked.append((claim, sources))
        return Verdict(probability=1.0, label="supported", decided_by="fast", evidence=[], signals={})


def sentences_of(*texts, unsupported=()):
    return [CheckedSentence(text=text, citations=[n], supported=n not in unsupported, score=1.0)
            for n, text in enumerate(texts, start=1)]


def test_what_is_not_checked_as_a_restatement():
    from service.summarize import without_restatements

    support, budget = SummaryPolicy().restatement_support, 60
    opening = MODERNA.split(". ")[0] + "."
    figure, attributed = "Moderna sold $18.4bn of its vaccine in 2022.", "Sales will fall, Pfizer said."
    # a name or a number the story has not given tells something new
    checker = Supporting()
    kept = without_restatements(sentences_of(opening, RESTATED, figure, attributed), checker, support, budget)
    assert [s.text for s in kept] == [opening, figure, attributed]
    assert [claim for claim, _ in checker.checked] == [RESTATED]
    # a name the story gave as a sentence's first word is given: the article's own sentence is checked
    own = "Along with other drug makers, Moderna has begun to see its sales take a downward trajectory."
    assert [s.text for s in without_restatements(sentences_of(opening, own), Supporting(), support, budget)] == [opening]
    # the next sentence points back to it: dropped, it would point at another
    leaned_on = sentences_of(opening, RESTATED, "It was the first fall since 2020.")
    assert without_restatements(leaned_on, Supporting(), support, budget) == leaned_on
    # past the budget, it is cut anyway
    checker = Supporting()
    assert without_restatements(sentences_of(opening, RESTATED), checker, support, 10) == sentences_of(opening, RESTATED)
    assert checker.checked == []
    # flagged unsupported, a sentence is no source of another
    checker = Supporting()
    flagged = sentences_of(opening, RESTATED, "Moderna has begun to see its revenues decline.", unsupported={1})
    assert [s.text for s in without_restatements(flagged, checker, support, budget)] == [opening, RESTATED]
    assert [sources for _, sources in checker.checked] == [[RESTATED]]


BIRD_FLU = ["An 11-year-old girl from Cambodia has died from bird flu, health officials have said.",
            "Avian influenza usually spreads through poultry and was not deemed a threat to humans until a 1997 "
            "outbreak in Hong Kong, with most cases in people involving direct contact with infected birds.",
            "However, there have been fears that the virus could have evolved to spread more easily between people.",
            "But the ministry has found no evidence that the girl caught it from another person."]


def test_a_quote_set_against_the_sentence_before_it_is_told_only_after_that_sentence():
    from service.summarize import read_alone

    told, passages = story_of(BIRD_FLU, 1, 2, 3)
    fears = replace(told[2], text="There have been fears that the virus could have evolved.")
    assert [s.citations for s in read_alone([told[0], told[1], fears], set(), passages)] == [[1], [2], [3]]
    # without the sentence it answers, the fears read as the article's alarm
    assert [s.citations for s in read_alone([told[0], fears], set(), passages)] == [[1]]
    # cited together with it, it is told against it
    both = replace(fears, citations=[2, 3])
    assert [s.citations for s in read_alone([told[0], both], set(), passages)] == [[1], [2, 3]]
    # an answer to what the story alleges answers the allegation, not the sentence before it
    answer, _ = story_of(BIRD_FLU, 4)
    assert [s.citations for s in read_alone([told[0], *answer], set(), passages)] == [[1], [4]]


def test_filling_out_a_story_passes_over_a_quote_set_against_a_sentence_it_does_not_show():
    from service.summarize import filled_out

    told, passages = story_of(BIRD_FLU[:3], 1)
    budget = len(BIRD_FLU[0].split()) + len(BIRD_FLU[2].split())  # room for the fears, not for what they answer
    assert [s.citations for s in filled_out(told, passages, {1}, None, budget)] == [[1]]
    roomy = filled_out(told, passages, {1}, None, budget + len(BIRD_FLU[1].split()))
    assert [s.citations for s in roomy] == [[1], [2], [3]]


DETENTION = ["A court extended the detention of Andrew Tate for 30 days, according to reports.",
             "Tate was arrested in December with his brother Tristan and two women.",
             "None of the four detainees has been formally charged.",
             "An attorney representing the brothers said the defense would challenge the extension."]


def test_the_brothers_are_spoken_of_only_after_the_story_says_whose_brother_is_who():
    from service.summarize import read_alone

    told, passages = story_of(DETENTION, 1, 2, 4)
    assert [s.citations for s in read_alone(told, set(), passages)] == [[1], [2], [4]]
    assert [s.citations for s in read_alone([told[0], told[2]], set(), passages)] == [[1]]


def test_an_answer_that_would_push_out_whose_brother_is_who_gives_way_to_the_next():
    from service.summarize import with_reply

    told, passages = story_of(DETENTION, 1, 2)
    words = [len(text.split()) for text in DETENTION]
    # room for the lawyer beside the arrest: his answer comes first
    assert [s.citations for s in with_reply(told, passages, {1}, words[0] + words[1] + words[3])] == [[1], [2], [4]]
    # room for him only in the arrest's place: "the brothers" would be no one's, so where they stand
    tight = words[0] + words[1] + words[2]
    assert tight < words[0] + words[1] + words[3]
    assert [s.citations for s in with_reply(told, passages, {1}, tight)] == [[1], [2], [3]]


def test_filling_out_a_story_passes_over_the_brothers_until_it_says_whose():
    from service.summarize import filled_out

    told, passages = story_of(DETENTION, 1)
    lawyer_only = [p for p in passages if p.n in (1, 4)]
    assert [s.citations for s in filled_out(told, lawyer_only, {1}, None, 60)] == [[1]]
    assert [s.citations for s in filled_out(told, passages, {1}, None, 60)] == [[1], [2], [3], [4]]


def test_a_quotes_link_comes_back_where_the_sentence_it_links_to_is_shown_just_before_it():
    from service.summarize import with_links_kept

    texts = ["Hundreds of schoolgirls have fallen sick in Qom, with some parents suspecting they were poisoned.",
             "But the authorities have not found any evidence of poison.",
             "No deaths have been reported."]
    told, passages = story_of(texts, 1, 2, 3)
    unlinked = [told[0], replace(told[1], text="The authorities have not found any evidence of poison."), told[2]]
    assert [s.text for s in with_links_kept(unlinked, passages)] == texts
    # after another sentence, the link would join what the article does not
    assert [s.text for s in with_links_kept([unlinked[2], unlinked[1]], passages)] == [
        texts[2], "The authorities have not found any evidence of poison."]
    # a sentence the model wrote in other words keeps them
    reworded = replace(told[1], text="Investigators found no evidence of poison.")
    assert with_links_kept([told[0], reworded], passages)[1] == reworded
