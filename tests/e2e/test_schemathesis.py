"""schemathesis against /openapi.json of a running server: real embedder, reranker and Chroma, the
LLM reached through litellm's OpenAI provider at a small OpenAI-compatible server on 127.0.0.1.

At least 1,000 generated requests; no response of 500 or above; every response matches its
schema (status, content type, headers, body, server-sent events); and with a key configured,
a request without it is refused (schemathesis' `ignored_auth` check)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from werkzeug.serving import make_server

from service.app import create_app
from service.keys import KeyStore
from service.settings import Settings
from tests.conftest import MODEL_DIR
from tests.fake_openai import FakeOpenAI

STORY = ("The harbour board approved the quay expansion on Monday. Work on the new quay starts in March "
         "and will cost 40 million euros, the port authority said.")
MIN_REQUESTS = 1000


def serve_in_thread(server) -> None:
    threading.Thread(target=server.serve_forever, daemon=True).start()


class CountingStatuses:
    """WSGI middleware: how many requests reached the app, by status."""

    def __init__(self, app):
        self.app, self.statuses = app, Counter()

    def __call__(self, environ, start_response):
        def counting(status, headers, *rest):
            self.statuses[int(status.split()[0])] += 1
            return start_response(status, headers, *rest)
        return self.app(environ, counting)


@pytest.fixture(scope="module")
def llm_server():
    fake = FakeOpenAI()
    yield fake.base_url
    fake.close()


def test_a_thousand_generated_requests_get_no_5xx_and_match_the_schema(tmp_path: Path, llm_server):
    settings = Settings(data_dir=tmp_path / "data", model_dir=MODEL_DIR, threads=2, llm_model="openai/fake-model",
                        llm_api_base=llm_server, llm_api_key="sk-test", llm_timeout_s=10,
                        rate_requests_per_minute=1_000_000, rate_generative_per_minute=1_000_000)
    # An admin key: the X-Sourced-Tenant values schemathesis generates reach the handlers, not a 403.
    _, key = KeyStore(settings.keys_path).add("newsroom", admin=True)
    app = create_app(settings)
    counted = CountingStatuses(app)
    server = make_server("127.0.0.1", 0, counted, threaded=True)
    serve_in_thread(server)
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        deadline = time.monotonic() + 120
        while httpx.get(base + "/readyz").status_code != 200:
            assert time.monotonic() < deadline, "the models never loaded"
            time.sleep(0.5)
        seeded = httpx.post(base + "/v1/articles", json={"id": "quay", "title": "Quay", "text": STORY},
                            headers={"Authorization": f"Bearer {key}"})
        assert seeded.status_code == 201, seeded.text
        counted.statuses.clear()

        schemathesis = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
        run = subprocess.run(
            [schemathesis, "run", base + "/openapi.json", "--max-examples", "120", "--seed", "20261129",
             "--checks", "all", "--exclude-checks", "positive_data_acceptance", "--request-timeout", "60",
             "--header", f"Authorization: Bearer {key}", "--workers", "1"],
            capture_output=True, text=True, timeout=540, check=False, cwd=tmp_path, env={**os.environ, "NO_COLOR": "1"})
    finally:
        server.shutdown()
    report = run.stdout[-6000:] + run.stderr[-2000:]
    print(f"{sum(counted.statuses.values())} requests; statuses {dict(sorted(counted.statuses.items()))}")
    assert run.returncode == 0, report
    assert sum(counted.statuses.values()) >= MIN_REQUESTS, (counted.statuses, report)
    assert not [status for status in counted.statuses if status >= 500], (counted.statuses, report)
    assert counted.statuses[401] > 0, "ignored_auth never sent a request without the key"
