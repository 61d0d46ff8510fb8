"""The `sourced` command: a thin shell over the same functions the HTTP API calls."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

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


@main.group()
def keys() -> None:
    """API keys: each is bound to one tenant; with none, the service is in local mode."""


@keys.command("add")
@click.argument("tenant")
@click.option("--admin", is_flag=True, help="May name any tenant in X-Sourced-Tenant.")
def keys_add(tenant: str, admin: bool) -> None:
    """Make a key for TENANT and print it once; only its hash is stored."""
    from service.keys import KeyStore
    from service.store import validate_tenant

    try:
        validate_tenant(tenant)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    record, plain = KeyStore(_settings().keys_path).add(tenant, admin)
    click.echo(f"key id {record.key_id} for tenant {tenant}{' (admin)' if admin else ''}; "
               "it is shown only this once:", err=True)
    click.echo(plain)


@keys.command("list")
def keys_list() -> None:
    """Key ids, tenants and creation times (never the keys)."""
    from service.keys import KeyStore

    for record in KeyStore(_settings().keys_path).records():
        role = "admin" if record.admin else ""
        click.echo(f"{record.key_id}  {record.tenant:<24} {record.created_at:%Y-%m-%d %H:%M:%S}Z  {role}".rstrip())


@keys.command("revoke")
@click.argument("key_id")
def keys_revoke(key_id: str) -> None:
    """Revoke a key by its id; a running server refuses it from its next request."""
    from service.keys import KeyStore

    keys = KeyStore(_settings().keys_path)
    if not keys.revoke(key_id):
        raise click.UsageError(f"no key with id {key_id!r}")
    click.echo(f"revoked {key_id}")
    if not keys.records():
        click.echo("no key is left: every /v1 request is refused until `sourced keys add` makes one", err=True)


@main.command("check")
@click.option("--repair", is_flag=True, help="Remove orphan vectors, embed missing ones, rebuild stale indexes.")
@click.option("--json", "as_json", is_flag=True, help="One JSON report per tenant.")
def check_command(repair: bool, as_json: bool) -> None:
    """Whether the article records, the vectors and the keyword index agree, for every tenant.

    Exits 0 when every tenant is consistent (after the repair, with --repair), 1 otherwise.
    Run it with the server stopped: one process writes to an embedded store.
    """
    from service.runtime import Runtime
    from service.store import consistency

    runtime = Runtime.for_ingest(_settings())
    reports = consistency.check(runtime.store, runtime.models.embedder if repair else None)
    for report in reports:
        if as_json:
            click.echo(json.dumps({**report.model_dump(), "consistent": report.consistent}))
            continue
        state = "consistent" if report.consistent else "INCONSISTENT"
        click.echo(f"{report.tenant}: {state}{' after repair' if report.repaired else ''}; {report.chunks} chunks, "
                   f"{report.vectors} vectors, {len(report.missing_vectors)} missing, "
                   f"{len(report.orphan_vectors)} orphaned, keyword index {'stale' if report.keywords_stale else 'current'}")
    sys.exit(0 if all(r.consistent for r in reports) else 1)


@main.command("ingest")
@click.argument("targets", nargs=-1, required=True)
@click.option("--tenant", default="default", show_default=True, help="Namespace to ingest into.")
def ingest_command(targets: tuple[str, ...], tenant: str) -> None:
    """Ingest articles from files, folders, JSONL files, URLs, or - (standard input).

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
        labelled = [item for target in targets for item in items_from(target, sys.stdin.buffer)]
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


@main.command("ask")
@click.argument("question")
@click.option("--mode", type=click.Choice(["generate", "extractive"]), default="generate", show_default=True,
              help="extractive: quote the best sentences; no language model.")
@click.option("--article", "article_ids", multiple=True, help="Only this article (repeatable).")
@click.option("--verify", type=click.Choice(["remove", "flag"]), default="remove", show_default=True,
              help="Drop unsupported sentences, or keep them marked.")
@click.option("--tenant", default="default", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the response JSON (as the HTTP API returns it).")
def ask_command(question: str, mode: str, article_ids: tuple[str, ...], verify: str, tenant: str,
                as_json: bool) -> None:
    """Answer QUESTION from the ingested articles, with footnoted verbatim quotes."""
    from pydantic import ValidationError

    from service.answer import AskRequest
    from service.models.registry import Models
    from service.records import Filters
    from service.runtime import Runtime
    from service.store import validate_tenant

    try:
        request = AskRequest(question=question, mode=mode, verify=verify,
                             filters=Filters(article_ids=list(article_ids) or None))
        validate_tenant(tenant)
    except (ValidationError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    settings = _settings()
    models = Models(settings).load(generator=mode == "generate")
    try:
        response = Runtime(models).answerer().ask(request, tenant)
    finally:
        models.close()
    if as_json:
        click.echo(response.model_dump_json(indent=2))
        return
    click.echo(response.answer)
    if response.citations:
        click.echo()
    for citation in response.citations:
        where = f"{citation.article_id}, characters {citation.start}-{citation.end}"
        click.echo(f"[{citation.n}] \"{citation.quote}\"\n    {citation.title} ({where})"
                   + (f"\n    {citation.url}" if citation.url else ""))
    notes = []
    if response.removed:
        notes.append(f"{response.removed} unsupported sentence(s) removed")
    if response.fallback:
        notes.append(f"extractive fallback: {response.fallback}")
    if notes:
        click.echo("\n(" + "; ".join(notes) + ")", err=True)


@main.command("summarize")
@click.argument("article_ids", nargs=-1, required=True)
@click.option("--style", type=click.Choice(["headline", "brief", "bullets", "newsletter"]), default="brief",
              show_default=True)
@click.option("--words", type=int, default=None, help="Word budget (each style has a default).")
@click.option("--tenant", default="default", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the response JSON (as the HTTP API returns it).")
def summarize_command(article_ids: tuple[str, ...], style: str, words: int | None, tenant: str,
                      as_json: bool) -> None:
    """Summarise stored articles (several IDs give one summary of all), every sentence cited."""
    from pydantic import ValidationError

    from service.models.registry import Models
    from service.runtime import Runtime
    from service.summarize import SummarizeRequest, load_articles

    try:
        request = SummarizeRequest(article_ids=list(article_ids), style=style, words=words)
    except ValidationError as exc:
        raise click.UsageError(str(exc)) from None
    settings = _settings()
    models = Models(settings).load()
    try:
        runtime = Runtime(models)
        try:
            articles, chunks = load_articles(request, runtime.store, models.embedder, settings, tenant)
        except LookupError as exc:
            raise click.UsageError(str(exc)) from None
        summary = runtime.summarizer().summarize(articles, chunks, style, words)
    finally:
        models.close()
    if as_json:
        click.echo(summary.model_dump_json(indent=2))
        return
    if summary.title:
        click.echo(summary.title + "\n")
    click.echo(summary.summary + "\n")
    for citation in summary.citations:
        click.echo(f"[{citation.n}] \"{citation.quote}\" ({citation.article_id}, "
                   f"characters {citation.start}-{citation.end})")
    click.echo(f"\nfaithfulness {summary.faithfulness:.2f}; {summary.removed} removed, "
               f"{summary.quoted} shown as their quote", err=True)


@main.command("digest")
@click.option("--ids", "article_ids", default=None, help="Comma-separated article ids.")
@click.option("--jsonl", "jsonl", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Ingest this JSONL file first and digest its articles.")
@click.option("--source", default=None, help="Articles from this source.")
@click.option("--from", "published_from", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--to", "published_to", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--topic", default=None, help="The articles most relevant to this query.")
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--style", type=click.Choice(["headline", "brief", "bullets", "newsletter"]), default="brief",
              show_default=True)
@click.option("--words", type=int, default=None)
@click.option("--title", default="The sourced digest", show_default=True)
@click.option("--stories-until", "stories_until", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="An issue of archived articles: the latest day its stories can be from; the issue says it is "
                   "from the archive.")
@click.option("--concurrency", type=int, default=4, show_default=True,
              help="Summaries in flight with a remote model (the embedded one runs one at a time).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("digest"), show_default=True)
@click.option("--tenant", default="default", show_default=True)
def digest_command(article_ids, jsonl, source, published_from, published_to, topic, limit, style, words, title,
                   stories_until, concurrency, out, tenant) -> None:
    """Write a newsletter digest of the selected articles: digest.html (for mail clients),
    digest.txt (its plain-text part), digest.eml (both, as one message), digest.md and digest.json;
    the web page and GET /v1/digests/latest open the last one made for the tenant.

    Summaries are cached by article content, prompt version and model: a re-run redoes only
    what changed or failed. Exits 1 if any article could not be summarised.
    """
    from pydantic import ValidationError
    from tqdm import tqdm

    from service.digest import Selection, SummaryCache, build_digest, keep_latest, select_articles, write_digest
    from service.ingest.pipeline import ingest
    from service.ingest.sources import items_from
    from service.models.registry import Models
    from service.runtime import Runtime
    from service.store import validate_tenant

    settings = _settings()
    try:
        validate_tenant(tenant)
        ids = [i.strip() for i in article_ids.split(",") if i.strip()] if article_ids else None
        labelled = list(items_from(str(jsonl), sys.stdin.buffer)) if jsonl else []
        selection = Selection(article_ids=ids, source=source, topic=topic, limit=limit,
                              published_from=published_from.date() if published_from else None,
                              published_to=published_to.date() if published_to else None)
    except (ValidationError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    if stories_until and stories_until.date() > date.today():
        raise click.UsageError("--stories-until is a day in the future: an archive's stories are from the past")
    models = Models(settings).load()
    try:
        runtime = Runtime(models)
        if labelled:
            report = ingest(((i, item) for i, (_, item) in enumerate(labelled)), runtime.store, models.embedder,
                            settings, tenant)
            ingested = [r.article_id for r in report.results if r.article_id and r.status != "failed"]
            selection = selection.model_copy(update={"article_ids": ingested})
            click.echo(f"ingested {jsonl}: added {report.added}, replaced {report.replaced}, "
                       f"unchanged {report.unchanged}, failed {report.failed}", err=True)
        try:
            articles = select_articles(selection, runtime.store, models.embedder, runtime.reranker,
                                       runtime.answer_policy.relevance_floor, tenant)
        except LookupError as exc:
            raise click.UsageError(str(exc)) from None
        if not articles:
            raise click.UsageError("no article matches the selection")
        with tqdm(total=len(articles), unit="article", file=sys.stderr, disable=None) as bar:
            digest = build_digest(articles, runtime.summarizer(), runtime.store,
                                  SummaryCache(settings.data_dir / "cache" / "summaries"), tenant, title=title,
                                  style=style, words=words, concurrency=concurrency,
                                  period=(selection.published_from, selection.published_to),
                                  stories_until=stories_until.date() if stories_until else None,
                                  on_item=lambda _: bar.update())
    finally:
        models.close()
    written = write_digest(digest, out)
    keep_latest(digest, settings.data_dir, tenant)
    cached = sum(item.cached for item in digest.reports)
    click.echo(f"{len(digest.reports)} articles in {len(digest.topics)} sections ({cached} from cache), "
               f"{len(digest.failed)} failed: {', '.join(str(path) for path in written.values())}")
    for item in digest.failed:
        click.echo(f"  failed {item.article_id}: {item.error}", err=True)
    sys.exit(1 if digest.failed else 0)


@main.group("eval")
def eval_group() -> None:
    """Measure quality: the checker against human labels, retrieval, citations."""


def _evaluate(run, *, judge: bool, as_json: bool, describe) -> None:
    """Load the models (the generator only when it is needed), run, print, close."""
    from service.models.registry import Models

    models = Models(_settings()).load(generator=judge)
    try:
        figures = run(models)
    finally:
        models.close()
    click.echo(json.dumps(figures) if as_json else describe(figures))


def _runtime(models):
    from service.runtime import Runtime

    return Runtime(models)


DATA_OPTION = click.option("--data", "data", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                           required=True, help="A JSONL file (see the command's description for its rows).")
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
OUT_OPTION = click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("eval-reports"),
                          show_default=True, help="Where the report (Markdown, figures, records) is written.")


@eval_group.command("faithfulness")
@DATA_OPTION
@click.option("--limit", type=int, default=None, help="A stratified, seeded sample of this many rows.")
@click.option("--fast", is_flag=True, help="Fast signals only; no LLM judge.")
@click.option("--naive", is_flag=True, help="The baseline: the judge alone, on the four source sentences "
                                            "sharing most words with the summary.")
@JSON_OPTION
@OUT_OPTION
def eval_faithfulness(data: Path, limit: int | None, fast: bool, naive: bool, as_json: bool, out: Path) -> None:
    """Balanced accuracy, precision/recall per class, ROC AUC, the share decided fast and its
    accuracy, and claims/s of the checker.

    Rows: {document, summary, label}, label 1 = supported."""
    from eval import faithfulness

    if fast and naive:
        raise click.UsageError("--fast and --naive exclude each other")

    def run(models):
        checker = _runtime(models).build_checker(judge=not fast)
        return faithfulness.run(faithfulness.NaiveJudge(checker) if naive else checker, data, out, limit)

    _evaluate(run, judge=not fast, as_json=as_json, describe=faithfulness.describe)


@eval_group.command("qa")
@DATA_OPTION
@click.option("--limit", type=int, default=None, help="Only the first N rows.")
@click.option("--fast", is_flag=True, help="Fast checker signals only; no LLM judge.")
@JSON_OPTION
@OUT_OPTION
def eval_qa(data: Path, limit: int | None, fast: bool, as_json: bool, out: Path) -> None:
    """Retrieval recall@1/@5 and MRR, and the checker on right vs hallucinated answers.

    Rows: {knowledge, question, right_answer, hallucinated_answer}."""
    from eval import qa

    def describe(figures: dict) -> str:
        r, c = figures["retrieval"], figures["checker"]
        return (f"{figures['dataset']}: {figures['questions']} questions\n"
                f"  retrieval recall@1 {r['recall@1']:.3f}  recall@5 {r['recall@5']:.3f}  MRR {r['mrr']:.3f}\n"
                f"  checker balanced accuracy {c['balanced_accuracy']:.3f}  ROC AUC {c['roc_auc']:.3f} "
                f"({figures['claims_per_second']:.2f} claims/s)")

    def run(models):
        runtime = _runtime(models)
        return qa.run(runtime, runtime.build_checker(judge=not fast), data, out, limit)

    _evaluate(run,
              judge=not fast, as_json=as_json, describe=describe)


@eval_group.command("citations")
@DATA_OPTION
@click.option("--limit", type=int, default=50, show_default=True, help="Questions asked.")
@click.option("--split", type=click.Choice(["dev", "heldout"]), default="dev", show_default=True,
              help="dev: the first N questions; heldout: a seeded N of the rest of the file.")
@JSON_OPTION
@OUT_OPTION
def eval_citations(data: Path, limit: int, split: str, as_json: bool, out: Path) -> None:
    """Correctness, false and true "not in the sources", and ALCE citation recall and precision of
    the service's own answers, with a review file of sentences for a person to judge.

    Rows: {id, knowledge, question, right_answer}; all knowledge passages form the corpus."""
    from eval import citations

    def describe(f: dict) -> str:
        return (f"{f['dataset']} ({f['split']}): {f['questions']} questions over {f['corpus_passages']} passages\n"
                f"  correct {f['correct']:.2f} (of answered {f['correct_of_answered']:.2f}), token F1 "
                f"{f['token_f1']:.2f}, false \"not in the sources\" {f['false_not_in_sources']:.2f}\n"
                f"  unanswerable: \"not in the sources\" {f['unanswerable_not_in_sources']:.2f}\n"
                f"  citation recall {f['citation_recall']:.3f}  precision {f['citation_precision']:.3f} "
                f"(judged by the embedded model)  {f['seconds_per_question']:.1f} s/question")

    _evaluate(lambda models: citations.run(_runtime(models), data, out, limit, split), judge=True,
              as_json=as_json, describe=describe)


@eval_group.command("summaries")
@DATA_OPTION
@click.option("--limit", type=int, default=None, help="Only the first N distinct documents.")
@JSON_OPTION
@OUT_OPTION
def eval_summaries(data: Path, limit: int | None, as_json: bool, out: Path) -> None:
    """Share of generated summary sentences the checker finds unsupported, worst cases in the report.

    Rows: anything with a `document`; each distinct document is summarised."""
    from eval import summaries

    def describe(figures: dict) -> str:
        return (f"{figures['dataset']}: {figures['documents']} documents, {figures['sentences']} sentences\n"
                f"  unsupported as written {figures['unsupported_as_written']:.1%}, removed (no quote to stand in) "
                f"{figures['unsupported_removed']:.1%} ({figures['seconds_per_document']:.1f} s/document)")

    _evaluate(lambda models: summaries.run(_runtime(models), data, out, limit), judge=True, as_json=as_json,
              describe=describe)


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
