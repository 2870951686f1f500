"""WebSocket /v1/live against a real server: turns in; objections, suggestions, hints out; stored at the end."""

from __future__ import annotations

import json

import pytest
from api_server import REPO, Server
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

JFK = REPO.parent / "shared" / "data" / "speech" / "jfk.flac"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("live")
    from knowledge_base import KnowledgeBase

    from service.runtime import tenant_collection

    server = Server(data_dir)
    try:
        server.start()
        tenant = server.tenant("Acme")
        KnowledgeBase(data_dir / "kb", "e5", collection=tenant_collection("playbook", tenant.id)).ingest([REPO / "examples" / "kb"])
        yield server, tenant
    finally:
        server.stop()


def _url(server: Server, key: str) -> str:
    return server.url.replace("http://", "ws://") + f"/v1/live?key={key}"


def _until(ws, kind: str, limit: int = 50) -> list[dict]:
    """Events up to and including the first of `kind`."""
    seen = []
    for _ in range(limit):
        seen.append(json.loads(ws.recv(timeout=300)))
        if seen[-1]["type"] == kind:
            return seen
    raise AssertionError(f"no {kind} event in {seen}")


def test_live_turns_get_objections_suggestions_hints_and_are_stored(live):
    server, tenant = live
    with connect(_url(server, tenant.admin_key)) as ws:
        assert json.loads(ws.recv(timeout=30))["type"] == "ready"
        ws.send(json.dumps({"type": "turn", "speaker": "rep", "text": "王总您好,我是云帆科技的小李,想了解一下贵司目前的报销流程。", "ts": 0}))
        assert _until(ws, "transcript")[-1]["final"] is True
        ws.send(json.dumps({"type": "turn", "speaker": "customer", "text": "你们这个价格太贵了,我们预算不够。", "ts": 8}))
        events = _until(ws, "suggestion")
        objection = next(e for e in events if e["type"] == "objection")
        assert "price" in objection["labels"] and objection["segment"] == 1
        suggestion = events[-1]
        assert suggestion["citations"] and suggestion["text"] and suggestion["objection_type"] == "price"
        ws.send(json.dumps({"type": "turn", "speaker": "customer", "text": "我们再考虑考虑吧,回头再说。", "ts": 20}))
        countdown = next(e for e in _until(ws, "hint") if e["type"] == "hint")
        assert countdown["key"] == "stall_countdown" and countdown["remaining_s"] == 90
        ws.send(json.dumps({"type": "turn", "speaker": "rep", "text": "理解,要不我们先开两周免费试用,小范围跑一下看看效果?", "ts": 40}))
        answered = [e for e in _until(ws, "hint") if e["type"] == "hint"]
        assert answered[-1]["key"] == "stall_answered"
        ws.send("not json")
        assert "JSON" in _until(ws, "error")[-1]["detail"]
        ws.send(json.dumps({"type": "turn", "speaker": "boss", "text": "hi"}))
        assert "speaker" in _until(ws, "error")[-1]["detail"]
        ws.send(json.dumps({"type": "end"}))
        stored = _until(ws, "stored")[-1]["conversation_id"]
    import httpx

    conversation = httpx.get(f"{server.url}/v1/conversations/{stored}", headers={"Authorization": f"Bearer {tenant.admin_key}"}).json()
    assert [s["speaker"] for s in conversation["conversation"]["segments"]] == ["rep", "customer", "customer", "rep"]
    assert "price" in conversation["objection_types"] and "stall" in conversation["objection_types"]
    # the rep's "used" click on a live suggestion is credited to the stored call in the usage heatmap
    headers = {"Authorization": f"Bearer {tenant.admin_key}"}
    used = httpx.post(f"{server.url}/v1/suggestions/{suggestion['id']}/feedback", json={"event": "used"}, headers=headers)
    assert used.status_code == 200, used.text
    cells = httpx.get(f"{server.url}/v1/kb/heatmap", headers=headers).json()
    assert {c["chunk_id"] for c in cells if c["used"]} == set(suggestion["citations"])


def test_a_dropped_connection_still_stores_the_conversation(live):
    server, tenant = live
    ws = connect(_url(server, tenant.admin_key))
    ws.recv(timeout=30)
    ws.send(json.dumps({"type": "turn", "speaker": "customer", "text": "Honestly we are happy with our current vendor.", "ts": 1}))
    _until(ws, "transcript")
    ws.close()  # no "end": the server must keep what was said
    import time

    import httpx

    headers = {"Authorization": f"Bearer {tenant.admin_key}"}
    for _ in range(100):
        items = httpx.get(f"{server.url}/v1/conversations", headers=headers).json()["items"]
        if any(item["language"] == "en" for item in items):
            break
        time.sleep(0.2)
    stored = next(item for item in items if item["language"] == "en")
    segments = httpx.get(f"{server.url}/v1/conversations/{stored['id']}", headers=headers).json()["conversation"]["segments"]
    assert segments[0]["text"] == "Honestly we are happy with our current vendor."


def test_live_audio_stream_gives_partials_and_finals(live):
    from speech.audio import load_audio

    server, tenant = live
    pcm = (load_audio(JFK) * 32767).astype("<i2").tobytes()
    # recognition keeps both cores busy: no client keepalive pings to time out meanwhile
    with connect(_url(server, tenant.admin_key), ping_interval=None) as ws:
        ws.recv(timeout=30)
        ws.send(json.dumps({"type": "audio_start", "sample_rate": 16000, "channels": 1, "language": "en"}))
        assert _until(ws, "audio_ready")[-1]["channels"] == 1
        step = 16000 * 2  # one second of PCM16
        for i in range(0, len(pcm), step):
            ws.send(pcm[i : i + step])
        ws.send(json.dumps({"type": "audio_end"}))
        ws.send(json.dumps({"type": "end"}))
        events = _until(ws, "stored", limit=500)
    finals = [e for e in events if e["type"] == "transcript" and e["final"]]
    assert any(e["type"] == "transcript" and not e["final"] for e in events)
    assert "ask not what your country can do for you" in " ".join(e["text"] for e in finals).lower()
    assert events[-1]["conversation_id"]


def test_live_customer_audio_gets_suggestions_after_its_transcript(live):
    """What the customer says on a call is answered from the playbook like a typed turn, and the transcript
    goes out first (tagging and retrieval never delay it)."""
    from speech.audio import load_audio

    server, tenant = live
    pcm = (load_audio(JFK) * 32767).astype("<i2").tobytes()
    with connect(_url(server, tenant.admin_key), ping_interval=None) as ws:
        ws.recv(timeout=30)
        ws.send(json.dumps({"type": "audio_start", "sample_rate": 16000, "channels": 1, "speaker": "customer", "language": "en"}))
        _until(ws, "audio_ready")
        for i in range(0, len(pcm), 32000):
            ws.send(pcm[i : i + 32000])
        ws.send(json.dumps({"type": "audio_end"}))
        ws.send(json.dumps({"type": "end"}))
        events = _until(ws, "stored", limit=500)
    finals = [e for e in events if e["type"] == "transcript" and e["final"]]
    assert finals and all(e["speaker"] == "customer" for e in finals)
    for final in finals:
        answers = [e for e in events if e["type"] == "suggestion" and e["segment"] == final["segment"]]
        assert answers and all(a["citations"] for a in answers), final["text"]
        assert events.index(final) < events.index(answers[0])


def test_live_needs_a_key(live):
    server, _ = live
    with pytest.raises(InvalidStatus):
        connect(_url(server, "dw_wrong"))
