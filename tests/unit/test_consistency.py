"""sourced check: SQLite, Chroma and the BM25 index compared per tenant, and repaired; the server
repairs before it turns ready. A real Chroma in a temp dir."""

from __future__ import annotations

import json

import numpy as np
from click.testing import CliRunner

from service.cli import main
from service.ingest.pipeline import Source, ingest
from service.store import consistency
from tests.conftest import client_of, fake_runtime

STORY = "The port authority approved the harbour expansion on Monday. Work on the new quay starts in March."


def broken_store(runtime):
    """What crashes leave: an orphan vector (written, never recorded), a chunk whose vector is gone,
    a keyword index behind its generation."""
    ingest([(0, Source(id="quay", text=STORY))], runtime.store, runtime.models.embedder, runtime.settings, "newsroom")
    store = runtime.store
    vectors = store.vectors
    vectors.upsert("newsroom", ["ghost#v-0"], np.ones((1, runtime.models.embedder.dimension), dtype=np.float32),
                   ["an orphan"], [{"article_id": "ghost", "version": "v", "start": 0, "end": 9, "source": "",
                                    "published": 0}])
    lost = next(iter(store.texts.all_chunks("newsroom"))).id
    vectors.delete_ids("newsroom", [lost])
    with store.texts._connect() as db:
        db.execute("UPDATE generations SET generation = generation + 1 WHERE tenant = ?", ("newsroom",))
    return lost


def test_check_finds_what_a_crash_leaves_and_repair_mends_it(settings):
    runtime, _ = fake_runtime(settings)
    lost = broken_store(runtime)
    [report] = consistency.check(runtime.store)
    assert report.orphan_vectors == ["ghost#v-0"] and report.missing_vectors == [lost] and report.keywords_stale
    [repaired] = consistency.check(runtime.store, runtime.models.embedder)
    assert repaired.repaired and repaired.consistent
    assert consistency.check(runtime.store)[0].consistent


def test_the_command_exits_1_until_repaired(settings, monkeypatch):
    runtime, _ = fake_runtime(settings, embedder=None)
    broken_store(runtime)
    monkeypatch.setenv("SOURCED_DATA_DIR", str(runtime.settings.data_dir))
    monkeypatch.setenv("SOURCED_MODEL_DIR", str(runtime.settings.models_path))
    monkeypatch.setattr("service.runtime.Runtime.for_ingest", classmethod(lambda cls, settings: runtime))
    runner = CliRunner()
    found = runner.invoke(main, ["check", "--json"])
    assert found.exit_code == 1 and json.loads(found.stdout.splitlines()[0])["orphan_vectors"] == ["ghost#v-0"]
    assert runner.invoke(main, ["check", "--repair"]).exit_code == 0
    assert runner.invoke(main, ["check"]).exit_code == 0


def test_the_server_repairs_before_it_answers(settings):
    runtime, _ = fake_runtime(settings)
    broken_store(runtime)
    client = client_of(runtime)  # create_app checks the store of a loaded runtime before returning
    assert client.get("/readyz").status_code == 200
    assert consistency.check(runtime.store)[0].consistent
