"""`dealwise agent | actions | rules | audit`: thin commands over the agent package."""

from __future__ import annotations

import json
from pathlib import Path

import click

from service.cli_common import user_errors
from service.config import get_settings


def _engine():
    import agent.store  # noqa: F401 - registers the agent tables on storage.Base
    from storage import create_schema, make_engine

    engine = make_engine(get_settings().database)
    create_schema(engine)
    return engine


def _connectors(engine):
    from agent import Connectors, load_connectors

    settings = get_settings()
    return Connectors(engine, load_connectors(settings.connectors), settings.webhook_secret)


def _dump(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _line(action) -> str:
    rule = action.rule_id or "-"
    extra = ""
    if action.status == "failed" and action.result:
        extra = f"  ({action.result.get('error')})"
    return f"{action.id}  {action.status:16} {action.tool:24} rule {rule}{extra}"


def _suggester():
    """Knowledge-base advice for `agent run` (agent.suggest over the configured playbook), or None when the
    suggestion or knowledge-base package is not installed. A failure while suggesting becomes a note."""
    try:
        from agent.suggest import suggest
        from knowledge_base import KnowledgeBase
    except ImportError:
        return None
    settings = get_settings()
    return lambda conversation: suggest(conversation, kb=KnowledgeBase(settings.kb_dir))


# -- agent -----------------------------------------------------------------------------------------


@click.group("agent")
def agent_group() -> None:
    """Run the sales agent on a conversation and a deal."""


@agent_group.command("run")
@click.argument("conversation", type=click.Path(path_type=Path))
@click.option("--deal", "deal_path", required=True, type=click.Path(path_type=Path), help="Deal context JSON.")
@click.option("--rules", "rules_path", type=click.Path(path_type=Path), default=None, help="Rule YAML (default: DEALWISE_RULES or the bundled set).")
@click.option("--no-suggestions", is_flag=True, help="Skip knowledge-base suggestions.")
@click.option("--json", "as_json", is_flag=True, help='Print {"actions": [...], "suggestions": [...]}.')
@user_errors
def agent_run(conversation: Path, deal_path: Path, rules_path: Path | None, no_suggestions: bool, as_json: bool) -> None:
    """Evaluate the rules and carry out the allowed actions (once: a second run executes nothing again)."""
    from agent import load_deal, load_rules, run
    from service.cli_behavior import load_any

    # Everything that can be wrong with the input is checked before anything is written.
    deal = load_deal(deal_path)
    rules = load_rules(rules_path or get_settings().rules)
    engine = _engine()
    connectors = _connectors(engine)
    conv = load_any(conversation, None)
    result = run(conv, deal, rules, engine, connectors=connectors, suggest=None if no_suggestions else _suggester())
    if as_json:
        _dump(result.contract())
        return
    fired = [e.rule_id for e in result.rules if e.fired]
    click.echo(f"deal {result.deal_id}: {len(fired)} rule(s) fired: {', '.join(fired) or 'none'}")
    for action in result.actions:
        click.echo("  " + _line(action))
    if not result.actions:
        click.echo("  no action")
    for proposal in result.proposals:
        click.echo(f"  llm proposed {proposal.tool}: {proposal.decision} ({proposal.reason})")
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    for suggestion in result.suggestions:
        text = getattr(suggestion, "text", None) or (suggestion.get("text") if isinstance(suggestion, dict) else str(suggestion))
        click.echo(f"  suggestion: {text}")


# -- actions ---------------------------------------------------------------------------------------


@click.group("actions")
def actions_group() -> None:
    """List, approve, reject, retry and record actions."""


@actions_group.command("list")
@click.option("--deal", "deal_id", default=None, help="Only this deal.")
@click.option("--status", type=click.Choice(["executing", "executed", "pending_approval", "blocked", "failed", "rejected"]), default=None)
@click.option("--json", "as_json", is_flag=True)
@user_errors
def actions_list(deal_id: str | None, status: str | None, as_json: bool) -> None:
    """Stored actions, oldest first."""
    from agent import list_actions

    rows = list_actions(_engine(), deal_id=deal_id, status=status)
    if as_json:
        _dump([r.model_dump(mode="json") for r in rows])
        return
    for row in rows:
        who = f"  by {row.decided_by}" if row.decided_by else ""
        click.echo(f"{_line(row)}  deal {row.deal_id}  [{row.source}]{who}")
    if not rows:
        click.echo("no actions")


def _show(record, as_json: bool, verb: str) -> None:
    if as_json:
        _dump(record.model_dump(mode="json"))
    else:
        click.echo(f"{verb}: {_line(record)}")
    if record.status == "failed":
        raise SystemExit(1)


@actions_group.command("approve")
@click.argument("action_id")
@click.option("--by", required=True, help="Who approves (audited).")
@click.option("--json", "as_json", is_flag=True)
@user_errors
def actions_approve(action_id: str, by: str, as_json: bool) -> None:
    """Approve a pending action: it runs now. Exit 1 if its connector fails (it is then `failed`, retry later)."""
    from agent import approve

    engine = _engine()
    _show(approve(engine, _connectors(engine), action_id, by), as_json, "approved")


@actions_group.command("reject")
@click.argument("action_id")
@click.option("--by", required=True, help="Who rejects (audited).")
@click.option("--reason", default="", help="Why (audited).")
@click.option("--json", "as_json", is_flag=True)
@user_errors
def actions_reject(action_id: str, by: str, reason: str, as_json: bool) -> None:
    """Reject a pending action: it never runs."""
    from agent import reject

    _show(reject(_engine(), action_id, by, reason), as_json, "rejected")


@actions_group.command("retry")
@click.argument("action_id")
@click.option("--by", required=True, help="Who retries (audited).")
@click.option("--json", "as_json", is_flag=True)
@user_errors
def actions_retry(action_id: str, by: str, as_json: bool) -> None:
    """Run a failed action again (same idempotency key). Exit 1 if it fails again."""
    from agent import retry

    engine = _engine()
    _show(retry(engine, _connectors(engine), action_id, by), as_json, "retried")


@actions_group.command("record-manual")
@click.argument("tool")
@click.option("--deal", "deal_id", required=True, help="The deal's id.")
@click.option("--by", required=True, help="Who did it.")
@click.option("--args", "args_json", default=None, help="What was done, as a JSON object.")
@click.option("--note", default="", help="Free text.")
@click.option("--json", "as_json", is_flag=True)
@user_errors
def actions_record_manual(tool: str, deal_id: str, by: str, args_json: str | None, note: str, as_json: bool) -> None:
    """Record an action a person did by hand (feeds the takeover rate and rule blind spots)."""
    from agent import record_manual

    args = None
    if args_json:
        try:
            args = json.loads(args_json)
        except json.JSONDecodeError as error:
            raise click.ClickException(f"--args: invalid JSON: {error}") from None
        if not isinstance(args, dict):
            raise click.ClickException("--args: a JSON object, e.g. '{\"stage\": \"won\"}'")
    record, created = record_manual(_engine(), tool, deal_id, by, args, note)
    if as_json:
        _dump(record.model_dump(mode="json"))
    else:
        click.echo(f"{'recorded' if created else 'already recorded'}: {record.id}  {record.tool}  deal {record.deal_id}")


# -- rules -----------------------------------------------------------------------------------------


@click.group("rules")
def rules_group() -> None:
    """Validate and inspect action rules."""


@rules_group.command("check")
@click.argument("path", type=click.Path(path_type=Path), required=False)
@user_errors
def rules_check(path: Path | None) -> None:
    """Validate a rule file (default: DEALWISE_RULES or the bundled set); every problem with its line."""
    from agent.rules import RulesError, load_rules

    try:
        ruleset = load_rules(path or get_settings().rules)
    except RulesError as error:
        for problem in error.problems[:-1]:  # every problem, in line order; the last one exits
            click.echo(f"Error: {problem}", err=True)
        raise click.ClickException(error.problems[-1]) from None
    click.echo(f"{ruleset.source}: {len(ruleset.rules)} rules OK")
    for rule in ruleset.rules:
        click.echo(f"  {rule.id:28} approval {rule.approval:8} -> {', '.join(rule.then)}")


@rules_group.command("fields")
def rules_fields() -> None:
    """Every name a `when` expression may read, and the tools a rule may name."""
    from agent.rules import FUNCTIONS, namespace_fields
    from agent.tools import TOOLS

    for namespace, names in namespace_fields().items():
        click.echo(f"{namespace}: {', '.join(names)}")
    click.echo(f"functions: {', '.join(FUNCTIONS)}")
    click.echo(f"tools: {', '.join(TOOLS)}")


# -- audit -----------------------------------------------------------------------------------------


@click.group("audit")
def audit_group() -> None:
    """The hash-chained audit log: verify it, report on it, read it."""


@audit_group.command("verify")
@click.option("--json", "as_json", is_flag=True)
@user_errors
def audit_verify(as_json: bool) -> None:
    """Recompute the hash chain; exit 1 and name each edited or deleted entry if it is broken."""
    from agent import verify

    result = verify(_engine())
    if as_json:
        _dump(result.model_dump(mode="json"))
    elif result.ok:
        click.echo(f"audit log intact: {result.entries} entries, head {result.head}")
    else:
        for problem in result.problems:
            click.echo(f"TAMPERED: {problem.detail}")
    if not result.ok:
        raise SystemExit(1)


@audit_group.command("report")
@click.option("--json", "as_json", is_flag=True)
@user_errors
def audit_report(as_json: bool) -> None:
    """Takeover rate, interception precision, success rate, human interventions, rule blind spots."""
    from agent import report

    result = report(_engine())
    if as_json:
        _dump(result.model_dump(mode="json"))
        return
    for name in ("takeover_rate", "interception_precision", "success_rate"):
        ratio = getattr(result, name)
        value = "n/a" if ratio.value is None else f"{ratio.value:.1%}"
        click.echo(f"{name.replace('_', ' ')}: {value} ({ratio.numerator}/{ratio.denominator})")
        click.echo(f"    = {ratio.definition}")
    hi = result.human_interventions
    click.echo(f"human interventions: {hi['total']} (approvals {hi['approvals']}, rejections {hi['rejections']}, "
               f"retries {hi['retries']}, manual actions {hi['manual_actions']})")
    for rule_id, count in hi["by_rule"].items():
        click.echo(f"    rule {rule_id}: {count}")
    click.echo("rule blind spots (done by hand, no rule fired):" + ("" if result.blind_spots else " none"))
    for spot in result.blind_spots:
        click.echo(f"    {spot.tool}: {spot.count} on {', '.join(spot.deals)}")
    click.echo("actions by status: " + (", ".join(f"{k} {v}" for k, v in result.actions_by_status.items()) or "none"))


@audit_group.command("log")
@click.option("--deal", "deal_id", default=None)
@click.option("--action", "action_id", default=None)
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@user_errors
def audit_log(deal_id: str | None, action_id: str | None, limit: int, as_json: bool) -> None:
    """The newest audit entries (PII-masked as stored)."""
    from agent import entries

    rows = entries(_engine(), deal_id=deal_id, action_id=action_id, limit=limit)
    if as_json:
        _dump([r.model_dump(mode="json") for r in rows])
        return
    for row in rows:
        click.echo(f"#{row.seq:<5} {row.at}  {row.kind:10} {row.actor:12} {row.action_id or '-':12} {json.dumps(row.data, ensure_ascii=False)[:160]}")


COMMANDS = [agent_group, actions_group, rules_group, audit_group]
