"""One writer per article: concurrent writes of one id end in one consistent version, and a delete
that failed half-way completes on retry. A real Chroma in a temp dir; the two writers are made to
interleave at the worst point (both vector writes before either record)."""

from __future__ import annotations

import shutil
import threading

import pytest

from service.ingest.pipeline import Source, ingest
from tests.conftest import client_of, fake_runtime

FIRST = "The port authority approved the harbour expansion on Monday. Work starts in March next year."
SECOND = "The port authority rejected the harbour expansion on Tuesday. The plan goes back to the council."


def vector_ids(runtime, article_id: str) -> set[str]:
    collection = runtime.store.vectors.existing("default")
    return set(collection.get(where={"article_id": article_id})["ids"]) if collection else set()


def record_ids(runtime, article_id: str) -> set[str]:
    texts = runtime.store.texts
    article = texts.get("default", article_id)
    return {c.id for c in texts.chunks_of("default", article)} if article else set()


@pytest.fixture
def runtime(settings):
    return fake_runtime(settings)[0]


def test_two_writers_of_one_article_end_with_one_consistent_version(runtime):
    vectors = runtime.store.vectors
    upsert = vectors.upsert
    both_wrote_vectors = threading.Barrier(2, timeout=2)

    def upsert_then_wait(*args, **kwargs):
        upsert(*args, **kwargs)
        try:
            both_wrote_vectors.wait()  # the old code: both writers get here before either records
        except threading.BrokenBarrierError:
            pass  # serialised writers: the other one is waiting its turn

    vectors.upsert = upsert_then_wait
    reports = []

    def write(text: str) -> None:
        reports.append(ingest([(0, Source(id="quay", text=text))], runtime.store, runtime.models.embedder,
                              runtime.settings, "default"))

    writers = [threading.Thread(target=write, args=(text,)) for text in (FIRST, SECOND)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=30)
    assert all(not writer.is_alive() for writer in writers)

    statuses = sorted(report.results[0].status for report in reports)
    assert statuses in (["added", "failed"], ["added", "replaced"])
    assert record_ids(runtime, "quay") and vector_ids(runtime, "quay") == record_ids(runtime, "quay")

    vectors.upsert = upsert
    resent = [ingest([(0, Source(id="quay", text=text))], runtime.store, runtime.models.embedder,
                     runtime.settings, "default").results[0].status for text in (FIRST, SECOND)]
    assert "failed" not in resent
    assert vector_ids(runtime, "quay") == record_ids(runtime, "quay")


def test_a_delete_that_failed_half_way_completes_on_retry(runtime):
    client = client_of(runtime)
    assert client.post("/v1/articles", json={"id": "quay", "text": FIRST}).status_code == 201
    vectors = runtime.store.vectors
    delete_article = vectors.delete_article

    def fails_once(*args, **kwargs):
        vectors.delete_article = delete_article
        raise OSError("the vector store went away")

    vectors.delete_article = fails_once
    assert client.delete("/v1/articles/quay").status_code == 500
    assert client.delete("/v1/articles/quay").status_code == 204
    assert vector_ids(runtime, "quay") == set() and record_ids(runtime, "quay") == set()
    assert client.get("/v1/articles/quay").status_code == 404


def test_rebuilding_one_tenants_keyword_index_does_not_stall_another(runtime):
    for tenant in ("slow-tenant", "quick-tenant"):
        ingest([(0, Source(id="quay", text=FIRST))], runtime.store, runtime.models.embedder, runtime.settings, tenant)
    keywords = runtime.store.keywords
    keywords._indexes.clear()
    shutil.rmtree(keywords.directory)  # as after a restart that lost them: the next searches rebuild
    all_chunks = keywords.texts.all_chunks
    rebuilding, finish = threading.Event(), threading.Event()

    def slow_chunks(tenant):
        if tenant == "slow-tenant":
            rebuilding.set()
            finish.wait(timeout=10)
        yield from all_chunks(tenant)

    keywords.texts.all_chunks = slow_chunks
    slow = threading.Thread(target=keywords.search, args=("slow-tenant", "harbour", 3))
    slow.start()
    assert rebuilding.wait(timeout=10)
    quick_hits: list = []
    quick = threading.Thread(target=lambda: quick_hits.extend(keywords.search("quick-tenant", "harbour", 3)))
    quick.start()
    quick.join(timeout=5)
    stalled = quick.is_alive()
    finish.set()
    slow.join(timeout=10)
    quick.join(timeout=10)
    assert not stalled, "a search of one tenant waited for another tenant's rebuild"
    assert quick_hits
