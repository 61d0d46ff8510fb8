"""A real `sourced serve` (gunicorn on 127.0.0.1, the embedded models) for tests that use the
service as its clients do: the openai library, a browser."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.conftest import MODEL_DIR
from tests.e2e.test_serve import free_port

READY_WITHIN_S = 180


@contextmanager
def serve(data_dir: Path, log: Path, **environment: str) -> Iterator[str]:
    """The server's base URL once /readyz answers 200; its output goes to `log`."""
    port = free_port()
    env = {**os.environ, "SOURCED_DATA_DIR": str(data_dir), "SOURCED_MODEL_DIR": str(MODEL_DIR),
           "SOURCED_PORT": str(port), **environment}
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        server = subprocess.Popen([sys.executable, "-m", "service", "serve"], env=env, stdout=output,
                                  stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + READY_WITHIN_S
            while True:
                assert server.poll() is None, log.read_text()
                try:
                    if httpx.get(base + "/readyz", timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the server never became ready"
                time.sleep(0.5)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=30)
