"""Tenant isolation and role checks for every route, generated from the app's route table.

Every `/v1` route that takes an id must have an entry in FACTORIES (how tenant A creates such a thing),
so a new route cannot skip these tests: with tenant B's key it must answer 404, with A's key anything
but 404. Every route guarded by `require(...)` must answer 403 to a rep key.
"""

from __future__ import annotations

import json
import re
import httpx
import pytest
from api_server import REPO, Server
from fastapi.routing import APIRoute

CALL = json.loads((REPO / "tests" / "behavior" / "data" / "call_zh.json").read_text(encoding="utf-8"))
JFK = REPO.parent / "shared" / "data" / "speech" / "jfk.flac"

def _suggestion(client) -> str:
    from knowledge_base import KnowledgeBase

    from service.runtime import tenant_collection

    tenant_id = client.headers["x-test-tenant"]
    KnowledgeBase(client.headers["x-test-kb"], "e5", collection=tenant_collection("playbook", tenant_id)).ingest([REPO / "examples" / "kb" / "objections_zh.md"])
    conversation_id = client.post("/v1/conversations", json=CALL).json()["id"]
    response = client.post("/v1/suggestions", json={"conversation_id": conversation_id})
    assert response.status_code == 200, response.text
    return response.json()[0]["id"]


def _held_action(client) -> str:
    """An action of tenant A waiting for approval (the discount is just beyond the rep's authority)."""
    deal = json.loads((REPO / "examples" / "deals" / "needs_approval.json").read_text(encoding="utf-8"))
    actions = client.post("/v1/agent/runs", json={"deal": deal}).json()["actions"]
    return next(a["id"] for a in actions if a["status"] == "pending_approval")


FACTORIES = {
    "conversation_id": lambda client: client.post("/v1/conversations", json=CALL).json()["id"],
    "action_id": _held_action,
    "suggestion_id": _suggestion,
    "job_id": lambda client: client.post("/v1/conversations", files={"file": ("jfk.flac", JFK.read_bytes(), "audio/flac")}).json()["id"],
}


# A valid body for id routes that require one: tenant B must reach the ownership check (404), not fail
# validation (422). A new route with a required body fails test_another_tenant_gets_404 until listed here.
BODIES = {
    "/v1/suggestions/{suggestion_id}/feedback": {"event": "used"},
}


def _routes() -> list[APIRoute]:
    from service.app import ROUTERS

    return [r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute) and r.path.startswith("/v1")]


ROUTES = _routes()
WITH_IDS = [(method, r.path) for r in ROUTES if "{" in r.path for method in sorted(r.methods)]
RESTRICTED = [
    (method, r.path, roles)
    for r in ROUTES
    for dependency in r.dependant.dependencies
    if (roles := getattr(dependency.call, "roles", None))
    for method in sorted(r.methods)
]


@pytest.fixture(scope="module")
def tenants(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("tenancy"))
    try:
        server.start()
        a, b = server.tenant("A"), server.tenant("B")
        with a.client() as client:
            client.headers.update({"x-test-tenant": a.id, "x-test-kb": str(server.data_dir / "kb")})
            ids = {name: make(client) for name, make in FACTORIES.items()}
        yield server, a, b, ids
    finally:
        server.stop()


def _fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)


def test_every_route_with_an_id_has_a_factory():
    params = {name for _, path in WITH_IDS for name in re.findall(r"\{(\w+)\}", path)}
    assert params <= set(FACTORIES), f"add a factory for {params - set(FACTORIES)}"


@pytest.mark.parametrize(("method", "path"), WITH_IDS)
def test_another_tenant_gets_404(tenants, method, path):
    _, a, b, ids = tenants
    url = _fill(path, ids)
    body = BODIES.get(path, {})
    with b.client() as client:
        assert client.request(method, url, json=body).status_code == 404
    with a.client() as client:
        assert client.request(method, url, json=body).status_code != 404


def test_lists_show_only_the_tenants_own(tenants):
    _, _, b, ids = tenants
    with b.client() as client:
        listed = client.get("/v1/conversations").json()["items"]
    assert ids["conversation_id"] not in {item["id"] for item in listed}


@pytest.mark.parametrize(("method", "path", "roles"), RESTRICTED)
def test_a_rep_cannot_use_restricted_routes(tenants, method, path, roles):
    _, a, _, ids = tenants
    with a.client("rep") as client:
        response = client.request(method, _fill(path, ids), json={})
    assert response.status_code == 403 and "rep" in response.json()["detail"]


def test_no_key_no_access(tenants):
    server, *_ = tenants
    for route in ROUTES:
        for method in route.methods:
            assert httpx.request(method, server.url + _fill(route.path, dict.fromkeys(FACTORIES, "x"))).status_code == 401
