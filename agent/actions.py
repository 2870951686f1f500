"""Action lifecycle: create once per idempotency key, execute through a connector, approve, reject, retry.

States: `executing` (claimed, the connector is being called) -> `executed` | `failed`;
`pending_approval` -> (approve) `executing` | (reject) `rejected`; `failed` -> (retry) `executing`;
`blocked` (a rule in the same run blocked the quote). Every transition is claimed with a conditional
UPDATE (`... WHERE status = <expected>`), so two people approving at once execute it once.

Every function works within one tenant (`tenant=`, `default` for the CLI): another tenant's action is
not found, exactly as if it did not exist.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from agent import audit
from agent.connectors import ConnectorError, Connectors, Request
from agent.pii import mask_pii, mask_structure
from agent.store import DEFAULT_TENANT, ActionRow, canonical_json, now, transact
from agent.tools import TOOLS

Status = Literal["executing", "executed", "pending_approval", "blocked", "failed", "rejected"]


class ActionError(ValueError):
    """An action request a person made that cannot be honoured (unknown id, wrong state); says why."""


class ActionNotFound(ActionError):
    """No such action in this tenant (absent, or another tenant's: the two are told apart nowhere)."""


class ActionStateError(ActionError):
    """The action exists but is not in a state that allows the request (approving an executed one, ...)."""


class Action(BaseModel):
    """The action contract of `agent run` output."""

    id: str
    tool: str
    args: dict[str, Any]
    status: Status
    rule_id: str | None
    idempotency_key: str
    audit_id: int | None = Field(description="The audit entry of the action's latest transition.")
    result: dict[str, Any] | None = Field(description="The connector's answer, or {'error', 'attempts'} when failed.")


class ActionRecord(Action):
    """An action as stored, with its history fields (for `actions list`)."""

    deal_id: str
    source: Literal["rule", "manual"]
    approval: str
    attempts: int
    decided_by: str | None
    decided_at: datetime | None
    created_at: datetime
    updated_at: datetime


def idempotency_key(deal_id: str, rule_id: str | None, tool: str, args: dict[str, Any], *, tenant: str = DEFAULT_TENANT) -> str:
    """sha256 over canonical JSON of (tenant, deal_id, rule_id, tool, args): the same call always gets the same key.

    The tenant is part of it because two tenants' deal "D-1" are different deals: a receiving system
    shared by both must not drop one tenant's call as a repeat of the other's (and the action id, the
    key's prefix, stays unique across tenants). The default tenant's keys leave it out, as before tenancy
    existed, so runs on a database written then still find their actions instead of repeating them.
    """
    fields: dict[str, Any] = {"deal_id": deal_id, "rule_id": rule_id, "tool": tool, "args": args}
    if tenant != DEFAULT_TENANT:
        fields["tenant"] = tenant
    return hashlib.sha256(canonical_json(fields).encode()).hexdigest()


def to_action(row: ActionRow) -> Action:
    return Action(id=row.id, tool=row.tool, args=row.args, status=row.status, rule_id=row.rule_id,
                  idempotency_key=row.idempotency_key, audit_id=row.audit_id, result=row.result)


def to_record(row: ActionRow) -> ActionRecord:
    return ActionRecord(**to_action(row).model_dump(), deal_id=row.deal_id, source=row.source, approval=row.approval,
                        attempts=row.attempts, decided_by=row.decided_by, decided_at=row.decided_at,
                        created_at=row.created_at, updated_at=row.updated_at)


def as_action(record: ActionRecord) -> Action:
    """The `agent run` contract view of a stored action."""
    return Action(**record.model_dump(include=set(Action.model_fields)))


def _row(session: Session, action_id: str, tenant: str) -> ActionRow:
    """The tenant's action row; the same error whether the id is unknown or another tenant's."""
    row = session.get(ActionRow, action_id)
    if row is None or row.tenant_id != tenant:
        raise ActionNotFound(f"no action with id {action_id!r} (see `dealwise actions list`)")
    return row


def get(engine: Engine, action_id: str, *, tenant: str = DEFAULT_TENANT) -> ActionRecord:
    with Session(engine) as session:
        return to_record(_row(session, action_id, tenant))


def list_actions(engine: Engine, *, deal_id: str | None = None, status: str | None = None, tenant: str = DEFAULT_TENANT) -> list[ActionRecord]:
    with Session(engine) as session:
        query = select(ActionRow).where(ActionRow.tenant_id == tenant).order_by(ActionRow.created_at, ActionRow.id)
        if deal_id:
            query = query.where(ActionRow.deal_id == deal_id)
        if status:
            query = query.where(ActionRow.status == status)
        return [to_record(row) for row in session.execute(query).scalars()]


def create(engine: Engine, *, deal_id: str, rule_id: str | None, tool: str, args: dict[str, Any], status: Status,
           approval: str, source: str = "rule", actor: str = "agent", reason: str = "",
           tenant: str = DEFAULT_TENANT) -> tuple[ActionRecord, bool]:
    """Create the action for this call unless the tenant has its idempotency key already; returns (action, created).

    The insert and its `decision` audit entry commit together. Concurrent runs race on the unique
    (tenant, key): the loser's transaction is retried and finds the winner's row, so only one of them executes it.
    """
    args = mask_structure(args)  # stored and sent masked: the masked args are the action's args
    key = idempotency_key(deal_id, rule_id, tool, args, tenant=tenant)

    def unit(session: Session) -> tuple[ActionRecord, bool]:
        existing = session.execute(select(ActionRow).where(ActionRow.tenant_id == tenant, ActionRow.idempotency_key == key)).scalar_one_or_none()
        if existing is not None:
            return to_record(existing), False
        stamp = now()
        row = ActionRow(id=key[:12], tenant_id=tenant, idempotency_key=key, deal_id=deal_id, rule_id=rule_id, tool=tool, args=args,
                        status=status, approval=approval, source=source, attempts=0, created_at=stamp, updated_at=stamp)
        session.add(row)
        session.flush()
        kind = "manual" if source == "manual" else "decision"
        entry = audit.append(session, kind, actor=actor, deal_id=deal_id, action_id=row.id, tenant=tenant,
                             data={"tool": tool, "rule_id": rule_id, "status": status, "approval": approval, "args": args, "reason": reason})
        row.audit_id = entry.seq
        return to_record(row), True

    return transact(engine, unit)


def transition(engine: Engine, action_id: str, expected: tuple[str, ...], new_status: str, kind: str, actor: str,
               data: dict[str, Any], decided: bool = False, *, tenant: str = DEFAULT_TENANT) -> ActionRecord:
    """Move one of the tenant's actions from one of `expected` states to `new_status` and audit it; refuse otherwise."""

    def unit(session: Session) -> ActionRecord:
        row = _row(session, action_id, tenant)
        previous = row.status  # the claiming UPDATE below also updates `row` in the session
        values: dict[str, Any] = {"status": new_status, "updated_at": now()}
        if decided:
            values.update(decided_by=mask_pii(actor), decided_at=now())
        claimed = session.execute(update(ActionRow).where(ActionRow.id == action_id, ActionRow.tenant_id == tenant,
                                                          ActionRow.status.in_(expected)).values(**values))
        if claimed.rowcount != 1:
            session.refresh(row)
            allowed = " or ".join(expected)
            raise ActionStateError(f"action {action_id} is {row.status}; only {allowed} actions can be {_verb(kind)}")
        entry = audit.append(session, kind, actor=actor, deal_id=row.deal_id, action_id=action_id, tenant=tenant,
                             data={"tool": row.tool, "from": previous, "to": new_status, **data})
        session.execute(update(ActionRow).where(ActionRow.id == action_id).values(audit_id=entry.seq))
        session.refresh(row)
        return to_record(row)

    return transact(engine, unit)


def _verb(kind: str) -> str:
    return {"approval": "approved", "rejection": "rejected", "retry": "retried"}.get(kind, kind)


def execute(engine: Engine, connectors: Connectors, action_id: str, *, tenant: str = DEFAULT_TENANT) -> ActionRecord:
    """Call the connector for one of the tenant's actions in `executing`, then record `executed` or `failed`
    with its audit entry.

    The connector runs outside any transaction (it may take seconds); a failure is never lost: the action
    stays `failed` with the error, audited, until `retry`.
    """
    record = get(engine, action_id, tenant=tenant)
    if record.status != "executing":
        raise ActionStateError(f"action {action_id} is {record.status}, not executing")
    request = Request(action_id=record.id, idempotency_key=record.idempotency_key, tool=record.tool, deal_id=record.deal_id,
                      rule_id=record.rule_id, args=record.args, tenant=tenant)
    try:
        result, status, kind, attempts = connectors.execute(request), "executed", "execution", None
    except ConnectorError as error:
        result = {"error": str(error), "attempts": error.attempts, "retryable": error.retryable}
        if error.status_code is not None:
            result["status_code"] = error.status_code
        status, kind, attempts = "failed", "failure", error.attempts
    except Exception as error:  # noqa: BLE001 - an unexpected connector fault is a failed action, not a lost one
        result = {"error": f"{type(error).__name__}: {error}", "attempts": 1, "retryable": True}
        status, kind, attempts = "failed", "failure", 1
    result = mask_structure(result)
    tries = attempts or int(result.get("attempts", 1))

    def unit(session: Session) -> ActionRecord:
        row = _row(session, action_id, tenant)
        entry = audit.append(session, kind, actor="agent", deal_id=row.deal_id, action_id=action_id, tenant=tenant,
                             data={"tool": row.tool, "status": status, "result": result})
        row.status, row.result, row.audit_id = status, result, entry.seq
        row.attempts = (row.attempts or 0) + tries
        row.updated_at = now()
        session.flush()
        return to_record(row)

    return transact(engine, unit)


def approve(engine: Engine, connectors: Connectors, action_id: str, by: str, reason: str = "", *,
            tenant: str = DEFAULT_TENANT) -> ActionRecord:
    """A person allows a held action: audited with who, when and why, then executed."""
    _require_person(by)
    transition(engine, action_id, ("pending_approval",), "executing", "approval", by, {"by": by, "reason": reason}, decided=True, tenant=tenant)
    return execute(engine, connectors, action_id, tenant=tenant)


def reject(engine: Engine, action_id: str, by: str, reason: str = "", *, tenant: str = DEFAULT_TENANT) -> ActionRecord:
    _require_person(by)
    return transition(engine, action_id, ("pending_approval",), "rejected", "rejection", by, {"by": by, "reason": reason},
                      decided=True, tenant=tenant)


def retry(engine: Engine, connectors: Connectors, action_id: str, by: str, *, tenant: str = DEFAULT_TENANT) -> ActionRecord:
    """Try a failed action again (the same idempotency key, so a receiver that got it already can drop it)."""
    _require_person(by)
    transition(engine, action_id, ("failed",), "executing", "retry", by, {"by": by}, tenant=tenant)
    return execute(engine, connectors, action_id, tenant=tenant)


def record_manual(engine: Engine, tool: str, deal_id: str, by: str, args: dict[str, Any] | None = None, note: str = "", *,
                  tenant: str = DEFAULT_TENANT) -> tuple[ActionRecord, bool]:
    """Record an action a person did by hand (outside dealwise): feeds the takeover rate and rule blind spots."""
    _require_person(by)
    if tool not in TOOLS:
        raise ActionError(f"unknown tool {tool!r} (tools: {', '.join(TOOLS)})")
    if not deal_id.strip():
        raise ActionError("--deal is empty: say which deal the action was for")
    args = dict(args or {})
    if note:
        args["note"] = note
    return create(engine, deal_id=deal_id, rule_id=None, tool=tool, args=args, status="executed", approval="none",
                  source="manual", actor=by, reason="done by hand", tenant=tenant)


def _require_person(by: str) -> None:
    if not by or not by.strip():
        raise ActionError("say who you are (--by NAME): approvals, rejections and retries are audited by person")


__all__ = ["Action", "ActionError", "ActionNotFound", "ActionRecord", "ActionStateError", "Status", "approve", "create", "execute", "get", "idempotency_key",
           "as_action", "list_actions", "transition", "record_manual", "reject", "retry"]
