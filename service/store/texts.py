"""Full article texts and chunk spans in SQLite, per tenant, with a change counter."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from service.records import Article, Chunk, ConcurrentWrite

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    tenant TEXT NOT NULL, id TEXT NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL,
    url TEXT, source TEXT, author TEXT, published TEXT, language TEXT,
    content_hash TEXT NOT NULL, ingested_at TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE TABLE IF NOT EXISTS chunks (
    tenant TEXT NOT NULL, id TEXT NOT NULL, article_id TEXT NOT NULL,
    idx INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX IF NOT EXISTS chunks_by_article ON chunks (tenant, article_id, idx);
CREATE INDEX IF NOT EXISTS articles_by_source ON articles (tenant, source, published);
CREATE TABLE IF NOT EXISTS generations (tenant TEXT PRIMARY KEY, generation INTEGER NOT NULL);
"""

ARTICLE_COLUMNS = ("id", "title", "text", "url", "source", "author", "published", "language",
                   "content_hash", "ingested_at")


class TextStore:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        db.row_factory = sqlite3.Row
        try:
            with db:  # one transaction: committed on success, rolled back on any error
                yield db
        finally:
            db.close()

    def generation(self, tenant: str) -> int:
        with self._connect() as db:
            row = db.execute("SELECT generation FROM generations WHERE tenant = ?", (tenant,)).fetchone()
        return row[0] if row else 0

    def content_hash(self, tenant: str, article_id: str) -> str | None:
        with self._connect() as db:
            row = db.execute("SELECT content_hash FROM articles WHERE tenant = ? AND id = ?",
                             (tenant, article_id)).fetchone()
        return row[0] if row else None

    def put(self, tenant: str, article: Article, chunks: Sequence[Chunk], expected_hash: str | None) -> None:
        """Make `article` and exactly `chunks` current, in one transaction, if the current version is
        still the one the writer read (`expected_hash`, None for none): of two writers that read the
        same version, the second finds it changed and fails instead of interleaving with the first."""
        row = article.model_dump()
        row["published"] = article.published.isoformat() if article.published else None
        row["ingested_at"] = article.ingested_at.isoformat()
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")  # the write lock before the read, so no process writes in between
            found = db.execute("SELECT content_hash FROM articles WHERE tenant = ? AND id = ?",
                               (tenant, article.id)).fetchone()
            if (found[0] if found else None) != expected_hash:
                raise ConcurrentWrite(f"article {article.id!r} was written by another request meanwhile")
            db.execute(
                f"INSERT OR REPLACE INTO articles (tenant, {', '.join(ARTICLE_COLUMNS)}) "
                f"VALUES (?, {', '.join('?' * len(ARTICLE_COLUMNS))})",
                (tenant, *(row[c] for c in ARTICLE_COLUMNS)),
            )
            db.execute("DELETE FROM chunks WHERE tenant = ? AND article_id = ?", (tenant, article.id))
            db.executemany(
                'INSERT INTO chunks (tenant, id, article_id, idx, start, "end") VALUES (?, ?, ?, ?, ?, ?)',
                [(tenant, c.id, c.article_id, c.index, c.start, c.end) for c in chunks],
            )
            self._bump(db, tenant)

    def delete(self, tenant: str, article_id: str) -> bool:
        with self._connect() as db:
            deleted = db.execute("DELETE FROM articles WHERE tenant = ? AND id = ?", (tenant, article_id)).rowcount
            db.execute("DELETE FROM chunks WHERE tenant = ? AND article_id = ?", (tenant, article_id))
            if deleted:
                self._bump(db, tenant)
        return bool(deleted)

    def get(self, tenant: str, article_id: str) -> Article | None:
        with self._connect() as db:
            row = db.execute(f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles WHERE tenant = ? AND id = ?",
                             (tenant, article_id)).fetchone()
        return _article(row) if row else None

    def list(self, tenant: str, *, source: str | None = None, published_from: date | None = None,
             published_to: date | None = None, title_contains: str | None = None, limit: int = 50,
             offset: int = 0) -> tuple[list[Article], int]:
        where, params = _article_filters("articles", source, published_from, published_to)
        if title_contains:
            where.append("title LIKE ? ESCAPE '\\'")  # LIKE ignores ASCII case
            params.append("%" + re.sub(r"([\\%_])", r"\\\1", title_contains) + "%")
        clause = " AND ".join(["tenant = ?", *where])
        params = [tenant, *params]
        with self._connect() as db:
            total = db.execute(f"SELECT COUNT(*) FROM articles WHERE {clause}", params).fetchone()[0]
            rows = db.execute(
                f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles WHERE {clause} "
                "ORDER BY published DESC, id LIMIT ? OFFSET ?", (*params, limit, offset)).fetchall()
        return [_article(r) for r in rows], total

    def chunks_of(self, tenant: str, article: Article) -> list[Chunk]:
        with self._connect() as db:
            rows = db.execute('SELECT id, idx, start, "end" FROM chunks WHERE tenant = ? AND article_id = ? '
                              "ORDER BY idx", (tenant, article.id)).fetchall()
        return [Chunk(id=r["id"], article_id=article.id, index=r["idx"], start=r["start"], end=r["end"],
                      text=article.text[r["start"]:r["end"]]) for r in rows]

    def tenants(self) -> list[str]:
        with self._connect() as db:
            return [r[0] for r in db.execute("SELECT DISTINCT tenant FROM articles ORDER BY tenant")]

    def articles_of_chunks(self, tenant: str, chunk_ids: Sequence[str]) -> list[str]:
        """The articles the current chunks among `chunk_ids` belong to."""
        with self._connect() as db:
            found: set[str] = set()
            for start in range(0, len(chunk_ids), 500):  # SQLite bounds the parameters of one statement
                part = chunk_ids[start:start + 500]
                found.update(r[0] for r in db.execute(
                    f"SELECT DISTINCT article_id FROM chunks WHERE tenant = ? AND id IN ({', '.join('?' * len(part))})",
                    (tenant, *part)))
        return sorted(found)

    def all_chunks(self, tenant: str) -> Iterator[Chunk]:
        """Every current chunk of the tenant, with its text, in a stable order, one article at a
        time from one snapshot: each article's text is read once, not once per chunk (joined onto
        every chunk row, a 1M-character article of 1,250 chunks would take over a gigabyte)."""
        with self._connect() as db:
            db.execute("BEGIN")  # one snapshot for all the reads below
            article_ids = [r[0] for r in db.execute(
                "SELECT DISTINCT article_id FROM chunks WHERE tenant = ? ORDER BY article_id", (tenant,))]
            for article_id in article_ids:
                found = db.execute("SELECT text FROM articles WHERE tenant = ? AND id = ?",
                                   (tenant, article_id)).fetchone()
                if found is None:
                    continue
                text = found[0]
                for r in db.execute('SELECT id, idx, start, "end" FROM chunks WHERE tenant = ? AND article_id = ? '
                                    "ORDER BY idx", (tenant, article_id)).fetchall():
                    yield Chunk(id=r["id"], article_id=article_id, index=r["idx"], start=r["start"], end=r["end"],
                                text=text[r["start"]:r["end"]])

    def current_chunks(self, tenant: str, chunk_ids: Sequence[str], *, best: int | None = None,
                       article_ids: Sequence[str] | None = None, source: str | None = None,
                       published_from: date | None = None,
                       published_to: date | None = None) -> dict[str, tuple[Chunk, Article]]:
        """The chunks among `chunk_ids` that are current and pass the filters, with their articles,
        in the order of `chunk_ids`; with `best`, only the first `best` of them.

        Every search result goes through here, so a chunk of a replaced or deleted version, or
        of another tenant, can never reach a reader, whatever the vector or keyword index holds.
        """
        if not chunk_ids:
            return {}
        where = ["c.tenant = ?", f"c.id IN ({', '.join('?' * len(chunk_ids))})"]
        params: list = [tenant, *chunk_ids]
        if article_ids is not None:
            where.append(f"c.article_id IN ({', '.join('?' * len(article_ids))})")
            params += list(article_ids)
        article_where, article_params = _article_filters("a", source, published_from, published_to)
        where += article_where
        params += article_params
        # Whole article texts are the costly part (20 KB each in bench/ask.py's store): they are
        # read once per article, and only for the chunks that are kept.
        position = {chunk_id: i for i, chunk_id in enumerate(chunk_ids)}
        with self._connect() as db:
            rows = db.execute(
                'SELECT c.id, c.article_id, c.idx, c.start, c."end" FROM chunks c '
                "JOIN articles a ON a.tenant = c.tenant AND a.id = c.article_id WHERE " + " AND ".join(where),
                params).fetchall()
            rows = sorted(rows, key=lambda row: position[row["id"]])[:best]
            ids = list(dict.fromkeys(row["article_id"] for row in rows))
            articles = {row["id"]: _article(row) for row in db.execute(
                f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles WHERE tenant = ? "
                f"AND id IN ({', '.join('?' * len(ids))})", (tenant, *ids))}
        found = {}
        for row in rows:
            article = articles[row["article_id"]]
            found[row["id"]] = (Chunk(id=row["id"], article_id=article.id, index=row["idx"], start=row["start"],
                                      end=row["end"], text=article.text[row["start"]:row["end"]]), article)
        return found

    @staticmethod
    def _bump(db: sqlite3.Connection, tenant: str) -> None:
        db.execute("INSERT INTO generations (tenant, generation) VALUES (?, 1) "
                   "ON CONFLICT(tenant) DO UPDATE SET generation = generation + 1", (tenant,))


def _article_filters(table: str, source: str | None, published_from: date | None,
                     published_to: date | None) -> tuple[list[str], list]:
    """SQL conditions (on `table`'s columns) and their parameters for the article filters."""
    where, params = [], []
    for condition, value in ((f"{table}.source = ?", source),
                             (f"{table}.published >= ?", published_from and published_from.isoformat()),
                             (f"{table}.published <= ?", published_to and published_to.isoformat())):
        if value is not None:
            where.append(condition)
            params.append(value)
    return where, params


def _article(row: sqlite3.Row | dict) -> Article:
    values = dict(row)
    values["published"] = date.fromisoformat(values["published"]) if values["published"] else None
    values["ingested_at"] = datetime.fromisoformat(values["ingested_at"])
    return Article(**values)
