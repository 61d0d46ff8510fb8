import pytest

from eval.datasets import stratified_sample
from eval.metrics import classification, ranking


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
