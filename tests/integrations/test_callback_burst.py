"""A burst of 1,000 platform callbacks from 20 concurrent senders (loopback only): every message is stored
exactly once, none lost, none duplicated, in bounded time; on SQLite and on PostgreSQL.

Senders 0-9 are WeCom customers, each in their own chat; senders 10-19 are DingTalk customers two to a group
chat, so two senders append to the same Conversation at the same time. Every tenth message is delivered a
second time with a fresh nonce, as a platform retries one it thinks was lost. The tenant has no playbook, so
the push worker tags each chat and finds nothing to suggest: the burst measures the callbacks, not retrieval.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx
import pytest
from platform_sender import DINGTALK_AES_KEY, DINGTALK_TOKEN, WECOM_AES_KEY, WECOM_TOKEN, dingtalk_post, robot_message, wecom_post, wecom_text
from platform_standin import APP_KEY, APP_SECRET, CORP_ID, CORP_SECRET, PlatformStandIn

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "service"))
from api_server import Server, running_server  # noqa: E402

SENDERS, PER_SENDER = 20, 50
BOUND_S = 240  # measured 17 s on 2 cores shared with other work; the bound catches a lock-up, not a slow machine


@pytest.fixture(params=["sqlite", "postgres"])
def server(request, tmp_path):
    with PlatformStandIn() as standin, running_server(
        request.param, tmp_path, wecom_base_url=standin.base_url, dingtalk_base_url=standin.base_url
    ) as server:
        yield server


def _send(server: Server, tenant_id: str, sender: int, results: Counter, expected: dict[str, list[str]]) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        for n in range(PER_SENDER):
            text = f"第{sender}位客户的第{n}条消息"
            if sender < 10:
                chat = f"wmBurstCustomer{sender}"
                plain = wecom_text(chat, text, f"{sender:02d}{n:04d}", CORP_ID)
                deliveries = [wecom_post(plain, CORP_ID) for _ in range(2 if n % 10 == 0 else 1)]
                url = f"/integrations/wecom/{tenant_id}/callback"
            else:
                chat = f"cidBurstGroup{(sender - 10) // 2}"
                event = robot_message(text, f"msgBurst{sender}-{n}", chat, sender=f"$:LWCP_v1:$customer{sender}")
                deliveries = [dingtalk_post(event, APP_KEY) for _ in range(2 if n % 10 == 0 else 1)]
                url = f"/integrations/dingtalk/{tenant_id}/callback"
            expected[chat].append(text)
            for params, body in deliveries:
                results[client.post(url, params=params, content=body).status_code] += 1


def test_a_burst_is_stored_exactly_once(server):
    tenant = server.tenant("burst")
    for platform, options in (
        ("wecom", ["--corp-id", CORP_ID, "--agent-id", "1000002", "--secret", CORP_SECRET, "--token", WECOM_TOKEN,
                   "--aes-key", WECOM_AES_KEY, "--notify", "rep-zhang"]),
        ("dingtalk", ["--app-key", APP_KEY, "--app-secret", APP_SECRET, "--token", DINGTALK_TOKEN, "--aes-key", DINGTALK_AES_KEY]),
    ):
        configured = server.cli("integrations", "set", platform, "--tenant", tenant.id, *options)
        assert configured.returncode == 0, configured.stderr

    results: Counter = Counter()
    expected: dict[str, list[str]] = defaultdict(list)
    threads = [threading.Thread(target=_send, args=(server, tenant.id, i, results, expected)) for i in range(SENDERS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(BOUND_S)
    elapsed = time.monotonic() - started
    deliveries = SENDERS * PER_SENDER * 11 // 10
    print(f"\n{deliveries} callbacks ({SENDERS * PER_SENDER} messages) from {SENDERS} senders in {elapsed:.1f} s")
    assert not any(thread.is_alive() for thread in threads) and elapsed < BOUND_S
    assert results == Counter({200: deliveries})

    stored: dict[str, list[str]] = {}
    with tenant.client() as client:
        for item in client.get("/v1/conversations", params={"limit": 200}).json()["items"]:
            conversation = client.get(f"/v1/conversations/{item['id']}").json()["conversation"]
            chat = conversation["metadata"]["chat_id"]
            assert chat not in stored, f"two conversations for chat {chat}"
            stored[chat] = [segment["text"] for segment in conversation["segments"]]
    assert set(stored) == set(expected)
    for chat, texts in expected.items():
        assert Counter(stored[chat]) == Counter(texts), f"chat {chat}: lost or duplicated messages"
    assert sum(len(texts) for texts in stored.values()) == SENDERS * PER_SENDER
