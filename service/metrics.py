"""What the service counts, in Prometheus form, served at /metrics.

The metrics live in one registry of their own, made at import like any Prometheus client's:
counters only ever grow, so the tests read how much they moved. Labels never carry tenants,
article ids or text. Under several gunicorn workers each worker counts for itself (set
PROMETHEUS_MULTIPROC_DIR and use prometheus_client's multiprocess collector to add them up).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

REGISTRY = CollectorRegistry(auto_describe=True)
SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160)

requests = Histogram("sourced_request_seconds", "HTTP requests by route, method and status",
                     ["route", "method", "status"], buckets=SECONDS, registry=REGISTRY)
llm_calls = Histogram("sourced_llm_call_seconds", "LLM calls by model, kind and outcome",
                      ["model", "kind", "outcome"], buckets=SECONDS, registry=REGISTRY)
llm_tokens = Counter("sourced_llm_tokens", "LLM tokens by model and direction", ["model", "direction"],
                     registry=REGISTRY)
embedded_lock_wait = Histogram("sourced_embedded_model_wait_seconds", "Waits for the embedded model's lock",
                               buckets=SECONDS, registry=REGISTRY)
verdicts = Counter("sourced_checker_verdicts", "Checker verdicts by the path that decided them and the label",
                   ["path", "label"], registry=REGISTRY)
ingested = Counter("sourced_ingested_articles", "Ingested items by status", ["status"], registry=REGISTRY)
keyword_rebuilds = Counter("sourced_keyword_index_rebuilds", "BM25 index rebuilds", registry=REGISTRY)


@contextmanager
def timed_llm_call(model: str, kind: str) -> Iterator[None]:
    started, outcome = time.perf_counter(), "ok"
    try:
        yield
    except BaseException:
        outcome = "error"
        raise
    finally:
        llm_calls.labels(model, kind, outcome).observe(time.perf_counter() - started)


def count_tokens(model: str, prompt: int, completion: int) -> None:
    llm_tokens.labels(model, "prompt").inc(prompt)
    llm_tokens.labels(model, "completion").inc(completion)


def exposition() -> tuple[bytes, str]:
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
