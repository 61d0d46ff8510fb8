"""Two reports of one story, told by their summaries from different sentences, are still shown as
one: the c8846de example digest showed the European Commission's TikTok ban twice, once from
Politico's report and once from the BBC's, while a Canadian ban and two Webb telescope
observations are other stories."""

import pytest

from eval.datasets import news_documents
from service.digest import DigestItem, merge_same_stories
from service.policy import SummaryPolicy
from service.citations import Citation, CitedSentence
from service.models.llm import Usage
from service.summarize import Summary

pytestmark = pytest.mark.e2e

# The SummEdits news articles, and the first sentence each had in that digest.
ARTICLES = {
    9: ("The EU Commission has banned employees from using TikTok",
        "Politico reports that European Commission staff is banned from using TikTok over security concerns."),
    10: ("The BBC reports that the EC has ordered its 32,000 employees to remove TikTok from their company phones",
         "The BBC reports that the EC has ordered its 32,000 employees to remove TikTok from their company phones "
         "and devices."),
    21: ("Conservative Leader Pierre Poilievre has shut down his account on the social media app TikTok",
         "Conservative Leader Pierre Poilievre has shut down his account on TikTok, following the news the federal "
         "government is banning the app on government-issued phones."),
    14: ("The James Webb Space Telescope peered into a celestial Pandora's box",
         "The James Webb Space Telescope just peered into a celestial Pandora's box."),
    15: ("Astronomers have used the James Webb Space Telescope to peer inside the heart of spiral galaxies",
         "Astronomers have used the James Webb Space Telescope to peer inside the heart of spiral galaxies."),
}


def story(number: int, title: str, sentence: str) -> DigestItem:
    article_id = f"summedits-{number:02d}"
    summary = Summary(title=title, summary=f"{sentence} [1]", style="brief", words=60,
                      sentences=[CitedSentence(text=sentence, citations=[1], supported=True, score=1.0)],
                      citations=[Citation(n=1, article_id=article_id, title=title, url=None, chunk_id="c", start=0,
                                          end=len(sentence), quote=sentence)],
                      article_ids=[article_id], generated=1, faithfulness=1.0, removed=0, model="m",
                      prompt_version="v", timings={}, usage=Usage())
    return DigestItem(article_id=article_id, title=title, url=None, source=None, published=None, summary=summary)


def test_two_reports_of_one_story_are_shown_once_though_their_summaries_differ(embedder):
    documents = news_documents()
    items = [story(number, *told) for number, told in ARTICLES.items()]
    texts = [documents[number] for number in ARTICLES]
    merged = merge_same_stories(items, texts, embedder, SummaryPolicy())
    shown = sorted(sorted([item.article_id, *(other.article_id for other in item.also)]) for item in merged)
    assert shown == [["summedits-09", "summedits-10"], ["summedits-14"], ["summedits-15"], ["summedits-21"]]
    # their summaries alone do not join them: what their articles open with does
    apart = merge_same_stories(items, [told for _, told in ARTICLES.values()], embedder, SummaryPolicy())
    assert len(apart) == len(ARTICLES)
