"""Ingest throughput against raw SentenceTransformer.encode on the same chunk texts.

Each round ingests the shared corpus (the seed page and the 25 SummEdits news articles)
into a fresh data directory (extraction, chunking, embedding, Chroma, SQLite, BM25), and
encodes the same chunk texts with the bare model; the ratio of the two throughputs is
the share of embedding speed that ingestion keeps (target: at least 0.90).

    .venv/bin/python bench/ingest.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import service  # noqa: F401,E402  (offline variables first)
from service.ingest.pipeline import ingest  # noqa: E402
from service.models.embedder import MiniLMEmbedder  # noqa: E402
from service.settings import Settings  # noqa: E402
from service.store import Store  # noqa: E402
from eval.datasets import corpus_sources  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    base = Settings.from_env()
    embedder = MiniLMEmbedder(base.threads)
    sources = corpus_sources()
    embedder.embed(["warm up the model"] * 8)

    ingest_seconds, raw_seconds = [], []
    chunk_texts: list[str] = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as data_dir:
            settings = base.model_copy(update={"data_dir": Path(data_dir), "chroma_url": None})
            store = Store(settings, embedder.name, embedder.dimension)
            started = time.perf_counter()
            report = ingest(enumerate(sources), store, embedder, settings, "bench")
            ingest_seconds.append(time.perf_counter() - started)
            assert report.failed == 0, report
            chunk_texts = [c.text for c in store.texts.all_chunks("bench")]
        started = time.perf_counter()
        embedder.model.encode(chunk_texts, batch_size=embedder.batch_size, normalize_embeddings=True)
        raw_seconds.append(time.perf_counter() - started)

    chunks = len(chunk_texts)
    ingest_rate = chunks / statistics.median(ingest_seconds)
    raw_rate = chunks / statistics.median(raw_seconds)
    print(f"corpus: {len(sources)} articles, {chunks} chunks, {sum(map(len, chunk_texts)):,} characters")
    print(f"ingest (extract+chunk+embed+store): {ingest_rate:7.1f} chunks/s "
          f"({len(sources) / statistics.median(ingest_seconds):.1f} articles/s)")
    print(f"raw SentenceTransformer.encode:     {raw_rate:7.1f} chunks/s")
    print(f"ratio ingest/raw: {ingest_rate / raw_rate:.3f} (target >= 0.90)")


if __name__ == "__main__":
    main()
