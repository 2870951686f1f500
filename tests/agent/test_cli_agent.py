"""`dealwise agent | actions | rules | audit`: exit codes, messages and JSON contracts, in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from service.cli import main
from service.config import get_settings

REPO = Path(__file__).resolve().parents[2]
DEALS = REPO / "examples" / "deals"
CALL = REPO / "examples" / "sample_call_zh.json"
ACTION_KEYS = {"id", "tool", "args", "status", "rule_id", "idempotency_key", "audit_id", "result"}


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("DEALWISE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DEALWISE_DATABASE_URL", raising=False)
    for name in ("DEALWISE_RULES", "DEALWISE_CONNECTORS", "DEALWISE_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    yield invoke
    get_settings.cache_clear()


def _clean_error(result, *fragments: str) -> None:
    assert result.exit_code != 0
    assert "Traceback" not in result.output and result.stderr.startswith("Error: "), result.output
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def test_run_json_contract_and_idempotency(cli):
    first = cli("agent", "run", str(CALL), "--deal", str(DEALS / "needs_approval.json"), "--json", "--no-suggestions")
    assert first.exit_code == 0, first.output
    doc = json.loads(first.stdout)
    assert set(doc) == {"actions", "suggestions"}
    assert all(set(a) == ACTION_KEYS for a in doc["actions"])
    pending = [a for a in doc["actions"] if a["status"] == "pending_approval"]
    assert {a["tool"] for a in pending} == {"generate_contract", "notify_manager"}
    second = json.loads(cli("agent", "run", str(CALL), "--deal", str(DEALS / "needs_approval.json"), "--json", "--no-suggestions").stdout)
    assert second["actions"] == doc["actions"]

    contract = next(a for a in pending if a["tool"] == "generate_contract")
    approved = cli("actions", "approve", contract["id"], "--by", "manager-zhang")
    assert approved.exit_code == 0 and "approved:" in approved.stdout and "executed" in approved.stdout
    _clean_error(cli("actions", "approve", contract["id"], "--by", "manager-zhang"), "is executed; only pending_approval")
    other = next(a for a in pending if a["tool"] == "notify_manager")
    assert cli("actions", "reject", other["id"], "--by", "manager-zhang").exit_code == 0
    _clean_error(cli("actions", "retry", other["id"], "--by", "x"), "only failed actions can be retried")
    _clean_error(cli("actions", "approve", "nope", "--by", "x"), "no action with id 'nope'")
    assert cli("actions", "approve", other["id"]).exit_code == 2  # --by is required

    listed = json.loads(cli("actions", "list", "--json").stdout)
    assert {a["id"]: a["status"] for a in listed}[contract["id"]] == "executed"
    assert cli("audit", "verify").exit_code == 0


def test_record_manual_and_report(cli):
    assert cli("actions", "record-manual", "schedule_followup", "--deal", "D-9", "--by", "rep-1", "--args", '{"topic": "call 13812345678"}').exit_code == 0
    again = cli("actions", "record-manual", "schedule_followup", "--deal", "D-9", "--by", "rep-1", "--args", '{"topic": "call 13812345678"}')
    assert "already recorded" in again.stdout
    _clean_error(cli("actions", "record-manual", "make_coffee", "--deal", "D-9", "--by", "rep-1"), "unknown tool 'make_coffee'")
    _clean_error(cli("actions", "record-manual", "notify_manager", "--deal", "D-9", "--by", "rep-1", "--args", "{bad"), "--args: invalid JSON")
    report = json.loads(cli("audit", "report", "--json").stdout)
    assert report["blind_spots"] == [{"tool": "schedule_followup", "count": 1, "deals": ["D-9"]}]
    assert report["takeover_rate"]["numerator"] == 0 and report["takeover_rate"]["denominator"] == 1
    human = cli("audit", "report")
    assert "takeover rate: 0.0% (0/1)" in human.stdout and "schedule_followup: 1 on D-9" in human.stdout
    log = cli("audit", "log", "--json")
    assert "13812345678" not in log.stdout and "138****5678" in log.stdout


def test_audit_verify_exit_code_on_tampering(cli):
    assert cli("agent", "run", str(CALL), "--deal", str(DEALS / "over_discount.json"), "--no-suggestions").exit_code == 0
    from storage import make_engine

    with make_engine(get_settings().database).begin() as connection:
        connection.execute(text("DELETE FROM agent_audit WHERE seq = 2"))
    result = cli("audit", "verify")
    assert result.exit_code == 1 and "TAMPERED: entry #2 was deleted" in result.stdout


def test_bad_inputs_fail_cleanly_and_write_nothing(cli, tmp_path):
    deal = json.loads((DEALS / "small_order.json").read_text())
    del deal["rep"]
    missing = tmp_path / "missing.json"
    missing.write_text(json.dumps(deal))
    _clean_error(cli("agent", "run", str(CALL), "--deal", str(missing)), "missing.json: deal: rep: missing (required)")
    _clean_error(cli("agent", "run", str(CALL), "--deal", str(tmp_path / "nope.json")), "nope.json: no such file")
    bad_rules = tmp_path / "rules.yaml"
    bad_rules.write_text("- id: a\n  when: deal.amount >\n  then: [notify_manager]\n")
    _clean_error(cli("agent", "run", str(CALL), "--deal", str(DEALS / "small_order.json"), "--rules", str(bad_rules)), "rules.yaml:2:")
    _clean_error(cli("agent", "run", str(tmp_path / "no_call.json"), "--deal", str(DEALS / "small_order.json"), "--no-suggestions"), "no_call.json")
    assert json.loads(cli("actions", "list", "--json").stdout) == []  # nothing half-written
    assert cli("audit", "verify").stdout.startswith("audit log intact: 0 entries")


def test_webhook_without_secret_is_refused_before_anything_runs(cli, tmp_path, monkeypatch):
    config = tmp_path / "connectors.yaml"
    config.write_text("generate_contract: http://127.0.0.1:9/hook\n")
    monkeypatch.setenv("DEALWISE_CONNECTORS", str(config))
    get_settings.cache_clear()
    _clean_error(cli("agent", "run", str(CALL), "--deal", str(DEALS / "fast_track.json"), "--no-suggestions"), "DEALWISE_WEBHOOK_SECRET")
    assert json.loads(cli("actions", "list", "--json").stdout) == []
    config.write_text("generate_contrat: builtin\n")
    _clean_error(cli("agent", "run", str(CALL), "--deal", str(DEALS / "fast_track.json"), "--no-suggestions"), "unknown tool 'generate_contrat'")


def test_rules_check(cli, tmp_path):
    ok = cli("rules", "check")
    assert ok.exit_code == 0 and "8 rules OK" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: a\n  when: deal.amout > 1\n  then: [generate_contrat]\n  aproval: manager\n")
    result = cli("rules", "check", str(bad))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"Error: {bad}:2: rule 'a': unknown field `deal.amout`; did you mean deal.amount?",
        f"Error: {bad}:3: rule 'a': unknown tool 'generate_contrat' (did you mean 'generate_contract'?)",
        f"Error: {bad}:4: rule 'a': unknown field 'aproval' (did you mean 'approval'?)",
    ]
    _clean_error(cli("rules", "check", str(tmp_path / "none.yaml")), "none.yaml: no such file")
