"""Readable terminal summaries (rich) of an analysis and of a cohort's DNA."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from behavior import FEATURES, GROUPS, Analysis

# The features a rep or coach looks at first; the full set is in --json.
KEY_FEATURES = [
    "conversation_duration_s", "talk_ratio", "longest_monologue_s", "interruption_count", "patience_s",
    "rep_question_count", "rep_open_question_count", "speaker_switches_per_min", "first_pain_point_latency_s",
    "objection_open_question_share", "stall_trial_offer_latency_s", "stall_trial_offer_within_90s", "next_step_set",
]


def _value(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def print_analysis(analysis: Analysis, console: Console | None = None) -> None:
    console = console or Console()
    conversation = analysis.conversation
    console.print(f"[bold]{conversation.id or 'conversation'}[/] · {conversation.channel} · {conversation.language} · {len(conversation.segments)} segments")
    roles = {p.speaker: p.role for p in conversation.participants}
    tags = {tag.segment: tag.labels for tag in analysis.objections}
    for index, segment in enumerate(conversation.segments):
        chips = f" [red]⟨{', '.join(tags[index])}⟩[/]" if index in tags else ""
        console.print(f"[dim]{segment.start:7.1f}s[/] [bold]{roles[segment.speaker]:8}[/] {escape(segment.text)}{chips}")
    table = Table("feature", "value", "definition", title="Key behaviors", title_justify="left")
    for key in KEY_FEATURES:
        table.add_row(key, _value(analysis.features[key]), FEATURES[key].zh)
    console.print(table)
    if analysis.objections:
        tags = Table("#", "time", "labels", "evidence", title="Customer objections", title_justify="left")
        for tag in analysis.objections:
            segment = conversation.segments[tag.segment]
            evidence = " / ".join(tag.evidence.values())
            tags.add_row(str(tag.segment), f"{segment.start:.0f}s", ", ".join(tag.labels), evidence)
        console.print(tags)
    else:
        console.print("No customer objections.")
    for hint in analysis.hints:
        style = "yellow" if hint.severity == "warning" else "cyan"
        console.print(f"[{style}]• {hint.zh}[/]  [dim]{hint.en}[/]")
    console.print(f"[dim]{len(analysis.features)} features in total across {len(GROUPS)} groups: use --json for all of them.[/]")


def print_dna(result, console: Console | None = None) -> None:
    console = console or Console()
    console.print(f"[bold]Cohort DNA[/]: {result.n_won} won, {result.n_lost} lost" + (f", excluded {result.excluded}" if result.excluded else ""))
    for headline in result.headlines:
        console.print(f"• {headline.zh}\n  [dim]{headline.en}[/]")
    table = Table("rank", "feature", "won", "lost", "effect", "q", title="Top differentiating behaviors", title_justify="left")
    for key in result.top[:15]:
        stat = result.feature(key)
        table.add_row(str(stat.rank), key, _side(stat, "won"), _side(stat, "lost"), _value(stat.effect), f"{stat.q:.2g}")
    console.print(table)


def _side(stat, cohort: str) -> str:
    """The cohort's share for a behavior, its median for a number."""
    rate = getattr(stat, f"{cohort}_rate")
    return f"{rate:.0%}" if rate is not None else _value(getattr(stat, f"{cohort}_median"))
