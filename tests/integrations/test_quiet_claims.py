"""The database half of quiet-chat summaries: which chats are due, claimed once, armed again by a new message.

On a SQLite file (the end-to-end test, test_quiet_summary.py, covers pushes, restarts and two processes).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

import storage
from integrations import IncomingMessage
from service.integration_models import ChatLink
from service.integration_store import QuietChat, claim_quiet_chats, mark_summarized, take_message
from service.models import Tenant

HOUR = 3600


@pytest.fixture
def sessions(tmp_path):
    storage.import_models()
    engine = storage.make_engine(f"sqlite:///{tmp_path / 'dealwise.db'}")
    storage.create_schema(engine)
    made = sessionmaker(engine, expire_on_commit=False)
    with made.begin() as session:
        session.add(Tenant(id="t1", name="tenant"))
    yield made
    engine.dispose()


def receive(sessions, msg_id: str, chat_id: str = "cidGroup", sender: str = "$:customer", role: str = "customer") -> str:
    message = IncomingMessage(platform="dingtalk", msg_id=msg_id, chat_id=chat_id, sender=sender, role=role,
                              text="价格太贵了", time=datetime.now(UTC))
    with sessions.begin() as session:
        return take_message(session, "t1", message).conversation_id


def claim(sessions, quiet_s: float) -> list[QuietChat]:
    with sessions.begin() as session:
        return claim_quiet_chats(session, quiet_s)


def age(sessions, seconds: float) -> None:
    """As if every chat's newest unsummarized message had arrived `seconds` earlier."""
    with sessions.begin() as session:
        for link in session.scalars(select(ChatLink).where(ChatLink.last_unsummarized_at.is_not(None))):
            link.last_unsummarized_at -= timedelta(seconds=seconds)


def test_a_quiet_chat_is_claimed_once_and_armed_again_by_a_message(sessions):
    conversation_id = receive(sessions, "m1")
    assert claim(sessions, HOUR) == []  # not quiet yet
    age(sessions, 2 * HOUR)
    assert claim(sessions, HOUR) == [QuietChat("t1", "dingtalk", conversation_id)]
    assert claim(sessions, HOUR) == []  # claimed: never again for the same messages
    age(sessions, 2 * HOUR)
    assert claim(sessions, HOUR) == []

    receive(sessions, "m2", sender="staff-wang", role="rep")  # any new message arms it again
    assert claim(sessions, HOUR) == []
    age(sessions, 2 * HOUR)
    assert claim(sessions, HOUR) == [QuietChat("t1", "dingtalk", conversation_id)]


def test_a_summary_pushed_on_demand_disarms_it(sessions):
    conversation_id = receive(sessions, "m1")
    other = receive(sessions, "m2", chat_id="cidOther")
    with sessions.begin() as session:
        mark_summarized(session, "t1", conversation_id)
    age(sessions, 2 * HOUR)
    assert claim(sessions, HOUR) == [QuietChat("t1", "dingtalk", other)]


def test_concurrent_claims_push_each_chat_once(sessions):
    chats = [receive(sessions, f"m{n}", chat_id=f"cid{n}") for n in range(20)]
    age(sessions, 2 * HOUR)
    start = threading.Barrier(4)
    claimed: list[QuietChat] = []

    def claimer() -> None:
        start.wait()
        claimed.extend(claim(sessions, HOUR))

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(c.conversation_id for c in claimed) == sorted(chats)
