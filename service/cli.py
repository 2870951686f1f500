"""The `dealwise` command line: a thin layer over the package APIs.

Every user error becomes one `error: ...` line on stderr and a non-zero exit; a traceback is only
shown when DEALWISE_DEBUG=1 is set.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from conversation import Conversation, conversation_json_schema
from service.cli_common import user_errors, write_atomically
from service.config import get_settings

_SCHEMAS = {"conversation": conversation_json_schema}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """dealwise: conversation intelligence for sales calls and chats."""


@main.command()
@click.argument("name", type=click.Choice(sorted(_SCHEMAS)))
def schema(name: str) -> None:
    """Print the JSON Schema of a dealwise contract."""
    click.echo(json.dumps(_SCHEMAS[name](), ensure_ascii=False, indent=2))


def _engine_choices() -> list[str]:
    from speech import engine_names

    return engine_names()


@main.command()
@click.argument("audio", type=click.Path(path_type=Path))
@click.option("--language", default=None, help="zh, en or auto (default: DEALWISE_LANGUAGE or auto).")
@click.option(
    "--stereo",
    type=click.Choice(["rep-left", "rep-right"]),
    default=None,
    help="2-channel call recording: which channel is the rep (exact attribution).",
)
@click.option("--speakers", type=click.IntRange(1, 10), default=2, show_default=True, help="Voices in a mono recording.")
@click.option("--rep-speaker", default=None, help="Override role assignment: the diarized speaker (e.g. spk2) who is the rep.")
@click.option("--engine", type=click.Choice(_engine_choices()), default=None, help="ASR engine (default: DEALWISE_ASR_ENGINE).")
@click.option("--json", "as_json", is_flag=True, help="Print the Conversation JSON on stdout.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Write the Conversation JSON to FILE.")
@user_errors
def transcribe(
    audio: Path,
    language: str | None,
    stereo: str | None,
    speakers: int,
    rep_speaker: str | None,
    engine: str | None,
    as_json: bool,
    output: Path | None,
) -> None:
    """Transcribe a call recording into a Conversation with rep/customer attribution."""
    from speech import TranscribeOptions, probe
    from speech import transcribe as run_transcription

    settings = get_settings()
    info = probe(audio)  # fail fast on a bad file, before any model loads
    options = TranscribeOptions(
        language=language or settings.language,
        stereo=stereo,
        speakers=speakers,
        rep_speaker=rep_speaker,
        engine=engine or settings.asr_engine,
        engine_config=settings.engine_config(),
    )
    with _progress(info.duration) as progress:
        conversation = run_transcription(audio, options, progress=progress)
    if output:
        write_atomically(output, conversation.model_dump_json(indent=2, exclude_none=True))
        click.echo(f"wrote {output} ({len(conversation.segments)} segments)", err=True)
    if as_json:
        click.echo(conversation.model_dump_json(indent=2, exclude_none=True))
    elif not output:
        click.echo(format_transcript(conversation))


class _progress:
    """A progress bar on stderr for audio longer than a minute; a no-op callback otherwise."""

    def __init__(self, total: float | None):
        self.total = total
        self._bar = None

    def __enter__(self):
        if not self.total or self.total < 60:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self._bar = Progress(
            TextColumn("transcribing"),
            BarColumn(),
            TextColumn("{task.completed:.0f}/{task.total:.0f} s"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._bar.start()
        task = self._bar.add_task("asr", total=self.total)
        return lambda done, total: self._bar.update(task, completed=min(done, self.total))

    def __exit__(self, *exc):
        if self._bar:
            self._bar.stop()


def format_transcript(conversation: Conversation) -> str:
    """One line per segment: [mm:ss.s-mm:ss.s] role (speaker): text."""
    roles = {p.speaker: p.role for p in conversation.participants}
    lines = [
        f"# {conversation.metadata.get('source', 'conversation')} · language {conversation.language} · "
        f"{len(conversation.segments)} segments · attribution {conversation.metadata.get('attribution', '-')}"
    ]
    for s in conversation.segments:
        who = roles[s.speaker] if roles[s.speaker] == s.speaker else f"{roles[s.speaker]} ({s.speaker})"
        lines.append(f"[{_clock(s.start)}-{_clock(s.end)}] {who}: {s.text}")
    if not conversation.segments:
        lines.append("(no speech found)")
    return "\n".join(lines)


def _clock(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{int(minutes):02d}:{secs:04.1f}"


def _register_commands() -> None:
    import importlib

    for module in ("service.cli_behavior", "service.cli_kb", "service.cli_agent", "service.cli_assist", "service.cli_service", "service.cli_integrations"):
        for command in importlib.import_module(module).COMMANDS:
            main.add_command(command)


_register_commands()

if __name__ == "__main__":
    main()
