"""`sourced eval faithfulness`: the cascade and the naive baseline over a tiny labelled file."""

import json

from eval import faithfulness
from service.checker.cascade import Checker
from service.models.embedder import HashingEmbedder

DOCUMENT = ("The harbour board approved the quay expansion on Monday. Work on the new quay starts in March. "
            "The weather was mild. Fishermen oppose the plan. The board was founded in 1921. Trains ran late.")


class Recording:
    description = "a recording stand-in"

    def __init__(self):
        self.shown: list[list[str]] = []

    def probability(self, claim, source_sentences):
        self.shown.append(source_sentences)
        return 0.9 if "March" in claim else 0.1


def test_the_naive_baseline_reads_the_four_most_overlapping_sentences_and_is_reported(tmp_path):
    judge = Recording()
    naive = faithfulness.NaiveJudge(Checker(HashingEmbedder(), judge))
    data = tmp_path / "rows.jsonl"
    rows = [{"document": DOCUMENT, "summary": "Work on the new quay starts in March.", "label": 1},
            {"document": DOCUMENT, "summary": "The quay board was founded in 1950 by fishermen.", "label": 0}]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    figures = faithfulness.run(naive, data, tmp_path / "out", None)
    assert figures["balanced_accuracy"] == 1.0 and figures["judged_share"] == 1.0 and figures["fast_share"] == 0.0
    assert all(len(shown) == 4 for shown in judge.shown)
    assert judge.shown[1][-1] == "The board was founded in 1921." and "Trains ran late." not in judge.shown[1]
    assert (tmp_path / "out" / "faithfulness-rows-naive.md").read_text().count("--naive") == 1
