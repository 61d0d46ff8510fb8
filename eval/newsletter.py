"""The example newsletter: a digest of the seed page and the 25 SummEdits news articles, written
by the embedded model, for a person to read as an editor would.

    .venv/bin/python -m eval.newsletter [--out docs/digest-example] [--limit N]

The articles are archive news: SummEdits recorded its 25 undated articles on 24 and 28 February
2023, and Reuters carried the seed's story on 5 October 2023. The issue says it is from the
archive, with stories up to that day (`sourced digest --stories-until`), so that no reader takes
a story's present tense, or its "Thursday", for this week's.

Ingests the corpus into a temporary store, builds the digest the way `sourced digest` does, and
writes every format (HTML for mail clients, plain text, .eml, Markdown, JSON) to `--out`, and
30 of its sentences, drawn at random with their quotes, to a review file for a reader to judge.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import service  # noqa: F401  (offline variables first)
from eval.datasets import SEED_PUBLISHED, corpus_sources, news_recorded
from eval.summaries import write_review
from service.digest import DigestItem, SummaryCache, build_digest, lead_in, write_digest
from service.ingest.pipeline import ingest
from service.models.registry import Models
from service.runtime import Runtime
from service.settings import Settings

TENANT = "newsletter"
REVIEW_SEED = 13


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("docs/digest-example"))
    parser.add_argument("--limit", type=int, default=None, help="Only the first N articles of the corpus.")
    parser.add_argument("--review-out", type=Path, default=Path("docs/reports"),
                        help="Where the review file of random digest sentences goes.")
    args = parser.parse_args()
    models = Models(Settings.from_env()).load()
    try:
        with tempfile.TemporaryDirectory(prefix="sourced-newsletter-") as data_dir:
            runtime = Runtime(models).over(Path(data_dir))
            sources = corpus_sources()[:args.limit]
            report = ingest(enumerate(sources), runtime.store, models.embedder, runtime.settings, TENANT)
            ids = list(dict.fromkeys(r.article_id for r in report.results if r.article_id and r.status != "failed"))
            articles = [runtime.store.texts.get(TENANT, i) for i in ids]
            started = time.perf_counter()
            digest = build_digest(articles, runtime.summarizer(), runtime.store,
                                  SummaryCache(Path(data_dir) / "cache"), TENANT, title="The sourced digest",
                                  stories_until=max(news_recorded(), SEED_PUBLISHED))
            seconds = time.perf_counter() - started
    finally:
        models.close()
    written = write_digest(digest, args.out)
    words = [item.summary.word_count for item in digest.items]
    print(f"{len(digest.items)} stories in {len(digest.topics)} sections "
          f"({', '.join(f'{t.name} ({len(t.items)})' for t in digest.topics)}), {len(digest.failed)} failed; "
          f"{sum(words)} words, {min(words, default=0)}-{max(words, default=0)} a story; "
          f"{len(articles) / seconds * 60:.2f} articles/min")
    print("written:", ", ".join(str(path) for path in written.values()))
    shown = [record for item in digest.reports for record in review_records(item)]
    print("review:", write_review(args.review_out, "digest-example", shown, REVIEW_SEED))


def review_records(item: DigestItem) -> list[dict]:
    """A story's sentences with their quotes, for a reader to judge; a headline the model wrote is
    one of them, checked like the rest."""
    quote = {c.n: c.quote for c in item.summary.citations}
    written = ([("the sentence is the story's headline", item.summary.title, item.summary.title_citations)]
               if item.summary.title_citations and not lead_in(item) else [])  # a bold opening: not shown
    told = [(item.summary.title or item.title, s.text, s.citations) for s in item.summary.sentences]
    return [{"article": item.article_id, "title": title, "sentence": text, "quotes": [quote[n] for n in numbers]}
            for title, text, numbers in written + told]


if __name__ == "__main__":
    main()
