"""A real `sourced serve` killed with SIGKILL in the middle of a batch ingest and of a replace:
after a restart `sourced check` is clean, the batch re-ingests exactly, and a reader polling an
article during the replace only ever saw one whole version of it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from eval.datasets import news_documents
from tests.conftest import MODEL_DIR
from tests.e2e.test_serve import free_port
from tests.fake_openai import FakeOpenAI

LONGER = 6  # each news article repeated, so that a batch takes long enough to be killed inside


@pytest.fixture(scope="module")
def llm():
    fake = FakeOpenAI()
    yield fake
    fake.close()


class Server:
    def __init__(self, data_dir: Path, llm: FakeOpenAI):
        self.env = {**os.environ, "SOURCED_DATA_DIR": str(data_dir), "SOURCED_MODEL_DIR": str(MODEL_DIR),
                    "SOURCED_LLM_MODEL": "openai/fake-model", "SOURCED_LLM_API_BASE": llm.base_url,
                    "SOURCED_LLM_API_KEY": "sk-test", "SOURCED_LOG_FORMAT": "text",
                    "SOURCED_RATE_REQUESTS_PER_MINUTE": "1000000"}
        self.records = data_dir / "articles.sqlite3"
        self.process: subprocess.Popen | None = None
        self.base = ""

    def start(self) -> None:
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen([sys.executable, "-m", "service", "serve"],
                                        env={**self.env, "SOURCED_PORT": str(port)}, start_new_session=True,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert self.process.poll() is None, "the server exited while starting"
            time.sleep(0.3)
        raise AssertionError("the server never became ready")

    def kill_when(self, ready) -> None:
        """SIGKILL the whole server (gunicorn and its worker) once `ready()` holds, or after 60 s."""
        deadline = time.monotonic() + 60
        while not ready() and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)

    def stored(self) -> int:
        try:
            with sqlite3.connect(self.records, timeout=1) as db:
                return db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        except sqlite3.Error:
            return 0

    def check(self) -> int:
        return subprocess.run([sys.executable, "-m", "service", "check"], env=self.env, capture_output=True,
                              timeout=300, check=False).returncode


def batch(version: str) -> dict:
    return {"articles": [{"id": f"news-{i:02d}", "text": f"{version} edition. " + (document + " ") * LONGER}
                         for i, document in enumerate(news_documents())]}


def post_in_background(server: Server, body: dict) -> threading.Thread:
    def post():
        try:
            httpx.post(server.base + "/v1/articles", json=body, timeout=300)
        except httpx.HTTPError:
            pass  # the server was killed under it
    thread = threading.Thread(target=post, daemon=True)
    thread.start()
    return thread


def test_killed_mid_ingest_and_mid_replace_the_store_comes_back_whole(tmp_path, llm):
    server = Server(tmp_path / "data", llm)
    try:
        server.start()
        post_in_background(server, batch("First"))
        server.kill_when(lambda: server.stored() >= 3)
        assert 0 < server.stored() < 25, "the kill came before or after the batch, not inside it"

        server.start()  # repairs before it turns ready
        server.stop()
        assert server.check() == 0
        server.start()
        report = httpx.post(server.base + "/v1/articles", json=batch("First"), timeout=300).json()
        assert report["failed"] == 0 and report["added"] + report["unchanged"] == 25
        assert httpx.get(server.base + "/v1/articles").json()["total"] == 25

        seen: list[str] = []
        stop_reading = threading.Event()

        def read():
            while not stop_reading.is_set():
                try:
                    response = httpx.get(server.base + "/v1/articles/news-00", timeout=5)
                except httpx.HTTPError:
                    return  # the server was killed
                if response.status_code != 200:
                    seen.append(f"HTTP {response.status_code}")  # 404: a moment with no version at all
                    continue
                article = response.json()
                text, chunks = article["text"], article["chunks"]
                versions = {c["id"].split("#", 1)[1].rsplit("-", 1)[0] for c in chunks}
                whole = len(versions) == 1 and all(text[c["start"]:c["end"]] == c["text"] for c in chunks)
                seen.append(text.split(" edition.")[0] if whole else "torn")

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        post_in_background(server, batch("Second"))
        with sqlite3.connect(server.records) as db:
            def replaced() -> bool:
                return db.execute("SELECT COUNT(*) FROM articles WHERE text LIKE 'Second edition.%'").fetchone()[0] >= 3
            server.kill_when(replaced)
        stop_reading.set()
        reader.join(timeout=10)
        assert seen and "torn" not in seen and set(seen) <= {"First", "Second"}

        server.start()
        server.stop()
        assert server.check() == 0
    finally:
        server.stop()
