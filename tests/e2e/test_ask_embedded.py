"""The done-when questions of the ask pipeline, answered by the embedded model end to end."""

import pytest

from eval.datasets import corpus_sources
from service.answer import NOT_IN_SOURCES, AskRequest
from service.ingest.pipeline import ingest
from service.runtime import Runtime

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def corpus(embedded_models, tmp_path_factory):
    runtime = Runtime(embedded_models).over(tmp_path_factory.mktemp("ask") / "data")
    report = ingest(enumerate(corpus_sources()), runtime.store, embedded_models.embedder, runtime.settings,
                    "default")
    assert report.failed == 0
    return runtime


def assert_cited_verbatim(response, runtime):
    assert response.found and response.sentences
    assert all(s.citations and s.supported for s in response.sentences)
    for citation in response.citations:
        article = runtime.store.texts.get("default", citation.article_id)
        assert article.text[citation.start:citation.end] == citation.quote


def test_who_is_monitoring_whom_and_why(corpus):
    response = corpus.answerer().ask(AskRequest(question="Who is monitoring whom, and why?"), "default")
    assert_cited_verbatim(response, corpus)
    answer = response.answer.lower()
    assert "alibaba" in answer and ("belgi" in answer or "vsse" in answer)
    assert "espionage" in answer or "interference" in answer
    assert "legislation" in answer or "law" in answer  # why it is a concern: Chinese companies must share data
    quotes = " ".join(c.quote for c in response.citations).lower()
    assert "liege" in quotes or "logistics hub" in quotes


def test_a_later_answer_evaluates_only_its_own_tokens(corpus):
    answerer = corpus.answerer()
    answerer.ask(AskRequest(question="What did Alibaba agree with the Belgian government?"), "default")
    response = answerer.ask(AskRequest(question="Who owns Alibaba's logistics hub at Liege?"), "default")
    # the rules and worked examples were evaluated by the first answer and are reused
    assert response.usage.cached_prompt_tokens >= 400
    assert response.usage.prompt_tokens - response.usage.cached_prompt_tokens <= 600


def test_did_alibaba_admit_wrongdoing(corpus):
    response = corpus.answerer().ask(AskRequest(question="Did Alibaba admit wrongdoing?"), "default")
    assert_cited_verbatim(response, corpus)
    answer = response.answer.lower()
    assert "denied" in answer and not answer.startswith("yes")


def test_a_question_the_corpus_cannot_answer(corpus):
    response = corpus.answerer().ask(AskRequest(question="What is the population of Lima, Peru?"), "default")
    assert not response.found and response.answer == NOT_IN_SOURCES
