"""The durable push queue: prompts queued in the database with their message, pushed once by whichever push worker
claims them, after a restart too, and coalesced per chat.

The messages are taken in by the callback's own database code (integration_store.take_message) while no push
worker runs; then real push worker processes (integration_push.Pusher) are started on the same database and
push to the platform stand-in (platform_standin.py, a real HTTP server on 127.0.0.1) as the DingTalk group
robot. Runs on SQLite and on PostgreSQL (skipped when no PostgreSQL is reachable).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from platform_sender import DINGTALK_AES_KEY, DINGTALK_TOKEN
from platform_standin import APP_KEY, APP_SECRET, ROBOT_SECRET, ROBOT_TOKEN, PlatformStandIn
from sqlalchemy import select, update
from test_routes import wait_for

from integrations import IncomingMessage
from service import crud
from service.config import Settings
from service.integration_models import PushJobRow
from service.integration_push import Pusher
from service.integration_store import DingTalkSettings, claim_push, enqueue_push, fernet, finish_push, save_settings, take_message
from service.runtime import Runtime


REPO = Path(__file__).resolve().parents[2]
PLAYBOOK = REPO / "examples" / "kb" / "objections_zh.md"
ROBOT = "/robot/send"


@pytest.fixture
def standin():
    with PlatformStandIn() as running:
        yield running


@pytest.fixture
def settings(tmp_path, database_url, standin, monkeypatch) -> Settings:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # inherited by the spawned workers
    return Settings(data_dir=tmp_path, model_dir=REPO / ".dealwise" / "models", database_url=database_url, secret_key="push-queue-test",
                    dingtalk_base_url=standin.base_url, wecom_base_url=standin.base_url, chat_quiet_s=0, log_format="text")


@pytest.fixture
def runtime(settings) -> Runtime:
    made = Runtime(settings)
    yield made
    made.engine.dispose()


@pytest.fixture
def tenant_id(runtime) -> str:
    """A tenant with a playbook (so there is something to suggest) and a signed DingTalk group robot."""
    with runtime.session() as session:
        tenant, _ = crud.create_tenant(session, "推送队列")
        robot = DingTalkSettings(app_key=APP_KEY, app_secret=APP_SECRET, token=DINGTALK_TOKEN, aes_key=DINGTALK_AES_KEY,
                                 robot_webhook=ROBOT_TOKEN, robot_secret=ROBOT_SECRET)
        save_settings(session, tenant.id, robot, fernet(runtime.settings))
    report = runtime.knowledge_base(tenant.id).ingest([PLAYBOOK])
    assert not [f for f in report.files if f.status == "failed"]
    return tenant.id


def receive(runtime: Runtime, tenant_id: str, chat: str, text: str, msg_id: str) -> str:
    """What a DingTalk callback stores (the message and, in the same transaction, its push job); no worker is told."""
    message = IncomingMessage(platform="dingtalk", msg_id=msg_id, chat_id=chat, sender="$:LWCP_v1:$customer", role="customer",
                              text=text, time=datetime.now(UTC))
    with runtime.session() as session:
        return take_message(session, tenant_id, message).conversation_id


def prompts_for(standin: PlatformStandIn, chat: str) -> list[str]:
    """The suggestion prompts the robot got for `chat` (the heading names the chat), as markdown."""
    texts = [(call["body"] or {}).get("markdown", {}).get("text", "") for call in standin.calls(ROBOT)]
    return [text for text in texts if text.split("\n", 1)[0] == f"**客户新消息 · {chat}**"]


def statuses(runtime: Runtime) -> Counter:
    with runtime.session() as session:
        return Counter(session.scalars(select(PushJobRow.status)))


def all_done(runtime: Runtime, jobs: int) -> bool:
    return statuses(runtime) == Counter({"done": jobs})


def settle() -> None:
    """Long enough for a second (wrong) push: several looks at the table by every worker."""
    time.sleep(5)


def test_jobs_left_by_a_dead_service_are_pushed_once_by_the_next_worker(runtime, tenant_id, standin):
    # a chat a live worker claimed a moment ago: not taken over
    live = receive(runtime, tenant_id, "cidClaimedByLive", "价格能再便宜点吗", "msgLive1")
    with runtime.session() as session:
        taken_live = claim_push(session, timeout_s=300, max_attempts=3)
        assert taken_live is not None and taken_live.conversation_id == live
    # one a worker had claimed an hour ago when it died ...
    stale = receive(runtime, tenant_id, "cidLeftClaimed", "你们比竞品贵太多了", "msgClaimed1")
    with runtime.session() as session:
        taken = claim_push(session, timeout_s=300, max_attempts=3)
        assert taken is not None and taken.conversation_id == stale and taken.jobs == 1
        session.execute(update(PushJobRow).where(PushJobRow.claim == taken.claim)
                        .values(claimed_at=datetime.now(UTC) - timedelta(hours=1)))
    # ... and a message taken in while no worker ran (the service died before pushing it)
    receive(runtime, tenant_id, "cidLeftPending", "价格太贵了，超出预算", "msgPending1")
    assert standin.calls(ROBOT) == []

    pusher = Pusher(runtime.settings)  # the restarted service's worker
    try:
        wait_for(lambda: prompts_for(standin, "cidLeftPending") and prompts_for(standin, "cidLeftClaimed"))
        wait_for(lambda: statuses(runtime) == Counter({"done": 2, "claimed": 1}), timeout=60)
        settle()
    finally:
        pusher.stop()
    assert "价格太贵了" in prompts_for(standin, "cidLeftPending")[0] and "建议回复" in prompts_for(standin, "cidLeftPending")[0]
    assert len(prompts_for(standin, "cidLeftPending")) == 1 and len(prompts_for(standin, "cidLeftClaimed")) == 1
    assert prompts_for(standin, "cidClaimedByLive") == []  # still its live owner's
    with runtime.session() as session:
        row = session.scalars(select(PushJobRow).where(PushJobRow.conversation_id == live)).one()
        assert row.status == "claimed" and row.claim == taken_live.claim
        attempts = dict(session.execute(select(PushJobRow.conversation_id, PushJobRow.attempts)).all())
    assert sorted(attempts.values()) == [1, 1, 2]  # the dead worker's job: claimed twice


def test_two_workers_push_each_job_once(runtime, tenant_id, standin):
    chats = [f"cidTwoWorkers{n:02d}" for n in range(16)]
    for n, chat in enumerate(chats):
        receive(runtime, tenant_id, chat, f"价格太贵了，预算只有{n + 1}万", f"msgTwo{n:02d}")
    workers = [Pusher(runtime.settings), Pusher(runtime.settings)]  # two server processes' workers, started together
    try:
        wait_for(lambda: all(prompts_for(standin, chat) for chat in chats))
        wait_for(lambda: all_done(runtime, len(chats)), timeout=60)
        assert all(worker.alive() for worker in workers)
        settle()
    finally:
        for worker in workers:
            worker.stop()
    assert Counter(chat for chat in chats for _ in prompts_for(standin, chat)) == Counter(chats)  # each once
    assert len(standin.calls(ROBOT)) == len(chats)


def test_concurrent_claims_take_each_job_once(runtime, tenant_id):
    """The claim itself, from 4 threads at once: every chat's jobs go to exactly one claimer, all together."""
    expected = Counter()
    for n in range(12):
        for m in range(n % 3 + 1):
            expected[receive(runtime, tenant_id, f"cidClaim{n}", f"第{m}条", f"msgClaim{n}-{m}")] += 1
    start = threading.Barrier(4)
    claimed: list = []
    errors: list = []

    def claimer() -> None:
        start.wait()
        try:
            while True:
                with runtime.session() as session:
                    taken = claim_push(session, timeout_s=300, max_attempts=3)
                if taken is None:
                    return
                claimed.append(taken)
                with runtime.session() as session:
                    finish_push(session, taken.claim)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert Counter({c.conversation_id: c.jobs for c in claimed}) == expected
    assert len(claimed) == len(expected)  # one claim per chat
    assert all_done(runtime, sum(expected.values()))


def test_queued_messages_of_one_chat_become_one_prompt(runtime, tenant_id, standin):
    said = ["你好", "我们看了报价", "价格太贵了", "能不能便宜一点", "预算只有五万，超出预算了"]
    for n, text in enumerate(said):
        receive(runtime, tenant_id, "cidCoalesce", text, f"msgCoalesce{n}")
    receive(runtime, tenant_id, "cidCoalesceOther", "你们比竞品贵", "msgCoalesceOther")
    pusher = Pusher(runtime.settings)
    try:
        wait_for(lambda: prompts_for(standin, "cidCoalesce") and prompts_for(standin, "cidCoalesceOther"))
        wait_for(lambda: all_done(runtime, len(said) + 1), timeout=60)
        settle()
        prompts = prompts_for(standin, "cidCoalesce")
        assert len(prompts) == 1 and "预算只有五万" in prompts[0]  # one prompt, for the chat as it stands
        assert len(prompts_for(standin, "cidCoalesceOther")) == 1

        receive(runtime, tenant_id, "cidCoalesce", "那试用期能延长吗", "msgCoalesce9")  # a later message: a prompt of its own
        pusher.wake()
        wait_for(lambda: len(prompts_for(standin, "cidCoalesce")) == 2, timeout=120)
        assert "试用期" in prompts_for(standin, "cidCoalesce")[1]
    finally:
        pusher.stop()


def test_summary_jobs_and_the_pending_bound(runtime, tenant_id, monkeypatch, caplog):
    """A summary job of a chat is separate from its suggestion jobs; past the bound the oldest pending jobs are dropped."""
    from service import integration_push
    from service.integration_push import PushWorker

    conversation_id = receive(runtime, tenant_id, "cidBound", "价格太贵了", "msgBound1")
    with runtime.session() as session:
        for _ in range(4):
            enqueue_push(session, tenant_id, "dingtalk", conversation_id)
        enqueue_push(session, tenant_id, "dingtalk", conversation_id, "summary")
    monkeypatch.setattr(integration_push, "MAX_PENDING", 3)
    with caplog.at_level("WARNING", logger="dealwise.integrations"):
        PushWorker(runtime).upkeep()
    assert statuses(runtime) == Counter({"pending": 3, "dropped": 3})
    assert "dropped the 3 oldest" in caplog.text
    with runtime.session() as session:
        taken = [claim_push(session, timeout_s=300, max_attempts=3) for _ in range(3)]
    assert [(t.kind, t.jobs) for t in taken[:2]] == [("suggestion", 2), ("summary", 1)] and taken[2] is None


def test_a_job_whose_worker_keeps_dying_is_given_up(runtime, tenant_id, caplog):
    from service.integration_push import MAX_ATTEMPTS, PushWorker

    receive(runtime, tenant_id, "cidDying", "价格太贵了", "msgDying1")
    for _ in range(MAX_ATTEMPTS):
        with runtime.session() as session:
            assert claim_push(session, timeout_s=0, max_attempts=MAX_ATTEMPTS) is not None  # then "dies"
    with runtime.session() as session:
        assert claim_push(session, timeout_s=0, max_attempts=MAX_ATTEMPTS) is None
    with caplog.at_level("ERROR", logger="dealwise.integrations"):
        PushWorker(runtime, claim_timeout_s=0).upkeep()
    assert statuses(runtime) == Counter({"failed": 1}) and "given up" in caplog.text

