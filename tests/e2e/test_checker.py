"""The faithfulness checker with the real embedder; the judge is a counting stand-in."""

import json

import pytest

from service.checker import Checker, CheckerInputError
from eval.datasets import SEED_ARTICLE

pytestmark = pytest.mark.e2e

SEED = json.loads(SEED_ARTICLE.read_text())["text"]


class CountingJudge:
    description = "a counting stand-in"

    def __init__(self, answer: float):
        self.answer = answer
        self.calls: list[tuple[str, list[str]]] = []

    def probability(self, claim, source_sentences):
        self.calls.append((claim, source_sentences))
        return self.answer


@pytest.fixture
def checker(embedder):
    return Checker(embedder)


def test_supported_claims_score_above_altered_ones(checker):
    supported = checker.check("Alibaba signed an agreement with the Belgian government in 2018.", [SEED])
    wrong_year = checker.check("Alibaba signed an agreement with the Belgian government in 2015.", [SEED])
    invented = checker.check("Alibaba was fined 40 million euros by the Dutch police in Amsterdam.", [SEED])
    assert supported.probability > wrong_year.probability + 0.1
    assert wrong_year.signals["novel_numbers_source"] == 1
    assert invented.label == "unsupported" and invented.probability < supported.probability


def test_evidence_quotes_are_verbatim_spans_of_the_source(checker):
    other = "The weather in Liege was mild. Trains ran on time."
    verdict = checker.check("Alibaba denied any wrongdoing. The VSSE monitors Alibaba's hub.", [other, SEED])
    assert [e.claim_sentence for e in verdict.evidence][0] == "Alibaba denied any wrongdoing."
    assert {e.claim_sentence for e in verdict.evidence} == {"Alibaba denied any wrongdoing.",
                                                            "The VSSE monitors Alibaba's hub."}
    for evidence in verdict.evidence:
        assert [other, SEED][evidence.passage][evidence.start:evidence.end] == evidence.quote
    assert verdict.evidence[0].quote.startswith("Alibaba denied any wrongdoing")


def test_the_judge_reads_windows_of_a_long_source_only_inside_the_uncertain_band(embedder):
    judge = CountingJudge(answer=0.0)
    checker = Checker(embedder, judge)
    verdicts = [checker.check(claim, [SEED]) for claim in [
        "Alibaba denied any wrongdoing, it added.",
        "The Belgian security service said it was working to detect possible espionage by Chinese entities.",
        "Cainiao runs the Liege hub and Alibaba filed to list it in Hong Kong last month.",
        "A cat sat on the mat in Paris on Monday morning.",
    ]]
    low, high = checker.calibration.judge_low, checker.calibration.judge_high
    assert any(v.for_judge for v in verdicts) and not all(v.for_judge for v in verdicts)
    for verdict in verdicts:
        assert verdict.decided_by == ("judge" if verdict.for_judge else "fast")
        if verdict.for_judge:
            assert low <= verdict.fast_probability <= high
        else:
            assert verdict.probability >= verdict.fast_probability  # a restatement, or settled as it stood
    windows = [sentences for _, sentences in judge.calls]
    for sentences in windows:
        # a few consecutive sentences of the article, in reading order
        assert 1 <= len(sentences) <= 3 and all(s in SEED for s in sentences)
        assert [SEED.index(s) for s in sentences] == sorted(SEED.index(s) for s in sentences)
    for verdict in (v for v in verdicts if v.decided_by == "judge"):
        # each claim sentence rests on a window the judge read, its best-aligned sentence first
        for claim_sentence in {e.claim_sentence for e in verdict.evidence}:
            quotes = [e.quote for e in verdict.evidence if e.claim_sentence == claim_sentence]
            assert sorted(quotes) in [sorted(w) for (c, w) in judge.calls if c == claim_sentence]


def test_edge_inputs_get_defined_verdicts_or_clear_errors(checker):
    with pytest.raises(CheckerInputError):
        checker.check("   ", [SEED])
    assert checker.check("Alibaba denied wrongdoing.", []).decided_by == "no-source"
    assert checker.check("Alibaba denied wrongdoing.", ["", "  "]).label == "unsupported"
    german = checker.check("Alibaba bestritt jegliches Fehlverhalten.", ["Alibaba bestritt jegliches Fehlverhalten."])
    assert 0.0 <= german.probability <= 1.0


def test_a_huge_source_is_read_to_the_end_not_truncated(checker):
    filler = " ".join(f"Paragraph {i} is about the local football results and nothing else." for i in range(3000))
    source = filler + " The harbour expansion will cost 12 million euros, the mayor said."
    verdict = checker.check("The harbour expansion will cost 12 million euros.", [source])
    assert verdict.evidence[0].start > 150_000
    assert verdict.evidence[0].quote == "The harbour expansion will cost 12 million euros, the mayor said."
