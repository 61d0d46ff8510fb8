"""Which claims the cascade settles alone and which it leaves to the judge: the same with or
without a judge configured, so `sourced eval faithfulness --fast` can measure the fast path."""

from service.checker.cascade import Checker
from service.models.embedder import HashingEmbedder

SOURCE = ("The harbour board approved the quay expansion on Monday. Work on the new quay starts in March. "
          "The board was founded in 1921, and the port authority in 1950.")


class AlwaysYes:
    description = "a stand-in that always says yes"

    def probability(self, claim: str, source_sentences: list[str]) -> float:
        return 0.99


def test_restatements_and_claims_far_outside_the_band_are_settled_fast_and_the_rest_go_to_the_judge():
    alone, judged = Checker(HashingEmbedder()), Checker(HashingEmbedder(), AlwaysYes())
    restated = "The harbour board approved the quay expansion on Monday."
    reordered = "The quay expansion approved the harbour board on Monday."  # every word, not in order
    invented = "In 1875 Pierre Dupont and Maria Gonzalez of Lisbon signed 40 treaties with 12 Oslo firms for 300 million."
    unrelated = "Volcanic ash grounded flights across Iceland yesterday evening."  # abstractive wording: judged
    conclusion = "Yes, the board was founded first."
    for checker in (alone, judged):
        assert not checker.check(restated, [SOURCE]).for_judge
        assert not checker.check(invented, [SOURCE]).for_judge
        for claim in (reordered, unrelated, conclusion):
            assert checker.check(claim, [SOURCE]).for_judge, claim
    assert judged.check(restated, [SOURCE]).decided_by == "fast" and judged.check(reordered, [SOURCE]).decided_by == "judge"
    assert alone.check(conclusion, [SOURCE]).decided_by == "fast"
    assert judged.check(conclusion, [SOURCE]).decided_by == "judge"
