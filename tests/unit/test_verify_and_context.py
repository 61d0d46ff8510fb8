"""verify() and build_context() on small tables: the fast checker over the hashing embedder, the
word-overlap reranker, no model."""

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from service.checker import Checker, Evidence, Verdict
from service.citations import DraftSentence
from service.context import Passage, build_context
from service.models.embedder import HashingEmbedder
from service.models.reranker import OverlapReranker
from service.policy import AnswerPolicy
from service.records import Article, Chunk
from service.retrieve import Hit
from service.text import name_phrases
from service.verify import bridges, splices, verify

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


REPORT = "The intelligence service is monitoring the cargo hub, the newspaper reported on Thursday."


@pytest.mark.parametrize("sentence, dropped", [
    ("The intelligence service is monitoring the cargo hub, the newspaper reported.", False),
    ("The intelligence service is monitoring the cargo hub.", True),  # the report became a fact
])
def test_a_sentence_that_drops_its_quotes_attribution_gives_way_to_the_quote(checker, sentence, dropped):
    [checked] = verify([DraftSentence(sentence, [1])], passages_of(REPORT), checker, min_support=0.5)
    assert checked.supported and checked.dropped_qualifier == dropped
    assert checked.text == (REPORT if dropped else sentence)


POLICY = AnswerPolicy(relevance_floor=0.3, offer_floor=0.1, quote_floor=0.5, unnamed_floor=0.5)


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


def test_a_quote_opening_the_story_leaves_out_its_desks_tag():
    wire = article("wire", "(Reuters) -Belgium's intelligence service is monitoring the cargo hub at Liege airport. "
                           "The hub handles parcels for Alibaba.")
    context = build_context("Who is monitoring the cargo hub?", hits_of(wire), OverlapReranker(), POLICY)
    assert context.passages[0].text == "Belgium's intelligence service is monitoring the cargo hub at Liege airport."
    assert all(p.article.text[p.start:p.end] == p.text for p in context.passages)


def test_a_quote_carrying_the_sentence_before_it_leaves_out_the_desks_tag_too():
    wire = article("wire", "(Reuters) -Belgium's intelligence service is monitoring the cargo hub at Liege airport. "
                           "It said the hub handles parcels for Alibaba.")
    context = build_context("Whose parcels does the cargo hub handle?", hits_of(wire), OverlapReranker(), POLICY)
    assert all(not p.text.startswith("(Reuters)") for p in context.passages)
    assert "Belgium's intelligence service is monitoring the cargo hub at Liege airport. It said the hub handles " \
           "parcels for Alibaba." in [p.text for p in context.passages]


def test_build_context_without_hits_finds_nothing():
    context = build_context("anything", [], OverlapReranker(), POLICY)
    assert context.passages == [] and context.best_relevance is None


@pytest.mark.parametrize("sentence, quotes, spliced", [
    # two people's facts joined as one person's
    ("John Smith is a British actor born in 1970.", ["John Smith is a British actor.", "Jane Doe was born in 1970."],
     True),
    ("The magazine, founded in 1844 in Philadelphia, is published by Bauer Media Group.",
     ["Arthur's Magazine was an American literary periodical published in Philadelphia from 1844.",
      "First for Women is a woman's magazine published by Bauer Media Group in the USA."], True),
    # a comparison names both things: each quote's subject is in the sentence
    ("Arthur's Magazine was started first: in 1844, while First for Women began in 1989.",
     ["Arthur's Magazine was an American literary periodical published in Philadelphia from 1844.",
      "First for Women is a woman's magazine published by Bauer Media Group since 1989."], False),
    # one quote, or quotes that name nobody, cannot splice
    ("John Smith is a British actor born in 1970.", ["John Smith is a British actor born in 1970."], False),
    ("The strike is over pay and starts on Friday.", ["The strike is over pay.", "It starts on Friday."], False),
])
def test_a_sentence_may_not_splice_facts_about_different_subjects(sentence, quotes, spliced):
    assert splices(sentence, quotes) == spliced


class JoinedQuotesChecker:
    """Supports a claim only when shown two or more quotes together, as a judge may for a splice."""

    class calibration:
        threshold = 0.5

    def check(self, claim, sources):
        evidence = [Evidence(claim_sentence=claim, passage=i, start=0, end=len(text), quote=text)
                    for i, text in enumerate(sources)]
        probability = 0.9 if len(sources) >= 2 else 0.3
        return Verdict(probability=probability, label="supported" if probability >= 0.5 else "unsupported",
                       decided_by="judge", evidence=evidence, signals={})


@pytest.mark.parametrize("sentence, supported", [
    ("John Smith is a British actor born in 1970 in Leeds.", False),  # Jane Doe's birth given to John Smith
    ("John Smith is a British actor, and Jane Doe was born in 1970 in Leeds.", True),
])
def test_a_spliced_sentence_is_unsupported_even_where_the_quotes_together_support_it(sentence, supported):
    source = article("people", "John Smith is a British actor. Jane Doe was born in 1970 in Leeds.")
    passages = [Passage(n=1, article=source, chunk_id="c", start=0, end=30, relevance=0.0),
                Passage(n=2, article=source, chunk_id="c", start=31, end=len(source.text), relevance=0.0)]
    [checked] = verify([DraftSentence(sentence, [1, 2])], passages, JoinedQuotesChecker(), min_support=0.7)
    assert checked.citations == [1, 2] and checked.supported == supported


class NethersoleChecker:
    """Supports a claim whenever Nethersole's quote is among its sources, aligning the other first."""

    class calibration:
        threshold = 0.5

    def check(self, claim, sources):
        evidence = [Evidence(claim_sentence=claim, passage=i, start=0, end=len(text), quote=text)
                    for i, text in sorted(enumerate(sources), key=lambda pair: "Nethersole" in pair[1])]
        probability = 0.9 if any("Nethersole" in text for text in sources) else 0.1
        return Verdict(probability=probability, label="supported" if probability >= 0.5 else "unsupported",
                       decided_by="judge", evidence=evidence, signals={})


@pytest.mark.parametrize("sentence, citations", [
    ("Francis Nethersole was born in 1587.", [1]),  # "She was born in Young" names nothing of it
    ("Francis Nethersole was born in 1587, and she in Young.", [2, 1]),  # Young is named: it stays
])
def test_a_quote_that_names_nothing_the_sentence_names_is_not_cited_where_the_others_support_it(
        sentence, citations):
    source = article("people", "Sir Francis Nethersole (1587-1659) was an English diplomat. She was born in Young.")
    second = source.text.index("She")
    passages = [Passage(n=1, article=source, chunk_id="c", start=0, end=second - 1, relevance=0.0),
                Passage(n=2, article=source, chunk_id="c", start=second, end=len(source.text), relevance=0.0)]
    assert [p.text for p in passages] == ["Sir Francis Nethersole (1587-1659) was an English diplomat.",
                                          "She was born in Young."]
    [checked] = verify([DraftSentence(sentence, [2, 1])], passages, NethersoleChecker(), min_support=0.7)
    assert checked.supported and checked.citations == citations


def test_a_capital_that_only_opens_a_quote_is_no_name():
    assert not splices("The authority approved the expansion on Monday and work on the quay starts in March.",
                       ["The port authority approved the harbour expansion on Monday.",
                        "Work on the new quay starts in March."])


@pytest.mark.parametrize("sentence, cited, expected", [
    # the cited passage lacks "harbour expansion": the passage that has it is the bridge
    ("Work on the quay of the harbour expansion starts in March.", [2], [1]),
    # nothing is missing: no bridge
    ("Work on the new quay starts in March.", [2], []),
    # words no passage has bring no bridge
    ("Work on the new quay starts in March, the minister of sport said.", [2], []),
])
def test_bridges_bring_the_passages_a_two_hop_sentence_also_needs(sentence, cited, expected):
    assert bridges(sentence, cited, passages_of(HARBOUR)) == expected


def test_a_two_hop_sentence_is_checked_with_its_bridge_and_cites_it():
    [checked] = verify([DraftSentence("The harbour expansion work starts in March.", [2])], passages_of(HARBOUR),
                       JoinedQuotesChecker(), min_support=0.7)
    assert checked.supported and checked.citations == [2, 1]


def test_name_phrases():
    # "The Simpsons" is one name word after its article: too little to tell a subject by
    assert name_phrases('Dua Lipa, an English singer, sang "New Rules" with The Simpsons cast') == {
        "dua lipa", "new rules"}
    assert name_phrases("Which magazine started first, Arthur's Magazine or First for Women?") == {
        "arthur magazine", "first for women"}


LECTER = ("Hannibal Lecter is a character in a series of suspense novels by Thomas Harris. "
          "Real Damage is a split EP of Gossip and electropop solo artist Tracy + the Plastics. "
          "Electropop is a variant of synth-pop.")


class LenientChecker(JoinedQuotesChecker):
    """Supports every claim against whatever it is shown, as a small judge may."""

    def check(self, claim, sources):
        return super().check(claim, sources).model_copy(update={"probability": 0.9, "label": "supported"})


@pytest.mark.parametrize("question, sentence, cited, shown", [
    # the question's "famous" and "creating" are in no quote: the quote answers in its own words
    ("Thomas Harris is a novelist who is famous for creating which character?",
     "Thomas Harris is a novelist who is famous for creating Hannibal Lecter.", [1], [1]),
    # a garbled echo joining two quotes gives way to both: each carries a hop
    ("What genre of music is the solo artist that contributed to Real Damage a variant of?",
     "The solo artist that contributed to Real Damage a variant of is electropop.", [2, 3], [2, 3]),
    # the question's words the quotes show, and words of the sentence's own the question lacks, are no echo
    ("Which character did Thomas Harris write suspense novels about?",
     "Thomas Harris wrote suspense novels about Hannibal Lecter.", [1], "sentence"),
    # a conclusion's words are in no quote: it stands, for the judge
    ("Is Electropop a variant of synth-pop, and did Tracy + the Plastics contribute to Real Damage?",
     "Yes, electropop is a variant of synth-pop, and Tracy + the Plastics contributed to Real Damage.", [2, 3],
     "sentence"),
])
def test_a_sentence_that_restates_the_question_gives_way_to_its_quotes(question, sentence, cited, shown):
    numbered = passages_of(LECTER)
    judge = LenientChecker() if len(cited) == 1 else JoinedQuotesChecker()  # the joined need each other
    checked = verify([DraftSentence(sentence, cited)], numbered, judge, min_support=0.5, question=question)
    assert all(s.supported for s in checked)
    if shown == "sentence":
        assert [(s.text, s.citations) for s in checked] == [(sentence, cited)]
    else:
        assert [(s.text, s.citations) for s in checked] == [(numbered[n - 1].text, [n]) for n in shown]
    # without the question, no sentence is held to its words
    [unasked] = verify([DraftSentence(sentence, cited)], numbered, judge, min_support=0.5)
    assert unasked.text == sentence
