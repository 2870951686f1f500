"""A WeCom/DingTalk chat's stored analysis (features, objections, hints) follows the chat, computed by the push worker.

The callback stores the message and one job row, never an analysis (it is CPU-heavy); the push worker analyses
the chat as POST /v1/conversations analyses a conversation, after a customer's message (with its prompt) and
after a rep's (an 'analysis' job), and writes the analysis only while the chat is still the one it analysed.

End to end: a real `dealwise serve` taking signed DingTalk callbacks, read back through GET /v1/conversations;
the queue and the guarded write on the database directly. On SQLite and on PostgreSQL (skipped when no
PostgreSQL is reachable).
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from platform_sender import DINGTALK_AES_KEY, DINGTALK_TOKEN, dingtalk_post, robot_message
from platform_standin import APP_KEY, APP_SECRET, PlatformStandIn
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker
from test_routes import wait_for

import storage
from integrations import IncomingMessage
from service.integration_models import PushJobRow
from service.integration_store import claim_push, store_analysis, take_message
from service.models import ConversationRecord, Tenant

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "service"))
from api_server import running_server  # noqa: E402

CHAT = "cidAnalysedGroup"
CUSTOMER = "$:LWCP_v1:$customerLi"


@pytest.fixture(params=["sqlite", "postgres"])
def database(request):
    return request.param


# --- end to end: callbacks in, the analysis out through the API ------------------------------------------------------


def say(server, tenant_id: str, text: str, msg_id: str, **sender) -> None:
    """A message in the DingTalk group chat, through the signed callback; a customer's unless `staff_id` is given."""
    params, body = dingtalk_post(robot_message(text, msg_id, CHAT, sender=sender.pop("sender", CUSTOMER), **sender), APP_KEY)
    response = httpx.post(f"{server.url}/integrations/dingtalk/{tenant_id}/callback", params=params, content=body, timeout=30)
    assert response.status_code == 200, response.text


def chat_id_of(client: httpx.Client) -> str:
    items = [item for item in client.get("/v1/conversations", params={"limit": 200}).json()["items"] if item["channel"] == "chat"]
    assert len(items) == 1
    return items[0]["id"]


def read(client: httpx.Client, conversation_id: str) -> dict:
    response = client.get(f"/v1/conversations/{conversation_id}")
    assert response.status_code == 200, response.text
    return response.json()


def listed_types(client: httpx.Client, conversation_id: str) -> list[str]:
    items = client.get("/v1/conversations", params={"limit": 200}).json()["items"]
    return next(item["objection_types"] for item in items if item["id"] == conversation_id)


def test_a_chats_analysis_follows_its_messages(database, tmp_path):
    with PlatformStandIn() as standin, running_server(
        database, tmp_path, wecom_base_url=standin.base_url, dingtalk_base_url=standin.base_url, chat_quiet_s="0"
    ) as server:
        tenant = server.tenant("会话分析")
        configured = server.cli("integrations", "set", "dingtalk", "--tenant", tenant.id, "--app-key", APP_KEY,
                                "--app-secret", APP_SECRET, "--token", DINGTALK_TOKEN, "--aes-key", DINGTALK_AES_KEY)
        assert configured.returncode == 0, configured.stderr
        with tenant.client() as client:
            # the customer alone so far: objections, but no behavior features yet (they compare rep and customer)
            say(server, tenant.id, "太贵了，预算不够", "msgAnalysis01", nick="李总")
            conversation_id = chat_id_of(client)
            first = wait_for(lambda: read(client, conversation_id) if read(client, conversation_id)["objection_types"] else None)
            assert first["objection_types"] == ["price"] and first["features"] is None and first["hints"] == []
            assert [(o["segment"], o["speaker"], o["labels"]) for o in first["objections"]] == [(0, CUSTOMER, ["price"])]
            assert listed_types(client, conversation_id) == ["price"]

            # the rep answers: no prompt for that, but the chat is analysed again, now in full
            say(server, tenant.id, "理解，我们可以分三期付款", "msgAnalysis02", staff_id="staff-wang", nick="王销售")
            full = wait_for(lambda: read(client, conversation_id) if read(client, conversation_id)["features"] else None, timeout=60)
            assert [s["text"] for s in full["conversation"]["segments"]] == ["太贵了，预算不够", "理解，我们可以分三期付款"]
            # exactly what POST /v1/conversations stores for the same conversation
            posted = client.post("/v1/conversations", json=full["conversation"])
            assert posted.status_code == 201, posted.text
            expected = posted.json()
            for key in ("features", "objections", "objection_types", "hints"):
                assert full[key] == expected[key], key
            assert full["objection_types"] == ["price"] and full["features"]

            # a later customer message: its prompt's job analyses the chat as it stands then
            say(server, tenant.id, "我们还在和别家比较，你们比竞品贵", "msgAnalysis03", nick="李总")
            later = wait_for(lambda: read(client, conversation_id) if len(read(client, conversation_id)["objections"]) == 2 else None,
                             timeout=60)
            assert later["objection_types"] == ["competitor", "price"] and later["features"]
            assert [o["segment"] for o in later["objections"]] == [0, 2]
            assert listed_types(client, conversation_id) == ["competitor", "price"]


# --- the queue and the guarded write, on the database ------------------------------------------------------------------


@pytest.fixture
def sessions(database_url, tmp_path):
    storage.import_models()
    engine = storage.make_engine(database_url or f"sqlite:///{tmp_path / 'dealwise.db'}")
    storage.create_schema(engine)
    made = sessionmaker(engine, expire_on_commit=False)
    with made.begin() as session:
        session.add(Tenant(id="t1", name="tenant"))
    try:
        yield made
    finally:
        engine.dispose()


def receive(sessions, chat: str, msg_id: str, text: str = "价格太贵了", role: str = "customer") -> str:
    sender = "$:customer" if role == "customer" else "staff-wang"
    message = IncomingMessage(platform="dingtalk", msg_id=msg_id, chat_id=chat, sender=sender, role=role, text=text,
                              time=datetime.now(UTC))
    with sessions.begin() as session:
        return take_message(session, "t1", message).conversation_id


def test_the_callback_queues_a_job_for_every_message_and_analyses_nothing(sessions):
    conversation_id = receive(sessions, "cidJobs", "m1")
    receive(sessions, "cidJobs", "m2", "您好，可以分期", role="rep")
    receive(sessions, "cidJobs", "m2", "您好，可以分期", role="rep")  # a redelivery: nothing new
    with sessions.begin() as session:
        jobs = Counter(session.execute(select(PushJobRow.kind, PushJobRow.status)).all())
        record = session.get(ConversationRecord, conversation_id)
        assert record.analysis is None and len(record.conversation["segments"]) == 2
    assert jobs == Counter({("suggestion", "pending"): 1, ("analysis", "pending"): 1})


def test_prompts_are_claimed_first_with_their_chats_analysis_jobs(sessions):
    quiet = receive(sessions, "cidRepOnly", "q1", "合同已发您", role="rep")  # the oldest job: an analysis
    busy = receive(sessions, "cidBusy", "b1", "您好", role="rep")
    receive(sessions, "cidBusy", "b2")
    receive(sessions, "cidBusy", "b3", "好的我看看", role="rep")
    other = receive(sessions, "cidOther", "o1")
    with sessions.begin() as session:
        taken = [claim_push(session, timeout_s=300, max_attempts=3) for _ in range(4)]
    assert [(t.conversation_id, t.kind, t.jobs) for t in taken[:3]] == [
        (busy, "suggestion", 3),  # its prompt, and the analyses of the rep's messages before and after it
        (other, "suggestion", 1),
        (quiet, "analysis", 1),  # once no prompt waits
    ]
    assert taken[3] is None


def test_the_analysis_is_written_only_for_the_chat_it_analysed(sessions):
    conversation_id = receive(sessions, "cidGuarded", "g1")
    with sessions.begin() as session:
        analysed = session.get(ConversationRecord, conversation_id).conversation
    receive(sessions, "cidGuarded", "g2", "您好，可以分期", role="rep")  # arrives while `analysed` is being analysed
    stale = {"features": None, "objections": [], "objection_types": ["stale"], "hints": []}
    with sessions.begin() as session:
        assert store_analysis(session, "t1", conversation_id, analysed, stale) is False
        assert store_analysis(session, "t2", conversation_id, analysed, stale) is False  # another tenant's id
    with sessions.begin() as session:
        record = session.get(ConversationRecord, conversation_id)
        assert record.analysis is None
        current = record.conversation
    fresh = {"features": {"talk_ratio": 0.5}, "objections": [], "objection_types": ["price"], "hints": []}
    with sessions.begin() as session:
        assert store_analysis(session, "t1", conversation_id, current, fresh) is True
    with sessions.begin() as session:
        record = session.get(ConversationRecord, conversation_id)
        assert record.analysis == fresh and record.conversation == current  # the body is left as it was
