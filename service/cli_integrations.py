"""`dealwise import wecom-archive` and `dealwise integrations set|show`: thin commands over the integrations package.

Platform credentials are stored encrypted (service/integration_store.py); `show` never prints a secret whole.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import TypeVar

import click
from pydantic import BaseModel

from service.cli_common import user_errors, write_atomically

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
M = TypeVar("M", bound=BaseModel)


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


@click.group("integrations")
def integrations_group() -> None:
    """WeCom and DingTalk settings per tenant (callback URLs: /integrations/{wecom|dingtalk}/TENANT/...)."""


@integrations_group.group("set")
def set_group() -> None:
    """Store a tenant's platform credentials (replacing earlier ones), encrypted at rest."""


def _csv(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def _settings(kind: type[M], **values: object) -> M:
    """The settings model, or one readable line per bad option (not pydantic's report)."""
    from pydantic import ValidationError

    try:
        return kind(**values)
    except ValidationError as error:
        problems = []
        for problem in error.errors():
            message = problem["msg"].removeprefix("Value error, ")
            where = "-".join(str(part) for part in problem["loc"]).replace("_", "-")
            problems.append(f"--{where}: {message}" if where else message)
        raise click.UsageError("; ".join(problems)) from None


def _save(tenant_id: str, credentials: BaseModel) -> None:
    from service import crud
    from service.config import get_settings
    from service.integration_store import fernet, masked, save_settings
    from service.runtime import Runtime

    settings = get_settings()
    with Runtime(settings).session() as session:
        try:
            save_settings(session, tenant_id, credentials, fernet(settings))
        except crud.NotFound as error:
            raise click.ClickException(str(error)) from None
    click.echo(json.dumps({"tenant_id": tenant_id, **masked(credentials)}, ensure_ascii=False))


tenant_option = click.option("--tenant", "tenant_id", required=True, help="Tenant id (dealwise admin create-tenant).")
token_option = click.option("--token", required=True, help="Callback Token from the admin console.")
aes_key_option = click.option("--aes-key", required=True, help="Callback EncodingAESKey (43 characters).")


@set_group.command("wecom")
@tenant_option
@click.option("--corp-id", required=True, help="企业ID (the callbacks' receive id).")
@click.option("--agent-id", type=click.IntRange(0), required=True, help="The self-built app's AgentId.")
@click.option("--secret", required=True, help="The app's Secret (for application messages).")
@token_option
@aes_key_option
@click.option("--robot-webhook", default=None, help="Group robot key or webhook URL: prompts go to that group instead.")
@click.option("--notify", default=None, metavar="a,b", help="User ids that get prompts when a chat names no rep.")
@user_errors
def set_wecom(tenant_id: str, corp_id: str, agent_id: int, secret: str, token: str, aes_key: str,
              robot_webhook: str | None, notify: str | None) -> None:
    """WeCom self-built app: callbacks at /integrations/wecom/TENANT/callback."""
    from service.integration_store import WeComSettings

    _save(tenant_id, _settings(WeComSettings, corp_id=corp_id, agent_id=agent_id, secret=secret, token=token, aes_key=aes_key,
                               robot_webhook=robot_webhook, notify=_csv(notify)))


@set_group.command("dingtalk")
@tenant_option
@click.option("--app-key", required=True, help="AppKey (the callbacks' receive id unless --owner-key).")
@click.option("--app-secret", required=True, help="AppSecret (also signs outgoing-robot requests).")
@token_option
@aes_key_option
@click.option("--owner-key", default=None, help="Callback receive id when it is not the app key (the corp id).")
@click.option("--robot-webhook", default=None, help="Custom group robot access token or webhook URL (needs --robot-secret).")
@click.option("--robot-secret", default=None, help="The robot's signing secret (SEC…).")
@click.option("--agent-id", type=click.IntRange(0), default=None, help="The app's AgentId: prompts also go to reps as work notifications.")
@click.option("--notify", default=None, metavar="a,b", help="User ids that get work notifications when a chat names no rep.")
@user_errors
def set_dingtalk(tenant_id: str, app_key: str, app_secret: str, token: str, aes_key: str, owner_key: str | None,
                 robot_webhook: str | None, robot_secret: str | None, agent_id: int | None, notify: str | None) -> None:
    """DingTalk app: events at /integrations/dingtalk/TENANT/callback, outgoing robot at .../robot."""
    from service.integration_store import DingTalkSettings

    _save(tenant_id, _settings(DingTalkSettings, app_key=app_key, app_secret=app_secret, token=token, aes_key=aes_key,
                               owner_key=owner_key, robot_webhook=robot_webhook, robot_secret=robot_secret, agent_id=agent_id,
                               notify=_csv(notify)))


@integrations_group.command("show")
@tenant_option
@user_errors
def show(tenant_id: str) -> None:
    """A tenant's platform settings as JSON, secrets masked."""
    from service.config import get_settings
    from service.integration_store import fernet, list_settings, masked
    from service.models import Tenant
    from service.runtime import Runtime

    settings = get_settings()
    with Runtime(settings).session() as session:
        if session.get(Tenant, tenant_id) is None:
            raise click.ClickException(f"no tenant {tenant_id!r}")
        stored = list_settings(session, tenant_id, fernet(settings))
    click.echo(json.dumps(
        {"tenant_id": tenant_id, "integrations": [{**masked(s.credentials), "updated_at": s.updated_at.isoformat()} for s in stored]},
        ensure_ascii=False, indent=2,
    ))


COMMANDS = [import_group, integrations_group]
