"""The agent over HTTP, as a client sees it: runs, the approval queue, roles, the audit log, tenant isolation."""

from __future__ import annotations

import json

import httpx
import pytest
from api_server import REPO, running_server

CALL_ZH = json.loads((REPO / "tests" / "behavior" / "data" / "call_zh.json").read_text(encoding="utf-8"))
NEEDS_APPROVAL = json.loads((REPO / "examples" / "deals" / "needs_approval.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request, tmp_path_factory):
    with running_server(request.param, tmp_path_factory.mktemp(f"agent-{request.param}")) as server:
        yield server


@pytest.fixture(scope="module")
def acme(server):
    return server.tenant("Acme")


@pytest.fixture(scope="module")
def globex(server):
    return server.tenant("Globex")


@pytest.fixture(scope="module")
def held(acme):
    """Acme's rep runs the needs-approval deal on a stored call: the contract and the notice wait for a manager,
    the CRM update (the call agreed a next step) runs at once."""
    with acme.client("rep") as client:
        conversation_id = client.post("/v1/conversations", json=CALL_ZH).json()["id"]
        response = client.post("/v1/agent/runs", json={"conversation_id": conversation_id, "deal": NEEDS_APPROVAL})
    assert response.status_code == 200, response.text
    run = response.json()
    assert run["deal_id"] == NEEDS_APPROVAL["deal_id"] and run["conversation_id"] == conversation_id
    assert {"discount-over-authority", "next-step-agreed"} <= {r["rule_id"] for r in run["rules"] if r["fired"]}
    return {"conversation_id": conversation_id, **{a["tool"]: a for a in run["actions"]}}


def test_run_holds_what_needs_approval(acme, held):
    actions = {tool: a for tool, a in held.items() if tool != "conversation_id"}
    assert {tool: a["status"] for tool, a in actions.items()} == {
        "generate_contract": "pending_approval", "notify_manager": "pending_approval", "update_crm_opportunity": "executed"}
    with acme.client("rep") as client:
        queue = client.get("/v1/actions", params={"status": "pending_approval"}).json()
        again = client.post("/v1/agent/runs", json={"conversation_id": held["conversation_id"], "deal": NEEDS_APPROVAL}).json()
        one = client.get(f"/v1/actions/{held['generate_contract']['id']}")
    assert {a["id"] for a in queue} == {held["generate_contract"]["id"], held["notify_manager"]["id"]}
    assert all(a["deal_id"] == NEEDS_APPROVAL["deal_id"] and a["source"] == "rule" for a in queue)
    assert again["actions"] == list(actions.values())  # idempotent: nothing new, nothing run twice
    assert one.status_code == 200 and one.json()["status"] == "pending_approval"


def test_only_a_coach_or_admin_decides(acme, held):
    contract = held["generate_contract"]["id"]
    with acme.client("rep") as client:
        refused = client.post(f"/v1/actions/{contract}:approve")
        assert client.post(f"/v1/actions/{contract}:reject", json={"reason": "x"}).status_code == 403
        assert client.get("/v1/audit").status_code == 403 and client.get("/v1/audit:verify").status_code == 403
        assert client.get(f"/v1/actions/{contract}").json()["status"] == "pending_approval"
    assert refused.status_code == 403 and "rep" in refused.json()["detail"]

    coach = httpx.Client(base_url=acme.server.url, headers={"Authorization": f"Bearer {acme.key('coach', 'coach-li')}"}, timeout=300)
    with coach:
        approved = coach.post(f"/v1/actions/{contract}:approve", json={"reason": "within the quarter's margin"})
        assert approved.status_code == 200, approved.text
        done = approved.json()
        assert done["status"] == "executed" and done["result"]["connector"] == "builtin"
        assert done["decided_by"].startswith("coach coach-li (key ") and done["decided_at"]
        assert coach.post(f"/v1/actions/{contract}:approve").status_code == 409
        conflict = coach.post(f"/v1/actions/{contract}:reject")
        assert conflict.status_code == 409 and "is executed; only pending_approval" in conflict.json()["detail"]

        log = coach.get("/v1/audit", params={"action_id": contract}).json()
        assert [e["kind"] for e in log] == ["decision", "approval", "execution"]
        approval = log[1]
        assert approval["actor"] == done["decided_by"] and approval["at"]
        assert approval["data"] == {"tool": "generate_contract", "from": "pending_approval", "to": "executing",
                                    "by": done["decided_by"], "reason": "within the quarter's margin"}

    with acme.client() as admin:  # an admin may reject, with or without a body
        rejected = admin.post(f"/v1/actions/{held['notify_manager']['id']}:reject")
        assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
        assert admin.get("/v1/actions", params={"status": "pending_approval"}).json() == []
        assert admin.get("/v1/audit", params={"limit": 1}).json()[0]["kind"] == "rejection"
        verified = admin.get("/v1/audit:verify").json()
    # decisions for the 3 actions, the CRM update's execution, the approval and its execution, the rejection
    assert verified["ok"] and verified["entries"] == 7 and not verified["problems"]


def test_another_tenant_sees_nothing(acme, globex, held):
    contract = held["generate_contract"]["id"]
    with globex.client() as client:
        for method, path in (("GET", f"/v1/actions/{contract}"), ("POST", f"/v1/actions/{contract}:approve"),
                             ("POST", f"/v1/actions/{contract}:reject")):
            response = client.request(method, path)
            assert response.status_code == 404 and response.json()["detail"] == f"no action {contract!r}"
        assert client.get("/v1/actions").json() == []
        assert client.get("/v1/audit", params={"action_id": contract}).json() == []
        assert client.get("/v1/audit:verify").json() == {"ok": True, "entries": 0, "head": None, "problems": []}
        # The same deal is Globex's own deal: its own actions, its own chain from #1.
        mine = client.post("/v1/agent/runs", json={"deal": NEEDS_APPROVAL}).json()["actions"]
        assert [a["tool"] for a in mine] == ["generate_contract", "notify_manager"]
        assert not {a["id"] for a in mine} & {held["generate_contract"]["id"], held["notify_manager"]["id"]}
        assert [e["seq"] for e in client.get("/v1/audit").json()] == [1, 2]
    with acme.client() as client:
        assert {a["tool"] for a in client.get("/v1/actions").json()} == {"generate_contract", "notify_manager", "update_crm_opportunity"}


def test_bad_requests_are_4xx(acme, globex):
    with globex.client() as client:
        theirs = client.post("/v1/conversations", json=CALL_ZH).json()["id"]
    broken = {k: v for k, v in NEEDS_APPROVAL.items() if k != "rep"}
    with acme.client("rep") as client:
        missing = client.post("/v1/agent/runs", json={"deal": broken})
        assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["body", "deal", "rep"]
        typo = client.post("/v1/agent/runs", json={"deal": {**NEEDS_APPROVAL, "discount_pc": 3}})
        assert typo.status_code == 422 and typo.json()["detail"][0]["loc"] == ["body", "deal", "discount_pc"]
        assert client.post("/v1/agent/runs", json={"deal": NEEDS_APPROVAL, "conversation_id": theirs}).status_code == 404
        assert client.post("/v1/agent/runs", content=b"{", headers={"Content-Type": "application/json"}).status_code == 422
        assert client.get("/v1/actions", params={"status": "done"}).status_code == 422
        assert client.get("/v1/actions/nope").status_code == 404
    with acme.client() as client:
        assert client.get("/v1/audit", params={"limit": 0}).status_code == 422
        assert client.post("/v1/actions/nope:approve", json={"reason": 5}).status_code == 422
