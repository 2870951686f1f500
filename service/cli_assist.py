"""`dealwise suggest | assist email|minutes|intel`: thin commands over agent.suggest and agent.assist.

The knowledge base is the one in DEALWISE_DATA_DIR/kb (DEALWISE_KB_COLLECTION, DEALWISE_EMBEDDING_BACKEND);
the LLM is the one configured by DEALWISE_LLM_* (none by default: retrieval and templates only).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click

from service.cli_common import user_errors
from service.config import get_settings


def _knowledge_base(kb_dir: Path | None):
    """The knowledge base to search; a clear error when it has not been built yet."""
    from knowledge_base import KnowledgeBase

    settings = get_settings()
    directory = kb_dir or settings.kb_dir
    if not Path(directory).is_dir():
        raise click.ClickException(f"no knowledge base at {directory}: build one first with `dealwise kb ingest examples/kb`")
    return KnowledgeBase(Path(directory), embedder=settings.embedding_backend, collection=settings.kb_collection)


def _llm(no_llm: bool):
    if no_llm:
        return None
    from llm import get_chat_model

    s = get_settings()
    return get_chat_model(s.llm_provider, s.llm_base_url, s.llm_model, s.llm_api_key, s.llm_timeout_s, models_dir=s.models_dir)


def _tagger(detector: str):
    from behavior import get_tagger

    return get_tagger(detector, str(get_settings().models_dir))


def _usage_hook(kb):
    """Record "shown" events in the knowledge base's usage log, when it has one; never fails a suggestion."""
    log_usage = getattr(kb, "record_shown", None) or getattr(getattr(kb, "usage", None), "record_shown", None)
    if log_usage is None:
        return None

    def shown(conversation, suggestions) -> None:
        for suggestion in suggestions:
            for chunk_id in suggestion.citations:
                log_usage(chunk_id, conversation_id=conversation.id)

    return shown


def _load(source: Path):
    from service.cli_behavior import load_any

    return load_any(source, None)


def _quiet_llm_logs(verbose: bool) -> None:
    # Fallbacks (an LLM answer discarded, a timeout) are normal operation: say so only with --verbose.
    logging.basicConfig(level=logging.INFO if verbose else logging.ERROR, format="%(levelname)s %(name)s: %(message)s")


_COMMON = [
    click.option("--kb", "kb_dir", type=click.Path(path_type=Path, file_okay=False), default=None, help="Knowledge-base directory (default: DEALWISE_DATA_DIR/kb)."),
    click.option("--no-llm", is_flag=True, help="Ignore DEALWISE_LLM_*: retrieval and templates only."),
    click.option("--detector", type=click.Choice(["hybrid", "lexicon"]), default="hybrid", show_default=True, help="Objection detector."),
    click.option("--verbose", is_flag=True, help="Log why an LLM answer was discarded or fell back."),
]


def _common(command):
    for option in reversed(_COMMON):
        command = option(command)
    return command


@click.command()
@click.argument("conversation", type=click.Path(path_type=Path))
@click.option("--at", "at", type=int, default=None, help="Segment index: suggest what to say after this segment (default: the last).")
@click.option("-k", "k", type=click.IntRange(1, 10), default=3, show_default=True, help="How many suggestions.")
@click.option("--json", "as_json", is_flag=True, help="Print the suggestions as JSON.")
@_common
@user_errors
def suggest(conversation: Path, at: int | None, k: int, as_json: bool, kb_dir: Path | None, no_llm: bool, detector: str, verbose: bool) -> None:
    """The next best things to say, given the conversation up to segment --at."""
    from agent.suggest import suggest as run_suggest

    _quiet_llm_logs(verbose)
    conv = _load(conversation)
    if at is not None and not 0 <= at < len(conv.segments):
        raise click.ClickException(f"--at {at} is out of range: {conversation} has segments 0..{len(conv.segments) - 1}")
    kb = _knowledge_base(kb_dir)
    settings = get_settings()
    results = run_suggest(
        conv, at, kb=kb, llm=_llm(no_llm), tagger=_tagger(detector), k=k, llm_timeout=settings.llm_timeout_s, on_shown=_usage_hook(kb)
    )
    if as_json:
        click.echo(json.dumps([s.model_dump() for s in results], ensure_ascii=False, indent=2))
        return
    for number, s in enumerate(results, start=1):
        click.echo(f"{number}. {s.text}")
        click.echo(f"   {s.objection_type or '-'} · score {s.score:.2f} · {', '.join(s.citations)}")
        click.echo(f"   {s.reason}")


@click.group()
def assist() -> None:
    """The assistant: follow-up email, meeting minutes, competitive intel."""


@assist.command()
@click.argument("conversation", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@_common
@user_errors
def email(conversation: Path, as_json: bool, kb_dir: Path | None, no_llm: bool, detector: str, verbose: bool) -> None:
    """Draft a follow-up email: problems discussed, answers to objections, next steps with dates."""
    from agent.assist import draft_email

    _quiet_llm_logs(verbose)
    conv = _load(conversation)
    kb = _knowledge_base(kb_dir) if (kb_dir or get_settings().kb_dir).is_dir() else None  # optional here
    draft = draft_email(conv, kb=kb, llm=_llm(no_llm), tagger=_tagger(detector), llm_timeout=get_settings().llm_timeout_s)
    if as_json:
        click.echo(draft.model_dump_json(indent=2))
    else:
        click.echo(f"Subject: {draft.subject}\n\n{draft.body}")


@assist.command()
@click.argument("conversation", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@_common
@user_errors
def minutes(conversation: Path, as_json: bool, kb_dir: Path | None, no_llm: bool, detector: str, verbose: bool) -> None:
    """Meeting minutes: summary, decisions, action items with owner and date."""
    from agent.assist import minutes as run_minutes

    _quiet_llm_logs(verbose)
    result = run_minutes(_load(conversation), llm=_llm(no_llm), tagger=_tagger(detector), llm_timeout=get_settings().llm_timeout_s)
    if as_json:
        click.echo(result.model_dump_json(indent=2))
        return
    zh = result.language == "zh"
    click.echo(("摘要：" if zh else "Summary: ") + result.summary)
    click.echo("\n" + ("决定：" if zh else "Decisions:"))
    for decision in result.decisions or ["-"]:
        click.echo(f"- {decision}")
    click.echo("\n" + ("待办：" if zh else "Action items:"))
    for item in result.action_items:
        due = item.due.isoformat() if item.due else (item.due_text or "-")
        click.echo(f"- [{item.owner}] {item.task}  ({due})")
    if not result.action_items:
        click.echo("- -")


@assist.command()
@click.argument("conversation", type=click.Path(path_type=Path), required=False)
@click.option("-q", "--question", default=None, help="Ask a question instead of reading one from a conversation.")
@click.option("--json", "as_json", is_flag=True)
@_common
@user_errors
def intel(conversation: Path | None, question: str | None, as_json: bool, kb_dir: Path | None, no_llm: bool, detector: str, verbose: bool) -> None:
    """Competitive intel from the knowledge base, for a conversation's competitor remark or a --question."""
    from agent.assist import intel as run_intel

    _quiet_llm_logs(verbose)
    if (conversation is None) == (question is None):
        raise click.UsageError("give either a CONVERSATION or --question")
    subject = question if question is not None else _load(conversation)
    answer = run_intel(subject, _knowledge_base(kb_dir), llm=_llm(no_llm), tagger=_tagger(detector), llm_timeout=get_settings().llm_timeout_s)
    if as_json:
        click.echo(answer.model_dump_json(indent=2))
    else:
        click.echo(f"Q: {answer.question}\n\n{answer.answer}\n\n[{', '.join(answer.citations)}]")


COMMANDS = [suggest, assist]
