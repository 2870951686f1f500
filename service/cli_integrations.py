"""`dealwise import wecom-archive`: thin commands over the integrations package."""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import click

from service.cli_common import user_errors, write_atomically

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def _file_name(conversation_id: str) -> str:
    """A portable file name per chat; the hash keeps two ids that sanitize alike apart."""
    readable = _UNSAFE.sub("_", conversation_id.removeprefix("wecom-archive:"))[:80].strip("_") or "chat"
    return f"{readable}-{hashlib.sha1(conversation_id.encode()).hexdigest()[:8]}.json"


@click.group("import")
def import_group() -> None:
    """Import chats from other systems as Conversations."""


@import_group.command("wecom-archive")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=True))
@click.option("--rep-ids", default=None, metavar="a,b", help="Internal user ids who are reps (default: every internal id).")
@click.option("--non-text", type=click.Choice(["placeholder", "skip"]), default="placeholder", show_default=True,
              help='Images, files, voice…: keep as "[image]"-style placeholders, or drop them.')
@click.option("-o", "--output", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Write one Conversation JSON per chat into DIR (default: JSON lines on stdout).")
@user_errors
def wecom_archive(source: Path, rep_ids: str | None, non_text: str, output: Path | None) -> None:
    """WeCom 会话内容存档 export (JSON lines) -> one Conversation per chat (roomid, or the pair in a 1:1 chat)."""
    from integrations import import_wecom_archive

    reps = [r.strip() for r in rep_ids.split(",") if r.strip()] if rep_ids is not None else None
    result = import_wecom_archive(source, rep_ids=reps, non_text=non_text)
    for conversation in result.conversations:
        text = conversation.model_dump_json(indent=2 if output else None, exclude_none=True)
        if output:
            write_atomically(output / _file_name(conversation.id or "chat"), text)
        else:
            click.echo(text)
    s = result.summary
    click.echo(
        f"imported {s.conversations} conversation(s), {s.messages} message(s) from {source}"
        + (f" into {output}" if output else "")
        + f"; {s.placeholders} placeholder(s), {s.skipped_non_text} non-text skipped, {s.recalled} recalled, "
        f"{s.duplicates} duplicate(s), {s.events} event(s), {len(s.bad_lines)} bad line(s)",
        err=True,
    )
    for bad in s.bad_lines[:20]:
        click.echo(f"  line {bad.line}: {bad.reason}", err=True)
    if len(s.bad_lines) > 20:
        click.echo(f"  … and {len(s.bad_lines) - 20} more", err=True)
    sys.stdout.flush()


COMMANDS = [import_group]
