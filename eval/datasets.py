"""The labelled sets in eval/data (each with its licence there) and the news corpus built from them.

The one place that knows where the data lives: tests, evals and benchmarks load it here.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timezone
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
TESTS_DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SUMMEDITS_NEWS = DATA / "summedits_news.jsonl"
HALUEVAL_QA = DATA / "halueval_qa_dev.jsonl"
TRAIN = DATA / "train" / "summedits_other_domains.jsonl"
SEED_PAGE = TESTS_DATA / "seed_page.txt"
SEED_ARTICLE = TESTS_DATA / "seed_article.json"
SEED_PUBLISHED = date(2023, 10, 5)


def load_jsonl(path: Path) -> list[dict]:
    with Path(path).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def stratified_sample(rows: list[dict], limit: int | None, seed: int = 13, key: str = "label") -> list[dict]:
    """`limit` rows with the classes in their original proportions (at least one of each), same
    rows for the same seed; all rows, in file order, when limit is None or not smaller."""
    if limit is None or limit >= len(rows):
        return rows
    rng = random.Random(seed)
    classes: dict[object, list[int]] = {}
    for i, row in enumerate(rows):
        classes.setdefault(row[key], []).append(i)
    chosen: list[int] = []
    for members in classes.values():
        share = max(1, round(limit * len(members) / len(rows)))
        chosen += rng.sample(members, min(share, len(members)))
    return [rows[i] for i in sorted(chosen)]


def news_documents() -> list[str]:
    """The 25 distinct SummEdits news articles, in file order."""
    return list(dict.fromkeys(row["document"] for row in load_jsonl(SUMMEDITS_NEWS)))


def news_recorded() -> date:
    """The last day SummEdits made a record of one of its news articles, all published by then
    (24 and 28 February 2023). It records no publication dates, but its ids are MongoDB ObjectIds,
    which open with the Unix time they were made at ("63fe83a6..." is 28 February 2023)."""
    made = (int(row["id"][:8], 16) for row in load_jsonl(SUMMEDITS_NEWS))
    return datetime.fromtimestamp(max(made), tz=timezone.utc).date()


def corpus_sources():
    """The seed page plus the 25 SummEdits news articles, as ingestion sources: the realistic
    multi-article corpus the end-to-end tests, benchmarks and the digest use."""
    from service.ingest.pipeline import Source

    # Reuters carried the FT's report on 5 October 2023; the saved page has no date of its own (its
    # header's, 28 September 2024, is the day it was saved).
    # ThePrint's page is Reuters' wire copy, as its disclaimer says: credited as an editor would.
    seed = Source(id="seed", page_text=SEED_PAGE.read_text(encoding="utf-8"), source="Reuters (via ThePrint)",
                  published=SEED_PUBLISHED)
    # SummEdits does not record its articles' outlets: the dataset's name in their place read as one.
    # Those whose dateline credits one (CNN's "CNN --", Fox's "FIRST ON FOX:") take it at ingestion.
    return [seed] + [Source(id=f"summedits-{i:02d}", text=d)
                     for i, d in enumerate(news_documents())]
