from types import SimpleNamespace

import pytest

from eval.citations import citation_scores
from eval.datasets import stratified_sample
from eval.metrics import classification, is_correct, ranking, token_f1
from service.checker.specifics import uncovered_specifics


def test_stratified_sample_is_seeded_and_keeps_class_shares():
    rows = [{"id": i, "label": int(i % 4 == 0)} for i in range(400)]  # 25% positive
    first = stratified_sample(rows, 40, seed=3)
    assert first == stratified_sample(rows, 40, seed=3)
    assert first != stratified_sample(rows, 40, seed=4)
    assert sum(r["label"] for r in first) == 10 and len(first) == 40
    assert stratified_sample(rows, None) == rows and stratified_sample(rows, 1000) == rows


def test_classification_figures():
    figures = classification([1, 1, 1, 0], [0.9, 0.8, 0.2, 0.6])
    assert figures["balanced_accuracy"] == pytest.approx((2 / 3 + 0) / 2)
    assert figures["supported"]["precision"] == pytest.approx(2 / 3)
    assert figures["unsupported"]["recall"] == 0.0
    assert figures["roc_auc"] == pytest.approx(2 / 3)


def test_ranking_figures():
    assert ranking([1, 2, None, 6]) == {"recall@1": 0.25, "recall@5": 0.5, "mrr": pytest.approx((1 + 0.5 + 1 / 6) / 4)}


@pytest.mark.parametrize("answer, gold, correct", [
    ("The byway can be reached by U.S. Highway 60 [1].", "US 60", True),
    ("The byway can be reached by Highway 61 in the US [1].", "US 60", False),
    ("The label head El-P.Jaime Meline (born 1975) is known as El-P [1].", "Jaime Meline", True),
    ("Matt Groening named him after President Richard Nixon's middle name [1].", "President Richard Nixon", True),
    ("It is well known that the town grew [1].", "no", False),  # "no" in "known" is no stance
    ("No, only one of them is based on tequila [1][2].", "no", True),
    ("Yes: both are tequila-based cocktails [1][2].", "yes", True),
    ("Alibaba denied any wrongdoing [1].", "no", True),
    ("The company didn't admit it [1].", "no", True),
    ("Both magazines were founded in New York [1][2].", "yes", True),
    ("Arthur's Magazine was started first [1].", "Arthur's Magazine", True),
    ("Arthur was started first [1].", "Arthur's Magazine", False),
    ("The track is 6.213 km long [4].", "6.213 km long", True),
    ("The track is 6.2 km long [4].", "6.213 km long", False),
    ("The female main protagonist is 16 years old [1].", "16-year-old", True),
    ("The female main protagonist is 17 years old [1].", "16-year-old", False),
    ("The series is by American author Sarah J. Maas [1].", "Sarah Janet Maas", True),
    ("The series is by American author Sarah K. Maas [1].", "Sarah Janet Maas", False),
    ("Gunmen from Laredo starred Walter Coy [1].", "Walter Darwin Coy", True),
    ("Francis Nethersole was born first, in 1587 [1].", "Sir Francis Nethersole", True),
    ("Sir Walter Nethersole was born first [1].", "Sir Francis Nethersole", False),
    ("Sir Francis Drake sailed [1].", "Sir Francis Nethersole", False),
    ("Walter Scott met Coy [1].", "Walter Darwin Coy", False),
])
def test_correctness_is_judged_on_whole_words_and_stance(answer, gold, correct):
    assert is_correct(answer, gold) == correct


def test_token_f1():
    assert token_f1("The Eiffel Tower", "eiffel tower") == 1.0
    assert token_f1("It is the Eiffel Tower in Paris", "Eiffel Tower") == pytest.approx(2 * (2 / 6) * 1 / (2 / 6 + 1))
    assert token_f1("nothing", "Eiffel Tower") == 0.0


def test_a_quote_that_alone_shows_a_name_or_figure_of_its_sentence_is_needed():
    hole, wolfhounds = "Hole was formed in Los Angeles in 1989.", "The Wolfhounds were formed in 1985."
    answer = SimpleNamespace(
        citations=[SimpleNamespace(n=1, quote=hole), SimpleNamespace(n=2, quote=wolfhounds)],
        sentences=[SimpleNamespace(text="The Wolfhounds were formed in 1985 and Hole in 1989.", citations=[1, 2]),
                   SimpleNamespace(text="Hole was formed in 1989.", citations=[1])])

    def lenient(sentence, quotes):  # passes the first sentence on the Wolfhounds' quote alone, as the small judge did
        return any("Wolfhounds" in quote for quote in quotes) or sentence.startswith("Hole")

    scores, verdicts = citation_scores(answer, lenient, lambda sentence, quotes: not uncovered_specifics(sentence, quotes))
    assert verdicts == [True, True]
    assert (scores.sentences, scores.cited, scores.entailed, scores.entailed_by_judge) == (2, 3, 2, 2)
    assert (scores.needed, scores.needed_by_judge) == (3, 2)  # Hole's quote: the only one that dates Hole
