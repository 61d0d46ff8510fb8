"""Latency of /v1/ask at 10k chunks, each figure beside a baseline measured in the same run.

- retrieval alone (query embedding + Chroma + BM25, fused, resolved in SQLite) against the
  bare query embedding + Chroma nearest-neighbour call it is built on;
- extractive /v1/ask through the Flask test client (retrieval, sentence reranking, JSON);
- generate mode, over the seed page and the 25 news articles: the whole checked answer as a ratio
  to one raw llama-cpp-python call with the same passages and output length on a cold cache,
  the time to the first streamed token, and the prompt tokens actually evaluated.

The 10k store holds the seed article, the SummEdits articles and the HaluEval passages (real
embeddings), padded to 10k chunks with pseudo-articles of shuffled corpus sentences whose
vectors are the mean of their sentences' vectors (embedding 10k chunks would take minutes).

    .venv/bin/python bench/ask.py [--chunks 10000] [--queries 40] [--generate 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import service  # noqa: F401,E402  (offline variables first)
from service.records import Article, Chunk  # noqa: E402
from service.models.registry import Models  # noqa: E402
from service.settings import Settings  # noqa: E402

SEED_QUESTIONS = ["Who is monitoring whom, and why?", "Did Alibaba admit wrongdoing?",
                  "What did Alibaba agree with the Belgian government in 2018?"]


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def filler(store, embedder, sentences: list[str], count: int, chunk_sentences: int = 5) -> None:
    """Pseudo-articles of shuffled real sentences; a chunk's vector is its sentences' mean."""
    import numpy as np

    vectors = embedder.embed(sentences)
    rng = random.Random(7)
    for a in range(0, count, 50):
        picks = [rng.sample(range(len(sentences)), chunk_sentences) for _ in range(min(50, count - a))]
        texts = [" ".join(sentences[i] for i in pick) for pick in picks]
        text = "\n\n".join(texts)
        article_id = f"filler-{a // 50:04d}"
        chunks, cursor = [], 0
        for index, chunk_text in enumerate(texts):
            chunks.append(Chunk(id=f"{article_id}#v-{index}", article_id=article_id, index=index, start=cursor,
                                end=cursor + len(chunk_text), text=chunk_text))
            cursor += len(chunk_text) + 2
        chunk_vectors = np.array([vectors[pick].mean(axis=0) for pick in picks])
        chunk_vectors /= np.linalg.norm(chunk_vectors, axis=1, keepdims=True)
        article = Article(id=article_id, title=f"Filler {a // 50}", text=text, content_hash=f"{a:064d}",
                          ingested_at=datetime.now(UTC))
        store.save("default", article, chunks, chunk_vectors, expected_hash=None)


def generated_answers(models, count: int) -> None:
    """The seed questions answered end to end over the seed page and the 25 news articles, each
    beside one raw llama-cpp-python call with the same passages and output length on a cold cache.

    The service runs as it does in production: its prompt prefixes were evaluated by an earlier
    answer and judgement, so each call pays for its new tokens only. The raw call starts cold."""
    from eval.datasets import corpus_sources
    from service.answer import AskRequest
    from service.generate import answer_messages
    from service.ingest.pipeline import ingest
    from service.runtime import Runtime

    with tempfile.TemporaryDirectory(prefix="sourced-bench-news-") as news_dir:
        news = Runtime(models).over(Path(news_dir))
        ingest(enumerate(corpus_sources()), news.store, models.embedder, news.settings, "default")
        answerer = news.answerer()
        answerer.ask(AskRequest(question="What did Alibaba agree with the Belgian government?"), "default")
        llama = models._local_provider.llama
        ratios = []
        for question in SEED_QUESTIONS[:count]:
            request = AskRequest(question=question)
            started = time.perf_counter()
            first, pieces, response = None, [], None
            for name, data in answerer.events(request, "default"):
                if name == "token":
                    first = first or time.perf_counter() - started
                    pieces.append(data)
                else:
                    response = data
            service_total = time.perf_counter() - started
            prepared = answerer.prepare(request, "default")
            output_tokens = max(len(llama.tokenize("".join(pieces).encode(), add_bos=False)), 1)
            llama.reset()
            started = time.perf_counter()
            llama.create_chat_completion(messages=answer_messages(prepared.question, prepared.context.passages),
                                         temperature=0.0, seed=0, max_tokens=output_tokens)
            raw_total = time.perf_counter() - started
            ratios.append(service_total / raw_total)
            usage = response.usage
            print(f"generate   {question!r}: checked answer {service_total:.1f} s = {ratios[-1]:.2f}x one raw cold "
                  f"call ({raw_total:.1f} s, {output_tokens} output tokens); first streamed token "
                  f"{first or float('nan'):.1f} s (target <= 5 s); verify {response.timings.verify / 1000:.1f} s; "
                  f"prompt tokens evaluated {usage.prompt_tokens - usage.cached_prompt_tokens} of "
                  f"{usage.prompt_tokens}; {len(response.sentences)} sentences, {response.removed} removed")
        print(f"generate   checked answer / one raw cold call: median {statistics.median(ratios):.2f}x "
              f"(target <= 0.8)")


def latency_at_scale(models, chunks: int, queries: int) -> None:
    """Retrieval alone and extractive /v1/ask over a store of `chunks` chunks."""
    from eval.datasets import HALUEVAL_QA, corpus_sources, load_jsonl
    from service.app import create_app
    from service.ingest.pipeline import Source, ingest
    from service.records import Filters
    from service.runtime import Runtime
    from service.text import sentence_spans

    halueval = load_jsonl(HALUEVAL_QA)
    with tempfile.TemporaryDirectory(prefix="sourced-bench-ask-") as data_dir:
        runtime = Runtime(models).over(Path(data_dir))
        settings = runtime.settings
        sources = corpus_sources() + [Source(id=r["id"], text=r["knowledge"])
                                      for r in halueval]
        started = time.perf_counter()
        ingest(enumerate(sources), runtime.store, models.embedder, settings, "default")
        real = len(list(runtime.store.texts.all_chunks("default")))
        # filler from the HaluEval passages only: copies of the seed's sentences would compete with it
        sentences = [r["knowledge"][a:b] for r in halueval for a, b in sentence_spans(r["knowledge"])][:3000]
        filler(runtime.store, models.embedder, sentences, max(chunks - real, 0))
        total = len(list(runtime.store.texts.all_chunks("default")))
        print(f"store      {total} chunks ({real} real, {total - real} filler) built in "
              f"{time.perf_counter() - started:.0f} s")

        questions = (SEED_QUESTIONS + [r["question"] for r in halueval])[:queries]
        store, embedder, answerer = runtime.store, models.embedder, runtime.answerer()
        answerer.retrieve(questions[0], "default", Filters())  # warm: BM25 index load, Chroma segment load

        def bare(question):
            store.vectors.query("default", embedder.embed([question])[0], answerer.policy.candidates_per_index)

        def hybrid(question):
            answerer.retrieve(question, "default", Filters())

        client = create_app(runtime=runtime).test_client()

        def extractive(question):
            response = client.post("/v1/ask", json={"question": question, "mode": "extractive"})
            assert response.status_code == 200, response.json

        timings = {name: [] for name in ("bare", "hybrid", "extractive")}
        for question in questions:
            for name, call in (("bare", bare), ("hybrid", hybrid), ("extractive", extractive)):
                started = time.perf_counter()
                call(question)
                timings[name].append((time.perf_counter() - started) * 1000)
        bare_p50, _ = percentiles(timings["bare"])
        for name, target in (("hybrid", 30), ("extractive", 300)):
            p50, p95 = percentiles(timings[name])
            label = "retrieval alone" if name == "hybrid" else "extractive /v1/ask"
            print(f"{label:<19} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  (target p50 <= {target} ms; "
                  f"{p50 / bare_p50:.2f}x the bare embed + Chroma query, p50 {bare_p50:.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--generate", type=int, default=3, help="Generated answers to time (0 to skip).")
    args = parser.parse_args()

    models = Models(Settings.from_env()).load()  # all of them: create_app would load a missing generator
    if args.chunks:
        latency_at_scale(models, args.chunks, args.queries)
    if args.generate:
        generated_answers(models, args.generate)
    models.close()


if __name__ == "__main__":
    main()
