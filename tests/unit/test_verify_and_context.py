"""verify() and build_context() on small tables: the fast checker over the hashing embedder, the
word-overlap reranker, no model."""

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from service.checker import Checker
from service.citations import DraftSentence
from service.context import Passage, build_context
from service.models.embedder import HashingEmbedder
from service.models.reranker import OverlapReranker
from service.policy import AnswerPolicy
from service.records import Article, Chunk
from service.retrieve import Hit
from service.verify import verify

HARBOUR = ("The port authority approved the harbour expansion on Monday. "
           "Work on the new quay starts in March and will cost 40 million euros. "
           "Fishermen oppose the plan because the quay closes their moorings.")
PROFILE = ("Joseph Heck is an American politician from Nevada. "
           "He ran unsuccessfully for the United States Senate in 2016. "
           "The weather in Reno was mild that autumn.")


def article(article_id: str, text: str) -> Article:
    return Article(id=article_id, title=article_id, text=text, content_hash="0" * 64,
                   ingested_at=datetime.now(timezone.utc))


def passages_of(text: str) -> list[Passage]:
    source = article("harbour", text)
    spans, start = [], 0
    for sentence in text.split(". "):
        end = text.index(sentence, start) + len(sentence) + (0 if sentence.endswith(".") else 1)
        spans.append((text.index(sentence, start), end))
        start = end
    return [Passage(n=i, article=source, chunk_id="c", start=s, end=e, relevance=0.0)
            for i, (s, e) in enumerate(spans, 1)]


@pytest.fixture(scope="module")
def checker():
    return Checker(HashingEmbedder())


@pytest.mark.parametrize("sentence, cited, supported, citations", [
    # restates what it cites: kept as cited
    ("Work on the new quay starts in March.", [2], True, [2]),
    # restates another passage than the one it cites: re-cited to the one that supports it
    ("Work on the new quay starts in March.", [1], True, [2]),
    # cites nothing: the checker finds its passage
    ("Fishermen oppose the plan because the quay closes their moorings.", [], True, [3]),
    # cites a passage that supports it and one that adds nothing: keeps the one it needs
    ("The port authority approved the harbour expansion on Monday.", [1, 3], True, [1]),
    # about something else: unsupported, whatever it cites
    ("The mayor resigned after a corruption scandal in Brussels.", [1], False, [1]),
    ("The mayor resigned after a corruption scandal in Brussels.", [], False, []),
])
def test_verify(checker, sentence, cited, supported, citations):
    [checked] = verify([DraftSentence(sentence, cited)], passages_of(HARBOUR), checker, min_support=0.7)
    assert (checked.supported, checked.citations) == (supported, citations)
    assert (checked.score >= 0.7) == supported


POLICY = AnswerPolicy(relevance_floor=0.3, offer_floor=0.1)


def hits_of(*articles: Article) -> list[Hit]:
    return [Hit(chunk=Chunk(id=f"{a.id}#0", article_id=a.id, index=0, start=0, end=len(a.text), text=a.text),
                article=a) for a in articles]


@pytest.mark.parametrize("question, policy, expected", [
    # the sentences that share words with the question, numbered in reading order
    ("When does work on the new quay start?", POLICY,
     ["Work on the new quay starts in March and will cost 40 million euros.",
      "Fishermen oppose the plan because the quay closes their moorings."]),
    # a sentence that opens with a pronoun is quoted with the sentence that names its subject
    ("Who ran unsuccessfully for the Senate in 2016?", POLICY,
     ["Joseph Heck is an American politician from Nevada. He ran unsuccessfully for the United States Senate "
      "in 2016."]),
    # the passage budget stops the list (the best sentence always stays)
    ("When does work on the new quay start?", replace(POLICY, passage_budget_chars=80),
     ["Work on the new quay starts in March and will cost 40 million euros."]),
    # a higher offer floor drops the weaker sentence
    ("When does work on the new quay start?", replace(POLICY, offer_floor=0.5),
     ["Work on the new quay starts in March and will cost 40 million euros."]),
])
def test_build_context(question, policy, expected):
    context = build_context(question, hits_of(article("harbour", HARBOUR), article("profile", PROFILE)),
                            OverlapReranker(), policy)
    assert [p.text for p in context.passages] == expected
    assert [p.n for p in context.passages] == list(range(1, len(expected) + 1))
    assert all(p.article.text[p.start:p.end] == p.text for p in context.passages)


def test_build_context_without_hits_finds_nothing():
    context = build_context("anything", [], OverlapReranker(), POLICY)
    assert context.passages == [] and context.best_relevance is None
