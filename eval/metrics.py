from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import balanced_accuracy_score, precision_recall_fscore_support, roc_auc_score


def classification(labels: Sequence[int], probabilities: Sequence[float], threshold: float = 0.5) -> dict:
    """Balanced accuracy, per-class precision/recall and ROC AUC; label 1 = supported."""
    y = np.asarray(labels, dtype=int)
    p = np.asarray(probabilities, dtype=float)
    predicted = (p >= threshold).astype(int)
    precision, recall, _, support = precision_recall_fscore_support(y, predicted, labels=[1, 0], zero_division=0)
    return {
        "n": int(len(y)),
        "balanced_accuracy": float(balanced_accuracy_score(y, predicted)),
        "roc_auc": float(roc_auc_score(y, p)) if len(set(y)) == 2 else None,
        "supported": {"precision": float(precision[0]), "recall": float(recall[0]), "n": int(support[0])},
        "unsupported": {"precision": float(precision[1]), "recall": float(recall[1]), "n": int(support[1])},
    }


def ranking(ranks: Sequence[int | None], ks: Sequence[int] = (1, 5)) -> dict:
    """Recall@k and MRR from the 1-based rank of each query's own item (None: not retrieved)."""
    n = len(ranks)
    out = {f"recall@{k}": sum(1 for r in ranks if r is not None and r <= k) / n for k in ks}
    out["mrr"] = sum(1.0 / r for r in ranks if r is not None) / n
    return out
