"""Tenants share the agent's tables but never each other's actions, idempotency keys or audit chain."""

from __future__ import annotations

import hashlib

import pytest
from agent_support import SECRET, make_deal
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from agent import approve, entries, list_actions, record_manual, reject, report, retry, run, verify
from agent.actions import ActionNotFound, get
from agent.connectors import Connectors, parse_connectors
from agent.store import ConnectorRecordRow, canonical_json

NEEDS_APPROVAL = dict(deal_id="D-T", discount_pct=12, rep={"max_discount_pct": 10})


def _pending(tenant: str, engine) -> str:
    result = run(None, make_deal(**NEEDS_APPROVAL), None, engine, tenant=tenant)
    return next(a.id for a in result.actions if a.tool == "generate_contract" and a.status == "pending_approval")


def test_same_deal_in_two_tenants_is_two_sets_of_actions(engine):
    deal = make_deal(**NEEDS_APPROVAL)
    a = run(None, deal, None, engine, tenant="A")
    b = run(None, deal, None, engine, tenant="B")
    assert [x.tool for x in a.actions] == [x.tool for x in b.actions]
    assert not {x.id for x in a.actions} & {x.id for x in b.actions}
    assert not {x.idempotency_key for x in a.actions} & {x.idempotency_key for x in b.actions}
    # Each tenant's rerun finds its own actions and creates nothing.
    assert [x.id for x in run(None, deal, None, engine, tenant="B").actions] == [x.id for x in b.actions]
    assert {x.id for x in list_actions(engine, tenant="A")} == {x.id for x in a.actions}
    assert {x.id for x in list_actions(engine, tenant="B")} == {x.id for x in b.actions}
    assert list_actions(engine) == []  # the CLI's default tenant saw none of it


def test_another_tenants_action_is_not_found(engine):
    action_id = _pending("A", engine)
    connectors = Connectors(engine)
    with pytest.raises(ActionNotFound) as foreign:
        get(engine, action_id, tenant="B")
    with pytest.raises(ActionNotFound) as unknown:
        get(engine, "000000000000", tenant="B")
    assert str(foreign.value) == str(unknown.value).replace("000000000000", action_id)  # nothing tells them apart
    for attempt in (lambda: approve(engine, connectors, action_id, by="mallory", tenant="B"),
                    lambda: reject(engine, action_id, by="mallory", tenant="B"),
                    lambda: retry(engine, connectors, action_id, by="mallory", tenant="B")):
        with pytest.raises(ActionNotFound):
            attempt()
    assert get(engine, action_id, tenant="A").status == "pending_approval"
    assert entries(engine, tenant="B") == [] and entries(engine, tenant="B", action_id=action_id) == []
    assert approve(engine, connectors, action_id, by="boss", tenant="A").status == "executed"


def test_each_tenant_has_its_own_chain(engine):
    _pending("A", engine)
    _pending("B", engine)
    record_manual(engine, "schedule_followup", "D-T", by="rep-1", tenant="B")
    log_a, log_b = entries(engine, tenant="A"), entries(engine, tenant="B")
    assert [e.seq for e in log_a] == list(range(1, len(log_a) + 1)) and log_a[0].prev_hash == "0" * 64
    assert [e.seq for e in log_b] == list(range(1, len(log_b) + 1)) and log_b[0].prev_hash == "0" * 64
    assert len(log_b) == len(log_a) + 1
    assert verify(engine, tenant="A").ok and verify(engine, tenant="B").ok
    # Same position, same content, but a different tenant: a different hash.
    assert log_a[0].hash != log_b[0].hash
    assert report(engine, tenant="A").human_interventions["manual_actions"] == 0
    assert report(engine, tenant="B").human_interventions["manual_actions"] == 1


def test_tampering_is_found_in_the_tampered_tenant_only(engine):
    _pending("A", engine)
    _pending("B", engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM agent_audit WHERE tenant_id = 'A' AND seq = 1"))
    assert [(p.seq, p.problem) for p in verify(engine, tenant="A").problems] == [(2, "deleted")]
    assert verify(engine, tenant="B").ok


def test_an_entry_moved_to_another_tenant_does_not_verify(engine):
    _pending("A", engine)
    with engine.begin() as connection:
        # Rename the whole chain: every link still holds, only the tenant changed.
        connection.execute(text("UPDATE agent_audit SET tenant_id = 'B' WHERE tenant_id = 'A'"))
        connection.execute(text("UPDATE agent_actions SET tenant_id = 'B' WHERE tenant_id = 'A'"))
    moved = verify(engine, tenant="B")
    assert not moved.ok and {p.problem for p in moved.problems} == {"edited"}
    assert len(moved.problems) == moved.entries


def test_default_tenant_keys_and_hashes_are_as_before_tenancy(engine):
    """Databases written before tenancy (all rows now the default tenant's) stay idempotent and verifiable."""
    result = run(None, make_deal(**NEEDS_APPROVAL), None, engine)
    action = result.actions[0]
    old_key = hashlib.sha256(canonical_json({"deal_id": "D-T", "rule_id": action.rule_id, "tool": action.tool, "args": action.args}).encode()).hexdigest()
    assert action.idempotency_key == old_key and action.id == old_key[:12]
    first = entries(engine)[0]
    body = canonical_json({"seq": first.seq, "at": first.at, "kind": first.kind, "actor": first.actor, "deal_id": first.deal_id,
                           "action_id": first.action_id, "data": first.data, "prev_hash": first.prev_hash})
    assert first.hash == hashlib.sha256((first.prev_hash + body).encode()).hexdigest()


def test_builtin_records_and_webhooks_carry_the_tenant(engine, receiver):
    deal = make_deal(deal_id="D-W", discount_pct=20)  # price-authority: block_quote + notify_manager, run at once
    run(None, deal, None, engine, tenant="A")
    with Session(engine) as session:
        assert {row.tenant_id for row in session.execute(select(ConnectorRecordRow)).scalars()} == {"A"}
    hooks = Connectors(engine, parse_connectors({"default": {"type": "webhook", "url": receiver.url, "backoff_s": 0.01}}), SECRET)
    a = run(None, deal, None, engine, connectors=hooks, tenant="B")
    c = run(None, deal, None, engine, connectors=hooks, tenant="C")
    assert {r["body"]["tenant"] for r in receiver.requests} == {"B", "C"}
    # A receiver shared by both tenants must not drop one's call as a repeat of the other's.
    assert len({r["key"] for r in receiver.requests}) == len(a.actions) + len(c.actions)
    assert all(r["signature_ok"] for r in receiver.requests)
