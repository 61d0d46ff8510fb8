"""`sourced eval citations`: the service's own answers to HaluEval questions, as a reader would count them.

Every row's `knowledge` passage is ingested as the corpus, untitled as HaluEval keeps it (so the
service titles it by its lead; a question is not there to give the model a hint). Each question
is asked twice through
the same `Answerer.ask` the API serves (generate mode):
- answerable: over the whole corpus (its own passage is in it);
- unanswerable: with its own passage filtered out, so the honest answer is "not in the sources".
Figures:
- correct: the answer is found and contains `right_answer` as whole words after SQuAD-style
  normalisation, or, for a yes/no gold, takes its stance (eval/metrics.py); token F1 beside it;
- false "not in the sources" on answerable questions, and "not in the sources" on unanswerable;
- ALCE citation recall (answer sentences entailed by the union of their quotes) and precision
  (citations needed: the sentence is entailed and that citation alone entails it, or the others
  do not without it), as in Gao et al. (2023). ALCE's entailment model (TRUE, T5-11B) cannot run
  here: the judge is the embedded generator, the same model family that wrote and checked the
  answers, so these two figures are the service's own account. Quotes entail a sentence only
  where they also show every name and figure it states: the small judge passed "The Wolfhounds
  was founded in 1985 and Hole in 1989" on the Wolfhounds' quote alone, which never dates Hole,
  and so counted the quote that does as not needed. The run therefore also writes a
  review file of randomly drawn answer sentences with their quotes, for a person to judge.
`--split dev` asks the first N questions; `--split heldout` a seeded N of the rest of the file.
"""

from __future__ import annotations

import functools
import json
import random
import re
import statistics
from dataclasses import dataclass
import tempfile
import time
from pathlib import Path

from eval.datasets import load_jsonl
from eval.metrics import is_correct, token_f1
from eval.report import figures_table, write_markdown
from service.answer import AskRequest, AskResponse
from service.checker import Judge
from service.checker.specifics import uncovered_specifics
from service.ingest.pipeline import Source, ingest
from service.records import Filters
from service.runtime import Runtime

TENANT = "eval-citations"
ENTAILED = 0.5
REVIEW_SENTENCES = 30


@dataclass
class CitationScores:
    """ALCE's counts for answers, by two judges: `entails` (the judge, where the quotes also show
    every name and figure of the sentence) and the judge alone."""

    sentences: int = 0
    cited: int = 0
    entailed: int = 0
    needed: int = 0
    entailed_by_judge: int = 0
    needed_by_judge: int = 0

    def add(self, other: CitationScores) -> None:
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)


def citation_scores(response: AskResponse, judged, shows) -> tuple[CitationScores, list[bool]]:
    """The counts for one answer, and whether each sentence is entailed by its quotes. `judged`:
    the judge's verdict on a sentence and quotes; `shows`: whether the quotes show every name and
    figure the sentence states."""
    def entails(text: str, cited: list[str]) -> bool:
        return shows(text, cited) and judged(text, cited)

    quotes = {c.n: c.quote for c in response.citations}
    scores = CitationScores(sentences=len(response.sentences))
    verdicts = []
    for sentence in response.sentences:
        refs = [quotes[n] for n in sentence.citations]
        scores.cited += len(refs)
        entailed, needed = _alce(sentence.text, refs, entails)
        by_judge, needed_by_judge = _alce(sentence.text, refs, judged)
        scores.add(CitationScores(entailed=entailed, needed=needed, entailed_by_judge=by_judge,
                                  needed_by_judge=needed_by_judge))
        verdicts.append(entailed)
    return scores, verdicts


def _alce(sentence: str, refs: list[str], entails) -> tuple[bool, int]:
    """Whether the quotes together entail the sentence, and how many of them are needed: each that
    entails it alone, or without which the others do not (none, where together they do not)."""
    if not refs or not entails(sentence, refs):
        return False, 0
    if len(refs) == 1:
        return True, 1
    return True, sum(entails(sentence, [ref]) or not entails(sentence, refs[:i] + refs[i + 1:])
                     for i, ref in enumerate(refs))


def questions(rows: list[dict], limit: int | None, split: str, seed: int) -> list[dict]:
    if split == "dev":
        return rows[:limit] if limit else rows
    rest = rows[limit or 0:]
    return random.Random(seed).sample(rest, min(limit or len(rest), len(rest)))


def run(runtime: Runtime, data: Path, out: Path, limit: int | None = None, split: str = "dev",
        seed: int = 13) -> dict:
    rows = load_jsonl(data)
    asked = questions(rows, limit, split, seed)
    judge = Judge(runtime.models.llm)

    @functools.cache
    def judged_once(sentence: str, quotes: tuple[str, ...]) -> bool:
        return judge.probability(sentence, list(quotes)) >= ENTAILED

    def judged(sentence: str, quotes: list[str]) -> bool:
        return judged_once(sentence, tuple(quotes))

    def shows(sentence: str, quotes: list[str]) -> bool:
        return not uncovered_specifics(sentence, quotes)

    started = time.perf_counter()
    totals = CitationScores()
    correct = false_abstentions = removed = fallbacks = 0
    f1s: list[float] = []
    records: list[dict] = []
    unanswerable: list[AskResponse] = []
    with tempfile.TemporaryDirectory(prefix="sourced-eval-citations-") as data_dir:
        corpus = runtime.over(Path(data_dir))
        ingest(enumerate(Source(id=row["id"], text=row["knowledge"]) for row in rows),
               corpus.store, corpus.models.embedder, corpus.settings, TENANT)
        answerer = corpus.answerer()
        all_ids = [row["id"] for row in rows]
        for row in asked:
            response = answerer.ask(AskRequest(question=row["question"]), TENANT)
            scores, verdicts = citation_scores(response, judged, shows)
            totals.add(scores)
            right = response.found and is_correct(response.answer, row["right_answer"])
            correct += right
            f1s.append(token_f1(response.answer, row["right_answer"]) if response.found else 0.0)
            false_abstentions += not response.found
            removed += response.removed
            fallbacks += response.fallback is not None
            records.append(_record(row, response, verdicts, right))
        answerable_seconds = time.perf_counter() - started
        for row in asked:
            others = Filters(article_ids=[i for i in all_ids if i != row["id"]])
            unanswerable.append(answerer.ask(AskRequest(question=row["question"], filters=others), TENANT))
    seconds = time.perf_counter() - started
    entailed, sentences, needed, cited = totals.entailed, totals.sentences, totals.needed, totals.cited
    answered = len(asked) - false_abstentions
    honest = sum(not r.found for r in unanswerable)
    figures = {"dataset": data.name, "split": split, "questions": len(asked), "corpus_passages": len(rows),
               "correct": correct / len(asked), "correct_of_answered": correct / answered if answered else 0.0,
               "token_f1": statistics.mean(f1s) if f1s else 0.0,
               "false_not_in_sources": false_abstentions / len(asked),
               "extractive_fallbacks": fallbacks / len(asked),
               "unanswerable_not_in_sources": honest / len(asked),
               "citation_recall": entailed / sentences if sentences else 0.0,
               "citation_precision": needed / cited if cited else 0.0,
               "citation_recall_judge_alone": totals.entailed_by_judge / sentences if sentences else 0.0,
               "citation_precision_judge_alone": totals.needed_by_judge / cited if cited else 0.0,
               "sentences": sentences, "citations": cited, "removed_sentences": removed,
               "seconds_per_question": answerable_seconds / len(asked), "seconds_total": seconds}
    name = f"citations-{data.stem}-{split}" + ("" if limit is None else f"-n{limit}")
    out.mkdir(parents=True, exist_ok=True)
    with (out / f"{name}.jsonl").open("w") as records_file:
        records_file.writelines(json.dumps(record) + "\n" for record in records)
    review = write_review(out, name, records, seed)
    invented = [(row, r) for row, r in zip(asked, unanswerable) if r.found]
    wrong = [r for r in records if not r["correct"]]
    write_markdown(out, name, f"""# The service's answers on {data.name} ({split})

Command: `sourced eval citations --data {data} --split {split}{'' if limit is None else f' --limit {limit}'}`

{len(asked)} questions asked (generate mode, embedded model) over a corpus of all {len(rows)} knowledge passages,
then each again with its own passage filtered out. Every answer, its quotes and the judge's verdicts:
`{name}.jsonl`; {REVIEW_SENTENCES} randomly drawn answer sentences for a person to judge: `{review.name}`.

Answerable (each question's passage in the corpus):
- correct **{figures['correct']:.2f}** (found, and `right_answer` in it as whole words, or its yes/no stance);
  correct of those answered {figures['correct_of_answered']:.2f}; token F1 {figures['token_f1']:.2f}
- false "not in the sources" **{figures['false_not_in_sources']:.2f}**; answered from quotes alone
  (extractive fallback) {figures['extractive_fallbacks']:.2f}
- ALCE citation recall **{figures['citation_recall']:.3f}** ({entailed} of {sentences} sentences entailed by their quotes),
  precision **{figures['citation_precision']:.3f}** ({needed} of {cited} citations needed), judged by the embedded
  generator (the same model family that wrote and checked the answers: see the review file for a reader's count)
  where the quotes also show every name and figure the sentence states; by the judge alone, recall
  {figures['citation_recall_judge_alone']:.3f} and precision {figures['citation_precision_judge_alone']:.3f}
  ({totals.needed_by_judge} of {cited}). The verifier adds a quote to a sentence where it alone shows a name or figure
  of it, and such a quote counts as needed here: the difference between the two precisions is those quotes.
- {removed} generated sentences removed by verification; {figures['seconds_per_question']:.1f} s per question

Unanswerable (its own passage filtered out): "not in the sources" **{figures['unanswerable_not_in_sources']:.2f}**.

## Answerable questions answered wrongly or not at all

| question | right answer | service answer |
|---|---|---|
{chr(10).join(f"| {_cell(r['question'])} | {_cell(r['right_answer'])} | {_cell(r['answer'])} |" for r in wrong[:20])}

## Unanswerable questions that got an answer

| question | service answer |
|---|---|
{chr(10).join(f"| {_cell(row['question'])} | {_cell(r.answer)} |" for row, r in invented[:20])}

{figures_table(figures)}""")
    return figures


def write_review(out: Path, name: str, records: list[dict], seed: int) -> Path:
    """A seeded random sample of answer sentences with their quotes, as a form a reader fills in."""
    sentences = [(record["question"], s) for record in records for s in record["sentences"]]
    sample = random.Random(seed).sample(sentences, min(REVIEW_SENTENCES, len(sentences)))
    blocks = []
    for i, (question, sentence) in enumerate(sample, 1):
        quotes = "\n".join(f"   > [{n}] {quote}" for n, quote in enumerate(sentence["quotes"], 1))
        blocks.append(f"{i}. Q: {question}\n   Sentence: {sentence['text']}\n{quotes}\n"
                      f"   Fully supported by its quotes: __ ; every citation needed: __ ; note:")
    path = out / f"{name}-review.md"
    path.write_text(f"# Review: {len(sample)} random answer sentences of {name}\n\n"
                    "For each: is the sentence fully supported by its quotes read together (yes/no), and is\n"
                    "every quote needed (yes/no)?\n\n" + "\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


def _record(row: dict, response: AskResponse, verdicts: list[bool], correct: bool) -> dict:
    quotes = {c.n: c.quote for c in response.citations}
    return {"id": row["id"], "question": row["question"], "right_answer": row["right_answer"],
            "answer": response.answer, "found": response.found, "correct": correct, "removed": response.removed,
            "fallback": response.fallback,
            "sentences": [{"text": s.text, "score": s.score, "entailed": entailed,
                           "quotes": [quotes[n] for n in s.citations]}
                          for s, entailed in zip(response.sentences, verdicts)]}


def _cell(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("|", "\\|")[:200]
