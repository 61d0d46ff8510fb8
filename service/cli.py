"""The `sourced` command: a thin shell over the same functions the HTTP API calls."""

from __future__ import annotations

import json
import sys

import click

from service.settings import Settings, SettingsError


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None


@click.group()
def main() -> None:
    """sourced: cited, checked answers and summaries over news articles."""


@main.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of a table.")
def models(as_json: bool) -> None:
    """Load the configured models and print their files, sizes and load times."""
    from service.models.registry import Models

    loaded = Models(_settings()).load()
    try:
        rows = [
            {"role": i.role, "name": i.name, "files": [str(f) for f in i.files],
             "size_bytes": i.size_bytes, "load_seconds": i.load_seconds}
            for i in loaded.info
        ]
    finally:
        loaded.close()
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        load = f"{row['load_seconds']:.2f} s" if row["load_seconds"] is not None else "remote"
        click.echo(f"{row['role']:<10} {row['name']:<40} {row['size_bytes'] / 1e6:>9.1f} MB  loaded in {load}")
        for path in row["files"]:
            click.echo(f"{'':<10} {path}")


@main.command("ingest")
@click.argument("target")
@click.option("--tenant", default="default", show_default=True, help="Namespace to ingest into.")
def ingest_command(target: str, tenant: str) -> None:
    """Ingest articles from a file, a folder, a JSONL file, a URL, or - (standard input).

    .jsonl: one {title, text | html | page_text | url, id, source, published, ...} per line;
    .json: one such object or a list; .html: a page; anything else: text scraped from a page.
    Exits 1 if any item failed (the others are stored).
    """
    from tqdm import tqdm

    from service.ingest.pipeline import ingest
    from service.ingest.sources import items_from
    from service.runtime import Runtime
    from service.store import validate_tenant

    settings = _settings()
    try:
        validate_tenant(tenant)
        labelled = list(items_from(target, sys.stdin.buffer))
    except (ValueError, FileNotFoundError) as exc:
        raise click.UsageError(str(exc)) from None
    runtime = Runtime.for_ingest(settings)
    with tqdm(total=len(labelled), unit="article", file=sys.stderr, disable=None) as bar:
        report = ingest(((i, item) for i, (_, item) in enumerate(labelled)), runtime.store,
                        runtime.models.embedder, settings, tenant, on_item=lambda _: bar.update())
    click.echo(f"added {report.added}, replaced {report.replaced}, unchanged {report.unchanged}, "
               f"failed {report.failed}")
    for result in report.results:
        if result.status == "failed":
            click.echo(f"  failed {labelled[result.position][0]}: {result.error}", err=True)
    sys.exit(1 if report.failed else 0)


@main.command()
@click.option("--host", default=None, help="Defaults to SOURCED_HOST.")
@click.option("--port", type=int, default=None, help="Defaults to SOURCED_PORT.")
def serve(host: str | None, port: int | None) -> None:
    """Serve the HTTP API with gunicorn (SOURCED_WORKERS processes)."""
    from service.server import run

    overrides = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    settings = _settings().model_copy(update=overrides)
    try:
        run(settings)
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
