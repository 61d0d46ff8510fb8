"""`sourced eval qa`: HaluEval-style rows {knowledge, question, right_answer, hallucinated_answer}.

The knowledge passages are ingested as a corpus (a fresh data directory), then
- retrieval: each question's own passage, its rank among the hits (recall@1, @5, MRR);
- checker: the right answer must be judged supported by the passage, the hallucinated one not.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from eval.datasets import load_jsonl
from eval.metrics import classification, ranking
from eval.report import figures_table, roc_and_reliability, write_markdown
from service.checker.cascade import Checker
from service.ingest.pipeline import Source, ingest
from service.retrieve import retrieve
from service.runtime import Runtime

TENANT = "eval-qa"


def answer_claim(question: str, answer: str) -> str:
    """An answer alone ("Delhi") is no claim; with its question it says something checkable.

    Joined into one sentence: split at the question mark, a short answer would be judged on
    its own, and the worst-sentence aggregation would call a one-word right answer unsupported.
    """
    return f"{question.rstrip('?').strip()}: {answer.strip()}"


def run(runtime: Runtime, checker: Checker, data: Path, out: Path, limit: int | None = None) -> dict:
    rows = load_jsonl(data)[:limit] if limit else load_jsonl(data)
    with tempfile.TemporaryDirectory(prefix="sourced-eval-qa-") as data_dir:
        corpus = runtime.over(Path(data_dir))
        settings = corpus.settings
        report = ingest(enumerate(Source(id=row["id"], text=row["knowledge"])
                                  for row in rows), corpus.store, corpus.models.embedder, settings, TENANT)
        ranks = []
        for row in rows:
            hits = retrieve(row["question"], corpus.store, corpus.models.embedder, TENANT, k=10,
                            reranker=corpus.models.reranker).hits
            article_ids = list(dict.fromkeys(h.article.id for h in hits))
            ranks.append(article_ids.index(row["id"]) + 1 if row["id"] in article_ids else None)
    labels, probabilities = [], []
    started = time.perf_counter()
    for row in rows:
        for answer, label in ((row["right_answer"], 1), (row["hallucinated_answer"], 0)):
            probabilities.append(checker.check(answer_claim(row["question"], answer), [row["knowledge"]]).probability)
            labels.append(label)
    seconds = time.perf_counter() - started
    figures = {"dataset": data.name, "questions": len(rows), "ingest_failed": report.failed,
               "retrieval": ranking(ranks), "checker": classification(labels, probabilities),
               "claims_per_second": len(labels) / seconds}
    name = f"qa-{data.stem}" + ("" if limit is None else f"-n{limit}")
    png = roc_and_reliability(out, name, labels, probabilities, f"{data.name}: right vs hallucinated answers")
    write_markdown(out, name, f"""# Retrieval and checker on {data.name}

Command: `sourced eval qa --data {data}{'' if limit is None else f' --limit {limit}'}`

Retrieval of each question's own passage among {len(rows)} passages (hybrid: vectors + BM25, fused, reranked):
recall@1 **{figures['retrieval']['recall@1']:.3f}**, recall@5 {figures['retrieval']['recall@5']:.3f},
MRR {figures['retrieval']['mrr']:.3f}.

Checker, right vs hallucinated answer against the passage: balanced accuracy
**{figures['checker']['balanced_accuracy']:.3f}**, ROC AUC {figures['checker']['roc_auc']:.3f}
({figures['claims_per_second']:.2f} claims/s).

![ROC and reliability]({png.name})

{figures_table(figures)}""")
    return figures
