"""`sourced eval citations`: ALCE citation recall and precision of the service's own answers.

Every row's `knowledge` passage is ingested as the corpus; the first N questions are asked
through the same `ask` the API serves (generate mode). Then, as in ALCE (Gao et al., 2023):
- citation recall: the share of answer sentences entailed by the union of their quotes;
- citation precision: the share of citations that are needed: a citation counts when the
  sentence is entailed by its quotes and that citation alone entails it, or the others do
  not without it;
- correctness: the answer contains `right_answer` (ALCE's "str_em", after normalising).
ALCE's entailment model (TRUE, T5-11B) cannot run here; the judge is the generator asked
yes/no with next-token probabilities (the checker's LLM judge, without the fast signals the
service itself verified with), which makes these figures an estimate, not ALCE's numbers.
"""

from __future__ import annotations

import json
import re
import string
import tempfile
import time
from pathlib import Path

from eval.datasets import load_jsonl
from eval.report import figures_table, write_markdown
from service.answer import AskRequest, AskResponse
from service.checker.judge import Judge
from service.ingest.pipeline import Source, ingest
from service.runtime import Runtime

TENANT = "eval-citations"
ENTAILED = 0.5


def normalise(text: str) -> str:
    text = text.lower().translate(str.maketrans("", "", string.punctuation))
    return " ".join(w for w in text.split() if w not in {"a", "an", "the"})


def contains_answer(answer: str, right_answer: str) -> bool:
    return normalise(right_answer) in normalise(answer)


def citation_scores(response: AskResponse, entails) -> tuple[int, int, int, int, list[bool]]:
    """(sentences entailed by their quotes, sentences, needed citations, citations, entailed per sentence)."""
    quotes = {c.n: c.quote for c in response.citations}
    entailed = needed = cited = 0
    verdicts = []
    for sentence in response.sentences:
        refs = [quotes[n] for n in sentence.citations]
        joint = bool(refs) and entails(sentence.text, refs)
        verdicts.append(joint)
        entailed += joint
        cited += len(refs)
        if not joint:
            continue
        if len(refs) == 1:
            needed += 1
            continue
        for i, ref in enumerate(refs):
            others = refs[:i] + refs[i + 1:]
            needed += entails(sentence.text, [ref]) or not entails(sentence.text, others)
    return entailed, len(response.sentences), needed, cited, verdicts


def run(runtime: Runtime, data: Path, out: Path, limit: int | None = None) -> dict:
    rows = load_jsonl(data)
    asked = rows[:limit] if limit else rows
    judge = Judge(runtime.models.llm)

    def entails(sentence: str, quotes: list[str]) -> bool:
        return judge.probability(sentence, quotes) >= ENTAILED

    started = time.perf_counter()
    totals = [0, 0, 0, 0]
    correct = not_found = removed = 0
    worst: list[tuple[str, str, str]] = []
    records: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="sourced-eval-citations-") as data_dir:
        corpus = runtime.over(Path(data_dir))
        settings = corpus.settings
        ingest(enumerate(Source(id=row["id"], text=row["knowledge"], title=row["question"][:80]) for row in rows),
               corpus.store, corpus.models.embedder, settings, TENANT)
        answerer = corpus.answerer()
        for row in asked:
            response = answerer.ask(AskRequest(question=row["question"]), TENANT)
            *scores, verdicts = citation_scores(response, entails)
            totals = [t + s for t, s in zip(totals, scores)]
            records.append(_record(row, response, verdicts))
            correct += contains_answer(response.answer, row["right_answer"])
            not_found += not response.found
            removed += response.removed
            if scores[0] < scores[1] or not contains_answer(response.answer, row["right_answer"]):
                worst.append((row["question"], row["right_answer"], response.answer))
    seconds = time.perf_counter() - started
    entailed, sentences, needed, cited = totals
    figures = {"dataset": data.name, "questions": len(asked), "corpus_passages": len(rows),
               "citation_recall": entailed / sentences if sentences else 0.0,
               "citation_precision": needed / cited if cited else 0.0,
               "correct": correct / len(asked), "not_in_sources": not_found / len(asked),
               "sentences": sentences, "citations": cited, "removed_sentences": removed,
               "seconds_per_question": seconds / len(asked)}
    name = f"citations-{data.stem}" + ("" if limit is None else f"-n{limit}")
    with (out / f"{name}.jsonl").open("w") as records_file:
        records_file.writelines(json.dumps(record) + "\n" for record in records)
    examples = "\n".join(f"| {_cell(q)} | {_cell(a)} | {_cell(r)} |" for q, a, r in worst[:15])
    write_markdown(out, name, f"""# Citations of the service's answers on {data.name}

Command: `sourced eval citations --data {data}{'' if limit is None else f' --limit {limit}'}`

{len(asked)} questions asked (generate mode, embedded model) over a corpus of all {len(rows)} knowledge passages.
Every answer, its quotes and the judge's verdicts: `{name}.jsonl` beside this report.

- ALCE citation recall **{figures['citation_recall']:.3f}** ({entailed} of {sentences} sentences entailed by their quotes)
- ALCE citation precision **{figures['citation_precision']:.3f}** ({needed} of {cited} citations needed)
- correct (answer contains `right_answer`) **{figures['correct']:.3f}**; "not in the sources" {figures['not_in_sources']:.3f}
- {removed} generated sentences removed by verification; {figures['seconds_per_question']:.1f} s per question

The entailment judge is the embedded generator (yes/no from next-token probabilities), not
ALCE's TRUE T5-11B, so compare with published ALCE figures (for example ChatGPT on ASQA:
citation recall 73.6, precision 72.5) with care.

## Answers that were wrong or not fully entailed

| question | right answer | service answer |
|---|---|---|
{examples}

{figures_table(figures)}""")
    return figures


def _record(row: dict, response: AskResponse, verdicts: list[bool]) -> dict:
    quotes = {c.n: c.quote for c in response.citations}
    return {"id": row["id"], "question": row["question"], "right_answer": row["right_answer"],
            "answer": response.answer, "found": response.found, "removed": response.removed,
            "sentences": [{"text": s.text, "score": s.score, "entailed": entailed,
                           "quotes": [quotes[n] for n in s.citations]}
                          for s, entailed in zip(response.sentences, verdicts)]}


def _cell(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("|", "\\|")[:200]
