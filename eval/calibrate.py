"""Fit the checker's weights and thresholds on SummEdits' non-news domains only.

    .venv/bin/python -m eval.calibrate [--judge-sample 160] [--fast-precision 0.95]

1. Fast signals on every row of train/summedits_other_domains.jsonl -> a class-balanced
   logistic regression (the fast probability).
2. The judge (SOURCED_CHECKER_JUDGE) on a seeded, stratified sample of the same file -> a second logistic
   regression on (fast logit, judge logit): how much to trust each.
3. The judge band: the fast probability settles a claim alone only where it is right at
   least `fast-precision` of the time on the training rows (each side separately: below
   judge_low unsupported, above judge_high supported); everything between goes to the judge.
Writes service/checker/calibration.json. The reported sets are never read here.
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

import service  # noqa: F401
from eval.datasets import TRAIN, load_jsonl, stratified_sample
from service.checker.cascade import CALIBRATION_PATH, logit
from service.checker.signals import FEATURES, SignalExtractor, worst_case
from service.models.registry import Models
from service.runtime import Runtime
from service.settings import Settings


MIN_SETTLED_ROWS = 5  # a side that settles fewer training rows than this has no measured precision


def settled_band(probabilities: np.ndarray, labels: np.ndarray, precision: float) -> tuple[float, float]:
    """The widest (judge_low, judge_high) outside which the fast label is right at least `precision`
    of the time on the training rows: (0, 1), everything to the judge, where no side is."""
    low, high = 0.0, 1.0
    for threshold in np.unique(probabilities):
        below, above = probabilities < threshold, probabilities > threshold
        if below.sum() >= MIN_SETTLED_ROWS and 1 - labels[below].mean() >= precision:
            low = max(low, float(threshold))
        if above.sum() >= MIN_SETTLED_ROWS and labels[above].mean() >= precision:
            high = min(high, float(threshold))
    return low, high


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--judge-sample", type=int, default=160)
    parser.add_argument("--fast-precision", type=float, default=0.95)
    args = parser.parse_args()

    settings = Settings.from_env()
    models = Models(settings).load(reranker=False,
                                   generator=args.judge_sample > 0 and settings.checker_judge == "llm")
    extractor = SignalExtractor(models.embedder)
    rows = load_jsonl(TRAIN)
    sentence_signals = [extractor.claim_signals(r["summary"], extractor.source([r["document"]])) for r in rows]
    features = np.array([worst_case(s) for s in sentence_signals])
    labels = np.array([r["label"] for r in rows])

    scaler = StandardScaler().fit(features)
    fast = LogisticRegression(class_weight="balanced", max_iter=2000).fit(scaler.transform(features), labels)
    fast_probabilities = fast.predict_proba(scaler.transform(features))[:, 1]
    low, high = settled_band(fast_probabilities, labels, args.fast_precision)

    combine_coef, combine_intercept = (1.0, 0.0), 0.0
    if args.judge_sample > 0 and settings.checker_judge != "none":
        checker = Runtime(models).build_checker()  # with the judge the settings name: the LLM, or an NLI model
        # the combination applies to the claims the judge sees: those in the band that restate nothing
        for_judge = [{"index": i, "label": row["label"]} for i, row in enumerate(rows)
                     if low <= fast_probabilities[i] <= high and not all(s.restates for s in sentence_signals[i])]
        pairs = []
        for chosen in stratified_sample(for_judge, args.judge_sample, seed=7):
            i = chosen["index"]
            judged, _ = checker.judged(rows[i]["summary"].strip(), sentence_signals[i],
                                       extractor.source([rows[i]["document"]]))
            pairs.append((logit(fast_probabilities[i]), logit(judged), rows[i]["label"]))
        x = np.array([(f, j) for f, j, _ in pairs])
        combiner = LogisticRegression(class_weight="balanced").fit(x, [label for _, _, label in pairs])
        combine_coef, combine_intercept = tuple(map(float, combiner.coef_[0])), float(combiner.intercept_[0])

    calibration = {
        "fitted_on": f"{TRAIN.name}: {len(rows)} rows (fast); {args.judge_sample} stratified rows of the band (judge)",
        "features": list(FEATURES),
        "mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist(),
        "coef": fast.coef_[0].tolist(), "intercept": float(fast.intercept_[0]),
        "judge_low": float(low), "judge_high": float(high),
        "combine_coef": list(combine_coef), "combine_intercept": combine_intercept,
        "threshold": 0.5,
    }
    CALIBRATION_PATH.write_text(json.dumps(calibration, indent=2) + "\n")
    print(json.dumps(calibration, indent=2))
    models.close()


if __name__ == "__main__":
    main()
