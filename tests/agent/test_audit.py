"""The audit chain detects edits and deletions made directly in the database; the report's figures are exact."""

from __future__ import annotations

from agent_support import SECRET, make_deal
from sqlalchemy import text

from agent import approve, entries, record_manual, reject, report, retry, run, verify
from agent.connectors import Connectors, parse_connectors
from agent.rules import parse_rules


def _history(engine):
    run(None, make_deal(deal_id="D-A", discount_pct=20), None, engine)
    run(None, make_deal(deal_id="D-B", discount_pct=12), None, engine)
    assert verify(engine).ok
    return entries(engine)


def test_intact_log_verifies(engine):
    log = _history(engine)
    result = verify(engine)
    assert result.ok and result.entries == len(log) and result.head == log[-1].hash
    assert [e.seq for e in log] == list(range(1, len(log) + 1)) and log[0].prev_hash == "0" * 64


def test_edited_entry_is_named(engine):
    _history(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE agent_audit SET data = REPLACE(data, '\"executed\"', '\"rejected\"') WHERE seq = 2"))
    result = verify(engine)
    assert not result.ok
    assert [(p.seq, p.problem) for p in result.problems] == [(2, "edited")]
    assert "entry #2" in result.problems[0].detail


def test_edited_entry_with_recomputed_hash_breaks_the_next_link(engine):
    from agent.audit import entry_hash

    _history(engine)
    with engine.begin() as connection:
        row = connection.execute(text("SELECT seq, at, kind, actor, deal_id, action_id, data, prev_hash FROM agent_audit WHERE seq = 3")).one()
        forged = row.data.replace("agent", "someone")
        new_hash = entry_hash(row.prev_hash, row.seq, row.at, row.kind, "mallory", row.deal_id, row.action_id, forged)
        connection.execute(text("UPDATE agent_audit SET actor = 'mallory', data = :d, hash = :h WHERE seq = 3"), {"d": forged, "h": new_hash})
    result = verify(engine)
    assert [(p.seq, p.problem) for p in result.problems] == [(4, "edited")]


def test_deleted_entry_is_named(engine):
    _history(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM agent_audit WHERE seq = 4"))
    result = verify(engine)
    assert not result.ok
    assert [(p.seq, p.problem) for p in result.problems] == [(5, "deleted")]
    assert result.problems[0].detail == "entry #4 was deleted (the log jumps to #5)"


def test_deleted_newest_entries_are_caught_through_actions(engine):
    log = _history(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM agent_audit WHERE seq >= :s"), {"s": len(log) - 1})
    result = verify(engine)
    assert not result.ok and all(p.problem == "deleted" for p in result.problems)
    assert f"the log ends at #{len(log) - 2}" in result.problems[0].detail


def test_report_on_a_constructed_history(engine, receiver):
    rules = parse_rules(
        "- id: auto\n  when: deal.amount > 100\n  then: [update_crm_opportunity]\n"
        "- id: held\n  when: deal.discount_pct > rep.max_discount_pct\n  then: [generate_contract]\n  approval: manager\n"
        "- id: block\n  when: deal.discount_pct > rep.max_discount_pct + 3\n  then: [block_quote]\n"
        "- id: legal\n  when: deal.deal_id == 'D5'\n  then: [request_legal_review]\n"
    )
    receiver.script = [500, 500]
    config = parse_connectors({"request_legal_review": {"type": "webhook", "url": receiver.url, "retries": 0, "backoff_s": 0}})
    connectors = Connectors(engine, config, SECRET)
    runs = {d: run(None, make_deal(deal_id=d, discount_pct=p), rules, engine, connectors=connectors)
            for d, p in (("D1", 5), ("D2", 12), ("D3", 11), ("D4", 20), ("D5", 5))}
    held = {d: next(a.id for a in runs[d].actions if a.tool == "generate_contract") for d in ("D2", "D3")}
    approve(engine, connectors, held["D2"], by="boss")                    # held, approved: interception was wrong
    reject(engine, held["D3"], by="boss")                                 # held, rejected: interception was right
    legal = next(a.id for a in runs["D5"].actions if a.tool == "request_legal_review")
    assert retry(engine, connectors, legal, by="ops").status == "failed"  # 500 again
    record_manual(engine, "generate_contract", "D4", by="rep-1")          # overrides D4's quote block
    record_manual(engine, "schedule_followup", "D1", by="rep-1")          # no rule does follow-ups: blind spot
    record_manual(engine, "schedule_followup", "D2", by="rep-1")
    record_manual(engine, "notify_manager", "D3", by="rep-1")

    figures = report(engine)
    # executed agent actions: 5 CRM updates + D2 contract (approved) + D4 block = 7; autonomous: 6; manual: 4
    assert (figures.takeover_rate.numerator, figures.takeover_rate.denominator) == (6, 11)
    # interceptions: D2 held (approved: wrong), D3 held (rejected: right), D4 block (overridden by hand: wrong)
    assert (figures.interception_precision.numerator, figures.interception_precision.denominator) == (1, 3)
    # reached a connector: 7 executed + D5 legal review failed
    assert (figures.success_rate.numerator, figures.success_rate.denominator) == (7, 8)
    assert figures.success_rate.value == 0.875
    hi = figures.human_interventions
    assert (hi["approvals"], hi["rejections"], hi["retries"], hi["manual_actions"], hi["total"]) == (1, 1, 1, 4, 7)
    assert hi["by_rule"] == {"held": 2, "legal": 1}
    assert [(s.tool, s.count, s.deals) for s in figures.blind_spots] == [("schedule_followup", 2, ["D1", "D2"]), ("notify_manager", 1, ["D3"])]
    assert figures.actions_by_status == {"executed": 11, "rejected": 1, "blocked": 1, "failed": 1}
    assert verify(engine).ok
