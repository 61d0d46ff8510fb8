"""`sourced eval faithfulness`: the checker against human labels.

Rows are {document, summary, label} with label 1 = the summary is supported. Each summary
is checked against its document by the same Checker the service uses for answers.
"""

from __future__ import annotations

import time
from pathlib import Path

from eval.datasets import load_jsonl, stratified_sample
from eval.metrics import classification
from eval.report import figures_table, roc_and_reliability, write_markdown
from service.checker.cascade import Checker, Verdict
from service.text import content_words, sentences

PUBLISHED = """Published figures to compare with (other datasets or splits, so indicative only):
- MiniCheck-Flan-T5-L: 69.9 balanced accuracy on LLM-AggreFact's CNN subset (Tang et al., 2024).
- AlignScore-L: 70.5 average balanced accuracy across LLM-AggreFact (as reported by Tang et al., 2024).
- Baselines measured here on 2 CPU cores (the shared data README of this project): the embedded Qwen2.5-Coder-1.5B
  as a yes/no judge 0.62 (SummEdits news, n=60) and 0.72 (SummaC-FactCC, n=60); share of missing
  content words 0.53 and 0.60.
"""


NAIVE_SOURCE_SENTENCES = 4


class NaiveJudge:
    """The baseline the cascade must beat: the same judge asked about the whole summary against
    the four source sentences that share most words with it, with no fast signals and no windows."""

    def __init__(self, checker: Checker):
        self.judge = checker.judge
        self.calibration = checker.calibration

    def check(self, claim: str, sources: list[str]) -> Verdict:
        words = content_words(claim)
        candidates = [s for source in sources for s in sentences(source)]
        best = sorted(range(len(candidates)), key=lambda i: -len(words & content_words(candidates[i])))
        shown = [candidates[i] for i in sorted(best[:NAIVE_SOURCE_SENTENCES])]
        probability = self.judge.probability(claim.strip(), shown)
        return Verdict(probability=probability, label="supported" if probability >= self.calibration.threshold
                       else "unsupported", decided_by="judge", for_judge=True, evidence=[], signals={})


def run(checker: Checker | NaiveJudge, data: Path, out: Path, limit: int | None, seed: int = 13) -> dict:
    rows = stratified_sample(load_jsonl(data), limit, seed)
    probabilities, decided_by, for_judge = [], [], []
    started = time.perf_counter()
    for row in rows:
        verdict = checker.check(row["summary"], [row["document"]])
        probabilities.append(verdict.probability)
        decided_by.append(verdict.decided_by)
        for_judge.append(verdict.for_judge)
    total = time.perf_counter() - started
    labels = [row["label"] for row in rows]
    figures = classification(labels, probabilities, checker.calibration.threshold)
    judged = decided_by.count("judge")
    # The claims the cascade settles without the judge (the same ones with or without a judge
    # configured), and how often those fast decisions agree with the human label.
    settled = [(p >= checker.calibration.threshold) == bool(label)
               for p, label, wanted in zip(probabilities, labels, for_judge) if not wanted]
    figures.update({
        "fast_share": len(settled) / len(rows),
        "fast_accuracy": sum(settled) / len(settled) if settled else None,
        "dataset": data.name,
        "limit": limit,
        "seed": seed,
        "claims_per_second": len(rows) / total,
        "judged_share": judged / len(rows),
        "judge": checker.judge is not None,
    })
    kind = "-naive" if isinstance(checker, NaiveJudge) else "" if checker.judge else "-fast"
    name = f"faithfulness-{data.stem}" + ("" if limit is None else f"-n{limit}") + kind
    png = roc_and_reliability(out, name, labels, probabilities, f"{data.name}: checker vs human labels")
    worst = sorted(zip(probabilities, labels, rows), key=lambda t: -abs(t[0] - t[1]))[:5]
    examples = "\n".join(f"- label {label}, p(supported) {p:.2f}: {row['summary'][:220]!r}" for p, label, row in worst)
    write_markdown(out, name, f"""# Faithfulness checker on {data.name}

Command: `sourced eval faithfulness --data {data} {'' if limit is None else f'--limit {limit} '}{kind.replace('-', '--')}`

Balanced accuracy **{figures['balanced_accuracy']:.3f}**, ROC AUC {figures['roc_auc'] or float('nan'):.3f},
n = {figures['n']}, {figures['claims_per_second']:.2f} claims/s on this machine, {judged} of {len(rows)} claims went to the LLM judge.
The cascade settles {figures['fast_share']:.0%} of the claims without the judge; those fast decisions agree with
the human label {_share(figures['fast_accuracy'])} of the time.

![ROC and reliability]({png.name})

{figures_table(figures)}
{PUBLISHED}
## Largest errors
{examples}
""")
    return figures


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def describe(figures: dict) -> str:
    s, u = figures["supported"], figures["unsupported"]
    return (f"{figures['dataset']}: n={figures['n']}  balanced accuracy {figures['balanced_accuracy']:.3f}  "
            f"ROC AUC {figures['roc_auc'] or float('nan'):.3f}\n"
            f"  supported   precision {s['precision']:.3f} recall {s['recall']:.3f} (n={s['n']})\n"
            f"  unsupported precision {u['precision']:.3f} recall {u['recall']:.3f} (n={u['n']})\n"
            f"  {figures['claims_per_second']:.2f} claims/s, {figures['judged_share']:.0%} judged by the LLM\n"
            f"  decided fast (no judge needed): {figures['fast_share']:.0%} of claims, "
            f"{_share(figures['fast_accuracy'])} of them right")
