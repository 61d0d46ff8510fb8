"""Which claims the cascade settles alone and which it leaves to the judge: the same with or
without a judge configured, so `sourced eval faithfulness --fast` can measure the fast path."""

from service.checker.cascade import Checker
from service.models.embedder import HashingEmbedder

SOURCE = ("The harbour board approved the quay expansion on Monday. Work on the new quay starts in March. "
          "The board was founded in 1921, and the port authority in 1950.")


class AlwaysYes:
    def probability(self, claim: str, source_sentences: list[str]) -> float:
        return 0.99


def test_restatements_and_unrelated_claims_are_settled_fast_and_conclusions_go_to_the_judge():
    alone, judged = Checker(HashingEmbedder()), Checker(HashingEmbedder(), AlwaysYes())
    restated = "The harbour board approved the quay expansion on Monday."
    unrelated = "Volcanic ash grounded flights across Iceland yesterday evening."
    conclusion = "Yes, the board was founded first."
    for checker in (alone, judged):
        assert not checker.check(restated, [SOURCE]).for_judge
        assert not checker.check(unrelated, [SOURCE]).for_judge
        assert checker.check(conclusion, [SOURCE]).for_judge
    assert alone.check(conclusion, [SOURCE]).decided_by == "fast"
    assert judged.check(conclusion, [SOURCE]).decided_by == "judge"
