"""The REST API as a client sees it: a real `dealwise serve` (uvicorn) on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
from api_server import REPO, running_server

CALL_ZH = json.loads((REPO / "tests" / "behavior" / "data" / "call_zh.json").read_text(encoding="utf-8"))
JFK = REPO.parent / "shared" / "data" / "speech" / "jfk.flac"
# a checksum-valid mainland mobile number and ID card number (GB 11643 check digit X)
PHONE, ID_CARD = "13912345678", "11010519491231002X"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request, tmp_path_factory):
    with running_server(request.param, tmp_path_factory.mktemp(request.param), max_upload_mb="2") as server:
        yield server


@pytest.fixture(scope="module")
def acme(server):
    return server.tenant("Acme 销售部")


@pytest.fixture(scope="module")
def globex(server):
    return server.tenant("Globex")


@pytest.fixture(scope="module")
def stored(acme):
    """CALL_ZH stored by Acme, with PII spoken by the customer."""
    call = json.loads(json.dumps(CALL_ZH))
    call["metadata"] = {"rep": "rep07"}
    call["outcome"] = "won"
    customer = next(p["speaker"] for p in call["participants"] if p["role"] == "customer")
    segment = next(s for s in call["segments"] if s["speaker"] == customer)
    segment["text"] += f" 我手机是{PHONE},身份证{ID_CARD}。"
    with acme.client() as client:
        response = client.post("/v1/conversations", json=call)
    assert response.status_code == 201, response.text
    return response.json()


def test_health_and_metrics(server):
    assert httpx.get(server.url + "/healthz").json() == {"status": "ok"}
    httpx.get(server.url + "/healthz")
    metrics = httpx.get(server.url + "/metrics").text
    assert 'dealwise_http_requests_total{method="GET",route="/healthz",status="200"}' in metrics


def test_requests_are_logged_as_json_lines(server, stored):
    lines = [json.loads(line) for log in server.data_dir.glob("server-*.log") for line in log.read_text().splitlines() if line.startswith("{")]
    posted = [e for e in lines if e.get("logger") == "dealwise.access" and e.get("route") == "/v1/conversations" and e.get("method") == "POST"]
    assert posted and posted[0]["status"] == 201 and posted[0]["duration_ms"] > 0 and posted[0]["level"] == "info"


def test_keys_are_required_and_checked(server):
    assert httpx.get(server.url + "/v1/conversations").status_code == 401
    bad = httpx.get(server.url + "/v1/conversations", headers={"Authorization": "Bearer dw_not-a-key"})
    assert bad.status_code == 401 and "unknown" in bad.json()["detail"]


def test_conversation_json_is_analysed_and_stored(acme, stored):
    assert stored["features"]["rep_talk_s"] > 0 and stored["features"]["talk_ratio"] is not None
    assert stored["objection_types"] and all(o["labels"] for o in stored["objections"])
    with acme.client("coach") as client:
        again = client.get(f"/v1/conversations/{stored['id']}").json()
    assert again["conversation"]["id"] == stored["id"]
    assert again["features"] == stored["features"]
    assert again["conversation"]["segments"][0]["text"] == CALL_ZH["segments"][0]["text"]


def test_pii_is_masked_at_rest(stored):
    text = json.dumps(stored, ensure_ascii=False)
    assert PHONE not in text and ID_CARD not in text
    assert "139****5678" in text and "1101**********002X" in text


def test_list_filters_and_pages(acme, stored):
    with acme.client() as client:
        for outcome in ("lost", "lost"):
            call = {**CALL_ZH, "outcome": outcome, "metadata": {"rep": "rep09"}}
            assert client.post("/v1/conversations", json=call).status_code == 201
        page = client.get("/v1/conversations", params={"rep": "rep07"}).json()
        assert [item["id"] for item in page["items"]] == [stored["id"]]
        lost = client.get("/v1/conversations", params={"outcome": "lost", "limit": 1}).json()
        assert len(lost["items"]) == 1 and lost["next_offset"] == 1
        rest = client.get("/v1/conversations", params={"outcome": "lost", "limit": 1, "offset": 1}).json()
        assert len(rest["items"]) == 1 and rest["next_offset"] is None
        assert rest["items"][0]["id"] != lost["items"][0]["id"]
        future = client.get("/v1/conversations", params={"since": "2999-01-01T00:00:00Z"}).json()
        assert future["items"] == []


def test_tenants_are_isolated(globex, stored):
    with globex.client() as client:
        assert client.get(f"/v1/conversations/{stored['id']}").status_code == 404
        assert client.get("/v1/conversations").json()["items"] == []


def test_bad_input_is_a_clear_4xx(acme):
    with acme.client() as client:
        malformed = client.post("/v1/conversations", content=b'{"language": "zh",', headers={"Content-Type": "application/json"})
        assert malformed.status_code == 422 and "JSON" in malformed.json()["detail"]
        schema = client.post("/v1/conversations", json={**CALL_ZH, "channel": "fax"})
        assert schema.status_code == 422 and "channel" in schema.json()["detail"]
        one_speaker = {**CALL_ZH, "segments": [s for s in CALL_ZH["segments"] if s["speaker"] == CALL_ZH["segments"][0]["speaker"]]}
        assert client.post("/v1/conversations", json=one_speaker).status_code == 422
        assert client.post("/v1/conversations", content=b"hello", headers={"Content-Type": "text/plain"}).status_code == 415
        pdf = client.post("/v1/conversations", files={"file": ("notes.pdf", b"%PDF-1.4", "application/pdf")})
        assert pdf.status_code == 415
        big = client.post("/v1/conversations", files={"file": ("call.wav", b"\0" * (3 * 1024 * 1024), "audio/wav")})
        assert big.status_code == 413
        assert client.get("/v1/conversations/nope").status_code == 404
        assert client.get("/v1/jobs/nope").status_code == 404
        assert client.get("/v1/conversations", params={"limit": 0}).status_code == 422
        assert client.post("/v1/objections:classify", json={"items": []}).status_code == 422


def test_objections_classify(acme):
    items = [{"text": "你们的价格太贵了,超出预算", "role": "customer"}, {"text": "价格太贵了吗?", "role": "rep"},
             {"text": "Let me think about it and get back to you.", "role": "customer"}]
    with acme.client("rep") as client:
        out = client.post("/v1/objections:classify", json={"items": items}).json()["items"]
    assert [o["text"] for o in out] == [i["text"] for i in items]
    assert "price" in out[0]["labels"] and out[1]["labels"] == [] and "stall" in out[2]["labels"]


def _wait_for_job(client: httpx.Client, job_id: str, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/v1/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} still {job['status']}")


def test_audio_upload_is_a_durable_job_and_idempotent(acme, globex):
    audio = JFK.read_bytes()
    with acme.client() as client:
        accepted = client.post("/v1/conversations", files={"file": ("jfk.flac", audio, "audio/flac")}, data={"language": "en"})
        assert accepted.status_code == 202, accepted.text
        job = _wait_for_job(client, accepted.json()["id"])
        assert job["status"] == "done", job
        conversation = client.get(f"/v1/conversations/{job['conversation_id']}").json()["conversation"]
        assert "ask not what your country can do for you" in " ".join(s["text"] for s in conversation["segments"]).lower()
        again = client.post("/v1/conversations", files={"file": ("same.flac", audio, "audio/flac")}, data={"language": "en"})
        assert again.json()["id"] == job["id"] and again.json()["conversation_id"] == job["conversation_id"]
    with globex.client() as client:
        assert client.get(f"/v1/jobs/{job['id']}").status_code == 404


def test_unreadable_audio_fails_the_job_with_a_reason(acme):
    with acme.client() as client:
        accepted = client.post("/v1/conversations", files={"file": ("broken.wav", b"RIFF....WAVEfmt garbage", "audio/wav")})
        job = _wait_for_job(client, accepted.json()["id"])
    assert job["status"] == "failed" and job["error"] and "Traceback" not in job["error"]


def test_openapi_documents_the_routes(server):
    schema = httpx.get(server.url + "/openapi.json").json()
    assert {"/v1/conversations", "/v1/conversations/{conversation_id}", "/v1/jobs/{job_id}", "/v1/objections:classify"} <= set(schema["paths"])
    assert "Conversation" in schema["components"]["schemas"]
