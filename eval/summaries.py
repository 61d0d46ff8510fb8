"""`sourced eval summaries`: how often the generator writes a sentence its source does not support.

Each distinct `document` of the file is ingested and summarised (brief style, `verify=flag`
so nothing is hidden), and the checker's verdicts are counted: the share of generated
sentences it found unsupported as first written, and after the one rewrite the service
allows. The service removes what is still unsupported, so the second figure is also the
share of sentences a reader would have lost.
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from eval.datasets import load_jsonl
from eval.report import figures_table, write_markdown
from service.ingest.pipeline import Source, ingest
from service.runtime import Runtime

TENANT = "eval-summaries"


def run(runtime: Runtime, data: Path, out: Path, limit: int | None = None, style: str = "brief") -> dict:
    documents = list(dict.fromkeys(row["document"] for row in load_jsonl(data)))
    documents = documents[:limit] if limit else documents
    generated = rewritten = unsupported = 0
    worst: list[tuple[float, str, str]] = []
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
            rewritten += summary.rewritten
            unsupported += sum(not s.supported for s in summary.sentences)
            worst += [(s.score, article.id, s.text) for s in summary.sentences if not s.supported]
    seconds = time.perf_counter() - started
    figures = {"dataset": data.name, "documents": len(documents), "style": style, "sentences": generated,
               "unsupported_as_written": (unsupported + rewritten) / generated if generated else 0.0,
               "unsupported_after_rewrite": unsupported / generated if generated else 0.0,
               "rewritten": rewritten, "seconds_per_document": seconds / max(len(documents), 1)}
    worst.sort()
    rows = "\n".join(f"| {score:.3f} | {article_id} | {_cell(text)} |" for score, article_id, text in worst[:15])
    name = f"summaries-{data.stem}" + ("" if limit is None else f"-n{limit}")
    write_markdown(out, name, f"""# Faithfulness of the service's summaries of {data.name}

Command: `sourced eval summaries --data {data}{'' if limit is None else f' --limit {limit}'}`

{len(documents)} documents summarised ({style} style, embedded model); {generated} sentences generated.

- unsupported as first written: **{figures['unsupported_as_written']:.1%}**
- unsupported after one rewrite (removed by the service): **{figures['unsupported_after_rewrite']:.1%}**
- {rewritten} sentences rewritten into supported ones; {figures['seconds_per_document']:.1f} s per document

The verdicts are the service's own checker (see the faithfulness reports for its accuracy
against human labels), so these shares are as good as that checker.

## Least supported sentences

| support | document | sentence |
|---|---|---|
{rows or '| | | (none) |'}

{figures_table(figures)}""")
    return figures


def _cell(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("|", "\\|")[:240]
