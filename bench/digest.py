"""Digest throughput: the embedded model, and the service's own overhead with a fake fast LLM.

1. A fake model at the litellm seam (answers at once, citing the first sentences), the real
   embedder and checker (fast signals): digests of 5, 10 and 20 articles. Seconds per
   article is the service's own overhead; each size is printed as a ratio to the 5-article
   run (1.0 means linear).
2. The embedded model: a digest of `--embedded` articles, as articles per minute, and as a
   ratio to generating the same summaries' first drafts with llama-cpp-python directly
   (the rest is selection, checking and rendering).

    .venv/bin/python bench/digest.py [--embedded 3]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import service  # noqa: F401,E402  (offline variables first)
from service.models.registry import Models  # noqa: E402
from service.settings import Settings  # noqa: E402


def instant_summary(messages) -> str:
    passages = re.findall(r"^\[(\d+)\] (.*)$", messages[-1]["content"], flags=re.M)
    return " ".join(f"{text} [{n}]" for n, text in passages[:3])


def digest_seconds(runtime, articles) -> float:
    from service.digest import SummaryCache, build_digest, render

    started = time.perf_counter()
    cache = SummaryCache(runtime.settings.data_dir / "cache" / "summaries")
    digest = build_digest(articles, runtime.summarizer(), runtime.store, cache, "default", title="Bench")
    render(digest, "html")
    render(digest, "md")
    assert not digest.failed, digest.failed
    return time.perf_counter() - started


def corpus(runtime, models, count: int):
    from eval.datasets import corpus_sources
    from service.ingest.pipeline import ingest

    sources = corpus_sources()[:count]
    ingest(enumerate(sources), runtime.store, models.embedder, runtime.settings, "default")
    return [runtime.store.texts.get("default", s.id) for s in sources]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--embedded", type=int, default=3, help="Articles digested by the embedded model (0 skips).")
    args = parser.parse_args()

    from service.models.fake_llm import register_fake
    from service.runtime import Runtime

    base = Settings.from_env()
    register_fake(instant_summary)
    fake_settings = base.model_copy(update={"llm_model": "fake/instant", "checker_judge": "none"})
    fake_models = Models(fake_settings).load()
    per_article = {}
    for size in (5, 10, 20):
        with tempfile.TemporaryDirectory(prefix="sourced-bench-digest-") as data_dir:
            runtime = Runtime(fake_models).over(Path(data_dir))
            articles = corpus(runtime, fake_models, size)
            per_article[size] = digest_seconds(runtime, articles) / size
    for size, seconds in per_article.items():
        print(f"fake LLM   {size:>2} articles: {seconds:.3f} s/article of service overhead (target < 0.5 s), "
              f"{seconds / per_article[5]:.2f}x the 5-article rate per article (1.0 = linear)")
    fake_models.close()

    if not args.embedded:
        return
    models = Models(base).load()
    with tempfile.TemporaryDirectory(prefix="sourced-bench-digest-") as data_dir:
        runtime = Runtime(models).over(Path(data_dir))
        articles = corpus(runtime, models, args.embedded)
        seconds = digest_seconds(runtime, articles)

        from service.summarize import numbered_sentences, select_salient

        summarizer = runtime.summarizer()
        words = summarizer.policy.words_for("brief", None)
        llama = models._local_provider.llama
        started = time.perf_counter()
        for article in articles:
            instruction = summarizer.styles["brief"].format(words=words)
            llama.reset()
            selected = select_salient(numbered_sentences([article], {}), models.embedder, summarizer.policy)
            llama.create_chat_completion(messages=summarizer._messages(selected, instruction),
                                         max_tokens=summarizer.policy.max_tokens(words), temperature=0.0, seed=0)
        direct = time.perf_counter() - started
    print(f"embedded   {len(articles)} articles: {60 * len(articles) / seconds:.2f} articles/min; "
          f"{seconds / direct:.2f}x the time of generating the first drafts with llama-cpp-python directly")
    models.close()


if __name__ == "__main__":
    main()
