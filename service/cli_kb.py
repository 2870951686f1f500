"""`dealwise kb ingest | search | stats | remove | drop | feedback | outcome | heatmap`: thin commands over
the knowledge_base package (settings: DEALWISE_DATA_DIR/kb, DEALWISE_EMBEDDING_BACKEND, DEALWISE_KB_COLLECTION)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from service.cli_common import user_errors
from service.config import get_settings

_TYPES = ("price", "timing", "stall", "competitor", "authority", "need", "trust")


def _kb(collection: str | None, embedder: str | None = None):
    from knowledge_base import KnowledgeBase

    settings = get_settings()
    return KnowledgeBase(settings.kb_dir, embedder=embedder or settings.embedding_backend, collection=collection or settings.kb_collection)


def _usage_log():
    import storage
    from knowledge_base import UsageLog

    engine = storage.make_engine(get_settings().database)
    storage.create_schema(engine)  # until the service owns migrations (Alembic)
    return UsageLog(engine)


collection_option = click.option("--collection", default=None, help="Collection name (default: DEALWISE_KB_COLLECTION or playbook).")


@click.group()
def kb() -> None:
    """The sales playbook: ingest documents, search scripts, script-usage statistics."""


@kb.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@collection_option
@click.option("--embedder", default=None, help="Embedding backend: e5 (default), minilm, st:/path/to/model_dir.")
@user_errors
def ingest(paths: tuple[Path, ...], collection: str | None, embedder: str | None) -> None:
    """Add Markdown, text, PDF, DOCX and CSV/XLSX script tables (files or directories).

    Unchanged files are skipped, changed ones replaced. A file that fails is reported and left out;
    the others are kept. The exit status is non-zero when any file failed.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    knowledge_base = _kb(collection, embedder)
    with Progress(
        TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
        console=Console(stderr=True), transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, path: str) -> None:
            bar.update(task, completed=done, total=total, description=Path(path).name)

        report = knowledge_base.ingest(paths, progress=progress)
    for result in report.files:
        if result.status != "failed":
            extra = f", {result.removed} replaced" if result.removed else ""
            click.echo(f"{result.status:9} {result.path} ({result.chunks} chunks{extra})", err=True)
    click.echo(report.summary(), err=True)
    if report.failed:
        lines = [f.error or f.path for f in report.failed]
        raise click.ClickException(lines[0] if len(lines) == 1 else f"{len(lines)} files failed:\n  " + "\n  ".join(lines))


@kb.command()
@click.argument("query")
@click.option("--k", "k", type=click.IntRange(1, 100), default=5, show_default=True, help="How many hits.")
@click.option("--type", "objection_type", default=None, help=f"Objection type filter ({', '.join(_TYPES)}).")
@click.option("--stage", default=None, help="Stage filter (discovery, objection_handling, closing).")
@click.option("--language", default=None, help="Language filter (zh, en).")
@click.option("--mode", type=click.Choice(["hybrid", "dense", "keyword"]), default="hybrid", show_default=True)
@collection_option
@click.option("--json", "as_json", is_flag=True, help='Print [{"id", "text", "source", "score", "metadata"}].')
@user_errors
def search(query: str, k: int, objection_type: str | None, stage: str | None, language: str | None, mode: str, collection: str | None, as_json: bool) -> None:
    """Search the playbook with a customer's words (Chinese or English)."""
    filters = {key: value for key, value in (("objection_type", objection_type), ("stage", stage), ("language", language)) if value}
    hits = _kb(collection).search(query, k=k, filters=filters or None, mode=mode)
    if as_json:
        click.echo(json.dumps([hit.model_dump() for hit in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo("no matching chunks" + (f" for filters {filters}" if filters else ""), err=True)
        return
    for rank, hit in enumerate(hits, start=1):
        meta = hit.metadata
        tags = " · ".join(v for v in (meta.get("objection_type"), meta.get("stage"), meta.get("language")) if v)
        click.echo(f"{rank}. [{hit.score:.3f}] {meta.get('section') or Path(hit.source).name}  ({tags})  id={hit.id}")
        click.echo("   " + " ".join(hit.text.split())[:300])
        click.echo(f"   {Path(hit.source).name}")


@kb.command()
@collection_option
@click.option("--json", "as_json", is_flag=True)
@user_errors
def stats(collection: str | None, as_json: bool) -> None:
    """Files, chunks and chunk counts by objection type, stage and language."""
    info = _kb(collection).stats()
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    click.echo(f"{info['collection']} in {info['directory']} ({info['embedder']}): {info['files']} files, {info['chunks']} chunks")
    for key in ("objection_type", "stage", "language"):
        click.echo(f"  {key}: " + ", ".join(f"{k} {v}" for k, v in info[key].items()))


@kb.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@collection_option
@user_errors
def remove(paths: tuple[Path, ...], collection: str | None) -> None:
    """Take ingested files out of the collection."""
    removed = _kb(collection).remove(paths)
    click.echo(f"removed {removed} chunks", err=True)


@kb.command()
@collection_option
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@user_errors
def drop(collection: str | None, yes: bool) -> None:
    """Delete a whole collection."""
    knowledge_base = _kb(collection)
    if not yes:
        click.confirm(f"delete collection {knowledge_base.collection!r} in {knowledge_base.directory}?", abort=True)
    knowledge_base.drop()
    click.echo(f"dropped {knowledge_base.collection}", err=True)


@kb.command()
@click.argument("chunk_id")
@click.argument("event", type=click.Choice(["shown", "used", "ignored"]))
@click.option("--conversation", "conversation_id", default=None, help="Conversation the suggestion was shown in.")
@click.option("--type", "objection_type", default=None, help="Objection type the script answered (default: the chunk's own).")
@click.option("--suggestion", "suggestion_id", default=None)
@collection_option
@user_errors
def feedback(chunk_id: str, event: str, conversation_id: str | None, objection_type: str | None, suggestion_id: str | None, collection: str | None) -> None:
    """Record that a suggested script was shown, used or ignored (what the service does on a rep's click)."""
    from knowledge_base import KnowledgeBaseError

    knowledge_base = _kb(collection)
    label = None
    try:
        found = knowledge_base.get([chunk_id])
    except KnowledgeBaseError:
        found = []
    if found:
        label = found[0].section or found[0].text[:40]
        objection_type = objection_type or found[0].objection_type or None
    event_id = _usage_log().record(
        event, chunk_id, objection_type=objection_type, conversation_id=conversation_id,
        suggestion_id=suggestion_id, script=label, collection=knowledge_base.collection,
    )
    click.echo(f"recorded event {event_id}: {event} {chunk_id}" + ("" if found else " (not in the collection)"), err=True)


@kb.command()
@click.argument("conversation_id")
@click.argument("outcome", type=click.Choice(["won", "lost"]))
@user_errors
def outcome(conversation_id: str, outcome: str) -> None:
    """Report how a conversation ended (won or lost), for the win rates of the heatmap."""
    _usage_log().set_outcome(conversation_id, outcome)
    click.echo(f"{conversation_id}: {outcome}", err=True)


@kb.command()
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None, help="FILE.png or FILE.html; default: a table on stdout.")
@collection_option
@user_errors
def heatmap(output: Path | None, collection: str | None) -> None:
    """Script usage x objection type, with the win rate of conversations where each script was used."""
    from knowledge_base import KnowledgeBaseError
    from knowledge_base.heatmap import render, text_table

    knowledge_base = _kb(collection)
    cells = _usage_log().heatmap(collection=knowledge_base.collection)
    try:  # name scripts by their section where the collection still has them
        chunks = knowledge_base.get(list({cell.chunk_id for cell in cells}))
        labels = {c.id: c.section or c.text[:40] for c in chunks}
        for cell in cells:
            cell.script = labels.get(cell.chunk_id, cell.script)
    except KnowledgeBaseError:
        pass
    if output is None:
        click.echo(text_table(cells))
        return
    render(cells, output)
    click.echo(f"wrote {output} ({len({c.chunk_id for c in cells})} scripts)", err=True)


COMMANDS = [kb]
