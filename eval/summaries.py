"""`sourced eval summaries`: how often the generator writes a sentence its source does not support.

Each distinct `document` of the file is ingested and summarised (brief style, `verify=flag`
so nothing is hidden), and the checker's verdicts are counted: the share of generated
sentences it found unsupported as first written, and the share that no quote of theirs could
stand in for (a quote it cites that shares enough of its words, which the service shows in its
place). The service removes those, so the second figure is the share of sentences a reader
would have lost. Beside them: the share of sentences that drop an
attribution or a hedge of the quotes they cite ("the FT reported", "may", "up to"), as the model
first wrote them and as shown, by the rule the service enforces (so the second is small by
construction: the review file, 30 kept sentences drawn at random with their quotes, is for a
person to judge), and the share of sentences shown that are a quote word for word. Every shown
sentence, with its quotes and verdict, goes to `<name>-shown.jsonl`, for a reader who judges them all.
"""

from __future__ import annotations

import json
import random
import re
import tempfile
import time
from pathlib import Path

from eval.datasets import load_jsonl
from eval.report import figures_table, write_markdown
from service.checker.qualifiers import dropped_qualifiers
from service.ingest.pipeline import Source, ingest
from service.runtime import Runtime

TENANT = "eval-summaries"
REVIEW_SENTENCES = 30


def run(runtime: Runtime, data: Path, out: Path, limit: int | None = None, style: str = "brief",
        seed: int = 11) -> dict:
    documents = list(dict.fromkeys(row["document"] for row in load_jsonl(data)))
    documents = documents[:limit] if limit else documents
    generated = quoted = unsupported = dropping = dropped_as_written = shown = verbatim = 0
    worst: list[tuple[float, str, str]] = []
    kept: list[dict] = []
    shown_records: list[dict] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sourced-eval-summaries-") as data_dir:
        corpus = runtime.over(Path(data_dir))
        settings = corpus.settings
        sources = [Source(id=f"doc-{i:03d}", text=document) for i, document in enumerate(documents)]
        ingest(enumerate(sources), corpus.store, corpus.models.embedder, settings, TENANT)
        summarizer = corpus.summarizer()
        texts = corpus.store.texts
        for source in sources:
            article = texts.get(TENANT, source.id)
            summary = summarizer.summarize([article], {article.id: texts.chunks_of(TENANT, article)}, style,
                                           verify_mode="flag")
            generated += summary.generated
            quoted += summary.quoted
            dropped_as_written += summary.dropped_qualifiers
            unsupported += sum(not s.supported for s in summary.sentences)
            worst += [(s.score, article.id, s.text) for s in summary.sentences if not s.supported]
            quotes_of = {c.n: c.quote for c in summary.citations}
            shown += len(summary.sentences)
            for sentence in summary.sentences:
                quotes = [quotes_of[n] for n in sentence.citations]
                dropping += bool(dropped_qualifiers(sentence.text, quotes))
                verbatim += sentence.text in quotes
                record = {"article": article.id, "title": article.title, "sentence": sentence.text,
                          "quotes": quotes, "supported": sentence.supported}
                shown_records.append(record)
                if sentence.supported:
                    kept.append(record)
    seconds = time.perf_counter() - started
    figures = {"dataset": data.name, "documents": len(documents), "style": style, "sentences": generated,
               "unsupported_as_written": (unsupported + quoted) / generated if generated else 0.0,
               "unsupported_removed": unsupported / generated if generated else 0.0,
               "sentences_shown": shown,
               "shown_verbatim_quotes": verbatim / shown if shown else 0.0,
               "drops_attribution_or_hedge_as_written": dropped_as_written / generated if generated else 0.0,
               "drops_attribution_or_hedge": dropping / shown if shown else 0.0,
               "quoted": quoted, "seconds_per_document": seconds / max(len(documents), 1)}
    worst.sort()
    name = f"summaries-{data.stem}" + ("" if limit is None else f"-n{limit}")
    review = write_review(out, name, kept, seed)
    with (out / f"{name}-shown.jsonl").open("w") as shown_file:
        shown_file.writelines(json.dumps(record) + "\n" for record in shown_records)
    rows = "\n".join(f"| {score:.3f} | {article_id} | {_cell(text)} |" for score, article_id, text in worst[:15])
    write_markdown(out, name, f"""# Faithfulness of the service's summaries of {data.name}

Command: `sourced eval summaries --data {data}{'' if limit is None else f' --limit {limit}'}`

{len(documents)} documents summarised ({style} style, embedded model); {generated} sentences generated.

- unsupported as first written: **{figures['unsupported_as_written']:.1%}**
- unsupported with no quote to stand in (removed by the service): **{figures['unsupported_removed']:.1%}**
- {quoted} unsupported sentences shown as the quote they cite instead; {figures['seconds_per_document']:.1f} s per document
- sentences that drop an attribution or a hedge of the quotes they cite: **{figures['drops_attribution_or_hedge_as_written']:.1%}**
  of the generated sentences as first written; **{figures['drops_attribution_or_hedge']:.1%}** of the {shown} shown
  after the service put their quote in their place. Judged by the rule the service
  itself enforces: the review file `{review.name}` ({min(REVIEW_SENTENCES, len(kept))} kept sentences drawn at random,
  with their quotes) is for a person to judge.
- of the {shown} shown, **{figures['shown_verbatim_quotes']:.1%}** are a quote word for word: copied by the
  model, or standing in for a sentence that dropped an attribution or a hedge or did not shorten its quotes

The verdicts are the service's own checker (see the faithfulness reports for its accuracy
against human labels), so these shares are as good as that checker.

## Least supported sentences

| support | document | sentence |
|---|---|---|
{rows or '| | | (none) |'}

{figures_table(figures)}""")
    return figures


def write_review(out: Path, name: str, records: list[dict], seed: int) -> Path:
    """A review file of REVIEW_SENTENCES of `records` drawn at random, for a person to judge."""
    sample = random.Random(seed).sample(records, min(REVIEW_SENTENCES, len(records)))
    entries = []
    for i, record in enumerate(sample, 1):
        quotes = "\n".join(f"   > [{n}] {' '.join(quote.split())}" for n, quote in enumerate(record["quotes"], 1))
        entries.append(f"{i}. Article: {record['article']} ({' '.join((record['title'] or '').split())})\n"
                       f"   Sentence: {record['sentence']}\n{quotes}\n"
                       "   Fully supported by its quotes: __ ; keeps every attribution and hedge: __ ; note:\n")
    return write_markdown(out, f"{name}-review", f"""# Review: {len(sample)} random kept summary sentences of {name}

For each: is the sentence fully supported by its quotes (yes/no), and does it keep who said or
reported it and every hedge ("may", "will", "up to") that its quotes give (yes/no)?

""" + "\n".join(entries))


def _cell(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("|", "\\|")[:240]
