"""Peak memory of ingesting very long articles, above the loaded models.

Ten articles of 1,000,000 characters each (paragraphs of the HaluEval knowledge passages and
the news articles, shuffled differently for each article so that no two are alike) go in as
one batch, as a JSONL upload would send them, and then the keyword index is rebuilt from disk
as a restarted server would. The baseline is the process's resident memory once the embedder
is loaded and warm, measured in the same run; the figure is the peak above it (target: under
1 GB), sampled from /proc every 10 ms, beside the same figure for a single article, so that
growth with the number of articles shows.

    .venv/bin/python bench/memory.py [--articles 10] [--chars 1000000]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import service  # noqa: F401  (offline variables first)
from eval.datasets import HALUEVAL_QA, load_jsonl, news_documents
from service.ingest.pipeline import Source, ingest
from service.models.embedder import MiniLMEmbedder
from service.settings import Settings
from service.store import Store
from service.store.keywords import KeywordIndex
from service.store.texts import TextStore

PAGE = 4096


def resident_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * PAGE


class PeakSampler:
    """The highest resident size seen while the block runs."""

    def __enter__(self) -> PeakSampler:
        self.peak = resident_bytes()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._done.wait(0.01):
            self.peak = max(self.peak, resident_bytes())

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, resident_bytes())


def long_articles(count: int, chars: int) -> list[Source]:
    paragraphs = [row["knowledge"] for row in load_jsonl(HALUEVAL_QA)] + [
        p for document in news_documents() for p in document.split("\n") if p.strip()]
    articles = []
    for number in range(count):
        rng = random.Random(number)
        parts, size = [], 0
        while size < chars:
            paragraph = rng.choice(paragraphs)
            parts.append(paragraph)
            size += len(paragraph) + 2
        text = "\n\n".join(parts)[:chars]
        articles.append(Source(id=f"long-{number}", title=f"Long article {number}", text=text))
    return articles


def mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB"


def ingest_phase(sources: list[Source], data_dir: Path) -> dict:
    base = Settings.from_env()
    embedder = MiniLMEmbedder(base.threads)
    embedder.embed(["warm up the model"] * 64)
    settings = base.model_copy(update={"data_dir": data_dir, "chroma_url": None})
    store = Store(settings, embedder.name, embedder.dimension)
    baseline = resident_bytes()
    started = time.perf_counter()
    with PeakSampler() as ingesting:
        report = ingest(enumerate(sources), store, embedder, settings, "bench")
    assert report.failed == 0, report
    return {"baseline": baseline, "peak": ingesting.peak - baseline, "seconds": time.perf_counter() - started,
            "chunks": sum(r.chunks for r in report.results)}


def rebuild_phase(data_dir: Path) -> dict:
    """The keyword index rebuilt from the stored articles, as after a restart with it missing."""
    keywords = KeywordIndex(data_dir / "rebuilt-keywords", TextStore(data_dir / "articles.sqlite3"))
    baseline = resident_bytes()
    started = time.perf_counter()
    with PeakSampler() as rebuilding:
        keywords.refresh("bench")
    return {"baseline": baseline, "peak": rebuilding.peak - baseline, "seconds": time.perf_counter() - started}


def in_child(phase: str, articles: int, chars: int, data_dir: Path) -> dict:
    """Each phase in a process of its own, so that no phase's freed memory hides another's peak."""
    command = [sys.executable, __file__, "--phase", phase, "--articles", str(articles), "--chars", str(chars),
               "--data-dir", str(data_dir)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10)
    parser.add_argument("--chars", type=int, default=1_000_000)
    parser.add_argument("--phase", choices=["ingest", "rebuild"], help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase == "ingest":
        print(json.dumps(ingest_phase(long_articles(args.articles, args.chars), args.data_dir)))
        return
    if args.phase == "rebuild":
        print(json.dumps(rebuild_phase(args.data_dir)))
        return
    for count in (1, args.articles):
        with tempfile.TemporaryDirectory() as data_dir:
            ingesting = in_child("ingest", count, args.chars, Path(data_dir))
            rebuilding = in_child("rebuild", count, args.chars, Path(data_dir))
        print(f"{count:3d} x {args.chars:,} characters ({ingesting['chunks']:,} chunks, "
              f"{ingesting['seconds']:,.0f} s), over {mib(ingesting['baseline'])} with the embedder loaded: "
              f"ingest peak +{mib(ingesting['peak'])}; keyword index rebuilt from disk in "
              f"{rebuilding['seconds']:,.1f} s, peak +{mib(rebuilding['peak'])} (target: under 1 GB)")


if __name__ == "__main__":
    main()
