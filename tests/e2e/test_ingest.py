"""Ingestion into a real Chroma in a temp dir, with the real embedding model."""

import shutil

import pytest

from service.ingest.pipeline import Failed, Source, ingest
from service.store import Store
from eval.datasets import corpus_sources

pytestmark = pytest.mark.e2e


def run(runtime, sources, tenant="default"):
    items = [(i, s) for i, s in enumerate(sources)]
    return ingest(items, runtime.store, runtime.models.embedder, runtime.settings, tenant)


def chunk_ids(store: Store, tenant="default") -> set[str]:
    return {c.id for c in store.texts.all_chunks(tenant)}


def vector_ids(store: Store, tenant="default") -> set[str]:
    return set(store.vectors.collection(tenant).get(include=[])["ids"])


def test_corpus_twice_is_idempotent_and_an_edit_replaces_only_its_chunks(runtime):
    sources = corpus_sources()
    first = run(runtime, sources)
    assert (first.added, first.failed) == (26, 0)
    store = runtime.store
    before = chunk_ids(store)
    assert len(before) > 100 and vector_ids(store) == before

    second = run(runtime, sources)
    assert (second.unchanged, second.added, second.replaced) == (26, 0, 0)
    assert chunk_ids(store) == before and vector_ids(store) == before

    edited = sources[5].model_copy(update={"text": sources[5].text.replace("the", "a", 3) + "\n\nA new ending line."})
    third = run(runtime, [edited])
    assert third.results[0].status == "replaced"
    after = chunk_ids(store)
    old_of_edited = {c for c in before if c.startswith(f"{edited.id}#")}
    new_of_edited = {c for c in after if c.startswith(f"{edited.id}#")}
    assert after - new_of_edited == before - old_of_edited  # every other article untouched
    assert new_of_edited.isdisjoint(old_of_edited)
    assert vector_ids(store) == after
    article = store.texts.get("default", edited.id)
    assert article.text.endswith("A new ending line.")
    assert all(article.text[c.start:c.end] == c.text for c in store.texts.chunks_of("default", article))


def test_delete_removes_text_chunks_vectors_and_keywords(runtime):
    run(runtime, corpus_sources()[:3])
    store = runtime.store
    assert any(cid.startswith("seed#") for cid, _ in store.keywords.search("default", "Alibaba Liege espionage", 5))
    assert store.delete("default", "seed")
    store.keywords.refresh("default")
    assert store.texts.get("default", "seed") is None
    assert not any(c.startswith("seed#") for c in vector_ids(store))
    assert not any(cid.startswith("seed#") for cid, _ in store.keywords.search("default", "Alibaba Liege espionage", 5))
    assert not store.delete("default", "seed")


def test_bad_items_fail_alone_and_leave_nothing(runtime):
    good = Source(id="good", text="The council approved the new bridge on Tuesday after a long debate.")
    report = run(runtime, [
        good,
        Source(id="empty", text="   "),
        Source(id="furniture", page_text="Home\nSubscribe to our newsletter\nMost Popular"),
        Failed(error="not JSON"),
        Source(id="huge", text="Word " * 300_000 + "end."),
    ])
    assert [r.status for r in report.results] == ["added", "failed", "failed", "failed", "failed"]
    assert "over the limit" in report.results[4].error
    assert [a.id for a in runtime.store.texts.list("default")[0]] == ["good"]
    assert {c.split("#")[0] for c in vector_ids(runtime.store)} == {"good"}


def test_tenants_see_only_their_own_articles(runtime):
    run(runtime, [Source(id="a1", text="Tenant A writes about the harbour expansion plans today.")], tenant="alpha")
    run(runtime, [Source(id="b1", text="Tenant B writes about the harbour expansion plans today.")], tenant="beta")
    store = runtime.store
    assert [a.id for a in store.texts.list("alpha")[0]] == ["a1"]
    assert [cid.split("#")[0] for cid, _ in store.keywords.search("beta", "harbour expansion", 5)] == ["b1"]
    vector = runtime.models.embedder.embed(["harbour expansion"])[0]
    assert [cid.split("#")[0] for cid, _ in store.vectors.query("alpha", vector, 5)] == ["a1"]


def test_keyword_index_is_rebuilt_when_missing(runtime):
    run(runtime, corpus_sources()[:2])
    expected = runtime.store.keywords.search("default", "intelligence service monitoring", 3)
    shutil.rmtree(runtime.settings.data_dir / "keywords")
    fresh = Store(runtime.settings, runtime.models.embedder.name, runtime.models.embedder.dimension)
    assert fresh.keywords.search("default", "intelligence service monitoring", 3) == expected
    assert (runtime.settings.data_dir / "keywords" / "default").is_dir()
