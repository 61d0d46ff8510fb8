"""Markdown reports and figures, written under the directory `sourced eval --out` names."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import roc_curve  # noqa: E402

def roc_and_reliability(out: Path, name: str, labels, probabilities, title: str) -> Path:
    """One PNG: the ROC curve and a reliability diagram (10 bins) side by side."""
    y, p = np.asarray(labels), np.asarray(probabilities)
    figure, (roc_axis, reliability_axis) = plt.subplots(1, 2, figsize=(10, 4.2))
    if len(set(y)) == 2:
        fpr, tpr, _ = roc_curve(y, p)
        roc_axis.plot(fpr, tpr, label="checker")
    roc_axis.plot([0, 1], [0, 1], "--", color="grey", label="chance")
    roc_axis.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC")
    roc_axis.legend(loc="lower right")
    bins = np.linspace(0, 1, 11)
    which = np.clip(np.digitize(p, bins) - 1, 0, 9)
    centres, observed, counts = [], [], []
    for b in range(10):
        members = which == b
        if members.any():
            centres.append(p[members].mean())
            observed.append(y[members].mean())
            counts.append(int(members.sum()))
    reliability_axis.plot([0, 1], [0, 1], "--", color="grey")
    reliability_axis.scatter(centres, observed, s=[20 + 3 * c for c in counts])
    reliability_axis.set(xlabel="predicted probability of support", ylabel="observed share supported",
                         title="Reliability (marker size = count)", xlim=(0, 1), ylim=(0, 1))
    figure.suptitle(title)
    figure.tight_layout()
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def write_markdown(out: Path, name: str, text: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    return path


def figures_table(figures: dict) -> str:
    return "```json\n" + json.dumps(figures, indent=2) + "\n```\n"
