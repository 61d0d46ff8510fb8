"""Load on a running `sourced serve` at rising concurrency: throughput, latency and errors per step.

The server runs as a user runs it (gunicorn on 127.0.0.1, the real embedder, reranker and
Chroma over the seed page and the 25 news articles), with the LLM reached through litellm's
OpenAI provider at a fake OpenAI-compatible server on 127.0.0.1 (so the figures measure the
service, not a model). Each step runs `--requests` requests per client, mixed: extractive asks,
lists, small ingests, and every tenth a generative ask. Latency is printed per kind, and as a
ratio to concurrency 1 measured in the same run; the knee is the first step whose extractive
p95 is over twice that baseline.

    .venv/bin/python bench/load.py [--steps 1,2,4,8,16,32] [--requests 12]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from eval.datasets import corpus_sources  # noqa: E402
from tests.fake_openai import FakeOpenAI  # noqa: E402

QUESTIONS = ["Who is monitoring Alibaba's logistics hub?", "Why is Belgium's State Security Service concerned?",
             "What did the company say about the data it holds?", "Which airport hosts the hub?"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: Path, llm_base: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "SOURCED_DATA_DIR": str(data_dir), "SOURCED_MODEL_DIR": str(PROJECT / "data" / "models"),
           "SOURCED_PORT": str(port), "SOURCED_LLM_MODEL": "openai/fake-model", "SOURCED_LLM_API_BASE": llm_base,
           "SOURCED_LLM_API_KEY": "sk-bench", "SOURCED_RATE_REQUESTS_PER_MINUTE": "1000000",
           "SOURCED_RATE_GENERATIVE_PER_MINUTE": "1000000", "SOURCED_LOG_FORMAT": "text"}
    server = subprocess.Popen([sys.executable, "-m", "service", "serve"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            raise SystemExit("the server exited while starting")
        time.sleep(0.5)
    server.kill()
    raise SystemExit("the server never became ready")


def one_request(client: httpx.Client, kind: str, n: int) -> tuple[str, float, int]:
    started = time.perf_counter()
    if kind == "ask-extractive":
        response = client.post("/v1/ask", json={"question": QUESTIONS[n % len(QUESTIONS)], "mode": "extractive"})
    elif kind == "ask-generative":
        response = client.post("/v1/ask", json={"question": QUESTIONS[n % len(QUESTIONS)]})
    elif kind == "list":
        response = client.get("/v1/articles", params={"limit": 10})
    else:
        response = client.post("/v1/articles", json={"id": f"load-{n % 50}", "text": (
            f"Load test note {n}. The harbour board met on Monday and approved the quay plan {n % 7}.")})
    return kind, time.perf_counter() - started, response.status_code


def kind_of(n: int) -> str:
    if n % 10 == 9:
        return "ask-generative"
    return ("ask-extractive", "ask-extractive", "list", "ingest")[n % 4]


def step(base: str, clients: int, per_client: int) -> tuple[float, dict[str, list[float]], dict[int, int]]:
    def client_run(c: int) -> list[tuple[str, float, int]]:
        with httpx.Client(base_url=base, timeout=300) as client:
            return [one_request(client, kind_of(c * per_client + i), c * per_client + i) for i in range(per_client)]

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = [r for batch in pool.map(client_run, range(clients)) for r in batch]
    elapsed = time.perf_counter() - started
    latencies: dict[str, list[float]] = defaultdict(list)
    statuses: dict[int, int] = defaultdict(int)
    for kind, seconds, status in results:
        latencies[kind].append(seconds)
        statuses[status] += 1
    return len(results) / elapsed, latencies, statuses


def percentile(values: list[float], p: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", default="1,2,4,8,16,32")
    parser.add_argument("--requests", type=int, default=12, help="requests per client per step")
    args = parser.parse_args()
    steps = [int(s) for s in args.steps.split(",")]

    fake = FakeOpenAI()
    with tempfile.TemporaryDirectory() as scratch:
        server, base = start_server(Path(scratch), fake.base_url)
        try:
            with httpx.Client(base_url=base, timeout=300) as client:
                batch = [s.model_dump(mode="json", exclude_none=True) for s in corpus_sources()]
                seeded = client.post("/v1/articles", json={"articles": batch})
                assert seeded.status_code in (200, 201), seeded.text
            print(f"{'clients':>7} {'req/s':>7} {'extractive p50/p95/p99 s':>26} {'p95 vs 1':>8} "
                  f"{'generative p95 s':>16} {'list p95':>8} {'ingest p95':>10} {'5xx':>4} {'other':>6}")
            baseline, knee = None, None
            for clients in steps:
                throughput, latencies, statuses = step(base, clients, args.requests)
                extractive = latencies["ask-extractive"]
                p95 = percentile(extractive, 95)
                baseline = baseline or p95
                if knee is None and p95 > 2 * baseline:
                    knee = clients
                errors = sum(n for status, n in statuses.items() if status >= 500)
                other = sum(n for status, n in statuses.items() if 300 <= status < 500)
                print(f"{clients:>7} {throughput:>7.1f} "
                      f"{percentile(extractive, 50):>8.2f} {p95:>8.2f} {percentile(extractive, 99):>8.2f} "
                      f"{p95 / baseline:>7.2f}x {percentile(latencies['ask-generative'], 95):>16.2f} "
                      f"{percentile(latencies['list'], 95):>8.2f} {percentile(latencies['ingest'], 95):>10.2f} "
                      f"{errors:>4} {other:>6}")
            print(f"knee (extractive p95 over twice concurrency 1's): {knee or 'not reached'}")
        finally:
            server.terminate()
            server.wait(timeout=30)
            fake.close()


if __name__ == "__main__":
    main()
