"""Playbook upload, search, suggestions and feedback through the API, ending in the usage heatmap."""

from __future__ import annotations

import json

import pytest
from api_server import REPO, Server

PLAYBOOK = REPO / "examples" / "kb" / "objections_zh.md"
CALL_ZH = json.loads((REPO / "tests" / "behavior" / "data" / "call_zh.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("kb-api"), max_upload_mb="1")
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def acme(server):
    tenant = server.tenant("Acme")
    with tenant.client("coach") as client:
        response = client.post("/v1/kb/documents", files={"file": (PLAYBOOK.name, PLAYBOOK.read_bytes(), "text/markdown")})
    assert response.status_code == 201, response.text
    assert response.json()["files"][0]["status"] == "ingested" and response.json()["files"][0]["chunks"] > 10
    return tenant


def test_upload_rules(server, acme):
    with acme.client("rep") as rep:
        assert rep.post("/v1/kb/documents", files={"file": ("a.md", b"# x\n\ny", "text/markdown")}).status_code == 403
    with acme.client("coach") as coach:
        again = coach.post("/v1/kb/documents", files={"file": (PLAYBOOK.name, PLAYBOOK.read_bytes(), "text/markdown")})
        assert again.status_code == 201 and again.json()["files"][0]["status"] == "unchanged"
        unsupported = coach.post("/v1/kb/documents", files={"file": ("song.mp3", b"ID3...", "audio/mpeg")})
        assert unsupported.status_code == 415 and ".md" in unsupported.json()["detail"]
        too_big = coach.post("/v1/kb/documents", files={"file": ("big.md", b"x" * (3 << 20), "text/markdown")})
        assert too_big.status_code == 413
        not_multipart = coach.post("/v1/kb/documents", json={"file": "x"})
        assert not_multipart.status_code == 415


def test_search_finds_the_price_script_and_is_tenant_scoped(server, acme):
    with acme.client("rep") as rep:
        hits = rep.get("/v1/kb/search", params={"q": "太贵了，预算不够", "k": 3}).json()
    assert len(hits) == 3 and hits[0]["metadata"]["objection_type"] == "price"
    assert {"id", "text", "source", "score", "metadata"} <= set(hits[0])
    with server.tenant("Globex").client("rep") as other:
        assert other.get("/v1/kb/search", params={"q": "太贵了"}).json() == []


def test_suggestion_feedback_feeds_the_heatmap(acme):
    call = json.loads(json.dumps(CALL_ZH))
    call["outcome"] = "won"
    with acme.client("rep") as rep:
        conversation_id = rep.post("/v1/conversations", json=call).json()["id"]
        suggestions = rep.post("/v1/suggestions", json={"conversation_id": conversation_id}).json()
        assert suggestions and all(s["citations"] for s in suggestions)
        first = suggestions[0]
        assert rep.post(f"/v1/suggestions/{first['id']}/feedback", json={"event": "used"}).json() == {"id": first["id"], "feedback": "used"}
        assert rep.post(f"/v1/suggestions/{first['id']}/feedback", json={"event": "ignored"}).status_code == 409
        assert rep.post("/v1/suggestions", json={"conversation_id": conversation_id, "at": 10_000}).status_code == 422
        assert rep.post("/v1/suggestions", json={}).status_code == 422
        cells = rep.get("/v1/kb/heatmap").json()
        html = rep.get("/v1/kb/heatmap", params={"format": "html"})
    used = [c for c in cells if c["used"]]
    assert {c["chunk_id"] for c in used} == set(first["citations"])
    assert all(c["won"] == 1 and c["lost"] == 0 for c in used)
    assert sum(c["shown"] for c in cells) >= len(suggestions)
    assert html.status_code == 200 and "<html" in html.text.lower()
