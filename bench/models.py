"""Load time and throughput of each embedded model, and the litellm seam's overhead.

Prints, for the generator, prompt and generation tokens/s through the service's seam
(litellm -> local provider) and calling llama-cpp-python directly on the same loaded
model with the same prompts, and their ratio; the seam's overhead is the ratio minus one.

    .venv/bin/python bench/models.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import service  # noqa: F401,E402  (offline variables first)
from service.models.registry import Models  # noqa: E402
from service.settings import Settings  # noqa: E402



def corpus_sentences(limit: int) -> list[str]:
    from eval.datasets import news_documents
    from service.text import sentences

    return [sentence for document in news_documents() for sentence in sentences(document)][:limit]


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--gen-tokens", type=int, default=64)
    args = parser.parse_args()

    settings = Settings.from_env()
    models = Models(settings).load()
    for info in models.info:
        print(f"{info.role:<10} {info.name:<40} load {info.load_seconds or 0:6.2f} s  "
              f"{info.size_bytes / 1e6:8.1f} MB")

    sentences = corpus_sentences(512)
    models.embedder.embed(sentences[:8])
    seconds, _ = timed(models.embedder.embed, sentences)
    print(f"embedder   {len(sentences) / seconds:8.1f} sentences/s ({len(sentences)} news sentences)")

    passages = sentences[:128]
    seconds, _ = timed(models.reranker.score, "Who is monitoring whom, and why?", passages)
    print(f"reranker   {len(passages) / seconds:8.1f} pairs/s ({len(passages)} pairs)")

    from service.models.local_llm import PROVIDER

    if not settings.llm_model.startswith(f"{PROVIDER}/"):
        print("generator  remote model: no direct baseline to compare with")
        return
    llama = models._local_provider.llama
    llm = models.llm

    def prompt(round_: int) -> list[dict]:
        # A different opening each round, so llama.cpp's prefix cache cannot skip the prompt.
        text = f"Request {round_}. " + " ".join(sentences[round_ * 12:(round_ + 1) * 12])
        return [{"role": "user", "content": f"Summarise this news text in three sentences:\n\n{text}"}]

    def direct(messages):
        stream = llama.create_chat_completion(messages=messages, max_tokens=args.gen_tokens, temperature=0.0,
                                              seed=0, stream=True)
        return (chunk["choices"][0]["delta"].get("content") for chunk in stream)

    def seam(messages):
        return llm.stream(messages, max_tokens=args.gen_tokens)

    def prompt_tokens(messages) -> int:
        return llama.create_chat_completion(messages=messages, max_tokens=1, temperature=0.0)["usage"]["prompt_tokens"]

    # Each call streams: the wait for the first token is the prompt's evaluation, the rest is generation.
    figures = {"direct": {"prompt": [], "generate": []}, "seam": {"prompt": [], "generate": []}}
    for round_ in range(args.rounds):
        for name, call in (("direct", direct), ("seam", seam)):
            messages = prompt(2 * round_ + (name == "seam"))
            n_prompt = prompt_tokens(messages)
            llama.reset()
            started = time.perf_counter()
            first = None
            pieces = 0
            for piece in call(messages):
                if piece:
                    pieces += 1
                    first = first or time.perf_counter()
            finished = time.perf_counter()
            figures[name]["prompt"].append(n_prompt / (first - started))
            figures[name]["generate"].append((pieces - 1) / (finished - first))
    for kind in ("prompt", "generate"):
        d = statistics.median(figures["direct"][kind])
        s = statistics.median(figures["seam"][kind])
        print(f"generator  {kind:<8} tokens/s: seam {s:7.1f}  direct llama-cpp {d:7.1f}  "
              f"ratio {s / d:.3f} (seam overhead {(d / s - 1) * 100:+.1f}%, target under 5%)")
    models.close()


if __name__ == "__main__":
    main()
