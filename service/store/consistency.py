"""Whether SQLite, Chroma and the BM25 index agree, tenant by tenant, and the repair when not.

SQLite is the record of what is current (see the package docstring). A crash between a vector
write and its record, or during a delete, can leave vectors no current chunk owns (orphans) or,
with an older store, current chunks without vectors; the BM25 index can lag its generation.
"""

from __future__ import annotations

from pydantic import BaseModel

from service.models.embedder import Embedder
from service.store import Store
from service.store.vectors import chunk_metadata

PAGE = 5000  # vector ids read from Chroma per request


class TenantReport(BaseModel):
    tenant: str
    chunks: int
    vectors: int
    missing_vectors: list[str]
    orphan_vectors: list[str]
    keywords_stale: bool
    repaired: bool = False

    @property
    def consistent(self) -> bool:
        return not (self.missing_vectors or self.orphan_vectors or self.keywords_stale)


def tenants(store: Store) -> list[str]:
    """Every tenant that has a record or a collection: orphans can outlive a tenant's last article."""
    return sorted(set(store.texts.tenants()) | set(store.vectors.tenants()))


def check_tenant(store: Store, tenant: str) -> TenantReport:
    current = {c.id for c in store.texts.all_chunks(tenant)}
    stored = set(_vector_ids(store, tenant))
    return TenantReport(tenant=tenant, chunks=len(current), vectors=len(stored),
                        missing_vectors=sorted(current - stored), orphan_vectors=sorted(stored - current),
                        keywords_stale=store.keywords.stale(tenant))


def repair_tenant(store: Store, embedder: Embedder, report: TenantReport) -> TenantReport:
    """Orphans go, missing vectors are embedded again from the current text, a stale index is
    rebuilt; then the tenant is checked afresh."""
    store.vectors.delete_ids(report.tenant, report.orphan_vectors)
    missing = set(report.missing_vectors)
    if missing:
        texts = store.texts
        for article_id in texts.articles_of_chunks(report.tenant, sorted(missing)):
            article = texts.get(report.tenant, article_id)
            chunks = [c for c in texts.chunks_of(report.tenant, article) if c.id in missing] if article else []
            if chunks:
                store.vectors.upsert(report.tenant, [c.id for c in chunks], embedder.embed([c.text for c in chunks]),
                                     [c.text for c in chunks], [chunk_metadata(article, c) for c in chunks])
    store.keywords.refresh(report.tenant)
    checked = check_tenant(store, report.tenant)
    checked.repaired = True
    return checked


def check(store: Store, embedder: Embedder | None = None) -> list[TenantReport]:
    """Every tenant's report; with an embedder, inconsistent tenants are repaired first."""
    reports = [check_tenant(store, tenant) for tenant in tenants(store)]
    if embedder is None:
        return reports
    return [report if report.consistent else repair_tenant(store, embedder, report) for report in reports]


def _vector_ids(store: Store, tenant: str) -> list[str]:
    collection = store.vectors.existing(tenant)
    if collection is None:
        return []
    ids: list[str] = []
    while True:
        page = collection.get(include=[], limit=PAGE, offset=len(ids))["ids"]
        ids.extend(page)
        if len(page) < PAGE:
            return ids
