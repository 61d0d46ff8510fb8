"""`sourced serve` as a user runs it: a real gunicorn server on 127.0.0.1, real models."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import MODEL_DIR

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_serve_answers_health_then_ready(tmp_path: Path):
    port = free_port()
    env = {**os.environ, "SOURCED_DATA_DIR": str(tmp_path), "SOURCED_MODEL_DIR": str(MODEL_DIR),
           "SOURCED_PORT": str(port)}
    server = subprocess.Popen([sys.executable, "-m", "service", "serve"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        status = None
        while time.monotonic() < deadline:
            try:
                status, body = get(base + "/readyz")
                if status == 200:
                    break
                assert status == 503 and body["title"] == "Not ready"
            except urllib.error.URLError:
                pass
            assert server.poll() is None, server.stdout.read().decode()
            time.sleep(0.5)
        assert status == 200, "server never became ready"
        assert body["models"]["generator"] == "local/qwen2.5-coder-1.5b-instruct"
        assert get(base + "/healthz") == (200, {"status": "ok"})
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_refuses_an_unknown_model_at_start(tmp_path: Path):
    env = {**os.environ, "SOURCED_DATA_DIR": str(tmp_path), "SOURCED_LLM_MODEL": "nosuch/model",
           "SOURCED_PORT": str(free_port())}
    result = subprocess.run([sys.executable, "-m", "service", "serve"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0
    assert "SOURCED_LLM_MODEL='nosuch/model'" in result.stderr
