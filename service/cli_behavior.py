"""`dealwise features | objections | analyze | dna | synth`: thin commands over the behavior package."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from service.cli_common import user_errors, write_atomically
from service.config import get_settings

AUDIO_SUFFIXES = {".wav", ".mp3", ".m4a", ".flac", ".ogg", ".amr", ".aac", ".opus", ".webm", ".mp4"}


@click.command()
@click.option("--list", "as_list", is_flag=True, help="List every feature with its definition.")
@click.option("--markdown", is_flag=True, help="Print the feature reference (docs/features.md).")
@click.option("--json", "as_json", is_flag=True, help="List the features as JSON.")
@user_errors
def features(as_list: bool, markdown: bool, as_json: bool) -> None:
    """The behavior feature registry."""
    from behavior import FEATURES, GROUPS

    if markdown:
        from behavior.docs import features_markdown

        click.echo(features_markdown())
    elif as_json:
        rows = [{k: v for k, v in f.__dict__.items() if k != "compute"} for f in FEATURES.values()]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif as_list:
        for group, (english, chinese) in GROUPS.items():
            click.echo(f"\n{english} · {chinese}")
            for f in (f for f in FEATURES.values() if f.group == group):
                click.echo(f"  {f.key:40} {f.kind:8} {f.unit or '-':14} {f.en}")
        click.echo(f"\n{len(FEATURES)} features")
    else:
        raise click.UsageError("say what to show: --list, --json or --markdown")


@click.group()
def objections() -> None:
    """Objection tags on customer turns."""


def _tagger(detector: str):
    from behavior import get_tagger

    return get_tagger(detector, str(get_settings().models_dir))


@objections.command("classify")
@click.argument("source", type=click.File("rb"), default="-")
@click.option("--detector", type=click.Choice(["hybrid", "lexicon"]), default="hybrid", show_default=True)
@user_errors
def classify(source, detector: str) -> None:
    """Tag JSON lines {"text", "role"} from FILE or stdin; one JSON line out per line in, in order."""
    from pydantic import ValidationError

    from behavior.objections import ObjectionItem

    items = []
    for number, raw in enumerate(source, start=1):
        if not raw.strip():
            continue
        try:
            items.append(ObjectionItem.model_validate_json(raw))
        except ValidationError as error:
            problem = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'line'}: {e['msg']}" for e in error.errors())
            raise click.ClickException(f"line {number}: {problem}") from None
    for result in _tagger(detector).classify(items):
        click.echo(result.model_dump_json())


@objections.command("train")
@user_errors
def train() -> None:
    """Train (or reuse) the embedding classifier on the bundled labelled set."""
    _tagger("hybrid")
    click.echo(f"objection classifier ready in {get_settings().models_dir}", err=True)


def load_any(path: Path, language: str | None):
    """A Conversation from a Conversation JSON, a chat export (JSON array / JSONL of messages) or audio."""
    from conversation import chat_to_conversation, load_conversation, parse_chat_export

    if path.suffix.lower() in AUDIO_SUFFIXES:
        from speech import TranscribeOptions, transcribe

        settings = get_settings()
        options = TranscribeOptions(language=language or settings.language, engine=settings.asr_engine, engine_config=settings.engine_config())
        return transcribe(path, options)
    if not path.is_file():
        raise click.ClickException(f"{path}: no such file")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: not UTF-8 text (re-export it as UTF-8)") from None
    if path.suffix.lower() == ".jsonl" or text.lstrip().startswith("["):
        return chat_to_conversation(parse_chat_export(text), language=language, conversation_id=path.stem)
    return load_conversation(path)


@click.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the analysis as JSON.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Also write an HTML report of this conversation.")
@click.option("--detector", type=click.Choice(["hybrid", "lexicon"]), default="hybrid", show_default=True)
@click.option("--language", default=None, help="For audio: zh, en or auto.")
@user_errors
def analyze(source: Path, as_json: bool, output: Path | None, detector: str, language: str | None) -> None:
    """Features, objection tags and coaching hints of one conversation (JSON, chat export or audio)."""
    from behavior import analyze as run_analysis

    analysis = run_analysis(load_any(source, language), _tagger(detector))
    if output:
        from behavior.report import render_conversation_report

        write_atomically(output, render_conversation_report(analysis))
        click.echo(f"wrote {output}", err=True)
    if as_json:
        click.echo(analysis.model_dump_json(indent=2, exclude_none=False))
    else:
        from service.summary import print_analysis

        print_analysis(analysis)


@click.command()
@click.argument("corpus", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write the coach's HTML report here.")
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@click.option("--detector", type=click.Choice(["lexicon", "hybrid"]), default="lexicon", show_default=True, help="Objection detector for the whole cohort.")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Processes (default: one per core).")
@user_errors
def dna(corpus: Path, out: Path | None, as_json: bool, detector: str, workers: int | None) -> None:
    """Won-vs-lost behavior DNA of a cohort (directory of Conversation JSON files, or JSONL)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from behavior.corpus import read_corpus
    from behavior.dna import cohort_dna
    from behavior.report import render_report

    data = read_corpus(corpus)
    for problem in data.problems:
        click.echo(f"skipped {problem}", err=True)
    if not data.conversations:
        raise click.ClickException(f"{corpus}: no usable conversation with an outcome ({_counts(data.skipped)})")
    bar = Progress(TextColumn("features"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=Console(stderr=True), transient=True, disable=not sys.stderr.isatty())
    with bar:
        task = bar.add_task("features", total=len(data.conversations))
        result = cohort_dna(
            data.conversations, excluded=dict(data.skipped), detector=detector,
            model_dir=get_settings().models_dir, workers=workers, progress=lambda n: bar.advance(task, n),
        )
    if out:
        write_atomically(out, render_report(result))
        click.echo(f"wrote {out}", err=True)
    if as_json:
        click.echo(result.model_dump_json(indent=2))
    else:
        from service.summary import print_dna

        print_dna(result)


def _counts(counter) -> str:
    return ", ".join(f"{n} {reason}" for reason, n in counter.items()) or "empty"


@click.command()
@click.option("--n", "count", type=click.IntRange(1, 1_000_000), default=1000, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--null", "null", is_flag=True, help="Outcomes independent of every behavior (a null corpus).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write JSONL here (default: stdout).")
@user_errors
def synth(count: int, seed: int, null: bool, output: Path | None) -> None:
    """Generate labelled conversations (zh and en) with planted behavior effects of known size."""
    from behavior.synth import synthesize

    lines = "\n".join(c.model_dump_json(exclude_none=True) for c in synthesize(count, seed, null=null))
    if output:
        write_atomically(output, lines)
        click.echo(f"wrote {count} conversations to {output}", err=True)
    else:
        click.echo(lines)


@click.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--config", "config", type=click.Path(path_type=Path, dir_okay=False), help="Tracker JSON (default: DEALWISE_TRACKERS or the bundled set).")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@user_errors
def trackers(source: Path, config: Path | None, as_json: bool) -> None:
    """Flag the phrases your team tracks (keyword and semantic) in a conversation."""
    from behavior.trackers import DEFAULT_TRACKERS, load_trackers, track
    from embeddings import get_embedder

    conversation = load_any(source, None)
    chosen = load_trackers(config or get_settings().trackers or DEFAULT_TRACKERS)
    embed = get_embedder("e5").queries if any(t.kind == "semantic" for t in chosen) else None
    hits = track(conversation, chosen, embed)
    if as_json:
        click.echo(json.dumps([hit.model_dump() for hit in hits], ensure_ascii=False, indent=2))
        return
    for hit in hits:
        segment = conversation.segments[hit.segment]
        click.echo(f"{segment.start:7.1f}s  {hit.tracker}  [{hit.phrase} {hit.score:.2f}]  {segment.text}")
    if not hits:
        click.echo("no tracked phrase found")


COMMANDS = [features, objections, analyze, dna, synth, trackers]
