"""The audit log: every proposal, decision, approval, execution and failure, hash-chained per tenant.

Each tenant has its own chain (`seq` counts from 1 per tenant). Each entry's hash is sha256(previous hash +
canonical JSON of the entry without its hash, tenant included); the first entry chains to 64 zeros.
Editing an entry breaks its hash; deleting one leaves a gap in `seq` and a `prev_hash` that points
nowhere; deleting the newest entries is caught through the actions that refer to them; moving an entry
to another tenant breaks its hash there. Entry data is PII-masked before it is written.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from agent.pii import mask_pii, mask_structure
from agent.store import DEFAULT_TENANT, ActionRow, AuditRow, canonical_json, now

GENESIS = "0" * 64
AuditKind = Literal["proposal", "decision", "approval", "rejection", "execution", "failure", "retry", "manual"]


class AuditEntry(BaseModel):
    seq: int
    at: str
    kind: str
    actor: str
    deal_id: str | None
    action_id: str | None
    data: dict[str, Any]
    prev_hash: str
    hash: str


def entry_hash(prev_hash: str, seq: int, at: str, kind: str, actor: str, deal_id: str | None, action_id: str | None, data: str,
               *, tenant: str = DEFAULT_TENANT) -> str:
    """The hash binds the entry to its tenant, so an entry copied or moved into another tenant's chain fails there.

    The default tenant's entries hash as they did before tenancy existed (no tenant field): chains written
    then still verify, and a default entry moved to a named tenant (or back) still fails, since only one
    of the two readings has the tenant in it.
    """
    fields: dict[str, Any] = {"seq": seq, "at": at, "kind": kind, "actor": actor, "deal_id": deal_id, "action_id": action_id,
                              "data": json.loads(data), "prev_hash": prev_hash}
    if tenant != DEFAULT_TENANT:
        fields["tenant"] = tenant
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode("utf-8")).hexdigest()


def append(session: Session, kind: AuditKind, *, actor: str, data: dict[str, Any], deal_id: str | None = None,
           action_id: str | None = None, tenant: str = DEFAULT_TENANT) -> AuditRow:
    """Append one entry to the tenant's chain inside the caller's transaction (so the state change and its
    record commit together).

    Two writers racing for the same position collide on the primary key (tenant, seq) / unique (tenant,
    prev_hash); the loser's transaction is retried by `store.transact`.
    """
    last = session.execute(select(AuditRow).where(AuditRow.tenant_id == tenant).order_by(AuditRow.seq.desc()).limit(1)).scalar_one_or_none()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    at = now().isoformat(timespec="microseconds")
    text = canonical_json(mask_structure(data))
    actor = mask_pii(actor)
    deal_id = mask_pii(deal_id) if deal_id else deal_id
    row = AuditRow(tenant_id=tenant, seq=seq, at=at, kind=kind, actor=actor, deal_id=deal_id, action_id=action_id, data=text,
                   prev_hash=prev, hash=entry_hash(prev, seq, at, kind, actor, deal_id, action_id, text, tenant=tenant))
    session.add(row)
    session.flush()
    return row


def to_entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(seq=row.seq, at=row.at, kind=row.kind, actor=row.actor, deal_id=row.deal_id, action_id=row.action_id,
                      data=json.loads(row.data), prev_hash=row.prev_hash, hash=row.hash)


def entries(engine: Engine, *, deal_id: str | None = None, action_id: str | None = None, limit: int | None = None,
            tenant: str = DEFAULT_TENANT) -> list[AuditEntry]:
    """The tenant's entries, oldest first; with `limit`, only the newest `limit` of them."""
    with Session(engine) as session:
        query = select(AuditRow).where(AuditRow.tenant_id == tenant).order_by(AuditRow.seq.desc())
        if deal_id:
            query = query.where(AuditRow.deal_id == deal_id)
        if action_id:
            query = query.where(AuditRow.action_id == action_id)
        if limit:
            query = query.limit(limit)
        rows = session.execute(query).scalars().all()
    return [to_entry(row) for row in reversed(rows)]


# -- verification ---------------------------------------------------------------------------------


class Problem(BaseModel):
    seq: int | None = Field(description="The entry the problem was found at (None: the log as a whole).")
    problem: Literal["edited", "deleted", "reordered", "dangling"]
    detail: str


class Verification(BaseModel):
    ok: bool
    entries: int
    head: str | None = Field(description="Hash of the newest entry.")
    problems: list[Problem]


def verify(engine: Engine, *, tenant: str = DEFAULT_TENANT) -> Verification:
    """Recompute the tenant's chain. Finds edited entries (hash mismatch, including an entry moved in from
    another tenant), deleted ones (seq gaps, broken links), and actions pointing at audit entries that no
    longer exist (the newest entries deleted)."""
    with Session(engine) as session:
        rows = session.execute(select(AuditRow).where(AuditRow.tenant_id == tenant).order_by(AuditRow.seq)).scalars().all()
        actions = session.execute(select(ActionRow.id, ActionRow.audit_id).where(ActionRow.tenant_id == tenant)).all()
    problems: list[Problem] = []
    expected_seq, expected_prev = 1, GENESIS
    for row in rows:
        recomputed = entry_hash(row.prev_hash, row.seq, row.at, row.kind, row.actor, row.deal_id, row.action_id, row.data, tenant=tenant)
        if recomputed != row.hash:
            problems.append(Problem(seq=row.seq, problem="edited", detail=f"entry #{row.seq} ({row.kind}) was edited: its content no longer matches its hash"))
        if row.seq != expected_seq:
            missing = f"#{expected_seq}" if row.seq == expected_seq + 1 else f"#{expected_seq}..#{row.seq - 1}"
            problems.append(Problem(seq=row.seq, problem="deleted", detail=f"entry {missing} was deleted (the log jumps to #{row.seq})"))
        elif row.prev_hash != expected_prev:
            problems.append(Problem(seq=row.seq, problem="edited", detail=f"entry #{row.seq} does not chain to entry #{row.seq - 1}: one of them was replaced or rewritten"))
        expected_seq, expected_prev = row.seq + 1, row.hash
    last_seq = rows[-1].seq if rows else 0
    known = {row.seq for row in rows}
    for action_id, audit_id in actions:
        if audit_id is not None and audit_id not in known:
            if audit_id > last_seq:
                detail = f"action {action_id} refers to entry #{audit_id}, but the log ends at #{last_seq}: the newest entries were deleted"
                problems.append(Problem(seq=None, problem="deleted", detail=detail))
            elif not any(p.problem == "deleted" for p in problems):
                problems.append(Problem(seq=audit_id, problem="dangling", detail=f"action {action_id} refers to missing entry #{audit_id}"))
    return Verification(ok=not problems, entries=len(rows), head=rows[-1].hash if rows else None, problems=problems)


# -- report ---------------------------------------------------------------------------------------


class Ratio(BaseModel):
    value: float | None = Field(description="numerator / denominator; None when the denominator is 0.")
    numerator: int
    denominator: int
    definition: str


def _ratio(numerator: int, denominator: int, definition: str) -> Ratio:
    return Ratio(value=round(numerator / denominator, 4) if denominator else None, numerator=numerator, denominator=denominator, definition=definition)


TAKEOVER = ("executed actions the agent carried out end to end (a rule allowed it, no approval needed) / all executed "
            "collaboration tasks (executed agent actions, approved or not, plus actions people recorded by hand)")
INTERCEPTION = ("correct interceptions / decided interceptions. An interception is an action held for approval or a "
                "block_quote. A held action is decided when a person approved it (wrong: it did not need stopping) or "
                "rejected it (right); a block_quote is right unless a person later did generate_contract for that deal "
                "by hand (an override). Held actions still pending are not counted")
SUCCESS = "actions whose latest execution succeeded / actions that reached a connector at least once (executed + failed)"
INTERVENTIONS = "each approval, rejection, retry and hand-recorded action is one point where a person stepped in"
BLIND_SPOTS = "actions people recorded by hand (tool, deal) where no rule ever proposed that tool for that deal"


class BlindSpot(BaseModel):
    tool: str
    count: int
    deals: list[str]


class AuditReport(BaseModel):
    takeover_rate: Ratio
    interception_precision: Ratio
    success_rate: Ratio
    human_interventions: dict[str, Any] = Field(description=INTERVENTIONS)
    blind_spots: list[BlindSpot] = Field(description=BLIND_SPOTS)
    actions_by_status: dict[str, int]


def report(engine: Engine, *, tenant: str = DEFAULT_TENANT) -> AuditReport:
    """Collaboration metrics over the tenant's whole history; each figure carries its definition."""
    with Session(engine) as session:
        actions = session.execute(select(ActionRow).where(ActionRow.tenant_id == tenant)).scalars().all()
        audit = session.execute(select(AuditRow.kind, AuditRow.action_id, AuditRow.deal_id, AuditRow.seq).where(AuditRow.tenant_id == tenant)).all()
    agent = [a for a in actions if a.source == "rule"]
    manual = [a for a in actions if a.source == "manual"]
    executed_agent = [a for a in agent if a.status == "executed"]
    autonomous = [a for a in executed_agent if a.approval == "none"]
    takeover = _ratio(len(autonomous), len(executed_agent) + len(manual), TAKEOVER)

    held_decided = [a for a in agent if a.approval == "manager" and a.status not in ("pending_approval", "blocked")]
    held_right = [a for a in held_decided if a.status == "rejected"]
    manual_by_deal_tool = {(a.deal_id, a.tool): a for a in manual}
    blocks = [a for a in agent if a.tool == "block_quote" and a.status == "executed"]
    overridden = [b for b in blocks if (m := manual_by_deal_tool.get((b.deal_id, "generate_contract"))) and m.created_at >= b.created_at]
    interception = _ratio(len(held_right) + len(blocks) - len(overridden), len(held_decided) + len(blocks), INTERCEPTION)

    attempted = [a for a in agent if a.attempts > 0 and a.status in ("executed", "failed")]
    success = _ratio(sum(a.status == "executed" for a in attempted), len(attempted), SUCCESS)

    kinds = Counter(kind for kind, *_ in audit)
    by_rule: Counter[str] = Counter()
    rule_of = {a.id: a.rule_id for a in actions}
    for kind, action_id, _deal, _seq in audit:
        if kind in ("approval", "rejection", "retry") and rule_of.get(action_id):
            by_rule[rule_of[action_id]] += 1
    interventions = {"approvals": kinds["approval"], "rejections": kinds["rejection"], "retries": kinds["retry"],
                     "manual_actions": kinds["manual"], "total": kinds["approval"] + kinds["rejection"] + kinds["retry"] + kinds["manual"],
                     "by_rule": dict(by_rule.most_common())}

    proposed = {(a.deal_id, a.tool) for a in agent}
    spots: dict[str, set[str]] = defaultdict(set)
    counts: Counter[str] = Counter()
    for m in manual:
        if (m.deal_id, m.tool) not in proposed:
            spots[m.tool].add(m.deal_id)
            counts[m.tool] += 1
    blind = [BlindSpot(tool=tool, count=n, deals=sorted(spots[tool])) for tool, n in counts.most_common()]
    return AuditReport(takeover_rate=takeover, interception_precision=interception, success_rate=success,
                       human_interventions=interventions, blind_spots=blind,
                       actions_by_status=dict(Counter(a.status for a in actions).most_common()))


__all__ = ["GENESIS", "AuditEntry", "AuditReport", "Problem", "Ratio", "Verification", "append", "entries", "entry_hash", "report", "verify"]
