"""The store against a real `chroma run` server on 127.0.0.1 (client/server mode)."""

import dataclasses
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from service.ingest.pipeline import Source, ingest
from service.runtime import Runtime

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    chroma = Path(sys.executable).parent / "chroma"
    server = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path_factory.mktemp("chroma-server")),
                               "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                              env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/api/v2/heartbeat", timeout=2)
            break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, "chroma server did not start"
            time.sleep(0.3)
    yield url
    server.terminate()
    server.wait(timeout=30)


def test_ingest_and_search_through_a_chroma_server(runtime, chroma_url):
    settings = runtime.settings.model_copy(update={"chroma_url": chroma_url})
    remote = Runtime(dataclasses.replace(runtime.models, settings=settings))
    report = ingest(enumerate([
        Source(id="port", text="The port authority approved the harbour expansion on Monday, its chairman said."),
        Source(id="rail", text="Rail workers will strike on Friday over pay, the union said today."),
    ]), remote.store, remote.models.embedder, settings, "default")
    assert report.added == 2
    assert remote.store.vectors.count("default") == 2
    assert not (settings.data_dir / "chroma").exists()  # nothing went to an embedded store
    vector = remote.models.embedder.embed(["harbour expansion"])[0]
    assert remote.store.vectors.query("default", vector, 1)[0][0].startswith("port#")
    assert remote.store.delete("default", "port")
    assert remote.store.vectors.count("default") == 1
