"""The sales agent over HTTP: run the rules on a deal, decide held actions, read and verify the audit log.

Thin over `agent`: every call passes the caller's tenant, so one tenant's actions and audit chain are
invisible to another (404, as for an unknown id). Approving, rejecting and reading the audit log need a
coach or admin key; the approver recorded in the audit log is the key's role, rep id and key id.
Routes are sync `def`s: connectors may call webhooks for seconds, which belongs in the threadpool.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field

from agent.actions import Action, ActionNotFound, ActionRecord, ActionStateError, Status, approve, get, list_actions, reject
from agent.audit import AuditEntry, Verification, entries, verify
from agent.connectors import ConnectorConfigError, Connectors, load_connectors
from agent.deal import Deal
from agent.rules import RuleEvaluation, RuleSet, RulesError, load_rules
from agent.run import run
from conversation import Conversation
from service import crud
from service.api.deps import CallerDep, RuntimeDep, SessionDep, require
from service.crud import Principal
from service.runtime import Runtime

router = APIRouter(prefix="/v1", tags=["agent"])

COACH = [Depends(require("coach", "admin"))]


class RunRequest(BaseModel):
    # Unknown fields are refused, as in the deal itself: a misspelt conversation_id must not run without the conversation.
    model_config = ConfigDict(extra="forbid")

    conversation_id: str | None = Field(default=None, description="A stored conversation of yours whose facts the rules may read.")
    deal: Deal


class AgentRunOut(BaseModel):
    """What one run did. Knowledge-base suggestions are not part of it: POST /v1/suggestions gives them and
    logs them as shown, which the playbook heatmap depends on."""

    deal_id: str
    conversation_id: str | None
    actions: list[Action] = Field(description="Each allowed action once: executed, failed, pending_approval or blocked.")
    rules: list[RuleEvaluation]
    notes: list[str]


class Decision(BaseModel):
    reason: str = Field(default="", max_length=2000, description="Why (kept in the audit log).")


def _who(caller: Principal) -> str:
    """The approver as audited: keys are per person and revocable, so the key id names the credential used."""
    person = f"{caller.role} {caller.rep_id}" if caller.rep_id else caller.role
    return f"{person} (key {caller.key_id})"


@contextmanager
def _configured() -> Iterator[None]:
    """The server's own rule or connector files being broken is not the caller's fault: 503, saying which."""
    try:
        yield
    except (RulesError, ConnectorConfigError) as error:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, f"the agent is misconfigured on this server: {error}") from None


def _rules(runtime: Runtime) -> RuleSet:
    with _configured():
        return load_rules(runtime.settings.rules)


def _connectors(runtime: Runtime) -> Connectors:
    with _configured():
        return Connectors(runtime.engine, load_connectors(runtime.settings.connectors), runtime.settings.webhook_secret)


@contextmanager
def _action(action_id: str) -> Iterator[None]:
    """Unknown and another tenant's ids are one and the same 404; a request the action's state refuses is 409."""
    try:
        yield
    except ActionNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no action {action_id!r}") from None
    except ActionStateError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from None


@router.post("/agent/runs")
def run_agent(body: RunRequest, caller: CallerDep, session: SessionDep, runtime: RuntimeDep) -> AgentRunOut:
    """Evaluate the rules on the deal (and the conversation's facts) for the caller's tenant: allowed actions
    run at once, those a rule holds wait for approval, commitments wait while the quote is blocked.
    Running the same deal again creates and executes nothing twice."""
    conversation = None
    if body.conversation_id is not None:
        try:
            record = crud.get_conversation(session, caller.tenant_id, body.conversation_id)
        except crud.NotFound as error:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(error)) from None
        conversation = Conversation.model_validate(record.conversation)
    rules, connectors = _rules(runtime), _connectors(runtime)
    result = run(conversation, body.deal, rules, runtime.engine, connectors=connectors,
                 tagger=runtime.tagger if conversation is not None else None, tenant=caller.tenant_id)
    return AgentRunOut(deal_id=result.deal_id, conversation_id=body.conversation_id, actions=result.actions,
                       rules=result.rules, notes=result.notes)


@router.get("/actions")
def list_agent_actions(
    caller: CallerDep,
    runtime: RuntimeDep,
    state: Annotated[Status | None, Query(alias="status")] = None,
    deal_id: str | None = None,
) -> list[ActionRecord]:
    """The tenant's actions, oldest first; `status=pending_approval` is the approval queue."""
    return list_actions(runtime.engine, deal_id=deal_id, status=state, tenant=caller.tenant_id)


@router.get("/actions/{action_id}")
def get_action(action_id: str, caller: CallerDep, runtime: RuntimeDep) -> ActionRecord:
    with _action(action_id):
        return get(runtime.engine, action_id, tenant=caller.tenant_id)


@router.post("/actions/{action_id}:approve", dependencies=COACH)
def approve_action(action_id: str, caller: CallerDep, runtime: RuntimeDep, body: Decision | None = None) -> ActionRecord:
    """Allow a held action; it runs now. A connector failure still answers 200: the approval stands, and the
    action is `failed` with the error until someone retries it."""
    connectors = _connectors(runtime)
    with _action(action_id):
        return approve(runtime.engine, connectors, action_id, _who(caller), body.reason if body else "",
                       tenant=caller.tenant_id)


@router.post("/actions/{action_id}:reject", dependencies=COACH)
def reject_action(action_id: str, caller: CallerDep, runtime: RuntimeDep, body: Decision | None = None) -> ActionRecord:
    """Refuse a held action: it never runs."""
    with _action(action_id):
        return reject(runtime.engine, action_id, _who(caller), body.reason if body else "", tenant=caller.tenant_id)


@router.get("/audit", dependencies=COACH)
def audit_log(
    caller: CallerDep,
    runtime: RuntimeDep,
    deal_id: str | None = None,
    action_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> list[AuditEntry]:
    """The newest entries of the tenant's audit log, oldest first (PII-masked as stored)."""
    return entries(runtime.engine, deal_id=deal_id, action_id=action_id, limit=limit, tenant=caller.tenant_id)


@router.get("/audit:verify", dependencies=COACH)
def audit_verify(caller: CallerDep, runtime: RuntimeDep) -> Verification:
    """Recompute the tenant's hash chain; `ok` is false and `problems` names each edited or deleted entry."""
    return verify(runtime.engine, tenant=caller.tenant_id)
